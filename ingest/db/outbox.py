"""The outbox: export targets, entries written with the commit that caused them, and the delivery
log. An entry is claimed by one worker at a time with a conditional UPDATE (a token and a lease),
so two workers never attempt it together and a worker that dies mid-attempt frees it when the
lease runs out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, not_, select, update
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.orders import order_view
from ingest.db.tables import (
    DocumentRow,
    ExportTargetRow,
    OrderLineRow,
    OrderRow,
    OutboxAttemptRow,
    OutboxRow,
)
from ingest.errors import ConfigError, NotFoundError

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
OUTBOX_STATES = (PENDING, DELIVERED, FAILED)


@dataclass(frozen=True)
class ExportTarget:
    name: str
    kind: str
    config: dict[str, Any]
    mapping: dict[str, Any] | None
    enabled: bool
    created_at: datetime


@dataclass(frozen=True)
class OutboxEntry:
    id: str
    kind: str
    target: str | None
    key: str
    order_id: str | None
    document_id: str | None
    payload: dict[str, Any]
    state: str
    attempts: int
    retry_from: int
    next_attempt_at: datetime
    last_error: str | None
    delivery_ref: str | None
    created_at: datetime
    delivered_at: datetime | None

    @property
    def failures(self) -> int:
        """Attempts since the entry was last retried by hand (all of them failed, or it would be
        delivered): what the backoff counts."""
        return self.attempts - self.retry_from


@dataclass(frozen=True)
class OutboxAttempt:
    attempt: int
    at: datetime
    outcome: str
    http_status: int | None
    error: str | None
    duration_ms: int


def _target(row: ExportTargetRow) -> ExportTarget:
    mapping = dict(row.mapping) if row.mapping else None
    return ExportTarget(row.name, row.kind, dict(row.config), mapping, row.enabled, row.created_at)


def _entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        row.id, row.kind, row.target, row.dedupe_key, row.order_id, row.document_id, dict(row.payload),
        row.state, row.attempts, row.retry_from, row.next_attempt_at, row.last_error, row.delivery_ref,
        row.created_at, row.delivered_at,
    )  # fmt: skip


class ExportTargetRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def add(self, name: str, kind: str, config: dict[str, Any], mapping: dict[str, Any] | None) -> None:
        if self.session.get(ExportTargetRow, name) is not None:
            raise ConfigError(f"an export target named {name!r} exists already: remove it first")
        self.session.add(ExportTargetRow(name=name, kind=kind, config=config, mapping=mapping, enabled=True))
        self.session.flush()
        after = {"kind": kind, **config, "mapping": mapping}
        record(self.session, self.actor, "export_target.added", "export_target", name, None, after)

    def remove(self, name: str) -> None:
        row = self._row(name)
        before = {"kind": row.kind, **row.config}
        record(self.session, self.actor, "export_target.removed", "export_target", name, before, None)
        self.session.delete(row)
        self.session.flush()

    def set_enabled(self, name: str, enabled: bool) -> None:
        row = self._row(name)
        before = {"enabled": row.enabled}
        row.enabled = enabled
        self.session.flush()
        action = "export_target.enabled" if enabled else "export_target.disabled"
        record(self.session, self.actor, action, "export_target", name, before, {"enabled": enabled})

    def all(self) -> list[ExportTarget]:
        return [
            _target(r) for r in self.session.scalars(select(ExportTargetRow).order_by(ExportTargetRow.name))
        ]

    def enabled(self) -> list[ExportTarget]:
        return [t for t in self.all() if t.enabled]

    def get(self, name: str) -> ExportTarget:
        return _target(self._row(name))

    def find(self, name: str) -> ExportTarget | None:
        row = self.session.get(ExportTargetRow, name)
        return _target(row) if row is not None else None

    def _row(self, name: str) -> ExportTargetRow:
        row = self.session.get(ExportTargetRow, name)
        if row is None:
            raise NotFoundError(f"no export target named {name!r} (see `ingest export target list`)")
        return row


class OutboxRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self.added: list[str] = []
        """Entries added in this unit of work: the caller hands them to delivery after commit."""

    # --- writing, inside the transaction that causes the entry ------------------------------------

    def add(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        target: str | None = None,
        order_id: str | None = None,
        document_id: str | None = None,
    ) -> str | None:
        """Add an entry unless one with ``key`` exists (a commit that runs twice records one);
        returns the new entry's id, or None for a repeat."""
        if self.session.scalar(select(OutboxRow.id).where(OutboxRow.dedupe_key == key)) is not None:
            return None
        entry_id = str(uuid.uuid4())
        row = OutboxRow(
            id=entry_id, kind=kind, target=target, dedupe_key=key, order_id=order_id, document_id=document_id,
            payload=payload, state=PENDING, attempts=0, retry_from=0, next_attempt_at=now, created_at=now,
        )  # fmt: skip
        # No savepoint: on SQLite a savepoint opened first in a transaction commits on release.
        # Two commits of one order cannot race (the order's own commit is guarded), and should
        # they, the unique key fails the second transaction whole.
        self.session.add(row)
        self.session.flush()
        self.added.append(entry_id)
        return entry_id

    def order_record(self, order_id: str) -> dict[str, Any]:
        """The order as `ingest export --format jsonl` writes it, read afresh in this transaction."""
        row = self.session.scalars(
            select(OrderRow).where(OrderRow.id == order_id).execution_options(populate_existing=True)
        ).first()
        if row is None:
            raise NotFoundError(f"no order {order_id}")
        lines = self.session.scalars(
            select(OrderLineRow)
            .where(OrderLineRow.order_id == order_id)
            .order_by(OrderLineRow.line_index)
            .execution_options(populate_existing=True)
        ).all()
        source_ref = self.session.scalar(
            select(DocumentRow.source_ref).where(DocumentRow.id == row.document_id)
        )
        return order_view(row, lines, source_ref)

    # --- delivering -----------------------------------------------------------------------------

    def get(self, entry_id: str) -> OutboxEntry:
        row = self.session.get(OutboxRow, entry_id)
        if row is None:
            raise NotFoundError(f"no outbox entry {entry_id} (see `ingest outbox list`)")
        return _entry(row)

    def claim(self, entry_id: str, token: str, now: datetime, until: datetime) -> bool:
        """Take an entry that is pending, due and not held by another worker; True if taken."""
        result = self.session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == entry_id,
                OutboxRow.state == PENDING,
                OutboxRow.next_attempt_at <= now,
                (OutboxRow.claimed_until.is_(None)) | (OutboxRow.claimed_until < now),
            )
            .values(claim_token=token, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    def finish(
        self,
        entry_id: str,
        token: str,
        *,
        now: datetime,
        delivered: bool,
        next_attempt_at: datetime | None,
        http_status: int | None,
        error: str | None,
        ref: str | None,
        duration_ms: int,
    ) -> OutboxEntry:
        """Log the attempt and settle the entry: delivered; failed (``next_attempt_at`` None); or
        pending until ``next_attempt_at``. An entry whose claim was lost meanwhile keeps its state
        unless this attempt delivered it."""
        row = self.session.get(OutboxRow, entry_id, with_for_update=True, populate_existing=True)
        if row is None:
            raise NotFoundError(f"no outbox entry {entry_id}")
        attempt = (self.session.scalar(
            select(func.max(OutboxAttemptRow.attempt)).where(OutboxAttemptRow.entry_id == entry_id)
        ) or 0) + 1  # fmt: skip
        outcome = "delivered" if delivered else "error"
        self.session.add(
            OutboxAttemptRow(
                entry_id=entry_id, attempt=attempt, at=now, outcome=outcome, http_status=http_status,
                error=error, duration_ms=duration_ms,
            )
        )  # fmt: skip
        ours = row.claim_token == token
        if row.state == PENDING and (ours or delivered):
            row.attempts = row.attempts + 1
            row.claim_token = None
            row.claimed_until = None
            if delivered:
                row.state, row.delivered_at, row.delivery_ref, row.last_error = DELIVERED, now, ref, None
            else:
                row.last_error = error
                if next_attempt_at is None:
                    row.state = FAILED
                else:
                    row.next_attempt_at = next_attempt_at
        self.session.flush()
        return _entry(row)

    def release(self, entry_id: str, token: str) -> None:
        """Give a claim back without an attempt (the target is disabled, say)."""
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == entry_id, OutboxRow.claim_token == token)
            .values(claim_token=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    def due(self, now: datetime, limit: int = 500) -> list[str]:
        """Pending entries whose time has come and that no live claim holds, oldest first; entries
        for a disabled export target wait until it is enabled."""
        disabled = select(ExportTargetRow.name).where(ExportTargetRow.enabled.is_(False))
        stmt = (
            select(OutboxRow.id)
            .where(
                OutboxRow.state == PENDING,
                OutboxRow.next_attempt_at <= now,
                (OutboxRow.claimed_until.is_(None)) | (OutboxRow.claimed_until < now),
                not_(and_(OutboxRow.kind == "export", OutboxRow.target.in_(disabled))),
            )
            .order_by(OutboxRow.next_attempt_at, OutboxRow.created_at)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def schedule(self, entry_ids: list[str]) -> dict[str, tuple[int, datetime]]:
        """(attempts so far, next attempt at) of each of these entries still pending."""
        if not entry_ids:
            return {}
        stmt = select(OutboxRow.id, OutboxRow.attempts, OutboxRow.next_attempt_at).where(
            OutboxRow.id.in_(entry_ids), OutboxRow.state == PENDING
        )
        return {entry_id: (attempts, at) for entry_id, attempts, at in self.session.execute(stmt)}

    # --- looking and retrying -------------------------------------------------------------------

    def entries(
        self,
        state: str | None = None,
        *,
        kind: str | None = None,
        order_id: str | None = None,
        limit: int = 1000,
    ) -> list[OutboxEntry]:
        stmt = select(OutboxRow)
        if state is not None:
            stmt = stmt.where(OutboxRow.state == state)
        if kind is not None:
            stmt = stmt.where(OutboxRow.kind == kind)
        if order_id is not None:
            stmt = stmt.where(OutboxRow.order_id == order_id)
        stmt = stmt.order_by(OutboxRow.created_at.desc(), OutboxRow.id).limit(limit)
        return [_entry(r) for r in self.session.scalars(stmt)]

    def attempts(self, entry_id: str) -> list[OutboxAttempt]:
        stmt = (
            select(OutboxAttemptRow)
            .where(OutboxAttemptRow.entry_id == entry_id)
            .order_by(OutboxAttemptRow.attempt)
        )
        return [
            OutboxAttempt(r.attempt, r.at, r.outcome, r.http_status, r.error, r.duration_ms)
            for r in self.session.scalars(stmt)
        ]

    def retry(self, entry_id: str, now: datetime) -> bool:
        """Put a failed entry back to pending, due now, with a fresh run of attempts (audited);
        False if it is not failed."""
        row = self.session.get(OutboxRow, entry_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"no outbox entry {entry_id} (see `ingest outbox list`)")
        if row.state != FAILED:
            return False
        row.state, row.next_attempt_at, row.retry_from = PENDING, now, row.attempts
        row.claim_token = row.claimed_until = None
        self.session.flush()
        record(
            self.session, self.actor, "outbox.retried", "outbox", entry_id,
            {"state": FAILED, "attempts": row.attempts, "last_error": row.last_error}, {"state": PENDING},
        )  # fmt: skip
        return True

    def failed_ids(self, limit: int = 10_000) -> list[str]:
        stmt = (
            select(OutboxRow.id).where(OutboxRow.state == FAILED).order_by(OutboxRow.created_at).limit(limit)
        )
        return list(self.session.scalars(stmt))

    def count_by_state(self) -> dict[str, int]:
        stmt = select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
        return {state: count for state, count in self.session.execute(stmt)}
