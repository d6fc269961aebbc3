"""EDI records: trading partners, interchanges received, acknowledgments and our control numbers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import AcknowledgmentRow, ControlNumberRow, InterchangeRow, TradingPartnerRow
from ingest.errors import ConfigError, NotFoundError


def undelivered_query(limit: int = 500) -> Select[AcknowledgmentRow]:
    """The acknowledgments still to deliver, oldest first. Its condition is the one of the partial
    index ``ix_acknowledgments_undelivered``, so it reads those rows only, however many
    acknowledgments (delivered, or with nowhere to go) the table holds."""
    return (
        select(AcknowledgmentRow)
        .where(AcknowledgmentRow.delivered_at.is_(None), AcknowledgmentRow.source.is_not(None))
        .order_by(AcknowledgmentRow.created_at)
        .limit(limit)
    )


@dataclass(frozen=True)
class TradingPartner:
    qualifier: str
    edi_id: str
    customer_id: str | None
    name: str | None
    send_997: bool
    expected_version: str | None = None  # GS08 the partner agreed to send, e.g. 004010
    send_855: bool = False  # an 855 purchase order acknowledgment for each order decided


@dataclass(frozen=True)
class StoredAcknowledgment:
    id: str
    document_id: str
    kind: str
    control_number: str
    content: str
    source: str | None
    delivered_at: datetime | None
    delivery_ref: str | None
    delivery_error: str | None


def _partner(row: TradingPartnerRow) -> TradingPartner:
    return TradingPartner(
        row.qualifier, row.edi_id, row.customer_id, row.name, row.send_997, row.expected_version,
        bool(row.send_855),
    )  # fmt: skip


def _ack(row: AcknowledgmentRow) -> StoredAcknowledgment:
    return StoredAcknowledgment(
        row.id, row.document_id, row.kind, row.control_number, row.content, row.source, row.delivered_at,
        row.delivery_ref, row.delivery_error,
    )  # fmt: skip


class EdiRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self._partners: dict[tuple[str, str], TradingPartner | None] = {}  # read once per transaction

    # --- trading partners ----------------------------------------------------------------------

    def add_partner(self, partner: TradingPartner) -> None:
        self._partners.clear()
        key = (partner.qualifier, partner.edi_id)
        if self.session.get(TradingPartnerRow, key) is not None:
            raise ConfigError(f"trading partner {partner.qualifier}/{partner.edi_id} exists already")
        self.session.add(
            TradingPartnerRow(
                qualifier=partner.qualifier, edi_id=partner.edi_id, customer_id=partner.customer_id,
                name=partner.name, send_997=partner.send_997, expected_version=partner.expected_version,
                send_855=partner.send_855,
            )
        )  # fmt: skip
        record(
            self.session,
            self.actor,
            "partner.added",
            "trading_partner",
            "/".join(key),
            None,
            {
                "customer_id": partner.customer_id,
                "name": partner.name,
                "send_997": partner.send_997,
                "send_855": partner.send_855,
            },
        )

    def set_partner_acknowledgments(
        self, qualifier: str, edi_id: str, *, send_997: bool | None = None, send_855: bool | None = None
    ) -> TradingPartner:
        """Change which acknowledgments a partner gets; None keeps a setting."""
        self._partners.clear()
        row = self.session.get(TradingPartnerRow, (qualifier, edi_id))
        if row is None:
            raise NotFoundError(f"no trading partner {qualifier}/{edi_id} (see `ingest partner list`)")
        before = {"send_997": row.send_997, "send_855": row.send_855}
        if send_997 is not None:
            row.send_997 = send_997
        if send_855 is not None:
            row.send_855 = send_855
        self.session.flush()
        after = {"send_997": row.send_997, "send_855": row.send_855}
        key = f"{qualifier}/{edi_id}"
        record(self.session, self.actor, "partner.changed", "trading_partner", key, before, after)
        return _partner(row)

    def remove_partner(self, qualifier: str, edi_id: str) -> None:
        self._partners.clear()
        row = self.session.get(TradingPartnerRow, (qualifier, edi_id))
        if row is None:
            raise NotFoundError(f"no trading partner {qualifier}/{edi_id} (see `ingest partner list`)")
        record(
            self.session,
            self.actor,
            "partner.removed",
            "trading_partner",
            f"{qualifier}/{edi_id}",
            {"customer_id": row.customer_id, "name": row.name},
            None,
        )
        self.session.delete(row)
        self.session.flush()

    def partners(self) -> list[TradingPartner]:
        rows = self.session.scalars(select(TradingPartnerRow).order_by(TradingPartnerRow.edi_id))
        return [_partner(r) for r in rows]

    def partner(self, qualifier: str, edi_id: str) -> TradingPartner | None:
        key = (qualifier.strip(), edi_id.strip())
        if key not in self._partners:
            row = self.session.get(TradingPartnerRow, key)
            self._partners[key] = _partner(row) if row else None
        return self._partners[key]

    # --- interchanges -------------------------------------------------------------------------

    def record_interchange(
        self, qualifier: str, sender_id: str, control_number: str, document_id: str
    ) -> str | None:
        """Remember an interchange. Returns the document that brought it before, if any.

        One statement for a new interchange (an insert that leaves an existing row alone and says
        whether it inserted), a second only for a repeat: the unique key decides, so two workers
        recording the same interchange at once cannot both see it as new."""
        key = (qualifier.strip(), sender_id.strip(), control_number.strip())
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = (
            insert(InterchangeRow)
            .values(
                sender_qualifier=key[0],
                sender_id=key[1],
                control_number=key[2],
                document_id=document_id,
            )
            .on_conflict_do_nothing(index_elements=["sender_qualifier", "sender_id", "control_number"])
            .returning(InterchangeRow.document_id)
        )
        if self.session.execute(stmt).first() is not None:
            return None
        first = self.session.scalar(
            select(InterchangeRow.document_id).where(
                InterchangeRow.sender_qualifier == key[0],
                InterchangeRow.sender_id == key[1],
                InterchangeRow.control_number == key[2],
            )
        )
        return first if first is not None and first != document_id else None

    # --- control numbers ----------------------------------------------------------------------

    def next_control_number(self, name: str) -> int:
        """The next number of a counter, taken atomically (safe with many workers)."""
        stmt = (
            update(ControlNumberRow)
            .where(ControlNumberRow.name == name)
            .values(value=ControlNumberRow.value + 1)
            .returning(ControlNumberRow.value)
        )
        value = self.session.scalar(stmt)
        if value is not None:
            return int(value) if int(value) < 10**9 else self._wrap(name)
        try:
            with self.session.begin_nested():
                self.session.add(ControlNumberRow(name=name, value=1))
        except IntegrityError:
            return self.next_control_number(name)
        return 1

    def _wrap(self, name: str) -> int:
        self.session.execute(update(ControlNumberRow).where(ControlNumberRow.name == name).values(value=1))
        return 1

    # --- acknowledgments ----------------------------------------------------------------------

    def add_acknowledgment(
        self, document_id: str, kind: str, control_number: str, content: str, source: str | None
    ) -> str:
        ack_id = str(uuid.uuid4())
        self.session.add(
            AcknowledgmentRow(
                id=ack_id, document_id=document_id, kind=kind, control_number=control_number, content=content,
                source=source,
            )
        )  # fmt: skip
        record(
            self.session,
            self.actor,
            f"acknowledgment.{kind}",
            "document",
            document_id,
            None,
            {"acknowledgment_id": ack_id, "control_number": control_number, "source": source},
        )
        return ack_id

    def acknowledgments_for(self, document_id: str) -> list[StoredAcknowledgment]:
        stmt = select(AcknowledgmentRow).where(AcknowledgmentRow.document_id == document_id)
        return [_ack(r) for r in self.session.scalars(stmt.order_by(AcknowledgmentRow.created_at))]

    def undelivered(self, limit: int = 500) -> list[StoredAcknowledgment]:
        return [_ack(r) for r in self.session.scalars(undelivered_query(limit))]

    def mark_delivered(self, ack_id: str, ref: str | None, error: str | None = None) -> None:
        row = self.session.get(AcknowledgmentRow, ack_id)
        if row is None:
            raise NotFoundError(f"no acknowledgment {ack_id}")
        if error is None:
            row.delivered_at = datetime.now(UTC)
            row.delivery_ref = ref
            row.delivery_error = None
        else:
            row.delivery_error = error
