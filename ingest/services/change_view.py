"""A change or cancellation beside the order it refers to: each line of the original with the
change's values and what the change does to it (``describe_change`` of the matcher)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ingest.db import Database
from ingest.domain.order import Order, OrderLine
from ingest.matching.changes import describe_change


@dataclass(frozen=True)
class LineValues:
    line_number: str
    part: str
    quantity: str
    uom: str
    unit_price: str


@dataclass(frozen=True)
class DifferenceRow:
    original: LineValues | None
    change: LineValues | None
    difference: str


@dataclass(frozen=True)
class ChangeDifference:
    original_order_id: str
    original_status: str
    po_number: str | None
    purpose: str
    summary: list[str]
    rows: list[DifferenceRow]


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _part(line: OrderLine) -> str:
    return line.vendor_part_number or line.buyer_part_number or line.upc or line.description or ""


def _values(line: OrderLine) -> LineValues:
    return LineValues(
        line.line_number or "", _part(line), _text(line.quantity), line.uom or "", _text(line.unit_price)
    )


def _number(line: OrderLine) -> str | None:
    return (line.line_number.lstrip("0") or "0") if line.line_number else None


def _original_line(original: Order, line: OrderLine) -> int | None:
    for index, candidate in enumerate(original.lines):
        if _number(line) is not None and _number(candidate) == _number(line):
            return index
    for index, candidate in enumerate(original.lines):
        if _part(line) and _part(candidate) == _part(line):
            return index
    return None


def change_difference(db: Database, order_id: str) -> ChangeDifference | None:
    """The difference for a change or cancellation linked to its original, else None."""
    with db.unit_of_work() as uow:
        change_view = uow.review.get(order_id)
        if change_view.purpose == "original":
            return None
        views = uow.orders.for_document(change_view.document_id)
        original_id = next((v["original_order_id"] for v in views if v["order_id"] == order_id), None)
        if not original_id:
            return None
        original_view = uow.review.get(original_id)
    original = Order.model_validate(original_view.order_json)
    change = Order.model_validate(change_view.order_json)
    rows: list[DifferenceRow] = []
    used: set[int] = set()
    if change.purpose != "cancellation":
        for line in change.lines:
            index = _original_line(original, line)
            if index is not None:
                used.add(index)
            described = describe_change(original, change.model_copy(update={"lines": [line]}))
            text = "; ".join(d.split(": ", 1)[-1] for d in described) or "no difference"
            rows.append(
                DifferenceRow(None if index is None else _values(original.lines[index]), _values(line), text)
            )
    for index, line in enumerate(original.lines):
        if index not in used:
            rows.append(
                DifferenceRow(
                    _values(line), None, "cancelled" if change.purpose == "cancellation" else "not changed"
                )
            )
    return ChangeDifference(
        original_order_id=original_id,
        original_status=original_view.status,
        po_number=change.po_number,
        purpose=change.purpose,
        summary=describe_change(original, change),
        rows=rows,
    )
