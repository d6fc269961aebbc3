"""Queue names and deterministic job ids."""

from __future__ import annotations

DOCUMENTS = "documents"
POLLS = "polls"
OUTBOUND = "outbound"
ALL_QUEUES = (DOCUMENTS, POLLS, OUTBOUND)


def process_job_id(document_id: str) -> str:
    return f"process-{document_id}"
