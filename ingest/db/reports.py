"""Rows for the reports: one per order of the period with what the figures need, and documents
by state. The figures themselves are computed in ``ingest.services.reports``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ingest.db.database import Database
from ingest.db.tables import DocumentRow, OrderLineRow, OrderRow


@dataclass(frozen=True)
class ReportOrder:
    """An order with its document's channel and arrival, and how many lines a clerk changed."""

    order_id: str
    document_id: str
    status: str
    customer_id: str | None
    matched_customer_id: str | None
    reviewed_by: str | None
    channel: str
    received_at: datetime
    committed_at: datetime | None
    reasons: tuple[str, ...]
    corrected_lines: int = 0


@dataclass(frozen=True)
class ReportRows:
    orders: list[ReportOrder]
    documents: dict[str, int]
    """Documents received in the period, by state."""


def report_rows(db: Database, since: datetime, until: datetime) -> ReportRows:
    """The orders of documents received in ``[since, until)`` and those documents by state, read
    in one transaction."""
    in_period = (DocumentRow.received_at >= since, DocumentRow.received_at < until)
    corrected = (
        select(OrderLineRow.order_id, func.count().label("n"))
        .where(OrderLineRow.corrected.is_(True))
        .group_by(OrderLineRow.order_id)
        .subquery()
    )
    stmt = (
        select(
            OrderRow.id,
            OrderRow.document_id,
            OrderRow.status,
            OrderRow.customer_id,
            OrderRow.matched_customer_id,
            OrderRow.reviewed_by,
            DocumentRow.channel,
            DocumentRow.received_at,
            OrderRow.committed_at,
            OrderRow.reasons,
            func.coalesce(corrected.c.n, 0),
        )
        .join(DocumentRow, DocumentRow.id == OrderRow.document_id)
        .outerjoin(corrected, corrected.c.order_id == OrderRow.id)
        .where(*in_period)
        .order_by(DocumentRow.received_at, OrderRow.id)
    )
    with db.unit_of_work("reports") as uow:
        session = uow.session
        orders = [
            ReportOrder(
                order_id=row[0],
                document_id=row[1],
                status=row[2],
                customer_id=row[3],
                matched_customer_id=row[4],
                reviewed_by=row[5],
                channel=row[6],
                received_at=row[7],
                committed_at=row[8],
                reasons=tuple(str(r) for r in (row[9] or ())),
                corrected_lines=int(row[10]),
            )
            for row in session.execute(stmt)
        ]
        states = session.execute(
            select(DocumentRow.state, func.count()).where(*in_period).group_by(DocumentRow.state)
        )
        documents = {str(state): int(n) for state, n in states}
    return ReportRows(orders=orders, documents=documents)
