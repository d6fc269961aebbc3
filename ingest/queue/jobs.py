"""Job functions: ids in, nothing out. Each loads what it needs and calls one service."""

from __future__ import annotations

import structlog

from ingest.errors import NotFoundError
from ingest.logs import get_logger
from ingest.queue.context import current
from ingest.services.process import process_document

log = get_logger(__name__)


def process_document_job(document_id: str) -> None:
    """Parse, match, decide and commit or review one document. Transient faults raise so that the
    queue retries the job with backoff; everything else is recorded on the document."""
    with structlog.contextvars.bound_contextvars(document_id=document_id, job=f"process:{document_id}"):
        try:
            process_document(current(), document_id)
        except NotFoundError:
            log.error("job for a document that does not exist; nothing to do", document_id=document_id)


def deliver_outbox_job(entry_id: str) -> None:
    """One attempt at an outbox entry; when a failed attempt leaves it pending, its next attempt
    is scheduled on the outbound queue for the time the backoff says."""
    from rq import get_current_job

    from ingest.queue.outbox import RqOutboxDispatcher
    from ingest.services.outbox import deliver, delivery_context

    with structlog.contextvars.bound_contextvars(entry_id=entry_id, job=f"outbox:{entry_id}"):
        pipeline = current()
        entry = deliver(delivery_context(pipeline.settings, pipeline.db), entry_id)
        job = get_current_job()
        if entry is not None and entry.state == "pending" and job is not None:
            RqOutboxDispatcher(pipeline.db, job.connection).submit([entry_id])
