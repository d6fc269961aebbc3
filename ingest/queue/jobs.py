"""Job functions: ids in, nothing out. Each loads what it needs and calls one service."""

from __future__ import annotations

import structlog

from ingest.queue.context import current
from ingest.services.process import process_document


def process_document_job(document_id: str) -> None:
    """Parse, match, decide and commit or review one document. Transient faults raise so that the
    queue retries the job with backoff; everything else is recorded on the document."""
    with structlog.contextvars.bound_contextvars(document_id=document_id, job=f"process:{document_id}"):
        process_document(current(), document_id)
