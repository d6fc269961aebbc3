"""Operations routes: ``/metrics`` (Prometheus text format) and ``/healthz/workers`` (rq workers
alive, with their last heartbeat)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from ingest.config import Settings
from ingest.db import Database
from ingest.errors import IngestError
from ingest.logs import get_logger
from ingest.services.metrics import CONTENT_TYPE, QueueFigures, metrics_text

log = get_logger(__name__)

blueprint = Blueprint("operations", __name__)


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _redis_url() -> str | None:
    settings: Settings = current_app.extensions["review_ui.settings"]
    return settings.redis_url


def _redis() -> Any:
    """The app's Redis connection, made on first use (never at import or in the factory)."""
    from ingest.queue.runners import connect_redis

    conn = current_app.extensions.get("review_ui.redis")
    if conn is None:
        url = _redis_url()
        assert url is not None
        conn = connect_redis(url)
        current_app.extensions["review_ui.redis"] = conn
    return conn


def queue_figures() -> QueueFigures | None:
    if not _redis_url():
        return None
    from ingest.queue.status import queue_figures

    try:
        return queue_figures(_redis())
    except IngestError as exc:
        log.warning("metrics: Redis did not answer", error=exc.message)
        current_app.extensions.pop("review_ui.redis", None)
        return QueueFigures(up=False)


@blueprint.get("/metrics")
def metrics() -> Response:
    body = metrics_text(_db(), queue_figures())
    return Response(body, status=200, content_type=CONTENT_TYPE)


@blueprint.get("/healthz/workers")
def workers_health() -> tuple[Response, int]:
    """200 when at least one rq worker is alive, 503 otherwise (or when Redis does not answer);
    without Redis there are no workers to check: the work runs in the serving processes."""
    if not _redis_url():
        return jsonify(status="ok", redis="not configured", workers=[]), 200
    from ingest.queue.liveness import workers

    try:
        found = workers(_redis())
    except Exception as exc:  # whatever the reason, the answer is "not healthy"
        log.warning("review UI: worker health check failed", error=repr(exc))
        current_app.extensions.pop("review_ui.redis", None)
        return jsonify(status="error", redis="error", workers=[]), 503
    alive = sum(1 for w in found if w.alive)
    body = jsonify(
        status="ok" if alive else "error",
        redis="ok",
        alive=alive,
        workers=[w.as_record() for w in found],
    )
    return body, 200 if alive else 503
