"""The composition root: builds the pipeline and the runner from settings. Used by entry points."""

from __future__ import annotations

from ingest.config import Settings
from ingest.db import Database
from ingest.domain.rules import RuleSet, Thresholds
from ingest.parsers.registry import default_registry
from ingest.services.deps import Pipeline, Runner
from ingest.services.templates import load_templates


def build_pipeline(settings: Settings) -> Pipeline:
    threshold = settings.auto_commit_threshold
    templates = load_templates(settings.templates_folder).templates  # broken ones are logged, skipped
    return Pipeline(
        settings=settings,
        db=Database(settings.database_url),
        registry=default_registry(max_bytes=settings.max_document_bytes, templates=templates),
        default_rules=RuleSet(thresholds=Thresholds(customer=threshold, line=threshold)),
    )


def build_runner(pipeline: Pipeline) -> Runner:
    """rq workers when INGEST_REDIS_URL is set, otherwise this process."""
    from ingest.queue.runners import InProcessRunner, RqRunner, connect_redis

    if pipeline.settings.redis_url:
        return RqRunner(pipeline, connect_redis(pipeline.settings.redis_url))
    return InProcessRunner(pipeline)
