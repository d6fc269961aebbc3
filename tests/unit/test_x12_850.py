"""The 850 mapper: every mapping on small crafted transaction sets, the corpus, and random values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _segment(text: str, index: int, position: int = 0, element: str = "*") -> Segment:
    tag, *elements = text.split(element)
    return Segment(tag.strip(), tuple(elements), index, position)


def build(
    body: str, *, ts_id: str = "850", version: str = "004010", element: str = "*", segment: str = "~"
) -> tuple[TransactionSet, FunctionalGroup, Interchange]:
    """ST + the segments of ``body`` + SE inside a group and an interchange, as the envelope reader
    gives them: ``index`` counts from ISA = 0, ``position`` from ST = 1."""
    bodies = [s.strip() for s in body.split(segment) if s.strip()]
    raw = [f"ST{element}{ts_id}{element}0001", *bodies, f"SE{element}{len(bodies) + 2}{element}0001"]
    segments = [_segment(s, i + 2, i + 1, element) for i, s in enumerate(raw)]
    ts = TransactionSet(id=ts_id, control_number="0001", segments=segments)
    gs = _segment(f"GS*PO*SENDER*RECEIVER*20240102*1200*77*X*{version}", 1)
    group = FunctionalGroup(
        "PO", "SENDER", "RECEIVER", "20240102", "1200", "77", "X", version, gs, None, [ts]
    )
    isa = _segment("ISA*00**00**ZZ*ACME*ZZ*US*240102*1200*U*00401*000000905*0*P*>", 0)
    interchange = Interchange(
        sender_qualifier="ZZ",
        sender_id="ACME           ",
        receiver_qualifier="ZZ",
        receiver_id="US             ",
        date="240102",
        time="1200",
        version="00401",
        control_number="000000905",
        ack_requested=False,
        usage="P",
        separators=SEPS,
        isa=isa,
        iea=None,
        groups=[group],
    )
    return ts, group, interchange


def read(body: str, **kwargs: str) -> tuple[Order | None, list[Issue]]:
    return map_850(*build(body, **kwargs))


def order_of(body: str, **kwargs: str) -> Order:
    order, issues = read(body, **kwargs)
    assert issues == []
    assert order is not None
    return order


BASIC = """
BEG*00*SA*PO-1001*R7*20240315~
CUR*BY*USD~
REF*DP*038~
PER*BD*Jane Buyer*TE*555-1212*EM*jane@example.com~
DTM*002*20240401~
N1*ST*Store 12*92*0012~
N3*1 Main St*Suite 4~
N4*Tacoma*WA*98402*US~
PO1*1*12*CA*3.45*PE*BP*A-100*VN*V-9*UP*036000291452~
PID*F****Widget, blue~
PO1*2*5*EA*10**SK*SKU-2~
CTT*2*17~
AMT*TT*91.40~
"""


def test_basic_order_fields_provenance_and_confidence() -> None:
    order = order_of(BASIC)
    assert order.po_number == "PO-1001"
    assert order.purpose == "original"
    assert order.order_type == "SA"
    assert order.po_date == date(2024, 3, 15)
    assert order.reference("release") == "R7"
    assert order.currency == "USD"
    assert order.reference("DP") == "038"
    assert order.requested_delivery_date == date(2024, 4, 1)
    assert order.total_amount == Decimal("91.40")
    assert order.sender is not None
    assert (order.sender.channel, order.sender.edi_qualifier, order.sender.edi_id) == ("edi", "ZZ", "ACME")
    assert order.reference("interchange") == "000000905"
    assert order.reference("group") == "77"
    assert order.reference("transaction") == "0001"
    assert order.provenance["sender"] == SegmentRef(segment=0)  # the ISA
    # BEG is the segment at position 2, index 3 in the interchange
    assert order.provenance["po_number"] == SegmentRef(segment=3)
    assert order.confidence["po_number"] == 1.0
    assert order.provenance["currency"] == SegmentRef(segment=4)
    assert order.ship_to is not None
    assert order.ship_to.name == "Store 12"
    assert [(i.qualifier, i.value) for i in order.ship_to.identifiers] == [("92", "0012")]
    assert (order.ship_to.address1, order.ship_to.address2) == ("1 Main St", "Suite 4")
    assert (order.ship_to.city, order.ship_to.state) == ("Tacoma", "WA")
    assert (order.ship_to.postal_code, order.ship_to.country) == ("98402", "US")
    assert order.buyer is not None
    assert (order.buyer.contact, order.buyer.phone, order.buyer.email) == (
        "Jane Buyer",
        "555-1212",
        "jane@example.com",
    )
    first, second = order.lines
    assert (first.line_number, first.quantity, first.uom, first.unit_price) == (
        "1",
        12,
        "CA",
        Decimal("3.45"),
    )
    assert (first.buyer_part_number, first.vendor_part_number, first.upc) == ("A-100", "V-9", "036000291452")
    assert first.description == "Widget, blue"
    assert first.provenance["quantity"] == SegmentRef(segment=11)
    assert first.provenance["description"] == SegmentRef(segment=12)
    assert first.confidence["upc"] == 1.0
    assert second.buyer_part_number == "SKU-2"
    assert order.confidence["lines"] == 1.0
    assert order.notes == []
    assert Order.model_validate_json(order.model_dump_json()) == order


@pytest.mark.parametrize(
    ("code", "purpose", "note"),
    [
        ("00", "original", None),
        ("01", "cancellation", None),
        ("04", "change", None),
        ("05", "replace", None),
        ("06", "confirmation", None),
        ("07", "original", "duplicate"),
        ("22", "original", "'22'"),
    ],
)
def test_purpose_codes(code: str, purpose: str, note: str | None) -> None:
    order = order_of(f"BEG*{code}*NE*P1**20240101~PO1*1*1*EA*1~")
    assert order.purpose == purpose
    if note is None:
        assert order.confidence["purpose"] == 1.0
    else:
        assert order.confidence["purpose"] < 1.0
        assert any(note in n and "purpose" in n for n in order.notes)


def test_beg_extras_and_old_version_dates() -> None:
    order = order_of("BEG*00*NE*S115921858*1017760*040317*K-1*AE*IBM~PO1*1*1*EA*1~", version="003040")
    assert order.po_date == date(2004, 3, 17)
    assert order.reference("release") == "1017760"
    assert order.reference("contract") == "K-1"
    assert "acknowledgment type AE requested" in order.notes
    assert "invoice type IBM" in order.notes


def test_missing_beg_is_a_mandatory_segment_error() -> None:
    order, issues = read("REF*DP*1~")
    assert order is None
    [issue] = issues
    assert (issue.kind, issue.level, issue.ak5_code) == ("x12_syntax", "transaction", "5")
    assert issue.segment_error is not None
    assert (issue.segment_error.tag, issue.segment_error.syntax_code) == ("BEG", "3")
    assert issue.segment_error.element_position is None


def test_missing_beg_keeps_the_lines_for_the_clerk() -> None:
    order, issues = read("PO1*1*2*EA*3~")
    assert [i.segment_error.tag for i in issues if i.segment_error] == ["BEG"]
    assert order is not None
    assert order.po_number is None
    assert len(order.lines) == 1


def test_missing_po_number_is_a_mandatory_element_error() -> None:
    order, issues = read("BEG*00*SA***20240101~PO1*1*2*EA*3~")
    [issue] = issues
    err = issue.segment_error
    assert err is not None
    assert (err.tag, err.position, err.syntax_code, err.element_position, err.element_code) == (
        "BEG",
        2,
        "8",
        3,
        "1",
    )
    assert issue.location == "ST 0001, segment 2 (BEG)"
    assert order is not None
    assert order.po_number is None
    assert order.lines[0].quantity == 2


@pytest.mark.parametrize(("po1", "element"), [("PO1*1*1O*EA*3", 2), ("PO1*1*10*EA*3,50", 4)])
def test_quantity_or_price_not_a_number(po1: str, element: int) -> None:
    order, issues = read(f"BEG*00*SA*P1**20240101~{po1}~")
    [issue] = issues
    err = issue.segment_error
    assert err is not None
    assert (err.tag, err.position, err.element_position, err.element_code) == ("PO1", 3, element, "6")
    assert err.element_value == po1.split("*")[element]
    assert issue.ak5_code == "5"
    assert order is not None
    assert order.po_number == "P1"


@pytest.mark.parametrize("value", ["20240230", "2024011", "24-01-01"])
def test_bad_dtm_date(value: str) -> None:
    order, issues = read(f"BEG*00*SA*P1**20240101~DTM*002*{value}~PO1*1*1*EA*1~")
    [issue] = issues
    err = issue.segment_error
    assert err is not None
    assert (err.tag, err.element_position, err.element_code, err.element_value) == ("DTM", 2, "8", value)
    assert order is not None
    assert order.requested_delivery_date is None


def test_bad_beg_date_is_an_invalid_date_too() -> None:
    _, issues = read("BEG*00*SA*P1**PO DATE~PO1*1*1*EA*1~")
    assert [(i.segment_error.tag, i.segment_error.element_code) for i in issues if i.segment_error] == [
        ("BEG", "8")
    ]


def test_dates() -> None:
    order = order_of(
        "BEG*00*SA*P1~DTM*004*20240102~DTM*037*20240105~DTM*038*240110~DTM*001*20240201~"
        "DTM*064*20240108~DTM*063*20240112~DTM*175*19980615***19~DTM*999*20240303~PO1*1*1*EA*1~"
    )
    assert order.po_date == date(2024, 1, 2)
    assert order.requested_ship_date == date(2024, 1, 5)
    assert order.confidence["requested_ship_date"] == 0.9
    assert order.requested_delivery_date == date(2024, 1, 8)
    assert order.reference("ship_not_before") == "2024-01-05"
    assert order.reference("ship_no_later") == "2024-01-10"
    assert order.reference("cancel_after") == "2024-02-01"
    assert order.reference("deliver_no_later") == "2024-01-12"
    assert order.reference("cancel_if_not_shipped_by") == "1998-06-15"
    assert order.reference("date 999") == "2024-03-03"


def test_requested_ship_date_prefers_010_over_037() -> None:
    order = order_of("BEG*00*SA*P1*~DTM*037*20240105~DTM*010*20240107~DTM*002*20240110~PO1*1*1*EA*1~")
    assert order.requested_ship_date == date(2024, 1, 7)
    assert order.confidence["requested_ship_date"] == 1.0
    assert order.requested_delivery_date == date(2024, 1, 10)


def test_dtm_with_century_and_d8_format() -> None:
    order = order_of(
        "BEG*00*SA*P1~DTM*002*980205***19~DTM*010****D8*20240301~PO1*1*1*EA*1~", version="003040"
    )
    assert order.requested_delivery_date == date(1998, 2, 5)
    assert order.requested_ship_date == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("itd", "text"),
    [
        ("ITD*01*3*2**10**30", "2% 10 days, net 30"),
        ("ITD*08*2*2.5**45**100", "2.5% 45 days, net 100"),
        ("ITD*05*2*****90", "net 90"),
        ("ITD*14*3*****60*****NET 60 DAYS", "net 60 (NET 60 DAYS)"),
        ("ITD*01*2**********N 60ROG +2.50%RTV", "N 60ROG +2.50%RTV"),
        ("ITD*01*3*1.000**15**16*****1/15 NET 30", "1% 15 days, net 16 (1/15 NET 30)"),
        ("ITD*05*5", "terms type 05 (discount not applicable)"),
        ("ITD*01*3**20240110**20240130", "discount due 2024-01-10, net due 2024-01-30"),
    ],
)
def test_payment_terms(itd: str, text: str) -> None:
    assert order_of(f"BEG*00*SA*P1~{itd}~PO1*1*1*EA*1~").payment_terms == text


@pytest.mark.parametrize(
    ("td5", "via"),
    [
        ("TD5*A*92*P3**SEE XYZ RETAIL ROUTING GUIDE", "SEE XYZ RETAIL ROUTING GUIDE (P3)"),
        ("TD5*****UPSG", "UPSG"),
        ("TD5*B*92*SEE ROUTING GUIDE", "SEE ROUTING GUIDE"),
        ("TD5****M*TRUCK", "TRUCK"),
        ("TD5*O***O", "O"),
    ],
)
def test_ship_via(td5: str, via: str) -> None:
    assert order_of(f"BEG*00*SA*P1~{td5}~PO1*1*1*EA*1~").ship_via == via


def test_header_notes_and_references() -> None:
    order = order_of(
        "BEG*00*SA*P1~REF*IA*234567*VENDOR NAME~REF*ZZ**free text ref~FOB*PP*ZZ*BAY DC-MDC~"
        "N9*AH*15918851602~MSG*ALL COSTS CONFIRMED~NTE*SPH*TEST ORDER~MTX**mtx text~CSH*Y~"
        "CUR*BY*CANADA~PO1*1*1*EA*1~"
    )
    assert order.reference("IA") == "234567"
    assert order.reference("ZZ") == "free text ref"
    assert order.reference("AH") == "15918851602"
    assert "REF IA 234567: VENDOR NAME" in order.notes
    assert "FOB: PP (prepaid); ZZ; BAY DC-MDC" in order.notes
    assert {"ALL COSTS CONFIRMED", "TEST ORDER", "mtx text"} <= set(order.notes)
    assert "unmapped segment CSH at position 10: Y" in order.notes
    assert "currency 'CANADA' is not a currency code" in order.notes
    assert order.currency is None


def test_parties() -> None:
    order = order_of(
        "BEG*00*SA*P1~PER*BD*Buyer Name~"
        "N1*BY*DAIS*1*756110870~N3*WAKEFIELD HOUSE*30 WAKEFIELD ST~N4*ADELAIDE*SA*5000*AU~"
        "N1*ST*JOHN*92*WH11~N2*DAIS~N3*LEVEL 11~N4*ADELAIDE*SA*5000*AUS~REF*DP*200~"
        "PER*IC*SHIP TO*TE*8015551234*FX*8015554321*EM*john@doe.com~"
        "N1*BT*BILL TO*9*1223334444~N1*SU*Supplier*UL*0614141000005~N1*SF*GENERAL SUPPLY CO*92*S07012345~"
        "N3*1 Dock Rd~N1*VN*Second Seller~PO1*1*1*EA*1~"
    )
    assert order.buyer is not None
    assert (order.buyer.name, order.buyer.contact, order.buyer.city) == ("DAIS", "Buyer Name", "ADELAIDE")
    assert [(i.qualifier, i.value) for i in order.buyer.identifiers] == [("1", "756110870")]
    assert order.ship_to is not None
    assert order.ship_to.name == "JOHN, DAIS"
    assert (order.ship_to.contact, order.ship_to.phone, order.ship_to.email) == (
        "SHIP TO",
        "8015551234",
        "john@doe.com",
    )
    assert [(i.qualifier, i.value) for i in order.ship_to.identifiers] == [("92", "WH11"), ("REF DP", "200")]
    assert order.bill_to is not None
    assert order.bill_to.identifiers[0].qualifier == "9"
    assert order.seller is not None
    assert order.seller.name == "Supplier"
    assert order.seller.identifiers[0].qualifier == "UL"
    assert "party SF (ship from): GENERAL SUPPLY CO; 92 S07012345; 1 Dock Rd" in order.notes
    assert "party VN: Second Seller" in order.notes
    assert order.provenance["ship_to"] == SegmentRef(segment=8)


def test_stand_in_parties_fill_only_empty_roles() -> None:
    order = order_of(
        "BEG*00*SA*P1~N1*SO*Sold To Co*92*S1~N1*BS*Bill And Ship*11*ABC~N1*BT*Real Bill To~PO1*1*1*EA*1~"
    )
    assert order.buyer is not None
    assert order.buyer.name == "Sold To Co"
    assert order.confidence["buyer"] == 0.9
    assert order.bill_to is not None
    assert order.bill_to.name == "Real Bill To"
    assert order.ship_to is not None
    assert order.ship_to.name == "Bill And Ship"
    assert order.notes == []
    with_by = order_of("BEG*00*SA*P1~N1*SO*Sold To Co~N1*BY*Buyer Co~PO1*1*1*EA*1~")
    assert with_by.buyer is not None
    assert with_by.buyer.name == "Buyer Co"
    assert with_by.notes == ["party SO (sold to): Sold To Co"]


def test_header_per_makes_a_buyer_when_there_is_no_n1_by() -> None:
    order = order_of("BEG*00*SA*P1~PER*OC*Marvin Acme*TE*973-555-1212*EM*marvin@acme.com~PO1*1*1*EA*1~")
    assert order.buyer is not None
    assert (order.buyer.name, order.buyer.contact, order.buyer.email) == (
        None,
        "Marvin Acme",
        "marvin@acme.com",
    )


def test_line_numbers_are_given_when_po101_is_empty() -> None:
    order = order_of("BEG*00*SA*P1~PO1**6*EA*12~PO1**6*EA*12~PO1**1*EA*12~CTT*3*13~")
    assert [line.line_number for line in order.lines] == ["1", "2", "3"]
    assert all(line.confidence["line_number"] == 1.0 for line in order.lines)
    assert order.confidence["lines"] == 1.0


@pytest.mark.parametrize(
    ("unit", "uom", "note"),
    [
        ("CA", "CA", None),
        ("CS", "CA", None),
        ("UN", "EA", None),
        ("KI", "KI", None),
        ("YD", "YD", None),
        ("XYZ", None, "unit of measure 'XYZ' is not known"),
        ("", None, None),
    ],
)
def test_units(unit: str, uom: str | None, note: str | None) -> None:
    order = order_of(f"BEG*00*SA*P1~PO1*1*1*{unit}*2~")
    assert order.lines[0].uom == uom
    assert (note is not None) == any(note in n for n in order.notes if note)


@pytest.mark.parametrize(
    ("pairs", "buyer", "vendor", "upc", "notes"),
    [
        ("BP*B1*VP*V1*UP*036000291452", "B1", "V1", "036000291452", []),
        ("SK*54895030*VC*5383-3117", "54895030", "5383-3117", None, []),
        (
            "UP*058824014093*IT*1409*IN*01112061*BO*N/A",
            "01112061",
            None,
            "058824014093",
            ["buyer style (IT) 1409"],
        ),
        ("CB*17920108*VA*12307", "17920108", "12307", None, []),
        ("SK*46234***VN*MT644*****CB*751775MT64426", "46234", "MT644", None, ["CB 751775MT64426"]),
        ("UA*043010021900*VN*4531*IN*71039103", "71039103", "4531", "043010021900", []),
        ("UA*006299966412*IN*71039103", "71039103", None, None, ["invalid UPC case code (UA) 006299966412"]),
        ("UK*10036000291459", None, None, "10036000291459", []),
        ("EN*4006381333931", None, None, "4006381333931", []),
        ("UP*717119.837242", None, None, None, ["invalid UPC (UP) 717119.837242"]),
        ("UP*B000056EWE", None, None, None, ["invalid UPC (UP) B000056EWE"]),
        ("IB*0835209881", None, None, "9780835209885", ["ISBN (IB) 0835209881"]),
        (
            "BP*12345678*MG*64113730AD01A00",
            "12345678",
            None,
            None,
            ["manufacturer part (MG) 64113730AD01A00"],
        ),
        ("PI*P-7*IN*I-7", "I-7", None, None, ["PI P-7"]),
    ],
)
def test_product_ids(
    pairs: str, buyer: str | None, vendor: str | None, upc: str | None, notes: list[str]
) -> None:
    order = order_of(f"BEG*00*SA*P1~PO1*1*1*EA*2**{pairs}~")
    line = order.lines[0]
    assert (line.buyer_part_number, line.vendor_part_number, line.upc) == (buyer, vendor, upc)
    for note in notes:
        assert note in order.notes[0]
    if not notes:
        assert order.notes == []


def test_line_details() -> None:
    order = order_of(
        "BEG*00*SA*P1~"
        "PO1*1*36*EA*21*HP*CB*976280009~CTP*RS*RES*54.99~PID*F*73***NOT APPLICABLE~PID*F*08***COFEMKR 2 GO~"
        "PID*S**VI*FL~PO4*12*16*OZ~SAC*A*F800***420***1****02***Promotional Allowance~"
        "SDQ*EA*92*B1117*1*B1120*2~DTM*002*20240501~DTM*038*20240502~REF*ADD*Unit #111~MSG*First Quality~"
        "N1*ST*Store 9*92*0009~N3*9 Side St~TXI*TX*****2~"
        "PO1*2*1*EA*1~PO4*4*************1~CTP******DIS*.57~"
    )
    first, second = order.lines
    assert first.description == "COFEMKR 2 GO; FL; NOT APPLICABLE"  # product (08) and plain first
    assert first.requested_delivery_date == date(2024, 5, 1)
    [note1, note2] = [n for n in order.notes if n.startswith("line ")]
    assert note1 == (
        "line 1: price basis HP (price per hundred); price RES 54.99; pack 12 \u00d7 16 OZ; "
        "allowance F800 Promotional Allowance 4.20 rate 1; SDQ EA (92): B1117:1, B1120:2; "
        "ship_no_later 2024-05-02; REF ADD Unit #111; First Quality; "
        "unmapped segment TXI at position 17: TX*****2; "
        "party ST: Store 9; 92 0009; 9 Side St"
    )
    assert note2 == "line 2: pack 4, inner pack 1; price DIS .57"
    assert second.description is None


def test_line_schedule_and_padded_descriptions() -> None:
    order = order_of(
        "BEG*00*SA*P1~PO1*001*4*EA*330*TE*IN*525~PID*F****GROCERY ITEM      24/360 ML~"
        "SCH*4*EA***002*20071001*0322~CTT*1*4~"
    )
    line = order.lines[0]
    assert line.requested_delivery_date == date(2007, 10, 1)
    assert line.description == "GROCERY ITEM 24/360 ML"
    assert "line 001: schedule 4 EA 2007-10-01" in order.notes


def test_header_allowances_and_charges() -> None:
    order = order_of(
        "BEG*00*SA*P1~SAC*A*E750***80*******02***New Store Order~SAC*C*D240***1250~SAC*C*H750***99~"
        "SAC*C*ZZZZ***5.5~SAC*A*F800****Z*10*****02***Promotional Allowance~SAC*N**ZZ*OHRO~PO1*1*1*EA*100~"
        "AMT*TT*118.19~"
    )
    charges = [(c.kind, c.amount, c.description) for c in order.charges]
    assert charges == [
        ("discount", Decimal("-0.80"), "New Store Order"),
        ("freight", Decimal("12.50"), "freight"),
        ("tax", Decimal("0.99"), "sales tax"),
        ("other", Decimal("5.5"), "ZZZZ"),
    ]
    assert "allowance F800 Promotional Allowance 10%" in order.notes
    assert "no allowance or charge ZZ OHRO" in order.notes
    assert order.confidence["total_amount"] == 1.0  # lines 100 + charges 18.19
    assert order.total_amount == Decimal("118.19")


def test_count_checks_lower_confidence_without_rejecting() -> None:
    order, issues = read("BEG*00*SA*P1~" + "PO1**26*CA*21.1~" * 5 + "CTT*1~")
    assert issues == []
    assert order is not None
    assert order.confidence["lines"] == 0.0
    assert "CTT01 says 1 line, counted 5" in order.notes


def test_hash_total_checks() -> None:
    assert order_of("BEG*00*SA*P1~PO1*1*25*EA~PO1*2*30*EA~CTT*2*55~").confidence["lines"] == 1.0
    # X12 sums the digits without the decimal point: 1.5 + 2 -> 15 + 2 = 17
    assert order_of("BEG*00*SA*P1~PO1*1*1.5*EA~PO1*2*2*EA~CTT*2*17~").confidence["lines"] == 1.0
    wrong = order_of("BEG*00*SA*P1~PO1*1*25*EA~PO1*2*30*EA~CTT*2*56~")
    assert wrong.confidence["lines"] == 0.0
    assert "CTT02 hash total 56 differs from the sum 55" in wrong.notes
    odd = order_of("BEG*00*SA*P1~PO1*1*2*CA~CTT*Q2~")
    assert odd.confidence["lines"] == 0.5
    assert "CTT01 'Q2' is not a number of lines" in odd.notes


def test_amount_checks() -> None:
    good = order_of("BEG*00*SA*P1~PO1*1*8*EA*400~PO1*2*4*EA*125~CTT*2~AMT*TT*3700~")
    assert good.total_amount == Decimal("3700")
    assert good.confidence["total_amount"] == 1.0
    assert good.confidence["lines"] == 1.0
    bad = order_of("BEG*00*SA*P1~PO1*1*1*EA*665~CTT*1~AMT*TT*12~")
    assert bad.confidence["total_amount"] == 0.5
    assert bad.confidence["lines"] == 0.5
    assert "AMT TT says 12, lines add up to 665" in bad.notes
    line_total = order_of("BEG*00*SA*P1~PO1*1*120*EA*9.25~PO1*2*220*EA*13.79~CTT*2~AMT*1*4143.80~")
    assert line_total.confidence["lines"] == 1.0
    assert line_total.total_amount is None


def test_amount_with_charges() -> None:
    order = order_of("BEG*00*SA*P1~SAC*C*D240***1000~PO1*1*2*EA*50~AMT*TT*110~")
    assert order.confidence["total_amount"] == 1.0


def test_price_and_quantity_number_forms() -> None:
    order = order_of("BEG*00*SA*P1~PO1*item-1*0008*EA*74.8692*UM~PO1*2*.5*LB*-1~")
    assert order.lines[0].line_number == "item-1"
    assert order.lines[0].quantity == Decimal(8)
    assert order.lines[0].unit_price == Decimal("74.8692")
    assert order.lines[1].quantity == Decimal("0.5")
    negative = order_of("BEG*00*SA*P1~PO1*1*-3*EA*1~")
    assert negative.lines[0].quantity is None
    assert negative.lines[0].confidence["quantity"] == 0.0


def test_currency_in_the_line_loop() -> None:
    order = order_of("BEG*05*CP*740150~PO1*10*13200*SF***ST*F07~CUR*BY*USD~PO4**6055.05*PC~")
    assert order.currency == "USD"
    assert order.purpose == "replace"
    assert "line 10: style (ST) F07; size 6055.05 PC" in order.notes


def test_envelope_and_empty_segments_are_ignored() -> None:
    order = order_of("BEG*00*SA*P1~LS*A~N1~PO1*1*1*EA*1~LE*A~")
    assert order.notes == []


def test_another_transaction_set_is_not_read() -> None:
    order, issues = map_850(*build("BCH*04*SA*P1~", ts_id="860"))
    assert order is None
    assert [(i.kind, i.ak5_code) for i in issues] == [("x12_unsupported_transaction", "1")]


def test_other_separators() -> None:
    order = order_of("BEG|00|SA|P1||20240101\nPO1|1|2|EA|3\n", element="|", segment="\n")
    assert order.po_number == "P1"
    assert order.lines[0].quantity == 2


# --- random values never crash the mapper --------------------------------------------------------

TEMPLATE = [
    ("BEG", 5),
    ("CUR", 2),
    ("REF", 3),
    ("PER", 8),
    ("FOB", 7),
    ("ITD", 12),
    ("DTM", 6),
    ("TD5", 5),
    ("N9", 3),
    ("MSG", 1),
    ("SAC", 15),
    ("N1", 4),
    ("N2", 1),
    ("N3", 2),
    ("N4", 4),
    ("PO1", 25),
    ("CTP", 7),
    ("PID", 5),
    ("PO4", 14),
    ("SDQ", 6),
    ("SAC", 15),
    ("DTM", 6),
    ("CTT", 2),
    ("AMT", 3),
    ("XYZ", 2),
]
element_value = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"[0-9.+-]{0,12}", fullmatch=True),
    st.sampled_from(["", "00", "BY", "ST", "UP", "IB", "TT", "A", "C", "D8", "NaN", "Infinity", "1E5", "-0"]),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_element_values_never_raise(data: st.DataObject) -> None:
    """Random values (and, sometimes, segments in a random order) give an order or issues, never an error."""
    template = data.draw(st.one_of(st.just(TEMPLATE), st.permutations(TEMPLATE)))
    rows = []
    for tag, count in template:
        values = data.draw(st.lists(element_value, min_size=count, max_size=count))
        rows.append((tag, [v.replace("*", "").replace("~", "") for v in values]))
    for mapper, ts_id, renamed in ((map_850, "850", {}), (map_860, "860", {"BEG": "BCH", "PO1": "POC"})):
        body = "~".join("*".join([renamed.get(tag, tag), *values]) for tag, values in rows)
        order, issues = mapper(*build(body, ts_id=ts_id))
        assert order is None or isinstance(order, Order)
        assert all(isinstance(i, Issue) and i.level == "transaction" for i in issues)
        if order is not None:
            Order.model_validate_json(order.model_dump_json())


# --- the corpus of real files --------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    ts_id: str
    po_number: str | None
    lines: int


_ORDER = re.compile(r"(850|860) (?:\(no BEG/BCH\)|(.+?) \[BEG/BCH01/02 [^\]]*\]) (\d+) (?:PO1|POC)")


def manifest() -> dict[str, list[Expected]]:
    """MANIFEST.md's "orders (N): 850 PONUM [..] K PO1, ..." lines, by file."""
    found: dict[str, list[Expected]] = {}
    current = ""
    for line in (SHARED / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            current = line.removeprefix("### x12/").strip() if line.startswith("### x12/") else ""
        elif current and line.startswith("- orders ("):
            body = line.split(":", 1)[1]
            found[current] = [Expected(m[1], m[2], int(m[3])) for m in _ORDER.finditer(body)]
    return found


# Where the manifest's scanner (splitting on the terminator alone) and the note beside it disagree,
# the note is right: the DTM before PO1*30 has no "~" but a line break, and the envelope reader
# honours the line break, so the first order has the 10 lines its CTT01 declares.
CORRECTIONS = {("indice-co_EDI.Net_x12.850.issue135.edi", 0): 10}


def corpus_files() -> list[str]:
    if not (SHARED / "MANIFEST.md").is_file():
        return []
    return sorted(manifest())


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_orders_match_the_manifest(name: str) -> None:
    envelope = pytest.importorskip("ingest.parsers.x12.envelope")
    path = SHARED / "x12" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    expected = manifest()[name]
    got: list[Expected] = []
    for interchange in envelope.read_interchanges(path.read_bytes()):
        for group in interchange.groups:
            for ts in group.transactions:
                if ts.id not in ("850", "860"):
                    continue
                mapper = map_850 if ts.id == "850" else map_860
                order, issues = mapper(ts, group, interchange)
                if order is None:
                    got.append(Expected(ts.id, None, 0))
                    continue
                assert [i for i in issues if i.segment_error is None] == []
                got.append(Expected(ts.id, order.po_number, len(order.lines)))
    want = [
        Expected(e.ts_id, e.po_number, CORRECTIONS.get((name, i), e.lines)) for i, e in enumerate(expected)
    ]
    assert got == want
