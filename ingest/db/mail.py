"""Mailbox records: read cursors, the messages taken (and what became of them), mailbox rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import DocumentRow, MailboxCursorRow, MailboxRuleRow, MailMessageRow
from ingest.errors import NotFoundError


@dataclass(frozen=True)
class MailboxRule:
    id: int
    position: int
    action: str  # take | skip
    field: str  # sender | subject | attachment
    pattern: str


@dataclass(frozen=True)
class SettledMessage:
    """A message whose document has reached its final state, waiting to be moved."""

    id: int
    folder: str
    uidvalidity: int
    uid: int
    document_id: str | None
    state: str | None  # the document's state; None for a message that was skipped or too large
    decision: str  # taken | skipped | too_large


class MailRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    # --- cursors ------------------------------------------------------------------------------

    def cursor(self, source: str, folder: str) -> tuple[int, int] | None:
        row = self.session.get(MailboxCursorRow, (source, folder))
        return (row.uidvalidity, row.last_uid) if row else None

    def set_cursor(self, source: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        row = self.session.get(MailboxCursorRow, (source, folder))
        if row is None:
            self.session.add(
                MailboxCursorRow(source=source, folder=folder, uidvalidity=uidvalidity, last_uid=last_uid)
            )
        else:
            if row.uidvalidity != uidvalidity:
                record(
                    self.session,
                    self.actor,
                    "mailbox.uidvalidity",
                    "source",
                    source,
                    {"uidvalidity": row.uidvalidity, "last_uid": row.last_uid},
                    {"uidvalidity": uidvalidity, "last_uid": last_uid},
                )
            row.uidvalidity, row.last_uid, row.updated_at = uidvalidity, last_uid, datetime.now(UTC)

    # --- messages -----------------------------------------------------------------------------

    def seen(self, source: str, message_id: str | None, sha256: str) -> bool:
        """Whether this very message (Message-ID and content) was taken before, under any UID."""
        stmt = select(MailMessageRow.id).where(
            MailMessageRow.source == source, MailMessageRow.sha256 == sha256
        )
        if message_id:
            stmt = stmt.where(MailMessageRow.message_id == message_id)
        return self.session.scalars(stmt.limit(1)).first() is not None

    def record_message(
        self,
        source: str,
        folder: str,
        uidvalidity: int,
        uid: int,
        message_id: str | None,
        sha256: str,
        document_id: str | None,
        decision: str,
        reason: str | None = None,
    ) -> None:
        """Remember a message taken or skipped; a repeat of (folder, UIDVALIDITY, UID) is ignored."""
        row = MailMessageRow(
            source=source, folder=folder, uidvalidity=uidvalidity, uid=uid, message_id=message_id,
            sha256=sha256, document_id=document_id, decision=decision, reason=reason,
        )  # fmt: skip
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            pass

    def settled(self, source: str, limit: int = 1000) -> list[SettledMessage]:
        """Messages not yet moved whose document is final (or that were never a document)."""
        stmt = (
            select(MailMessageRow, DocumentRow.state)
            .outerjoin(DocumentRow, DocumentRow.id == MailMessageRow.document_id)
            .where(MailMessageRow.source == source, MailMessageRow.moved_to.is_(None))
            .order_by(MailMessageRow.id)
            .limit(limit)
        )
        out = []
        for row, state in self.session.execute(stmt):
            if state == "received":
                continue
            out.append(
                SettledMessage(
                    row.id, row.folder, row.uidvalidity, row.uid, row.document_id, state, row.decision
                )
            )
        return out

    def mark_moved(self, ids: Sequence[int], folder: str) -> None:
        if ids:
            self.session.execute(
                update(MailMessageRow).where(MailMessageRow.id.in_(list(ids))).values(moved_to=folder)
            )

    def message_counts(self, source: str) -> dict[str, int]:
        stmt = (
            select(func.coalesce(MailMessageRow.moved_to, "(not moved)"), func.count())
            .where(MailMessageRow.source == source)
            .group_by(MailMessageRow.moved_to)
        )
        return {folder: n for folder, n in self.session.execute(stmt)}

    # --- rules --------------------------------------------------------------------------------

    def rules(self, source: str) -> list[MailboxRule]:
        stmt = select(MailboxRuleRow).where(MailboxRuleRow.source == source)
        rows = self.session.scalars(stmt.order_by(MailboxRuleRow.position, MailboxRuleRow.id))
        return [MailboxRule(r.id, r.position, r.action, r.field, r.pattern) for r in rows]

    def add_rule(self, source: str, action: str, field: str, pattern: str, position: int | None) -> int:
        if position is None:
            last = self.session.scalar(
                select(func.max(MailboxRuleRow.position)).where(MailboxRuleRow.source == source)
            )
            position = (last or 0) + 10
        row = MailboxRuleRow(source=source, position=position, action=action, field=field, pattern=pattern)
        self.session.add(row)
        self.session.flush()
        record(
            self.session,
            self.actor,
            "mailbox.rule_added",
            "source",
            source,
            None,
            {"rule": row.id, "position": position, "action": action, "field": field, "pattern": pattern},
        )
        return row.id

    def remove_rule(self, source: str, rule_id: int) -> None:
        row = self.session.get(MailboxRuleRow, rule_id)
        if row is None or row.source != source:
            raise NotFoundError(
                f"mailbox {source} has no rule {rule_id} (see `ingest source rule list {source}`)"
            )
        record(
            self.session,
            self.actor,
            "mailbox.rule_removed",
            "source",
            source,
            {"rule": row.id, "action": row.action, "field": row.field, "pattern": row.pattern},
            None,
        )
        self.session.delete(row)
        self.session.flush()
