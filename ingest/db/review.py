"""Orders in front of a clerk: finding them, reading them whole, applying the clerk's verdict.

Every change is checked against the version the clerk read (an optimistic lock: the UPDATE names
the version), bumps it, and is audit-logged with the values before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.orders import ship_to_location_json
from ingest.db.tables import CustomerRow, DocumentRow, OrderLineRow, OrderRow, ProductRow
from ingest.domain.document import OrderStatus
from ingest.domain.identifiers import normalize_code
from ingest.errors import ConflictError, NotFoundError


@dataclass(frozen=True)
class ReviewLine:
    position: int  # 1-based, as the clerk counts
    line_number: str | None
    quantity: Decimal | None
    uom: str | None
    unit_price: Decimal | None
    sku: str | None
    matched_sku: str | None
    buyer_part_number: str | None
    vendor_part_number: str | None
    upc: str | None
    description: str | None
    match_confidence: float
    match_reason: str
    decision: str
    corrected: bool
    candidates: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ReviewOrder:
    """An order with its lines, final values beside what the matcher said, and its document."""

    order_id: str
    document_id: str
    order_index: int
    status: str
    version: int
    customer_id: str | None
    matched_customer_id: str | None
    customer_confidence: float
    customer_reason: str
    po_number: str | None
    purpose: str
    reasons: tuple[str, ...]
    order_json: dict[str, Any]
    created_at: datetime
    committed_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None
    channel: str
    source_ref: str
    filename: str | None
    received_at: datetime
    lines: tuple[ReviewLine, ...]
    ship_to_location: dict[str, Any] | None = None
    """The resolved ship-to location (location_id, confidence, reason); None when the customer has
    no locations on file."""


@dataclass(frozen=True)
class LineValues:
    """The final values of one line after a clerk's corrections."""

    sku: str
    quantity: Decimal | None
    uom: str | None
    unit_price: Decimal | None


def _line(row: OrderLineRow) -> ReviewLine:
    return ReviewLine(
        position=row.line_index + 1,
        line_number=row.line_number,
        quantity=row.quantity,
        uom=row.uom,
        unit_price=row.unit_price,
        sku=row.sku,
        matched_sku=row.matched_sku,
        buyer_part_number=row.buyer_part_number,
        vendor_part_number=row.vendor_part_number,
        upc=row.upc,
        description=row.description,
        match_confidence=row.match_confidence,
        match_reason=row.match_reason,
        decision=row.decision,
        corrected=row.corrected,
        candidates=tuple(row.candidates or ()),
    )


def review_order(row: OrderRow, doc: DocumentRow, lines: Sequence[OrderLineRow]) -> ReviewOrder:
    return ReviewOrder(
        order_id=row.id,
        document_id=row.document_id,
        order_index=row.order_index,
        status=row.status,
        version=row.version,
        customer_id=row.customer_id,
        matched_customer_id=row.matched_customer_id,
        customer_confidence=row.customer_confidence,
        customer_reason=row.customer_reason,
        po_number=row.po_number,
        purpose=row.purpose,
        reasons=tuple(row.reasons),
        order_json=dict(row.order_json),
        created_at=row.created_at,
        committed_at=row.committed_at,
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
        review_note=row.review_note,
        channel=doc.channel,
        source_ref=doc.source_ref,
        filename=doc.filename,
        received_at=doc.received_at,
        lines=tuple(_line(line) for line in lines),
        ship_to_location=ship_to_location_json(row),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _snapshot(order: OrderRow, lines: Sequence[OrderLineRow]) -> dict[str, Any]:
    return {
        "status": order.status,
        "version": order.version,
        "customer_id": order.customer_id,
        "ship_to_location_id": order.ship_to_location_id,
        "review_note": order.review_note,
        "lines": [
            {
                "position": line.line_index + 1,
                "sku": line.sku,
                "quantity": _text(line.quantity),
                "uom": line.uom,
                "unit_price": _text(line.unit_price),
                "corrected": line.corrected,
            }
            for line in lines
        ],
    }


def line_rows(session: Session, order_ids: Sequence[str]) -> dict[str, list[OrderLineRow]]:
    """The line rows of these orders, in line order."""
    found: dict[str, list[OrderLineRow]] = {i: [] for i in order_ids}
    stmt = select(OrderLineRow).where(OrderLineRow.order_id.in_(order_ids)).order_by(OrderLineRow.line_index)
    for line in session.scalars(stmt):
        found[line.order_id].append(line)
    return found


class ReviewRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def get(self, order_id: str, *, lock: bool = False) -> ReviewOrder:
        stmt = select(OrderRow).where(OrderRow.id == order_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).one_or_none()
        if row is None:
            raise NotFoundError(f"no order {order_id}: `ingest review list` shows the orders waiting")
        doc = self.session.get_one(DocumentRow, row.document_id)
        return review_order(row, doc, line_rows(self.session, [row.id])[row.id])

    def waiting(
        self,
        *,
        customer_id: str | None = None,
        channel: str | None = None,
        statuses: Sequence[OrderStatus] = (OrderStatus.REVIEW, OrderStatus.HELD),
    ) -> list[ReviewOrder]:
        """Orders waiting for a clerk, oldest document first."""
        stmt = (
            select(OrderRow, DocumentRow)
            .join(DocumentRow, DocumentRow.id == OrderRow.document_id)
            .where(OrderRow.status.in_([s.value for s in statuses]))
            .order_by(DocumentRow.received_at, OrderRow.document_id, OrderRow.order_index)
        )
        if customer_id is not None:
            stmt = stmt.where(OrderRow.customer_id == customer_id)
        if channel is not None:
            stmt = stmt.where(DocumentRow.channel == channel)
        rows = list(self.session.execute(stmt))
        lines = line_rows(self.session, [order.id for order, _ in rows]) if rows else {}
        return [review_order(order, doc, lines[order.id]) for order, doc in rows]

    def document_statuses(self, document_id: str) -> list[str]:
        stmt = (
            select(OrderRow.status).where(OrderRow.document_id == document_id).order_by(OrderRow.order_index)
        )
        return list(self.session.scalars(stmt))

    def customer_exists(self, customer_id: str) -> bool:
        return self.session.get(CustomerRow, customer_id) is not None

    def resolve_sku(self, sku: str) -> str | None:
        """The product's SKU as the master data spells it: exact, or written differently
        ('ab 1234' for 'AB-1234') when that names one product; None when there is none."""
        if self.session.get(ProductRow, sku) is not None:
            return sku
        found = list(
            self.session.scalars(select(ProductRow.sku).where(ProductRow.sku_key == normalize_code(sku)))
        )
        return found[0] if len(found) == 1 else None

    def conclude(
        self,
        order_id: str,
        expected_version: int,
        status: OrderStatus,
        *,
        note: str | None,
        customer_id: str | None = None,
        lines: dict[int, LineValues] | None = None,
        ship_to_location_id: str | None = None,
    ) -> int:
        """Apply a clerk's verdict: the final customer, ship-to location ('' clears it) and line
        values (a line whose values change is marked corrected), the status, who and when; returns
        the new version. Raises
        ConflictError ``stale_version`` when the order is no longer at ``expected_version``."""
        now = datetime.now(UTC)
        order = self.session.get_one(OrderRow, order_id)
        rows = line_rows(self.session, [order_id])[order_id]
        before = _snapshot(order, rows)
        values: dict[str, Any] = {
            "status": status.value,
            "version": expected_version + 1,
            "reviewed_by": self.actor,
            "reviewed_at": now,
            "review_note": note,
        }
        if customer_id is not None:
            values["customer_id"] = customer_id
        if ship_to_location_id is not None:
            values["ship_to_location_id"] = ship_to_location_id or None
            if order.ship_to_reason is None and ship_to_location_id:
                values.update(ship_to_reason=f"chosen by {self.actor}", ship_to_confidence=1.0)
        if status is OrderStatus.COMMITTED:
            values["committed_at"] = now
        result = self.session.execute(
            update(OrderRow)
            .where(OrderRow.id == order_id, OrderRow.version == expected_version)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            raise ConflictError(
                "stale_version",
                f"order {order_id} was changed by someone else since version {expected_version}: "
                "reload it (`ingest review show`) and decide again",
            )
        for row in rows:
            final = (lines or {}).get(row.line_index + 1)
            if final is None:
                continue
            new = (final.sku, final.quantity, final.uom, final.unit_price)
            if new != (row.sku, row.quantity, row.uom, row.unit_price):
                row.sku, row.quantity, row.uom, row.unit_price = new
                row.corrected = True
        self.session.flush()
        self.session.refresh(order)
        record(
            self.session,
            self.actor,
            f"order.review.{status.value}",
            "order",
            order_id,
            before,
            _snapshot(order, rows),
        )
        return order.version
