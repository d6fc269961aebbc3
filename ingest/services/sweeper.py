"""The sweeper: documents left in ``received`` (a worker killed mid-job, a queue emptied, Redis
restarted without its data) are handed to the runner again.

Resubmitting is always safe: a queued or running job for the same document is left alone (job ids
are ``process-<document id>``), a dead one is replaced, and a document already concluded by the
time its job runs is left as it is. The grace period keeps the sweeper away from documents that
were received a moment ago and are simply waiting their turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ingest.db import Database
from ingest.errors import IngestError
from ingest.logs import get_logger
from ingest.services.deps import OutboxDispatcher, Runner
from ingest.services.outbox import dispatch_due

log = get_logger(__name__)

DEFAULT_GRACE_SECONDS = 300.0
DEFAULT_LIMIT = 10_000


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did: the documents found waiting since before ``cutoff`` and handed to the
    runner (``resubmitted``)."""

    cutoff: datetime
    runner: str
    resubmitted: list[str] = field(default_factory=list)
    outbox: list[str] = field(default_factory=list)
    """Outbox entries due and handed to delivery again."""

    def as_record(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "runner": self.runner,
            "resubmitted": len(self.resubmitted),
            "document_ids": self.resubmitted,
            "outbox_entries": len(self.outbox),
        }


def stuck_documents(
    db: Database, older_than: float, *, now: datetime | None = None, limit: int = DEFAULT_LIMIT
) -> tuple[datetime, list[str]]:
    """The cutoff and the documents in ``received`` that have not changed since before it."""
    if older_than < 0:
        raise ValueError("older_than must not be negative")
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=older_than)
    with db.unit_of_work("sweeper") as uow:
        return cutoff, uow.documents.received_before(cutoff, limit)


def sweep(
    db: Database,
    runner: Runner,
    *,
    older_than: float = DEFAULT_GRACE_SECONDS,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    outbox: OutboxDispatcher | None = None,
) -> SweepReport:
    """Hand every document stuck in ``received`` for more than ``older_than`` seconds to the
    runner again, and with ``outbox`` every outbox entry due. A
    :class:`~ingest.errors.TransientError` (the queue is down) propagates: the documents stay
    where they are for the next sweep."""
    cutoff, ids = stuck_documents(db, older_than, now=now, limit=limit)
    if ids:
        log.info("submitting documents still received", documents=len(ids), cutoff=cutoff.isoformat())
        runner.submit(ids)
    entries: list[str] = []
    if outbox is not None:
        try:
            entries = dispatch_due(db, outbox)
        except IngestError as exc:
            log.warning("due outbox entries not handed over; the next sweep tries again", error=str(exc))
    return SweepReport(cutoff=cutoff, runner=runner.name, resubmitted=ids, outbox=entries)
