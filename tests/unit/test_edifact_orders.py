"""The ORDERS mapping on small hand-written messages: header, parties, lines, charges, control
totals, other message types, TRADACOMS, and detection by the registry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.domain.identifiers import gtin_check_digit
from ingest.domain.order import Order
from ingest.parsers.base import ParseContext, ParseOutcome
from ingest.parsers.edifact.parser import EdifactParser
from ingest.parsers.registry import default_registry

GLN_BY = "540000000001" + str(gtin_check_digit("540000000001"))
GLN_SU = "540000000002" + str(gtin_check_digit("540000000002"))
EAN = "400638133393" + str(gtin_check_digit("400638133393"))


def edifact(
    *segments: str, una: str = "", syntax: str = "UNOC:3", message: str = "ORDERS:D:96A:UN:EAN008"
) -> bytes:
    """One interchange holding one message of ``segments`` (UNH/UNT and UNB/UNZ added, counted)."""
    sep = una[4:5] or "+" if una else "+"
    term = una[8:9] if una else "'"
    body = [f"UNH{sep}M1{sep}{message}", *segments, f"UNT{sep}{len(segments) + 2}{sep}M1"]
    unb = f"UNB{sep}{syntax}{sep}{GLN_BY}:14{sep}{GLN_SU}:14{sep}240105:1200{sep}IC1"
    text = una + term.join([unb, *body, f"UNZ{sep}1{sep}IC1"]) + term
    return text.encode("utf-8" if "UNOW" in syntax else "latin-1")


def parse(content: bytes) -> ParseOutcome:
    outcome = EdifactParser().parse(content, ParseContext())
    assert outcome.format == "edifact"
    return outcome


def order_of(*segments: str, **kwargs: str) -> Order:
    outcome = parse(edifact(*segments, **kwargs))
    assert not outcome.rejected, [r.error.as_dict() for r in outcome.rejected]
    [order] = outcome.orders
    return order


BGM = "BGM+220+PO-1001+9"
LINE = [f"LIN+1++{EAN}:EN", "QTY+21:5:PCE", "PRI+AAA:2.50"]


# -- header ----------------------------------------------------------------------------------------


def test_a_small_order() -> None:
    order = order_of(
        BGM, "DTM+137:20240105:102", f"NAD+BY+{GLN_BY}::9", f"NAD+SU+{GLN_SU}::9", *LINE, "UNS+S"
    )
    assert (order.po_number, order.po_date, order.purpose, order.order_type) == (
        "PO-1001", date(2024, 1, 5), "original", "220",
    )  # fmt: skip
    assert order.sender is not None
    assert (order.sender.channel, order.sender.edi_qualifier, order.sender.edi_id) == ("edi", "14", GLN_BY)
    assert order.buyer is not None and order.buyer.identifiers[0].value == GLN_BY
    assert order.seller is not None and order.seller.identifiers[0].qualifier == "9"
    [line] = order.lines
    assert (line.line_number, line.quantity, line.uom, line.unit_price, line.upc) == (
        "1", Decimal(5), "EA", Decimal("2.50"), EAN,
    )  # fmt: skip
    assert order.reference("interchange") == "IC1" and order.reference("message") == "M1"
    assert order.provenance["po_number"].model_dump() == {"segment": 2}
    assert line.provenance["quantity"].model_dump() == {"segment": 7}  # UNB 0, UNH 1, BGM 2 ...


@pytest.mark.parametrize(
    ("function", "purpose", "confidence"),
    [("9", "original", 1.0), ("", "original", 1.0), ("1", "cancellation", 1.0), ("5", "replace", 1.0),
     ("4", "change", 1.0), ("46", "original", 0.5)],
)  # fmt: skip
def test_message_function_gives_the_purpose(function: str, purpose: str, confidence: float) -> None:
    order = order_of(f"BGM+220+PO-1+{function}".rstrip("+"), *LINE)
    assert order.purpose == purpose and order.confidence["purpose"] == confidence
    if confidence < 1:
        assert "message function 46 (provisional) read as original" in order.notes


def test_document_number_in_a_composite_and_a_named_document() -> None:
    order = order_of("BGM+105::9:Purchase order+K-1:1+9", *LINE)
    assert (order.po_number, order.order_type) == ("K-1", "105")


@pytest.mark.parametrize(
    ("dtm", "field", "value"),
    [
        ("DTM+2:20240110:102", "requested_delivery_date", date(2024, 1, 10)),
        ("DTM+2:202401101530:203", "requested_delivery_date", date(2024, 1, 10)),
        ("DTM+2:240110:101", "requested_delivery_date", date(2024, 1, 10)),
        ("DTM+69:20240111:102", "requested_delivery_date", date(2024, 1, 11)),
        ("DTM+10:20240109:102", "requested_ship_date", date(2024, 1, 9)),
        ("DTM+4:20240104:102", "po_date", date(2024, 1, 4)),
    ],
)
def test_header_dates(dtm: str, field: str, value: date) -> None:
    assert getattr(order_of(BGM, dtm, *LINE), field) == value


def test_a_delivery_window() -> None:
    order = order_of(BGM, "DTM+64:20240110:102", "DTM+63:20240120:102", *LINE)
    assert order.requested_delivery_date == date(2024, 1, 10)
    assert order.reference("deliver_not_before") == "2024-01-10"
    assert order.reference("deliver_no_later") == "2024-01-20"
    ranged = order_of(BGM, "DTM+2:20240110-20240112:718", *LINE)
    assert ranged.requested_delivery_date == date(2024, 1, 10)
    assert ranged.reference("deliver_no_later") == "2024-01-12"


def test_an_invalid_date_rejects_the_message_with_its_location() -> None:
    outcome = parse(edifact(BGM, "DTM+137:20241305:102", *LINE))
    [part] = outcome.rejected
    assert part.error.kind == "edifact_syntax" and "20241305" in part.error.message
    assert part.error.location == "UNH M1, segment 3 (DTM)"
    assert part.order is not None and part.order.po_number == "PO-1001"


def test_a_date_without_qualifier_is_noted_not_used() -> None:
    order = order_of(BGM, "DTM+:20240110:102", *LINE)
    assert order.requested_delivery_date is None
    assert "DTM at segment 3 has no date qualifier: 2024-01-10 not used" in order.notes


def test_currency_references_and_notes() -> None:
    order = order_of(
        BGM, "CUX+2:EUR:9", "RFF+CT:C-77", "RFF+ON:PO-1001", "FTX+AAI+++Deliver to:gate 4", "TAX+7+VAT", *LINE
    )
    assert order.currency == "EUR"
    assert order.reference("CT") == "C-77" and order.reference("ON") == "PO-1001"
    assert "Deliver to gate 4" in order.notes
    assert "TAX 7+VAT (segment 7)" in order.notes


def test_parties_with_names_addresses_and_contacts() -> None:
    order = order_of(
        BGM,
        f"NAD+BY+{GLN_BY}::9++Acme GmbH:Einkauf+Hauptstr. 1:Hof 2+Berlin+BE+10115+DE",
        "RFF+VA:DE123",
        "CTA+PD+:Herr Foo",
        "COM+030 1234:TE",
        "COM+einkauf@acme.example:EM",
        f"NAD+DP+{GLN_SU}::9++Lager Nord",
        "NAD+IV+4711::92",
        "NAD+SF+++Somewhere",
        *LINE,
    )
    buyer = order.buyer
    assert buyer is not None
    place = (buyer.address1, buyer.address2, buyer.city, buyer.state, buyer.postal_code, buyer.country)
    assert buyer.name == "Acme GmbH Einkauf"
    assert place == ("Hauptstr. 1", "Hof 2", "Berlin", "BE", "10115", "DE")
    assert (buyer.contact, buyer.phone, buyer.email) == ("Herr Foo", "030 1234", "einkauf@acme.example")
    assert [(i.qualifier, i.value) for i in buyer.identifiers] == [("9", GLN_BY), ("RFF VA", "DE123")]
    assert order.ship_to is not None and order.ship_to.name == "Lager Nord"
    assert order.bill_to is not None and order.bill_to.identifiers[0].qualifier == "92"
    assert "party SF (ship from): Somewhere" in order.notes


def test_a_party_id_that_is_no_gln_is_noted() -> None:
    order = order_of(BGM, "NAD+SU+<Supplier GLN>::9", *LINE)
    assert "NAD SU party id '<Supplier GLN>' is not a valid GLN" in order.notes


def test_terms_transport_and_delivery_terms_as_text() -> None:
    order = order_of(
        BGM,
        "PAT+1++5:3:D:30",
        "PCD+12:2",
        "TDT+20++30+31+DHL::87:DHL Express",
        "TOD+6++DDP::9:Delivered duty paid",
        *LINE,
    )
    assert order.payment_terms == "terms type 1, 30 days, 2%"
    assert order.ship_via == "DHL Express (DHL)"
    assert "terms of delivery: DDP; Delivered duty paid" in order.notes


def test_header_allowances_and_charges() -> None:
    order = order_of(
        BGM, "ALC+C++6++FC::9:Freight", "MOA+23:12.50", "ALC+A+++1+DI", "PCD+3:5", "MOA+204:3",
        "ALC+A", "PCD+3:20", *LINE,
    )  # fmt: skip
    assert [(c.kind, c.amount, c.description) for c in order.charges] == [
        ("freight", Decimal("12.50"), "Freight"),
        ("discount", Decimal(-3), "discount"),
    ]
    assert "allowance 20%" in order.notes


# -- lines -----------------------------------------------------------------------------------------


def test_item_numbers_from_lin_and_pia() -> None:
    order = order_of(
        BGM,
        f"LIN+1++{EAN}:EN",
        "PIA+1+SKU-9:SA::91+B-77:BP::92",
        "QTY+21:2",
        "LIN+2++0835201031:IB",
        "QTY+21:1",
        "LIN+3++Product Screws:SA",
        "PIA+5+IN-5:IN+00:VL",
        "QTY+21:1",
        "LIN+4++:EN",
        "QTY+21:1",
    )
    one, two, three, four = order.lines
    assert (one.upc, one.vendor_part_number, one.buyer_part_number) == (EAN, "SKU-9", "B-77")
    assert two.upc == "9780835201032"
    assert (three.vendor_part_number, three.buyer_part_number) == ("Product Screws", "IN-5")
    assert "line 3: vendor list 00" in order.notes
    assert (four.upc, four.vendor_part_number) == (None, None)


def test_descriptions_quantities_units_and_prices() -> None:
    order = order_of(
        BGM,
        "LIN+1",
        "IMD+F+ANM+:::Butter 40x250g:Alu",
        "IMD+F+79+:::Kühlware",
        "QTY+21:12:KGM",
        "QTY+59:6:PCE",
        "DTM+2:20240201:102",
        "MOA+203:3.30",
        "PRI+AAB:27.50:CT:AAE:100:KGM",
        "DTM+36:20240301:102",
        "LIN+2",
        "FTX+AAA+++The Hobbit",
        "QTY+1:3:XYZ",
        "PRI+AAA:10",
        "PRI+AAB:12",
    )
    one, two = order.lines
    assert one.description == "Butter 40x250g Alu; Kühlware"
    assert (one.quantity, one.uom, one.unit_price) == (Decimal(12), "KG", Decimal("0.275"))
    assert one.requested_delivery_date == date(2024, 2, 1)
    assert two.description == "The Hobbit" and two.confidence["description"] == 0.8
    assert (two.quantity, two.uom, two.unit_price) == (Decimal(3), None, Decimal(10))
    assert two.confidence["quantity"] == 0.9 and two.confidence["uom"] == 0.0
    notes = " | ".join(order.notes)
    assert "consumer units in the traded unit 6 PCE" in notes
    assert (
        "price 27.5 per 100 KGM" in notes
        and "expiry 2024-03-01" in notes
        and "unit price is the gross price (AAB)" in notes
    )
    assert "unit of measure 'XYZ' is not known" in notes and "price AAB 12" in notes


@pytest.mark.parametrize(
    ("code", "uom"), [("PCE", "EA"), ("EA", "EA"), ("C62", "EA"), ("CT", "CA"), ("KGM", "KG")]
)
def test_unit_codes(code: str, uom: str) -> None:
    assert order_of(BGM, "LIN+1", f"QTY+21:1:{code}").lines[0].uom == uom


def test_the_decimal_mark_of_the_una() -> None:
    order = order_of(BGM, "LIN+1", "QTY+21:2,5", "PRI+AAA:1,25", una="UNA:+,? '")
    assert (order.lines[0].quantity, order.lines[0].unit_price) == (Decimal("2.5"), Decimal("1.25"))
    outcome = parse(edifact(BGM, "LIN+1", "QTY+21:2.5", una="UNA:+,? '"))
    [part] = outcome.rejected
    assert "QTY01 quantity '2.5' is not a number with the decimal mark ','" in part.error.message
    assert part.error.location == "UNH M1, segment 4 (QTY)"


def test_line_changes_in_a_change_order() -> None:
    order = order_of("BGM+220+PO-1+4", "LIN+1+2", "QTY+21:0", "LIN+2+1", "QTY+21:4")
    assert [line.change for line in order.lines] == ["delete", "add"]
    assert [line.change for line in order_of(BGM, "LIN+1+1", "QTY+21:1").lines] == [None]


def test_control_totals_lower_confidence_not_reject() -> None:
    good = order_of(BGM, *LINE, "UNS+S", "MOA+79:12.50", "MOA+86:12.50", "CNT+2:1", "CNT+1:5")
    assert good.total_amount == Decimal("12.50") and good.confidence["lines"] == 1.0
    bad = order_of(BGM, *LINE, "UNS+S", "MOA+79:99", "CNT+2:3", "CNT+1:7")
    assert bad.confidence["lines"] == 0.0
    assert {"CNT 2 says 3 line items, counted 1", "MOA 79 says 99, lines add up to 12.5"} <= set(bad.notes)
    assert "CNT 1 says a quantity total of 7, the lines add up to 5" in bad.notes


def test_unknown_segments_are_kept_as_notes() -> None:
    order = order_of(BGM, "ZZZ+1+2", *LINE, "MEA+PD+LAY:4+NAR:6", "XYZ+A")
    assert "ZZZ 1+2 (segment 3)" in order.notes
    assert "line 1: MEA PD+LAY:4+NAR:6; XYZ A" in order.notes


# -- rejections ------------------------------------------------------------------------------------


def test_a_missing_document_number_or_bgm() -> None:
    [part] = parse(edifact("BGM+220++9", *LINE)).rejected
    assert part.error.message.startswith("BGM02 (document number) is missing")
    assert part.error.location == "UNH M1, segment 2 (BGM)" and part.order is not None
    [part] = parse(edifact(*LINE)).rejected
    assert part.error.message.startswith("BGM (beginning of message) is missing")


def test_an_unreleased_component_separator_is_found() -> None:
    [part] = parse(edifact(BGM, "LIN+1", "IMD+F++:::Suppe 1:10 und:Sosse 1:6", "QTY+21:1")).rejected
    assert part.error.message.startswith("IMD03 has 7 components where the directory allows 6")
    assert part.error.location == "UNH M1, segment 4 (IMD)"


@pytest.mark.parametrize(("message", "name"), [("ORDRSP:D:96A:UN", "ORDRSP (purchase order response)"),
                                               ("INVOIC:D:97B:UN", "INVOIC (invoice)"),
                                               ("DESADV:D:96A:UN", "DESADV (despatch advice)")])  # fmt: skip
def test_other_messages_are_rejected_by_name(message: str, name: str) -> None:
    outcome = parse(edifact(BGM, *LINE, message=message))
    [part] = outcome.rejected
    assert (part.error.kind, part.error.location) == ("edifact_syntax", "UNH M1")
    assert part.error.message == f"message {name} is not taken on this feed, which reads ORDERS"
    assert not outcome.orders


def test_a_message_version_that_is_no_directory() -> None:
    [part] = parse(edifact(BGM, *LINE, message="ORDERS:X:XX:UN")).rejected
    assert "message version 'X'" in part.error.message
    order = order_of(BGM, *LINE, message="ORDERS:D:SPL:UN")
    assert "UNH02 directory D.SPL is not a UN/EDIFACT release: read as ORDERS" in order.notes


def test_a_repeated_interchange_in_one_file() -> None:
    once = edifact(BGM, *LINE)
    outcome = parse(once + b"\r\n" + once)
    assert len(outcome.orders) == 1
    [part] = outcome.rejected
    assert (
        part.error.kind == "duplicate_interchange"
        and part.error.location == "UNB IC1 (interchange 2 in the file)"
    )


def test_tradacoms_is_not_supported() -> None:
    content = (
        b"STX=ANA:1+5000000000000:SHOP+5010000000000:SUPPLIER+070315:130233+000007'MHD=1+ORDHDR:9'END=1'"
    )
    assert EdifactParser().score(content, None) == 0.9
    outcome = default_registry().parse(content)
    assert outcome.format is None and outcome.error is not None
    assert outcome.error.kind == "unrecognized" and "TRADACOMS is not supported" in outcome.error.message


# -- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "score"),
    [(b"", 1.0), (b"\xef\xbb\xbf", 1.0), (b"\r\n  ", 1.0), (b"UNA:+.? '", 1.0), (b"junk line\r\n", 0.8)],
)
def test_the_registry_detects_edifact(prefix: bytes, score: float) -> None:
    content = prefix + edifact(BGM, *LINE)
    assert EdifactParser().score(content, "po.edi") == score
    registry = default_registry()
    detected = registry.detect(content, "po.edi")
    assert detected is not None and detected.format == "edifact"
    outcome = registry.parse(content, ParseContext(filename="po.edi"))
    assert outcome.format == "edifact"
    if score == 1.0:
        assert [o.po_number for o in outcome.orders] == ["PO-1001"]


def test_x12_and_other_content_is_not_edifact() -> None:
    parser = EdifactParser()
    assert parser.score(b"ISA*00*          *00*", None) == 0.0
    assert parser.score(b"po_number,sku,qty\r\n1,UNB,2", None) == 0.0
    assert parser.score(b"%PDF-1.7", None) == 0.0
    assert parser.score(b"UNAVAILABLE ITEMS\r\nUNBOUND BOOKS UNH", None) == 0.0
