"""Queue names and deterministic job ids."""

from __future__ import annotations

DOCUMENTS = "documents"
POLLS = "polls"
OUTBOUND = "outbound"
ALL_QUEUES = (DOCUMENTS, POLLS, OUTBOUND)


def process_job_id(document_id: str) -> str:
    return f"process-{document_id}"


def outbox_job_id(entry_id: str, attempt: int) -> str:
    """One job per attempt at an outbox entry: a repeat of the same attempt is the same job."""
    return f"outbox-{entry_id}-{attempt}"
