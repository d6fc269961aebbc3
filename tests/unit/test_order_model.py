from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ingest.domain.order import Charge, Order, OrderLine, PageBox, Party, SegmentRef
from ingest.domain.schema import order_schema_json

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "order.schema.json"


def full_order() -> Order:
    return Order(
        po_number="4500123",
        po_date=date(2026, 3, 4),
        purpose="original",
        currency="USD",
        buyer=Party(name="Acme", identifiers=[{"qualifier": "91", "value": "C0001"}], city="Tacoma"),
        lines=[
            OrderLine(
                line_number="1",
                quantity=Decimal("12"),
                uom="case",
                unit_price=Decimal("3.4500"),
                upc="036000291452",
                confidence={"quantity": 1.0},
                provenance={"quantity": PageBox(page=1, bbox=(1.0, 2.0, 3.0, 4.0))},
            )
        ],
        charges=[Charge(kind="freight", amount=Decimal("15.00"))],
        total_amount=Decimal("56.40"),
        provenance={"po_number": SegmentRef(segment=3)},
    )


def test_json_round_trip_keeps_decimals_and_dates() -> None:
    order = full_order()
    data = json.loads(order.model_dump_json())
    assert data["lines"][0]["unit_price"] == "3.4500"
    assert data["total_amount"] == "56.40"
    assert data["po_date"] == "2026-03-04"
    assert data["lines"][0]["uom"] == "CA"
    again = Order.model_validate_json(order.model_dump_json())
    assert again == order
    assert isinstance(again.lines[0].quantity, Decimal)


def test_floats_are_refused_for_money() -> None:
    with pytest.raises(ValidationError, match="not a float"):
        OrderLine(unit_price=0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quantity": "-1"}, "negative"),
        ({"upc": "12345"}, "upc"),
        ({"uom": "bananas"}, "unknown unit"),
        ({"unexpected": 1}, "Extra inputs"),
    ],
)
def test_line_validation_names_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OrderLine(**kwargs)  # type: ignore[arg-type]


def test_order_validation_messages() -> None:
    with pytest.raises(ValidationError, match="purpose"):
        Order(purpose="maybe")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="currency"):
        Order(currency="dollars")
    with pytest.raises(ValidationError, match="po_date"):
        Order.model_validate({"po_date": "31/31/2026"})


def test_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == order_schema_json(), (
        "schemas/order.schema.json is stale: regenerate it with "
        "`python -m ingest.domain.schema > schemas/order.schema.json` and review the diff"
    )


def test_schema_describes_decimals_as_strings() -> None:
    schema = json.loads(order_schema_json())
    qty = schema["$defs"]["OrderLine"]["properties"]["quantity"]["anyOf"][0]
    assert qty["type"] == "string" and "pattern" in qty


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=10**9, places=4),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6, places=2),
)
def test_decimal_round_trip_property(quantity: Decimal, price: Decimal) -> None:
    line = OrderLine(quantity=quantity, unit_price=price)
    again = OrderLine.model_validate_json(line.model_dump_json())
    assert again.quantity == quantity and again.unit_price == price
