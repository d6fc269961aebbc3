"""The outbox: what must leave the service (exports of committed orders, later confirmations) is
written as an entry in the same transaction as the change that causes it, then delivered.

Nothing is lost: an entry exists exactly when its commit does, and stays ``pending`` until a
delivery succeeds; every `ingest run` pass and every sweep hands the due entries to delivery
again. Nothing is doubled by us: the entry's key is unique (a commit that runs twice records one
entry), one worker at a time holds an entry (a claim with a lease, taken by a conditional UPDATE),
files are replaced whole under a name fixed by the order, and every webhook request carries the
entry's key as ``Idempotency-Key`` for the receiver to drop a repeat after a crash between its
answer and our record of it.

Each entry has a ``kind``; the deliverer registered for the kind does the sending. Another kind
plugs in by writing entries with ``uow.outbox.add(kind, key, payload, ...)`` and adding its
deliverer to :func:`default_deliverers` (a function of the entry and the :class:`DeliveryContext`
that returns an :class:`Attempt`); retries, backoff, claims, the delivery log, the queue and the
CLI come with it.
"""

from __future__ import annotations

import secrets
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ingest.config import Settings
from ingest.db import Database, UnitOfWork
from ingest.db.outbox import FAILED, PENDING, OutboxAttempt, OutboxEntry
from ingest.errors import ConflictError, IngestError
from ingest.logs import get_logger
from ingest.services.deps import OutboxDispatcher, Pipeline
from ingest.services.outbox_policy import Backoff

log = get_logger(__name__)

EXPORT = "export"
LEASE_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt did. ``final``: retrying cannot help (the target is gone), so
    the entry fails now; ``skipped``: nothing was attempted (the target is disabled) and the entry
    waits, with no attempt logged."""

    delivered: bool
    http_status: int | None = None
    error: str | None = None
    ref: str | None = None
    final: bool = False
    skipped: bool = False


@dataclass(frozen=True)
class HttpReply:
    status: int
    body: str


HttpPost = Callable[[str, bytes, Mapping[str, str], float], HttpReply]
"""POST ``body`` to a URL with headers and a timeout; a network fault raises TransientError."""


@dataclass(frozen=True)
class DeliveryContext:
    """What a deliverer may use: the store, the settings, the HTTP seam, the clock."""

    db: Database
    settings: Settings
    post: HttpPost
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    deliverers: Mapping[str, Deliverer] | None = None

    @property
    def backoff(self) -> Backoff:
        s = self.settings
        return Backoff(
            base=s.outbox_backoff_seconds,
            cap=s.outbox_backoff_cap_seconds,
            max_attempts=s.outbox_max_attempts,
        )

    @property
    def lease(self) -> timedelta:
        """How long a claim holds: longer than any attempt may take."""
        return timedelta(seconds=self.settings.outbox_timeout_seconds * 3 + LEASE_MARGIN_SECONDS)


Deliverer = Callable[[OutboxEntry, DeliveryContext], Attempt]


def default_deliverers() -> dict[str, Deliverer]:
    """The deliverer of each outbox kind."""
    from ingest.services.confirmations import CONFIRMATION_KIND, deliver_confirmation
    from ingest.services.export_delivery import deliver_export

    return {EXPORT: deliver_export, CONFIRMATION_KIND: deliver_confirmation}


def delivery_context(settings: Settings, db: Database, post: HttpPost | None = None) -> DeliveryContext:
    from ingest.services.export_delivery import urllib_post

    return DeliveryContext(db=db, settings=settings, post=post or urllib_post)


# --- writing entries, inside the caller's transaction ----------------------------------------------


def record_commit(uow: UnitOfWork, order_id: str, now: datetime | None = None) -> list[str]:
    """An order was committed in this transaction: one export entry per enabled target (none twice
    for the same order and target). Returns the new entries' ids (also in ``uow.outbox.added``)."""
    targets = uow.export_targets.enabled()
    if not targets:
        return []
    record = uow.outbox.order_record(order_id)
    when = now or datetime.now(UTC)
    added = []
    for target in targets:
        entry_id = uow.outbox.add(
            EXPORT,
            f"{EXPORT}:{target.name}:{order_id}",
            record,
            now=when,
            target=target.name,
            order_id=order_id,
            document_id=record.get("document_id"),
        )
        if entry_id is not None:
            added.append(entry_id)
    return added


# --- handing entries to delivery, after the commit ------------------------------------------------


class InProcessDispatcher:
    """Delivers entries right away in this process (no Redis): one attempt each; an entry that
    fails waits for its next turn (`ingest run`, `ingest outbox deliver`)."""

    name = "in-process"

    def __init__(self, context: DeliveryContext) -> None:
        self.context = context

    def submit(self, entry_ids: Sequence[str]) -> None:
        for entry_id in entry_ids:
            deliver(self.context, entry_id)


def dispatcher_for(pipeline: Pipeline) -> OutboxDispatcher:
    return pipeline.outbox or InProcessDispatcher(delivery_context(pipeline.settings, pipeline.db))


def hand_over(dispatcher: OutboxDispatcher | None, entry_ids: Sequence[str]) -> None:
    """Give committed entries to delivery; never raises: an entry not handed over now is found
    by the next `ingest run` pass or sweep."""
    if not entry_ids or dispatcher is None:
        return
    try:
        dispatcher.submit(list(entry_ids))
    except Exception as exc:
        log.warning(
            "outbox entries not handed to delivery now; the next pass picks them up",
            entries=len(entry_ids),
            dispatcher=dispatcher.name,
            error=str(exc),
        )


# --- delivering ------------------------------------------------------------------------------------


def _attempt(entry: OutboxEntry, context: DeliveryContext) -> Attempt:
    deliverers = context.deliverers if context.deliverers is not None else default_deliverers()
    deliverer = deliverers.get(entry.kind)
    if deliverer is None:
        return Attempt(False, error=f"no deliverer for outbox entries of kind {entry.kind!r}")
    try:
        return deliverer(entry, context)
    except IngestError as exc:
        return Attempt(False, error=exc.message)
    except Exception as exc:
        log.error("delivery crashed", entry_id=entry.id, error=repr(exc), traceback=traceback.format_exc())
        return Attempt(False, error=f"{type(exc).__name__}: {exc}")


def deliver(context: DeliveryContext, entry_id: str) -> OutboxEntry | None:
    """One attempt at an entry, if it is pending, due and free: claimed in a short transaction,
    sent with no transaction open, then logged and settled (delivered, pending until the next
    attempt, or failed). Returns the entry as settled, or None when there was nothing to do.
    A database fault raises TransientError; the claim then lapses and a later pass tries again."""
    db = context.db
    now = context.now()
    token = secrets.token_hex(16)
    with db.unit_of_work("outbox") as uow:
        if not uow.outbox.claim(entry_id, token, now, now + context.lease):
            return None
        entry = uow.outbox.get(entry_id)
        uow.commit()
    bound = log.bind(entry_id=entry_id, kind=entry.kind, target=entry.target, order_id=entry.order_id)
    started = time.monotonic()
    attempt = _attempt(entry, context)
    duration_ms = int((time.monotonic() - started) * 1000)
    if attempt.skipped:
        with db.unit_of_work("outbox") as uow:
            uow.outbox.release(entry_id, token)
            uow.commit()
        bound.info("outbox entry not attempted", reason=attempt.error)
        return None
    done = context.now()
    next_at = None if attempt.final else context.backoff.next_attempt(entry.failures + 1, done)
    with db.unit_of_work("outbox") as uow:
        settled = uow.outbox.finish(
            entry_id, token, now=done, delivered=attempt.delivered, next_attempt_at=next_at,
            http_status=attempt.http_status, error=attempt.error, ref=attempt.ref, duration_ms=duration_ms,
        )  # fmt: skip
        uow.commit()
    if settled.state == FAILED:
        bound.error("outbox entry failed; retry it with `ingest outbox retry`", error=attempt.error)
    elif attempt.delivered:
        bound.info("outbox entry delivered", to=attempt.ref, attempts=settled.attempts)
    else:
        bound.warning(
            "outbox delivery failed; retried later",
            error=attempt.error,
            http_status=attempt.http_status,
            next_attempt_at=settled.next_attempt_at.isoformat(),
        )
    return settled


def due_entries(db: Database, now: datetime | None = None, limit: int = 500) -> list[str]:
    with db.unit_of_work("outbox") as uow:
        return uow.outbox.due(now or datetime.now(UTC), limit)


def deliver_due(context: DeliveryContext, limit: int = 500) -> list[OutboxEntry]:
    """Attempt every due entry in this process; returns the entries attempted, as settled."""
    settled = []
    for entry_id in due_entries(context.db, context.now(), limit):
        entry = deliver(context, entry_id)
        if entry is not None:
            settled.append(entry)
    return settled


def dispatch_due(db: Database, dispatcher: OutboxDispatcher, limit: int = 500) -> list[str]:
    """Hand every due entry to ``dispatcher`` (entries whose job Redis lost, or that no job was
    queued for); returns their ids. A queued job for an entry is left alone."""
    ids = due_entries(db, limit=limit)
    if ids:
        log.info("handing due outbox entries to delivery", entries=len(ids), dispatcher=dispatcher.name)
        dispatcher.submit(ids)
    return ids


# --- looking and retrying --------------------------------------------------------------------------


def list_entries(db: Database, state: str | None = None, limit: int = 1000) -> list[OutboxEntry]:
    with db.unit_of_work() as uow:
        return uow.outbox.entries(state, limit=limit)


def show_entry(db: Database, entry_id: str) -> tuple[OutboxEntry, list[OutboxAttempt]]:
    with db.unit_of_work() as uow:
        return uow.outbox.get(entry_id), uow.outbox.attempts(entry_id)


def retry(db: Database, entry_ids: Sequence[str], actor: str, *, all_failed: bool = False) -> list[str]:
    """Put failed entries back to pending, due now, with a fresh run of attempts; returns the ids
    put back. An entry that is not failed is refused (ConflictError ``wrong_status``)."""
    now = datetime.now(UTC)
    with db.unit_of_work(actor) as uow:
        ids = uow.outbox.failed_ids() if all_failed else list(entry_ids)
        retried = []
        for entry_id in ids:
            if uow.outbox.retry(entry_id, now):
                retried.append(entry_id)
            elif not all_failed:
                state = uow.outbox.get(entry_id).state
                raise ConflictError(
                    "wrong_status", f"outbox entry {entry_id} is {state}, not failed: nothing to retry"
                )
        uow.commit()
    return retried


def counts(db: Database) -> dict[str, int]:
    with db.unit_of_work() as uow:
        found = uow.outbox.count_by_state()
    return {state: found.get(state, 0) for state in (PENDING, "delivered", FAILED)}
