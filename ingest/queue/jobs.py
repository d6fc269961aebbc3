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
