"""The generic PDF reader: text layer extraction and the layout reader, on PDFs drawn in the test
with fpdf2 (ruled and unruled tables, wrapped rows, page breaks, German numbers, party blocks,
labels above their values) and on the corpus PDFs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

fpdf = pytest.importorskip("fpdf")

from ingest.domain.order import Order, PageBox, Sender  # noqa: E402
from ingest.errors import DocumentError  # noqa: E402
from ingest.parsers.base import ParseContext  # noqa: E402
from ingest.parsers.pdf.extract import read_pdf  # noqa: E402
from ingest.parsers.pdf.layout import read_order  # noqa: E402
from ingest.parsers.pdf.model import Page, PdfDocument, Word  # noqa: E402
from ingest.parsers.pdf.parser import PdfParser  # noqa: E402
from ingest.parsers.pdf.parties import split_party  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf"


class Drawing:
    """A PDF drawn at exact positions (points from the top-left; ``y`` is the text baseline)."""

    def __init__(self) -> None:
        self.pdf = fpdf.FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.new_page()

    def new_page(self) -> None:
        self.pdf.add_page()
        self.pdf.set_font("Helvetica", size=10)

    def text(self, x: float, y: float, text: str, *, right: bool = False, size: float = 10) -> None:
        self.pdf.set_font("Helvetica", size=size)
        if right:
            x -= self.pdf.get_string_width(text)
        self.pdf.text(x, y, text)

    def row(self, y: float, cells: list[tuple[float, str, bool]]) -> None:
        for x, text, right in cells:
            if text:
                self.text(x, y, text, right=right)

    def hline(self, y: float, x0: float, x1: float) -> None:
        self.pdf.line(x0, y, x1, y)

    def vline(self, x: float, y0: float, y1: float) -> None:
        self.pdf.line(x, y0, x, y1)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def orders_of(content: bytes) -> list[Order]:
    return read_order(read_pdf(content))


def one(content: bytes) -> Order:
    orders = orders_of(content)
    assert len(orders) == 1
    return orders[0]


# --- an unruled US purchase order ------------------------------------------------------------


def us_order(total: str = "$290.21", amount2: str = "120.00") -> bytes:
    d = Drawing()
    d.text(40, 50, "ACME Retail Inc.", size=14)
    d.text(400, 50, "PURCHASE ORDER", size=14)
    d.text(400, 80, "PO #: 4500012345")
    d.text(400, 95, "PO Date: 03/15/2026")
    d.text(400, 110, "Payment Terms: Net 30")
    for i, (left, right) in enumerate(
        [
            ("Ship To:", "Bill To:"),
            ("ACME Store 12", "ACME Retail Inc."),
            ("100 Main Street", "Accounts Payable"),
            ("Springfield, IL 62704", "PO Box 500"),
            ("", "Chicago, IL 60601"),
        ]
    ):
        d.text(40, 140 + 14 * i, left) if left else None
        d.text(300, 140 + 14 * i, right)
    cols = [(40, False), (70, False), (150, False), (385, True), (400, False), (490, True), (555, True)]
    header = ["Line", "Item", "Description", "Qty", "UOM", "Unit Price", "Amount"]
    d.row(240, [(x, h, r) for (x, r), h in zip(cols, header, strict=True)])
    rows = [
        ["1", "WID-100", "Widget, blue steel", "10", "EA", "2.50", "25.00"],
        ["2", "GAD-200", "Gadget deluxe with extended", "3", "CS", "40.00", amount2],
        ["", "", "warranty and mounting kit", "", "", "", ""],
        ["3", "BOLT-7", "Hex bolts M8", "1,000", "EA", "0.10", "100.00"],
    ]
    for i, row in enumerate(rows):
        d.row(260 + 14 * i, [(x, v, r) for (x, r), v in zip(cols, row, strict=True)])
    for i, (label, value) in enumerate(
        [("Subtotal", "245.00"), ("Freight", "25.00"), ("Sales Tax", "20.21"), ("Total", total)]
    ):
        d.text(420, 340 + 14 * i, label)
        d.text(555, 340 + 14 * i, value, right=True)
    d.text(40, 420, "Please confirm this order within 2 days.")
    return d.bytes()


def test_unruled_table_header_fields_and_wrapped_description() -> None:
    order = one(us_order())
    assert order.po_number == "4500012345"
    assert order.po_date == date(2026, 3, 15)
    assert order.payment_terms == "Net 30"
    assert order.currency == "USD"
    assert [ln.line_number for ln in order.lines] == ["1", "2", "3"]
    assert [ln.vendor_part_number for ln in order.lines] == ["WID-100", "GAD-200", "BOLT-7"]
    assert [ln.quantity for ln in order.lines] == [Decimal(10), Decimal(3), Decimal(1000)]
    assert [ln.uom for ln in order.lines] == ["EA", "CA", "EA"]
    assert [ln.unit_price for ln in order.lines] == [Decimal("2.50"), Decimal("40.00"), Decimal("0.10")]
    assert order.lines[1].description == "Gadget deluxe with extended warranty and mounting kit"
    assert order.lines[0].description == "Widget, blue steel"


def test_charges_and_total_are_kept_apart_and_cross_checked() -> None:
    order = one(us_order())
    assert {(c.kind, c.amount) for c in order.charges} == {
        ("freight", Decimal("25.00")),
        ("tax", Decimal("20.21")),
    }
    assert order.total_amount == Decimal("290.21")
    assert order.confidence["total_amount"] >= 0.9
    assert not order.notes


def test_every_field_has_a_confidence_and_a_page_box() -> None:
    order = one(us_order())
    for name in ("po_number", "po_date", "total_amount", "ship_to", "bill_to", "currency"):
        assert 0 < order.confidence[name] <= 1
        assert isinstance(order.provenance[name], PageBox)
    po_box = order.provenance["po_number"]
    assert isinstance(po_box, PageBox) and po_box.page == 1
    x0, top, x1, bottom = po_box.bbox
    assert 400 < x0 < x1 < 560 and 60 < top < bottom < 85
    for line in order.lines:
        for name in ("quantity", "unit_price", "description", "vendor_part_number"):
            assert name in line.confidence and name in line.provenance


def test_side_by_side_party_blocks() -> None:
    order = one(us_order())
    assert order.ship_to is not None and order.bill_to is not None
    assert order.ship_to.name == "ACME Store 12"
    assert order.ship_to.address1 == "100 Main Street"
    assert (order.ship_to.city, order.ship_to.state, order.ship_to.postal_code) == (
        "Springfield",
        "IL",
        "62704",
    )
    assert order.bill_to.name == "ACME Retail Inc."
    assert order.bill_to.address1 == "Accounts Payable"
    assert order.bill_to.address2 == "PO Box 500"
    assert (order.bill_to.city, order.bill_to.postal_code) == ("Chicago", "60601")


def test_amount_mismatch_lowers_line_confidence_and_total_confidence() -> None:
    order = one(us_order(total="$300.00", amount2="125.00"))
    gadget = order.lines[1]
    assert gadget.confidence["quantity"] <= 0.5 and gadget.confidence["unit_price"] <= 0.5
    assert order.lines[0].confidence["quantity"] > 0.9
    assert order.confidence["total_amount"] < 0.5
    assert any("amount printed is 125.00" in n for n in order.notes)
    assert any("total printed is 300.00" in n for n in order.notes)


# --- a ruled German order with decimal commas ------------------------------------------------


def german_order() -> bytes:
    d = Drawing()
    d.text(40, 50, "Muster GmbH", size=14)
    d.text(350, 80, "Bestellnummer: B-2026-0077")
    d.text(350, 95, "Bestelldatum: 05.03.2026")
    left = ["Lieferanschrift:", "Muster GmbH Lager 3", "Industriestraße 5", "80331 München", "Deutschland"]
    right = ["Rechnungsanschrift:", "Muster GmbH", "Postfach 12 34", "D-10115 Berlin"]
    for i, text in enumerate(left):
        d.text(40, 130 + 14 * i, text)
    for i, text in enumerate(right):
        d.text(300, 130 + 14 * i, text)
    edges = [40, 70, 150, 330, 390, 440, 500, 560]
    header = ["Pos", "Artikel", "Bezeichnung", "Menge", "Einheit", "Einzelpreis", "Betrag"]
    rows = [
        (["1", "SCH-1", "Scheibe", "10", "Stk", "12,50", "125,00"], []),
        (["2", "SR-840", "Schrauben verzinkt", "5", "Pak", "221,90", "1.109,50"], ["M8 x 40 mm, DIN 933"]),
    ]
    tops = [230.0]
    y = 230.0
    for cells, extra in [(header, []), *rows]:
        d.row(y + 12, [(x + 3, t, False) for x, t in zip(edges, cells, strict=False)])
        for j, t in enumerate(extra):
            d.text(edges[2] + 3, y + 24 + 12 * j, t)
        y += 16 + 12 * len(extra)
        tops.append(y)
    for t in tops:
        d.hline(t, edges[0], edges[-1])
    for x in edges:
        d.vline(x, tops[0], tops[-1])
    for i, (label, value) in enumerate(
        [
            ("Zwischensumme", "1.234,50"),
            ("Fracht", "12,50"),
            ("MwSt 19%", "236,93"),
            ("Gesamtbetrag EUR", "1.483,93"),
        ]
    ):
        d.text(400, y + 20 + 14 * i, label)
        d.text(558, y + 20 + 14 * i, value, right=True)
    return d.bytes()


def test_ruled_german_table_with_decimal_commas_and_day_first_date() -> None:
    order = one(german_order())
    assert order.po_number == "B-2026-0077"
    assert order.po_date == date(2026, 3, 5)
    assert order.currency == "EUR"
    assert [ln.quantity for ln in order.lines] == [Decimal(10), Decimal(5)]
    assert [ln.unit_price for ln in order.lines] == [Decimal("12.50"), Decimal("221.90")]
    assert order.lines[1].description == "Schrauben verzinkt M8 x 40 mm, DIN 933"
    assert order.lines[1].vendor_part_number == "SR-840"
    assert order.lines[0].uom == "EA"
    assert {(c.kind, c.amount) for c in order.charges} == {
        ("freight", Decimal("12.50")),
        ("tax", Decimal("236.93")),
    }
    assert order.total_amount == Decimal("1483.93")
    assert order.confidence["total_amount"] >= 0.9


def test_german_party_blocks() -> None:
    order = one(german_order())
    assert order.ship_to is not None and order.bill_to is not None
    assert order.ship_to.name == "Muster GmbH Lager 3"
    assert (order.ship_to.address1, order.ship_to.postal_code, order.ship_to.city) == (
        "Industriestraße 5",
        "80331",
        "München",
    )
    assert order.ship_to.country == "DE"
    assert (order.bill_to.postal_code, order.bill_to.city, order.bill_to.country) == ("10115", "Berlin", "DE")


# --- a table continued over two pages ---------------------------------------------------------


def two_page_order(rows: int = 55) -> bytes:
    d = Drawing()
    d.text(40, 50, "Purchase Order No. 777-ABC")
    cols = [(40, False), (80, False), (160, False), (400, True), (480, True), (555, True)]
    header = ["Pos", "SKU", "Description", "Quantity", "Price", "Total"]
    total = Decimal(0)
    y = 100.0
    d.row(y, [(x, h, r) for (x, r), h in zip(cols, header, strict=True)])
    for n in range(1, rows + 1):
        y += 15
        if y > 760:
            d.text(40, 790, "Continued on next page")
            d.text(500, 810, "Page 1 of 2")
            d.new_page()
            d.text(40, 50, "Purchase Order No. 777-ABC")
            y = 100.0
            d.row(y, [(x, h, r) for (x, r), h in zip(cols, header, strict=True)])
            y += 15
        qty = n % 5 + 1
        amount = Decimal(qty) * Decimal("1.25")
        total += amount
        values = [str(n), f"SKU-{n:03}", f"Item number {n}", str(qty), "1.25", f"{amount:.2f}"]
        d.row(y, [(x, v, r) for (x, r), v in zip(cols, values, strict=True)])
    d.text(440, y + 30, "Total")
    d.text(555, y + 30, f"{total:.2f}", right=True)
    return d.bytes()


def test_table_continues_across_pages_with_repeated_header() -> None:
    order = one(two_page_order())
    assert order.po_number == "777-ABC"
    assert len(order.lines) == 55
    assert [ln.line_number for ln in order.lines] == [str(n) for n in range(1, 56)]
    assert order.lines[-1].vendor_part_number == "SKU-055"
    assert {ln.provenance["quantity"].page for ln in order.lines} == {1, 2}  # type: ignore[union-attr]
    assert order.confidence["total_amount"] >= 0.9
    assert not order.notes


# --- labels with the value below ---------------------------------------------------------------


def test_values_below_their_labels() -> None:
    d = Drawing()
    d.text(40, 60, "Order Number")
    d.text(200, 60, "Order Date")
    d.text(350, 60, "Currency")
    d.text(40, 75, "PO-98765")
    d.text(200, 75, "2026-04-01")
    d.text(350, 75, "CHF")
    d.text(40, 120, "Description")
    d.text(300, 120, "Qty")
    d.text(400, 120, "Unit Price")
    d.text(40, 135, "Cable drum")
    d.text(315, 135, "2", right=True)
    d.text(440, 135, "99.00", right=True)
    order = one(d.bytes())
    assert order.po_number == "PO-98765"
    assert order.po_date == date(2026, 4, 1)
    assert order.currency == "CHF"
    assert len(order.lines) == 1 and order.lines[0].description == "Cable drum"
    assert order.lines[0].quantity == 2 and order.lines[0].unit_price == Decimal("99.00")


def test_a_letter_without_table_or_po_number_is_no_order() -> None:
    d = Drawing()
    d.text(40, 60, "Terms and Conditions of Purchase", size=14)
    for i, text in enumerate(
        [
            "1. Acceptance. This order is accepted on the terms below, dated 01/02/2026.",
            "2. Delivery. Goods shall be delivered within 30 days at a price of 100.00 or less.",
            "3. Invoices. Send invoices to the address given, quoting 2 copies.",
        ]
    ):
        d.text(40, 100 + 15 * i, text)
    assert orders_of(d.bytes()) == []


def test_non_consecutive_line_numbers_are_noted() -> None:
    d = Drawing()
    d.text(40, 50, "PO Number: 55")
    d.row(100, [(40, "Line", False), (100, "Description", False), (400, "Qty", False), (480, "Price", False)])
    for i, n in enumerate(["1", "2", "4"]):
        d.row(
            115 + 15 * i, [(40, n, False), (100, f"Part {n}", False), (415, "1", True), (505, "5.00", True)]
        )
    order = one(d.bytes())
    assert [ln.line_number for ln in order.lines] == ["1", "2", "4"]
    assert any("not consecutive" in n for n in order.notes)
    assert order.lines[0].confidence["line_number"] <= 0.5


def test_split_party_handles_eu_us_and_uk_layouts() -> None:
    us = split_party(["Delta PC", "3661 Station Street", "Fremont, CA 94538", "United States"])
    assert (us.address1, us.city, us.state, us.postal_code, us.country) == (
        "3661 Station Street",
        "Fremont",
        "CA",
        "94538",
        "US",
    )
    uk = split_party(["Millennium Industries", "89 Lingfield Tower", "London", "United Kingdom"])
    assert (uk.address1, uk.city, uk.country) == ("89 Lingfield Tower", "London", "GB")
    fr = split_party(
        ["Axelor", "12 rue Albert Einstein", "77420 Champs sur Marne", "France", "+33 1 64 61 04 01"]
    )
    assert (fr.city, fr.postal_code, fr.country, fr.phone) == (
        "Champs sur Marne",
        "77420",
        "FR",
        "+33 1 64 61 04 01",
    )


# --- the text layer, errors, limits, attachments ----------------------------------------------


def test_extract_reads_words_rules_and_page_size() -> None:
    doc = read_pdf(german_order())
    page = doc.pages[0]
    assert (round(page.width), round(page.height)) == (595, 842)
    assert any(w.text == "Bestellnummer:" for w in page.words)
    assert sum(1 for r in page.rules if r.x1 - r.x0 < 2) >= 8  # vertical rulings
    assert sum(1 for r in page.rules if r.bottom - r.top < 2) >= 4
    assert not doc.encrypted and doc.attachments == {}


def test_corrupt_and_truncated_pdfs_are_unreadable() -> None:
    content = us_order()
    for bad in (b"%PDF-1.7\n" + b"\x00garbage" * 50, content[: len(content) // 3]):
        with pytest.raises(DocumentError) as info:
            read_pdf(bad)
        assert info.value.kind == "pdf_unreadable"


def test_password_protected_pdf_is_unreadable_but_empty_password_is_read() -> None:
    d = Drawing()
    d.text(40, 60, "PO Number: 1234")
    d.pdf.set_encryption(owner_password="owner", user_password="secret")
    with pytest.raises(DocumentError) as info:
        read_pdf(d.bytes())
    assert info.value.kind == "pdf_unreadable" and "password" in info.value.message
    d = Drawing()
    d.text(40, 60, "PO Number: 1234")
    d.pdf.set_encryption(owner_password="owner")
    doc = read_pdf(d.bytes())
    assert doc.encrypted and any(w.text == "1234" for w in doc.pages[0].words)


def test_page_limit_gives_too_large() -> None:
    with pytest.raises(DocumentError) as info:
        read_pdf(two_page_order(), max_pages=1)
    assert info.value.kind == "too_large"


def test_embedded_files_are_attachments() -> None:
    d = Drawing()
    d.text(40, 60, "see attachment")
    d.pdf.embed_file(bytes=b"<Order/>", basename="order-x.xml")
    doc = read_pdf(d.bytes())
    assert doc.attachments == {"order-x.xml": b"<Order/>"}


# --- the parser: OCR, templates, embedded orders ----------------------------------------------


def blank_pdf() -> bytes:
    return Drawing().bytes()


def fake_ocr(calls: list[list[int]]) -> Callable[[bytes, list[int]], list[Page]]:
    def ocr(content: bytes, pages: list[int]) -> list[Page]:
        calls.append(pages)
        words = [Word("PO", 40, 50, 55, 60, 1, 0.8), Word("Number:", 58, 50, 100, 60, 1, 0.8)]
        words.append(Word("OCR-42", 104, 50, 150, 60, 1, 0.8))
        return [Page(1, 595, 842, words, ocr=True)]

    return ocr


def test_parser_scores_pdf_and_sets_sender() -> None:
    parser = PdfParser()
    assert parser.format == "pdf"
    assert parser.score(b"%PDF-1.4\n...", None) == 1.0
    assert parser.score(b"\xef\xbb\xbf  %PDF-1.4", "x.pdf") == 1.0
    assert parser.score(b"PK\x03\x04", "x.pdf") == 0.0
    sender = Sender(channel="email", email="buyer@example.com")
    orders = parser.parse(us_order(), ParseContext(sender=sender))
    assert isinstance(orders, list) and orders[0].sender == sender


def test_pages_without_text_go_to_ocr_with_capped_confidence() -> None:
    calls: list[list[int]] = []
    orders = PdfParser(ocr=fake_ocr(calls)).parse(blank_pdf(), ParseContext())
    assert calls == [[1]]
    assert isinstance(orders, list) and orders[0].po_number == "OCR-42"
    assert orders[0].confidence["po_number"] == pytest.approx(0.72)
    assert PdfParser().parse(blank_pdf(), ParseContext()) == []


def test_embedded_orders_and_templates_come_before_the_layout_reader() -> None:
    seen: list[str] = []

    def embedded(doc: PdfDocument) -> list[Order] | None:
        seen.append("embedded")
        return [Order(po_number="FROM-XML")] if doc.attachments else None

    def templates(doc: PdfDocument, context: ParseContext) -> list[Order] | None:
        seen.append("templates")
        return [Order(po_number="FROM-TEMPLATE")]

    parser = PdfParser(templates=templates, embedded_orders=embedded)
    orders = parser.parse(us_order(), ParseContext())
    assert isinstance(orders, list) and orders[0].po_number == "FROM-TEMPLATE"
    assert seen == ["embedded", "templates"]
    d = Drawing()
    d.pdf.embed_file(bytes=b"<Order/>", basename="order-x.xml")
    orders = parser.parse(d.bytes(), ParseContext())
    assert isinstance(orders, list) and orders[0].po_number == "FROM-XML"


# --- the corpus --------------------------------------------------------------------------------


def corpus(name: str) -> bytes:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not available")
    return path.read_bytes()


def test_corpus_sale_order_so049() -> None:
    order = one(corpus("OCA_edi_sale_order_import_invoice2data_so1.pdf"))
    assert order.po_number == "SO049"
    assert order.po_date == date(2017, 4, 12)
    assert [(ln.description, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("iMac", Decimal(45), Decimal("1799.00")),
        ("iPad Mini", Decimal(30), Decimal("320.00")),
        ("iPod (16 GB)", Decimal(60), Decimal("16.50")),
    ]
    assert order.total_amount == Decimal("105905.25")
    assert [(c.kind, c.amount) for c in order.charges] == [("tax", Decimal("14360.25"))]
    assert order.confidence["total_amount"] >= 0.9
    assert order.currency == "EUR"
    assert order.ship_to is not None and order.ship_to.postal_code == "77420"


def test_corpus_quotation_po00004() -> None:
    order = one(corpus("OCA_edi_purchase_order_import_ubl_quote-PO00004.pdf"))
    assert order.po_number == "SO008"
    assert [ln.vendor_part_number for ln in order.lines] == ["PROD_DEL02", "MBi9", "E-COM07", "E-COM09"]
    assert [ln.quantity for ln in order.lines] == [6, 5, 7, 1]
    assert order.lines[1].unit_price == Decimal("1500.00")
    assert order.total_amount == Decimal("12149.00")
    assert order.ship_to is not None and (order.ship_to.city, order.ship_to.state) == ("Fremont", "CA")


@pytest.mark.parametrize(
    ("name", "po", "count"),
    [
        ("OCA_edi_sale_order_import_invoice2data_so2.pdf", "SO021", 3),
        ("OCA_edi_sale_order_import_saleorder2data_so1.pdf", "SO004", 4),
    ],
)
def test_corpus_other_sale_orders(name: str, po: str, count: int) -> None:
    order = one(corpus(name))
    assert order.po_number == po and len(order.lines) == count
    assert order.confidence["total_amount"] >= 0.9


def test_corpus_test_pdf_is_no_order() -> None:
    assert orders_of(corpus("OCA_edi_sale_order_import_test.pdf")) == []


@pytest.mark.parametrize(
    "name",
    [
        "ZUGFeRD_mustangproject_ORDER-X_EX01_ORDER_FULL_DATA-COMFORT.pdf",
        "horstoeko_orderx_reader-order-x-comfort.pdf",
        "horstoeko_orderx_reader-order-x-extended.pdf",
    ],
)
def test_corpus_order_x_pdfs_do_not_crash_and_keep_their_xml(name: str) -> None:
    doc = read_pdf(corpus(name))
    assert any(n.lower().endswith(".xml") for n in doc.attachments)
    orders = read_order(doc)
    assert all(isinstance(o, Order) for o in orders)


# --- stacked header rows, stacked party blocks, worded dates -----------------------------------


def stacked_order() -> bytes:
    d = Drawing()
    for i, text in enumerate(
        ["Vendor:", "Globex Supplies Ltd", "12 Harbour Road", "Leeds LS1 4AP", "United Kingdom"]
    ):
        d.text(40, 50 + 14 * i, text)
    for i, text in enumerate(["Deliver To:", "Northwind Warehouse", "5 Dock Street", "Boston, MA 02110"]):
        d.text(40, 140 + 14 * i, text)
    d.text(380, 50, "Purchase Order No.")
    d.text(380, 64, "NW-2026-001")
    d.text(380, 90, "Order Date")
    d.text(380, 104, "March 4, 2026")
    d.row(230, [(40, "Item", False), (330, "Qty", False), (400, "Unit", False), (480, "Extended", False)])
    d.row(
        242, [(40, "No.", False), (100, "Description", False), (330, "Ordered", False), (400, "Price", False)]
    )
    d.text(480, 242, "Price")
    rows = [
        ("GX-1001", "Pallet jack", "2", "$1,250.00", "$2,500.00"),
        ("GX-2002", "Shrink wrap", "12", "$8.75", "$105.00"),
    ]
    for i, (part, desc, qty, price, amount) in enumerate(rows):
        y = 262 + 14 * i
        d.text(40, y, part)
        d.text(100, y, desc)
        d.text(370, y, qty, right=True)
        d.text(445, y, price, right=True)
        d.text(535, y, amount, right=True)
    d.text(420, 320, "Total")
    d.text(535, 320, "$2,605.00", right=True)
    return d.bytes()


def test_stacked_header_rows_and_values_below_labels() -> None:
    order = one(stacked_order())
    assert order.po_number == "NW-2026-001"
    assert order.po_date == date(2026, 3, 4)
    assert order.confidence["po_date"] >= 0.9
    assert [ln.vendor_part_number for ln in order.lines] == ["GX-1001", "GX-2002"]
    assert [ln.quantity for ln in order.lines] == [2, 12]
    assert [ln.unit_price for ln in order.lines] == [Decimal("1250.00"), Decimal("8.75")]
    assert order.total_amount == Decimal("2605.00") and order.confidence["total_amount"] >= 0.9
    assert order.currency == "USD"


def test_stacked_party_blocks() -> None:
    order = one(stacked_order())
    assert order.seller is not None and order.ship_to is not None
    assert (order.seller.name, order.seller.city, order.seller.postal_code, order.seller.country) == (
        "Globex Supplies Ltd",
        "Leeds",
        "LS1 4AP",
        "GB",
    )
    assert (order.ship_to.name, order.ship_to.city, order.ship_to.state) == (
        "Northwind Warehouse",
        "Boston",
        "MA",
    )


def test_ocr_pages_lower_every_confidence() -> None:
    def ocr(content: bytes, pages: list[int]) -> list[Page]:
        texts = [
            ("PO", 40, 50), ("Number:", 58, 50), ("OCR-7", 104, 50),
            ("Description", 40, 100), ("Qty", 300, 100), ("Price", 400, 100),
            ("Bolts", 40, 115), ("4", 305, 115), ("2.00", 400, 115),
        ]  # fmt: skip
        words = [Word(t, x, y, x + 6 * len(t), y + 10, 1, 0.85) for t, x, y in texts]
        return [Page(1, 595, 842, words, ocr=True)]

    orders = PdfParser(ocr=ocr).parse(blank_pdf(), ParseContext())
    assert isinstance(orders, list) and len(orders) == 1
    order = orders[0]
    assert order.lines[0].quantity == 4 and order.lines[0].description == "Bolts"
    values = [*order.confidence.values(), *order.lines[0].confidence.values()]
    assert values and all(v <= 0.9 for v in values)
    assert order.lines[0].confidence["quantity"] == pytest.approx(0.95 * 0.85, abs=0.001)


# --- properties: any drawn table reads back -----------------------------------------------------

_WORDS = ["Widget", "Bracket", "Hose", "Valve", "Clamp", "Gasket", "Filter", "Pump", "Seal", "Nozzle"]


def _money(value: Decimal, german: bool) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") if german else text


@settings(max_examples=15, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1, 2500),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2),
            st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=8,
    ),
    german=st.booleans(),
)
def test_any_unruled_table_reads_back(rows: list[tuple[int, Decimal, list[str]]], german: bool) -> None:
    d = Drawing()
    d.text(40, 50, "Bestellnummer: 4711" if german else "PO Number: 4711")
    header = ["Pos", "Bezeichnung", "Menge", "Preis", "Betrag"] if german else ["Line", "Description", "Qty"]
    header += [] if german else ["Unit Price", "Amount"]
    d.row(100, [(x, h, False) for x, h in zip([40, 80, 330, 400, 490], header, strict=True)])
    total = Decimal(0)
    for i, (qty, price, words) in enumerate(rows):
        amount = qty * price
        total += amount
        cells = [str(i + 1), " ".join(words), _money(Decimal(qty), german).split(".,"[german])[0]]
        cells += [_money(price, german), _money(amount, german)]
        d.row(
            115 + 15 * i,
            [
                (x, c, r)
                for (x, r), c in zip(
                    [(40, False), (80, False), (360, True), (445, True), (545, True)], cells, strict=True
                )
            ],
        )
    y = 115 + 15 * len(rows) + 20
    d.text(400, y, "Gesamt" if german else "Total")
    d.text(545, y, _money(total, german), right=True)
    order = one(d.bytes())
    assert [(ln.quantity, ln.unit_price, ln.description) for ln in order.lines] == [
        (Decimal(q), p, " ".join(w)) for q, p, w in rows
    ]
    assert order.total_amount == total and order.confidence["total_amount"] >= 0.9


def test_table_continued_without_repeated_header_and_carry_forward_lines() -> None:
    d = Drawing()
    d.text(40, 50, "Bestellnummer: 900-12")
    cols = [(40, False), (80, False), (360, True), (440, True), (540, True)]
    d.row(
        100,
        [
            (x, h, False)
            for (x, _), h in zip(cols, ["Pos", "Bezeichnung", "Menge", "Preis", "Betrag"], strict=True)
        ],
    )
    for i in range(3):
        d.row(
            115 + 15 * i,
            [
                (x, v, r)
                for (x, r), v in zip(cols, [str(i + 1), f"Teil {i + 1}", "2", "1,50", "3,00"], strict=True)
            ],
        )
    d.text(300, 180, "Übertrag")
    d.text(540, 180, "9,00", right=True)
    d.new_page()
    d.text(300, 60, "Übertrag")
    d.text(540, 60, "9,00", right=True)
    for i in range(3, 5):
        d.row(
            80 + 15 * (i - 3),
            [
                (x, v, r)
                for (x, r), v in zip(cols, [str(i + 1), f"Teil {i + 1}", "2", "1,50", "3,00"], strict=True)
            ],
        )
    d.text(300, 140, "Gesamtbetrag")
    d.text(540, 140, "15,00", right=True)
    order = one(d.bytes())
    assert [ln.description for ln in order.lines] == [f"Teil {n}" for n in range(1, 6)]
    assert order.total_amount == Decimal("15.00") and order.confidence["total_amount"] >= 0.9
    assert order.charges == []
