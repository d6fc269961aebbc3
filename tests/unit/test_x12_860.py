"""The 860 mapper: BCH, POC changes, and the header and detail segments it shares with the 850."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.domain.order import Order, SegmentRef
from ingest.parsers.x12.model import (
    FunctionalGroup,
    Interchange,
    Issue,
    Segment,
    Separators,
    TransactionSet,
)
from ingest.parsers.x12.po850 import map_850
from ingest.parsers.x12.po860 import map_860

SEPS = Separators(element="*", component=">", segment="~", repetition="^")


def _segment(text: str, index: int, position: int = 0) -> Segment:
    tag, *elements = text.split("*")
    return Segment(tag, tuple(elements), index, position)


def build(body: str, ts_id: str = "860") -> tuple[TransactionSet, FunctionalGroup, Interchange]:
    """ST + ``body``'s segments + SE, in a group (GS08 004010) and an interchange; ISA is index 0."""
    bodies = [s.strip() for s in body.split("~") if s.strip()]
    raw = [f"ST*{ts_id}*0042", *bodies, f"SE*{len(bodies) + 2}*0042"]
    ts = TransactionSet(ts_id, "0042", [_segment(s, i + 2, i + 1) for i, s in enumerate(raw)])
    gs = _segment("GS*PC*SENDER*RECEIVER*20240102*1200*9*X*004010", 1)
    group = FunctionalGroup(
        "PC", "SENDER", "RECEIVER", "20240102", "1200", "9", "X", "004010", gs, None, [ts]
    )
    isa = _segment("ISA*00**00**12*SENDERID*01*787347434*240102*1200*U*00401*000000568*0*P*>", 0)
    interchange = Interchange(
        "12", "SENDERID       ", "01", "787347434      ", "240102", "1200", "00401", "000000568", False, "P",
        SEPS, isa, None, [group],
    )  # fmt: skip
    return ts, group, interchange


def read(body: str) -> tuple[Order | None, list[Issue]]:
    return map_860(*build(body))


def order_of(body: str) -> Order:
    order, issues = read(body)
    assert issues == []
    assert order is not None
    return order


def test_bch_fields() -> None:
    order = order_of(
        "BCH*04*SA*PO-77*R2*3*20240110*RFQ-1*K-9**20240111*20240112~CUR*BY*USD~REF*DP*12~"
        "DTM*002*20240201~N1*ST*Store*92*12~POC*1*QI*10*6*EA*2.50**BP*A-1~CTT*1*10~"
    )
    assert order.purpose == "change"
    assert (order.order_type, order.po_number, order.po_date) == ("SA", "PO-77", date(2024, 1, 10))
    assert order.reference("release") == "R2"
    assert order.reference("change_sequence") == "3"
    assert order.reference("request_reference") == "RFQ-1"
    assert order.reference("contract") == "K-9"
    assert order.reference("acknowledgment_date") == "2024-01-11"
    assert order.reference("change_date") == "2024-01-12"
    assert order.currency == "USD"
    assert order.reference("DP") == "12"
    assert order.requested_delivery_date == date(2024, 2, 1)
    assert order.ship_to is not None
    assert order.ship_to.name == "Store"
    assert order.sender is not None
    assert (order.sender.edi_qualifier, order.sender.edi_id) == ("12", "SENDERID")
    assert order.reference("transaction") == "0042"
    assert order.provenance["po_number"] == SegmentRef(segment=3)
    [line] = order.lines
    assert (line.line_number, line.change, line.quantity, line.uom, line.unit_price) == (
        "1",
        "quantity",
        Decimal(10),
        "EA",
        Decimal("2.50"),
    )
    assert line.buyer_part_number == "A-1"
    assert "line 1: quantity left to receive 6" in order.notes
    assert order.confidence["lines"] == 1.0


@pytest.mark.parametrize(
    ("code", "purpose", "confidence"),
    [
        ("01", "cancellation", 1.0),
        ("04", "change", 1.0),
        ("05", "replace", 1.0),
        ("00", "original", 1.0),
        ("06", "confirmation", 1.0),
        ("07", "change", 0.5),
        ("", "change", 0.5),
    ],
)
def test_bch_purpose(code: str, purpose: str, confidence: float) -> None:
    order = order_of(f"BCH*{code}*SA*P1***20240101~POC*1*DI~")
    assert order.purpose == purpose
    assert order.confidence["purpose"] == confidence


@pytest.mark.parametrize(
    ("code", "change", "confidence", "note"),
    [
        ("AI", "add", 1.0, None),
        ("DI", "delete", 1.0, None),
        ("QI", "quantity", 1.0, None),
        ("QD", "quantity", 1.0, None),
        ("PC", "price", 1.0, None),
        ("RZ", "replace", 1.0, None),
        ("CA", "replace", 0.8, "change CA (changes to line items)"),
        ("PQ", "replace", 0.8, "change PQ (unit price/quantity change)"),
        ("XX", "replace", 0.8, "change XX"),
        ("NC", None, None, "no change (NC)"),
        ("", None, 0.0, "POC02 change code is missing"),
    ],
)
def test_poc_change_codes(code: str, change: str | None, confidence: float | None, note: str | None) -> None:
    order = order_of(f"BCH*04*SA*P1***20240101~POC*1*{code}*5**EA*1~")
    line = order.lines[0]
    assert line.change == change
    assert line.confidence.get("change") == confidence
    if note:
        assert f"line 1: {note}" in order.notes


def test_poc_details_and_ids() -> None:
    order = order_of(
        "BCH*04*SA*P1***20240101~"
        "POC*1*AI*24**CA>1>EA*12.5*HP*VN*V-1*UP*036000291452*IB*0835209881~PID*F****NEW ITEM~"
        "PO4*12*16*OZ~SAC*C*D240***500~DTM*002*20240301~"
        "POC**DI******IN*59123*VN*018100775285~"
        "CTT*2*24~"
    )
    added, deleted = order.lines
    assert (added.change, added.quantity, added.uom, added.unit_price) == ("add", 24, "CA", Decimal("12.5"))
    assert (added.vendor_part_number, added.upc, added.description) == ("V-1", "036000291452", "NEW ITEM")
    assert added.requested_delivery_date == date(2024, 3, 1)
    assert (deleted.line_number, deleted.change, deleted.quantity) == ("2", "delete", None)
    assert (deleted.buyer_part_number, deleted.vendor_part_number) == ("59123", "018100775285")
    assert (
        "line 1: price basis HP (price per hundred); ISBN (IB) 0835209881; pack 12 \u00d7 16 OZ; "
        "charge D240 freight 5.00" in order.notes
    )
    assert order.confidence["lines"] == 1.0


def test_ctt_counts_poc_lines() -> None:
    order = order_of("BCH*04*SA*P1***20240101~POC*1*DI~POC*2*DI~POC*3*DI~CTT*2~")
    assert order.confidence["lines"] == 0.0
    assert "CTT01 says 2 lines, counted 3" in order.notes


def test_missing_bch() -> None:
    order, issues = read("POC*1*DI~")
    [issue] = issues
    assert issue.segment_error is not None
    assert (issue.segment_error.tag, issue.segment_error.syntax_code) == ("BCH", "3")
    assert order is not None
    assert len(order.lines) == 1
    nothing, _ = read("REF*DP*1~")
    assert nothing is None


def test_missing_po_number() -> None:
    order, issues = read("BCH*04*SA****20240101~POC*1*DI~")
    [issue] = issues
    err = issue.segment_error
    assert err is not None
    assert (err.tag, err.element_position, err.element_code) == ("BCH", 3, "1")
    assert order is not None


def test_poc_quantity_and_price_not_numbers() -> None:
    _, issues = read("BCH*04*SA*P1***20240101~POC*1*QI*ten**EA*1,5~")
    errors = [i.segment_error for i in issues]
    assert [(e.tag, e.position, e.element_position, e.element_code) for e in errors if e] == [
        ("POC", 3, 3, "6"),
        ("POC", 3, 6, "6"),
    ]


def test_the_inteligenz_sample() -> None:
    """BCH06 holds the words "PO DATE": an invalid date, so the 860 is rejected, with the order."""
    order, issues = read(
        "BCH*04*SA*PO NUMBER***PO DATE*****20080310~REF*IA*TEMPR~N1*BY*RETAILER*92*1129~"
        "N3*123 THISRD*SUITE11~N4*LEXINGTON*KY*40511~"
        "POC*1*DI******IN*59123*VN*018100775285~POC*2*DI******IN*86111*VN*039307384346~CTT*2~"
    )
    [issue] = issues
    assert issue.segment_error is not None
    assert (issue.segment_error.tag, issue.segment_error.element_position) == ("BCH", 6)
    assert issue.segment_error.element_code == "8"
    assert order is not None
    assert order.po_number == "PO NUMBER"
    assert order.reference("change_date") == "2008-03-10"
    assert order.buyer is not None
    assert (order.buyer.name, order.buyer.city) == ("RETAILER", "LEXINGTON")
    assert [line.change for line in order.lines] == ["delete", "delete"]


def test_an_850_is_not_read_as_an_860() -> None:
    order, issues = map_860(*build("BEG*00*SA*P1~", ts_id="850"))
    assert order is None
    assert issues[0].kind == "x12_unsupported_transaction"
    order, _ = map_850(*build("BEG*00*SA*P1~PO1*1*1*EA*1~", ts_id="850"))
    assert order is not None
