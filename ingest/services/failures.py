"""Failed documents: what failed and why, and running them again.

A document ends ``failed`` when processing met an internal error (a bug, a broken template); its
bytes are kept, so once the cause is fixed it is run again. Failed queue jobs (transient faults
that outlived their retries) leave their document ``received``: handing it to the runner again
replaces the dead job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.db import Database
from ingest.domain.document import DocumentState
from ingest.services.deps import Runner
from ingest.services.intake import reset_for_retry


def failed_documents(db: Database, *, now: datetime | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Documents in state ``failed``: id, file, source, error, attempts, when received and failed,
    and how long ago that was (``age_seconds``)."""
    now = now or datetime.now(UTC)
    with db.unit_of_work() as uow:
        rows = uow.documents.failures(limit)
    for row in rows:
        failed_at: datetime = row["failed_at"]
        row["age_seconds"] = round((now - failed_at).total_seconds(), 1)
        row["received_at"] = row["received_at"].isoformat()
        row["failed_at"] = failed_at.isoformat()
    return rows


@dataclass(frozen=True)
class RetryResult:
    submitted: list[str]
    """Documents handed to the runner (failed ones reset to ``received``, and stuck ones)."""
    skipped: list[str]
    """Documents named that are neither failed nor received (already concluded, or unknown)."""


def retry_documents(
    db: Database, runner: Runner, document_ids: Sequence[str], actor: str = "cli"
) -> RetryResult:
    """Reset the named failed (or stuck received) documents and hand them to the runner."""
    wanted = list(dict.fromkeys(document_ids))
    with db.unit_of_work() as uow:
        known = set(uow.documents.states(wanted))
    reset = reset_for_retry(db, [i for i in wanted if i in known], actor=actor)
    if reset:
        runner.submit(reset)
    return RetryResult(submitted=reset, skipped=[i for i in wanted if i not in set(reset)])


def retry_all(
    db: Database, runner: Runner, also: Sequence[str] = (), actor: str = "cli", limit: int = 10_000
) -> RetryResult:
    """Every failed document, plus ``also`` (the documents of failed queue jobs, say)."""
    with db.unit_of_work() as uow:
        ids = uow.documents.ids_in_state(DocumentState.FAILED, limit=limit)
    return retry_documents(db, runner, [*ids, *also], actor=actor)
