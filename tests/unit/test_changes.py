from __future__ import annotations

from decimal import Decimal

from ingest.domain.order import Order, OrderLine
from ingest.matching.changes import describe_change

ORIGINAL = Order(
    po_number="P1",
    lines=[
        OrderLine(
            line_number="1",
            quantity=Decimal(10),
            uom="EA",
            unit_price=Decimal("2.00"),
            vendor_part_number="A",
        ),
        OrderLine(
            line_number="2", quantity=Decimal(5), uom="CA", unit_price=Decimal("9.50"), vendor_part_number="B"
        ),
    ],
)


def test_line_by_line_difference() -> None:
    change = Order(
        po_number="P1",
        purpose="change",
        lines=[
            OrderLine(line_number="001", quantity=Decimal(40), change="quantity"),
            OrderLine(line_number="2", unit_price=Decimal("9.00"), change="price"),
            OrderLine(line_number="3", quantity=Decimal(1), uom="EA", vendor_part_number="C", change="add"),
            OrderLine(line_number="2", change="delete"),
            OrderLine(line_number="9", quantity=Decimal(1), change="quantity"),
        ],
    )
    assert describe_change(ORIGINAL, change) == [
        "line 001: quantity 10 → 40",
        "line 2: price 9.5 → 9",
        "line 3: add 1 EA of C",
        "line 2: delete (5 CA of B)",
        "line 9: quantity of a line that is not on the original order",
    ]


def test_cancellation() -> None:
    assert describe_change(ORIGINAL, Order(po_number="P1", purpose="cancellation")) == [
        "cancels PO P1 (2 lines)"
    ]
