"""The composition root: builds the pipeline and the runner from settings. Used by entry points."""

from __future__ import annotations

from ingest.config import Settings
from ingest.db import Database
from ingest.domain.rules import RuleSet, Thresholds
from ingest.parsers.registry import default_registry
from ingest.services.deps import OutboxDispatcher, Pipeline, Runner
from ingest.services.templates import load_templates


def build_pipeline(settings: Settings) -> Pipeline:
    threshold = settings.auto_commit_threshold
    templates = load_templates(settings.templates_folder).templates  # broken ones are logged, skipped
    db = Database(settings.database_url)
    return Pipeline(
        settings=settings,
        db=db,
        registry=default_registry(max_bytes=settings.max_document_bytes, templates=templates),
        default_rules=RuleSet(thresholds=Thresholds(customer=threshold, line=threshold)),
        outbox=build_outbox_dispatcher(settings, db),
    )


def build_outbox_dispatcher(settings: Settings, db: Database) -> OutboxDispatcher:
    """Outbox entries go on the outbound queue when INGEST_REDIS_URL is set (connecting on first
    use), otherwise they are delivered in this process."""
    if settings.redis_url:
        from ingest.queue.outbox import RqOutboxDispatcher

        return RqOutboxDispatcher(db, url=settings.redis_url)
    from ingest.services.outbox import InProcessDispatcher, delivery_context

    return InProcessDispatcher(delivery_context(settings, db))


def build_runner(pipeline: Pipeline) -> Runner:
    """rq workers when INGEST_REDIS_URL is set, otherwise this process."""
    from ingest.queue.runners import InProcessRunner, RqRunner, connect_redis

    if pipeline.settings.redis_url:
        return RqRunner(pipeline, connect_redis(pipeline.settings.redis_url))
    return InProcessRunner(pipeline)
