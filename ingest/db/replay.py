"""What a dry run of new rules reads: the orders parsed in a period, and earlier orders by PO."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ingest.db.review import ReviewOrder, line_rows, review_order
from ingest.db.tables import DocumentRow, OrderRow
from ingest.domain.document import OrderStatus

_LIVE = [OrderStatus.COMMITTED.value, OrderStatus.REVIEW.value, OrderStatus.HELD.value]


class ReplayRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def order_ids_since(self, since: datetime) -> list[str]:
        """Orders stored since ``since``, oldest first, leaving out the parts rejected while
        reading (rejected, never reviewed): they were never matched."""
        stmt = (
            select(OrderRow.id)
            .where(
                OrderRow.created_at >= since,
                or_(OrderRow.status != OrderStatus.REJECTED.value, OrderRow.reviewed_by.is_not(None)),
            )
            .order_by(OrderRow.created_at, OrderRow.document_id, OrderRow.order_index)
        )
        return list(self.session.scalars(stmt))

    def get_many(self, order_ids: Sequence[str]) -> list[ReviewOrder]:
        """These orders with their lines and documents, in the order asked."""
        stmt = (
            select(OrderRow, DocumentRow)
            .join(DocumentRow, DocumentRow.id == OrderRow.document_id)
            .where(OrderRow.id.in_(order_ids))
        )
        rows = {order.id: (order, doc) for order, doc in self.session.execute(stmt)}
        lines = line_rows(self.session, list(rows))
        return [review_order(*rows[i], lines[i]) for i in order_ids if i in rows]

    def earlier_po(self, customer_id: str, po_number: str, order: ReviewOrder) -> str | None:
        """The id of an original order with this customer and PO stored before ``order`` (earlier,
        or earlier in the same document) and committed or waiting: what made it a repeat then."""
        stmt = (
            select(OrderRow.id)
            .where(
                OrderRow.customer_id == customer_id,
                OrderRow.po_number == po_number,
                OrderRow.purpose == "original",
                OrderRow.status.in_(_LIVE),
                OrderRow.id != order.order_id,
                or_(
                    OrderRow.created_at < order.created_at,
                    and_(OrderRow.document_id == order.document_id, OrderRow.order_index < order.order_index),
                ),
            )
            .order_by(OrderRow.created_at)
            .limit(1)
        )
        return self.session.scalar(stmt)
