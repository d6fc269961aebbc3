"""Figures for the metrics endpoint, aggregated in the database (never one row per document)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ingest.db.database import Database
from ingest.db.tables import DocumentRow, OrderLineRow, OrderRow
from ingest.domain.document import DocumentState


@dataclass(frozen=True)
class LatencyFigures:
    """Seconds from ``received_at`` to ``processed_at`` of processed documents (duplicates left
    out: they are concluded at once). ``buckets`` holds cumulative counts per upper bound."""

    buckets: tuple[tuple[float, int], ...]
    count: int
    total_seconds: float


@dataclass(frozen=True)
class DatabaseFigures:
    documents: dict[str, int]
    orders: dict[str, int]
    line_decisions: dict[str, int]
    latency: LatencyFigures


def _seconds(session: Session) -> ColumnElement[float]:
    """processed_at - received_at in seconds (never below zero), in the dialect at hand."""
    raw: ColumnElement[float]
    if session.get_bind().dialect.name == "sqlite":
        days = func.julianday(DocumentRow.processed_at) - func.julianday(DocumentRow.received_at)
        raw = cast(days * 86400.0, Float)
    else:
        raw = cast(func.extract("epoch", DocumentRow.processed_at - DocumentRow.received_at), Float)
    # a mail dated in the future (a sender's clock) counts as processed at once
    return case((raw < 0, 0.0), else_=raw)


def _latency(session: Session, bounds: Sequence[float]) -> LatencyFigures:
    seconds = _seconds(session)
    columns: list[ColumnElement[Any]] = [func.count(), func.coalesce(func.sum(seconds), 0.0)]
    columns += [func.coalesce(func.sum(case((seconds <= bound, 1), else_=0)), 0) for bound in bounds]
    stmt = select(*columns).where(
        DocumentRow.processed_at.is_not(None),
        DocumentRow.state.not_in([DocumentState.DUPLICATE.value, DocumentState.RECEIVED.value]),
    )
    row = session.execute(stmt).one()
    count, total, *cumulative = row
    return LatencyFigures(
        buckets=tuple((float(b), int(n)) for b, n in zip(bounds, cumulative, strict=True)),
        count=int(count),
        total_seconds=float(total),
    )


def _counts(session: Session, column: InstrumentedAttribute[str]) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {str(value): int(n) for value, n in rows}


def database_figures(db: Database, latency_bounds: Sequence[float]) -> DatabaseFigures:
    """Documents by state, orders by status, order lines by the matcher's decision, and the
    processing latency histogram, read in one transaction."""
    with db.unit_of_work("metrics") as uow:
        session = uow.session
        documents = _counts(session, DocumentRow.state)
        orders = _counts(session, OrderRow.status)
        decisions = _counts(session, OrderLineRow.decision)
        latency = _latency(session, sorted(latency_bounds))
    return DatabaseFigures(documents=documents, orders=orders, line_decisions=decisions, latency=latency)
