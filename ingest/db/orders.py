"""Orders and their lines: normalized columns for queries, the full order JSON for fidelity."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import DocumentRow, OrderLineRow, OrderRow
from ingest.domain.document import OrderStatus
from ingest.domain.matching import Decision, OrderMatch
from ingest.domain.order import Order

_LIVE = [OrderStatus.COMMITTED.value, OrderStatus.REVIEW.value, OrderStatus.HELD.value]
"""Orders that count when a PO arrives again: committed, or waiting for a clerk."""


CANDIDATES_KEPT = 5  # per line: the match and its runner-ups, for the clerk


class OrderRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def existing_ids(self, document_id: str) -> list[str]:
        stmt = select(OrderRow.id).where(OrderRow.document_id == document_id).order_by(OrderRow.order_index)
        return list(self.session.scalars(stmt))

    def add(
        self,
        document_id: str,
        order_index: int,
        order: Order,
        match: OrderMatch,
        decision: Decision,
        *,
        original_order_id: str | None = None,
    ) -> str:
        """Store one order as committed or in review. (document, index) is unique: a repeat fails."""
        now = datetime.now(UTC)
        status = OrderStatus.COMMITTED if decision.commit else OrderStatus.REVIEW
        row = OrderRow(
            id=str(uuid.uuid4()),
            document_id=document_id,
            order_index=order_index,
            status=status.value,
            customer_id=match.customer.customer_id,
            matched_customer_id=match.customer.customer_id,
            customer_confidence=match.customer.confidence,
            customer_reason=match.customer.reason,
            po_number=order.po_number,
            po_date=order.po_date,
            purpose=order.purpose,
            currency=order.currency,
            total_amount=order.total_amount,
            reasons=list(decision.reasons),
            order_json=order.model_dump(mode="json"),
            version=1,
            original_order_id=original_order_id,
            created_at=now,
            committed_at=now if decision.commit else None,
            **_ship_to_columns(match),
        )
        self.session.add(row)
        self.session.flush()  # the order row first: its lines refer to it
        for index, (line, lm, verdict) in enumerate(
            zip(order.lines, match.lines, decision.line_decisions, strict=True)
        ):
            self.session.add(
                OrderLineRow(
                    id=str(uuid.uuid4()),
                    order_id=row.id,
                    line_index=index,
                    line_number=line.line_number,
                    quantity=line.quantity,
                    uom=line.uom,
                    unit_price=line.unit_price,
                    sku=lm.sku,
                    matched_sku=lm.sku,
                    buyer_part_number=line.buyer_part_number,
                    vendor_part_number=line.vendor_part_number,
                    upc=line.upc,
                    description=line.description,
                    match_confidence=lm.confidence,
                    match_reason=lm.reason,
                    decision=verdict,
                    corrected=False,
                    candidates=[
                        {"sku": c.key, "confidence": c.confidence, "reason": c.reason}
                        for c in lm.candidates[:CANDIDATES_KEPT]
                    ],
                )
            )
        self.session.flush()
        record(
            self.session,
            self.actor,
            f"order.{status.value}",
            "order",
            row.id,
            None,
            {
                "status": status.value,
                "document_id": document_id,
                "customer_id": row.customer_id,
                "po_number": row.po_number,
                "reasons": row.reasons,
            },
        )
        return row.id

    def discard(self, document_id: str) -> list[str]:
        """Delete a document's orders (none may be committed) so that it can be read again; each
        deletion is in the audit log with what the order was."""
        rows = list(self.session.scalars(select(OrderRow).where(OrderRow.document_id == document_id)))
        if any(r.status == OrderStatus.COMMITTED.value for r in rows):
            raise ValueError(f"document {document_id} has a committed order")
        for row in rows:
            before = {"status": row.status, "po_number": row.po_number, "reasons": row.reasons}
            self.session.execute(delete(OrderLineRow).where(OrderLineRow.order_id == row.id))
            self.session.delete(row)
            record(self.session, self.actor, "order.discarded", "order", row.id, before, None)
        self.session.flush()
        return [r.id for r in rows]

    def add_rejected(self, document_id: str, order_index: int, order: Order | None, reason: str) -> str:
        """Store a part of a document that could not be read (an X12 transaction set), as a
        rejected order with the reason, so that it stays visible beside the parts that could."""
        order = order or Order()
        row = OrderRow(
            id=str(uuid.uuid4()),
            document_id=document_id,
            order_index=order_index,
            status=OrderStatus.REJECTED.value,
            customer_id=None,
            customer_confidence=0.0,
            customer_reason="not matched: the part was rejected",
            po_number=order.po_number,
            po_date=order.po_date,
            purpose=order.purpose,
            currency=order.currency,
            total_amount=order.total_amount,
            reasons=[reason],
            order_json=order.model_dump(mode="json"),
            version=1,
        )
        self.session.add(row)
        self.session.flush()
        record(
            self.session,
            self.actor,
            "order.rejected",
            "order",
            row.id,
            None,
            {
                "status": row.status,
                "document_id": document_id,
                "po_number": row.po_number,
                "reasons": [reason],
            },
        )
        return row.id

    def original_of(
        self, customer_id: str, po_number: str, *, exclude_document: str
    ) -> tuple[str, str, Order] | None:
        """The original order (id, status, order) a change or cancellation refers to, newest first."""
        stmt = (
            select(OrderRow)
            .where(
                OrderRow.customer_id == customer_id,
                OrderRow.po_number == po_number,
                OrderRow.document_id != exclude_document,
                OrderRow.purpose == "original",
                OrderRow.status.in_(_LIVE),
            )
            .order_by(OrderRow.created_at.desc())
            .limit(1)
        )
        row = self.session.scalars(stmt).first()
        if row is None:
            return None
        return row.id, row.status, Order.model_validate(row.order_json)

    def committed_po(self, customer_id: str, po_number: str, *, exclude_document: str) -> str | None:
        """The id of an order with this customer and PO number already committed or waiting."""
        stmt = (
            select(OrderRow.id)
            .where(
                OrderRow.customer_id == customer_id,
                OrderRow.po_number == po_number,
                OrderRow.document_id != exclude_document,
                OrderRow.status.in_(_LIVE),
                OrderRow.purpose == "original",
            )
            .limit(1)
        )
        return self.session.scalar(stmt)

    def for_document(self, document_id: str) -> list[dict[str, Any]]:
        rows = self.session.scalars(
            select(OrderRow).where(OrderRow.document_id == document_id).order_by(OrderRow.order_index)
        ).all()
        return self._views(rows)

    def committed(self, since: datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        stmt = select(OrderRow).where(OrderRow.status == OrderStatus.COMMITTED.value)
        if since is not None:
            stmt = stmt.where(OrderRow.committed_at >= since)
        stmt = stmt.order_by(OrderRow.committed_at, OrderRow.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return self._views(self.session.scalars(stmt).all())

    def count_by_status(self) -> dict[str, int]:
        stmt = select(OrderRow.status, func.count()).group_by(OrderRow.status)
        return {status: count for status, count in self.session.execute(stmt)}

    def _views(self, rows: Sequence[OrderRow]) -> list[dict[str, Any]]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        lines: dict[str, list[OrderLineRow]] = {i: [] for i in ids}
        for line in self.session.scalars(
            select(OrderLineRow).where(OrderLineRow.order_id.in_(ids)).order_by(OrderLineRow.line_index)
        ):
            lines[line.order_id].append(line)
        stmt = select(DocumentRow.id, DocumentRow.source_ref).where(
            DocumentRow.id.in_({r.document_id for r in rows})
        )
        sources = {doc_id: ref for doc_id, ref in self.session.execute(stmt)}
        return [order_view(r, lines[r.id], sources.get(r.document_id)) for r in rows]


def _ship_to_columns(match: OrderMatch) -> dict[str, Any]:
    ship_to = match.ship_to
    if ship_to is None:
        return {}
    return {
        "ship_to_location_id": ship_to.location_id,
        "matched_ship_to_location_id": ship_to.location_id,
        "ship_to_confidence": ship_to.confidence,
        "ship_to_reason": ship_to.reason,
    }


def ship_to_location_json(row: OrderRow) -> dict[str, Any] | None:
    """The resolved ship-to location as the order JSON shows it (``ship_to_location``); None when
    the customer has no locations on file."""
    if row.ship_to_reason is None:
        return None
    return {
        "location_id": row.ship_to_location_id,
        "confidence": row.ship_to_confidence,
        "reason": row.ship_to_reason,
    }


def order_view(row: OrderRow, lines: Sequence[OrderLineRow], source_ref: str | None = None) -> dict[str, Any]:
    """The order as CONTRACTS §4 shows it: ORDER plus ids, status, match results and reasons."""
    view: dict[str, Any] = dict(row.order_json)
    view.update(
        order_id=row.id,
        document_id=row.document_id,
        source_ref=source_ref,
        status=row.status,
        customer_id=row.customer_id,
        customer_confidence=row.customer_confidence,
        customer_reason=row.customer_reason,
        ship_to_location=ship_to_location_json(row),
        reasons=list(row.reasons),
        original_order_id=row.original_order_id,
        committed_at=row.committed_at.isoformat() if row.committed_at else None,
    )
    json_lines = list(view.get("lines") or [])
    merged = []
    for index, line in enumerate(lines):
        base = dict(json_lines[index]) if index < len(json_lines) else {}
        if line.corrected:  # a clerk's values replace what was read
            base.update(
                quantity=_decimal_text(line.quantity), uom=line.uom, unit_price=_decimal_text(line.unit_price)
            )
        base.update(
            sku=line.sku,
            match_confidence=line.match_confidence,
            match_reason=line.match_reason,
            decision=line.decision,
        )
        merged.append(base)
    view["lines"] = merged
    return view


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
