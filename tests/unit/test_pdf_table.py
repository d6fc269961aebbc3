"""The line-item table reader on pages built by hand from words: totals lines in several languages
not taken for items, numbers with a space between thousands, line numbers and part numbers settled
by their values, whose part number a column holds, page footers of a continued table, and OCR'd
words with noisy positions and ruling glyphs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.parsers.pdf.columns import Column, assign, clean_ocr, join_groups, settle
from ingest.parsers.pdf.geometry import DocView
from ingest.parsers.pdf.model import Page, PdfDocument, Rule, Word
from ingest.parsers.pdf.table import find_header, read_table, summary_label

CHAR = 5.0  # width of one character of the made-up font


class Sheet:
    """A document written word by word: ``put`` places a phrase's words from ``x`` (or ending at
    ``x`` when ``right``), one space between words."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(Page(len(self.pages) + 1, 595, 842))

    def put(self, x: float, y: float, text: str, *, right: bool = False, jitter: float = 0.0) -> None:
        page = self.pages[-1]
        width = CHAR * len(text)
        x = x - width if right else x
        for part in text.split(" "):
            w = CHAR * len(part)
            page.words.append(Word(part, x, y + jitter, x + w, y + 9 + jitter, page.number))
            x += w + 2.5

    def row(self, y: float, cells: list[tuple[float, str, bool]], jitter: float = 0.0) -> None:
        for i, (x, text, right) in enumerate(cells):
            if text:
                self.put(x, y, text, right=right, jitter=jitter if i % 2 else -jitter)

    def doc(self, ocr: bool = False) -> PdfDocument:
        for page in self.pages:
            page.ocr = ocr
        return PdfDocument(self.pages)

    def table(self, ocr: bool = False) -> list[dict[str, str]]:
        read = read_table(DocView.of(self.doc(ocr)))
        return [{k: r.text(k) for k in r.cells if r.text(k)} for r in read.rows]


def _german(s: Sheet, y: float = 100) -> None:
    s.row(y, [(40, "Pos.", False), (80, "Artikelnummer", False), (180, "Bezeichnung", False),
              (360, "Menge", True), (420, "Einzelpreis", True), (520, "Gesamtpreis", True)])  # fmt: skip
    s.row(y + 16, [(50, "1", False), (80, "HTL-20036", False), (180, "Putty Knife", False),
                   (360, "1 000", True), (420, "5,23", True), (520, "5 230,00", True)])  # fmt: skip
    s.row(y + 32, [(50, "2", False), (80, "ELE-50022", False), (180, "GFCI Receptacle", False),
                   (360, "12", True), (420, "18,65", True), (520, "223,80", True)])  # fmt: skip


@pytest.mark.parametrize(
    ("label", "amount"),
    [
        ("Gesamtbetrag netto", "5 453,80"),
        ("Zwischensumme", "5 453,80"),
        ("Gesamtsumme (netto)", "5 453,80"),
        ("Total HT", "5 453,80"),
        ("Montant total HT", "5 453,80"),
        ("Importe total (EUR)", "5 453,80"),
        ("Subtotal", "5 453,80"),
        ("Total Order Value USD", "5 453,80"),
    ],
)
def test_a_totals_line_ends_the_table_and_is_no_item(label: str, amount: str) -> None:
    s = Sheet()
    _german(s)
    s.row(160, [(300, label, False), (520, amount, True)])
    s.row(200, [(40, "Lieferbedingung: DAP; Zahlung 30 Tage netto.", False)])
    read = read_table(DocView.of(s.doc()))
    assert [r.text("vendor_part_number") for r in read.rows] == ["HTL-20036", "ELE-50022"]
    assert [s.kind for s in read.summaries] == ["total"]  # the only total printed is the order's
    assert read.summaries[0].amount_words[-1].text == "5\u202f453,80"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Total HT", "subtotal"),
        ("Total TTC", "total"),
        ("TVA 20 %", "tax"),
        ("MwSt. 19%", "tax"),
        ("Total MwSt.", "tax"),
        ("Total incl. VAT", "total"),
        ("Total sin IVA", "subtotal"),
        ("Gesamtbetrag brutto", "total"),
        ("Shipping Tape", None),
        ("Total Station Tripod", None),
    ],
)
def test_summary_labels_in_several_languages(label: str, kind: str | None) -> None:
    assert summary_label(label) == kind


def test_net_then_gross_total_keeps_both() -> None:
    s = Sheet()
    _german(s)
    s.row(160, [(300, "Total HT", False), (520, "5 453,80", True)])
    s.row(176, [(300, "TVA 20 %", False), (520, "1 090,76", True)])
    s.row(192, [(300, "Total TTC", False), (520, "6 544,56", True)])
    read = read_table(DocView.of(s.doc()))
    assert len(read.rows) == 2
    assert [x.kind for x in read.summaries] == ["subtotal", "tax", "total"]


@pytest.mark.parametrize("space", [" ", "\u202f", "\u00a0"])
def test_space_between_thousands_is_one_number(space: str) -> None:
    s = Sheet()
    _german(s)
    rows = s.table()
    assert rows[0]["quantity"].replace("\u202f", " ") == "1 000"
    view = DocView.of(s.doc())
    assert view.number(rows[0]["quantity"]) == Decimal(1000)
    assert view.number(rows[0]["amount"]) == Decimal("5230.00")
    page = Page(1, 595, 842, [Word(f"1{space}000", 340, 10, 360, 19, 1)])
    assert view.number(join_groups(page.words)[0].text) == Decimal(1000)


def test_two_numbers_in_separate_columns_stay_apart() -> None:
    words = [Word("12", 100, 10, 110, 19, 1), Word("100", 140, 10, 155, 19, 1)]
    assert [w.text for w in join_groups(words)] == ["12", "100"]
    words = [Word("Pack", 100, 10, 120, 19, 1), Word("500", 122, 10, 137, 19, 1)]
    assert [w.text for w in join_groups(words)] == ["Pack", "500"]


def test_item_header_over_line_numbers_and_part_column_beside_it() -> None:
    s = Sheet()
    s.row(100, [(44, "ITEM", False), (75, "SUPPLIER PART", False), (180, "DESCRIPTION", False),
                (400, "QTY", True), (480, "PRICE", True), (560, "EXTENSION", True)])  # fmt: skip
    for k, part in enumerate(["FAS-10117-BP", "JAN-40003", "FAS-10087-ZP"], start=1):
        s.row(100 + 16 * k, [(52, str(k), False), (75, part, False), (180, f"Thing {k}", False),
                             (400, "10", True), (480, "1.50", True), (560, "15.00", True)])  # fmt: skip
    rows = s.table()
    assert [r["line_number"] for r in rows] == ["1", "2", "3"]
    assert [r["vendor_part_number"] for r in rows] == ["FAS-10117-BP", "JAN-40003", "FAS-10087-ZP"]
    assert [r["amount"] for r in rows] == ["15.00"] * 3


def test_line_number_header_over_codes_is_the_part_number() -> None:
    s = Sheet()
    s.row(100, [(44, "#", False), (180, "Description", False), (400, "Qty", True), (480, "Price", True)])
    for k, part in enumerate(["AB-100", "CD-200"], start=1):
        s.row(
            100 + 16 * k, [(44, part, False), (180, "Widget", False), (400, "2", True), (480, "3.00", True)]
        )
    rows = s.table()
    assert [r.get("vendor_part_number") for r in rows] == ["AB-100", "CD-200"]
    assert all("line_number" not in r for r in rows)


def test_settle_keeps_mostly_consecutive_ocr_line_numbers() -> None:
    def w(text: str) -> list[Word]:
        return [Word(text, 0, 0, 5, 9, 1)]

    cells = [{"line_number": w(n), "vendor_part_number": w(f"P-{n}")} for n in ["1", "2", "3", "a", "5", "6"]]
    settle(cells)
    assert all("buyer_part_number" not in c for c in cells)
    assert [c["vendor_part_number"][0].text for c in cells][:2] == ["P-1", "P-2"]


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [("Our Part No.", "Your Part No."), ("Buyer Item #", "Vendor Item #"), ("Cust. Part", "Supplier Part")],
)
def test_customer_and_supplier_part_columns(ours: str, theirs: str) -> None:
    s = Sheet()
    s.row(100, [(30, "Line", False), (60, ours, False), (140, theirs, False), (230, "Description", False),
                (420, "Qty", True), (480, "Unit Price", True), (560, "Amount", True)])  # fmt: skip
    s.row(116, [(40, "1", False), (55, "77-1004", False), (135, "HTL-20001", False),
                (230, "Claw Hammer", False), (420, "40", True), (480, "18.70", True),
                (560, "748.00", True)])  # fmt: skip
    rows = s.table()
    assert rows[0]["buyer_part_number"] == "77-1004"
    assert rows[0]["vendor_part_number"] == "HTL-20001"


def test_our_part_alone_is_the_part_number() -> None:
    line_words = Sheet()
    line_words.row(100, [(40, "Description", False), (300, "Our Ref", False), (420, "Qty", True),
                         (500, "Price", True)])  # fmt: skip
    page = line_words.pages[0]
    columns = find_header(page.lines()[0])
    assert columns is not None
    assert [c.field for c in columns][:2] == ["description", "vendor_part_number"]


def test_continued_table_skips_repeated_header_and_page_footers() -> None:
    s = Sheet()
    header = [(40, "Line", False), (70, "Catalog #", False), (160, "Description", False),
              (400, "Qty", True), (480, "Unit Price", True), (560, "Line Total", True)]  # fmt: skip
    s.put(400, 40, "Page 1 of 2")
    s.row(100, header)
    s.row(116, [(45, "1", False), (70, "JAN-40031", False), (160, "Angle Broom", False),
                (400, "5", True), (480, "9.28", True), (560, "46.40", True)])  # fmt: skip
    s.row(132, [(45, "2", False), (70, "HTL-20040", False), (160, "Markers", False),
                (400, "40", True), (480, "11.83", True), (560, "473.20", True)])  # fmt: skip
    s.row(800, [(40, "-- continued --", False), (480, "PO-4711 1/2", False)])
    s.new_page()
    s.put(400, 40, "Page 2 of 2")
    s.row(100, header)
    s.row(116, [(45, "3", False), (70, "SAF-30035", False), (160, "N95 Respirator", False),
                (400, "15", True), (480, "18.47", True), (560, "277.05", True)])  # fmt: skip
    s.row(140, [(350, "Total Order Value USD", False), (560, "796.65", True)])
    s.row(800, [(480, "PO-4711 2/2", False)])
    read = read_table(DocView.of(s.doc()))
    assert [r.text("line_number") for r in read.rows] == ["1", "2", "3"]
    assert [r.text("amount") for r in read.rows] == ["46.40", "473.20", "277.05"]
    assert [x.kind for x in read.summaries] == ["total"]


def test_ocr_words_with_noisy_positions_and_ruling_glyphs() -> None:
    s = Sheet()
    s.row(100, [(40, "Line", False), (60, "|", False), (70, "Part Number", False),
                (160, "Description", False), (400, "Qty|", True), (440, "UOM", False),
                (500, "Unit Price", True), (560, "Amount", True)])  # fmt: skip
    rows = [("1", "|FAS-10106-ZP", "Carriage Bolt", "1|", "PK", "8.79", "8.79"),
            ("2", "[FAS-10072-ZP", "Hex Nut", "15)", ".BX", "11.36;", "170.40"),
            ("3", "ELE-50048", "THHN Wire", "2", "EA", "138.467", "276:93")]  # fmt: skip
    for k, (n, part, desc, qty, uom, price, amount) in enumerate(rows):
        y = 118 + 15 * k
        s.row(y, [(47, n, False), (66, part, False), (158, desc, False), (398, qty, True),
                  (443, uom, False), (503, price, True), (563, amount, True)], jitter=1.2)  # fmt: skip
    got = s.table(ocr=True)
    assert [r["vendor_part_number"] for r in got] == ["FAS-10106-ZP", "FAS-10072-ZP", "ELE-50048"]
    assert [r["quantity"] for r in got] == ["1", "15", "2"]
    assert [r["uom"] for r in got] == ["PK", "BX", "EA"]
    assert [r["unit_price"] for r in got] == ["8.79", "11.36", "138.467"]
    assert [r["amount"] for r in got] == ["8.79", "170.40", "276.93"]


def test_clean_ocr_drops_bare_glyphs() -> None:
    words = [Word(t, 0, 0, 5, 9, 1) for t in ["|", "“|", "_", "1|", "(5.00)", "-EA"]]
    assert [w.text for w in clean_ocr(words)] == ["1", "(5.00)", "EA"]


def test_values_offset_from_centred_headers_fall_in_the_nearest_zone() -> None:
    columns = [Column("line_number", 34, 51), Column("vendor_part_number", 74, 124),
               Column("description", 157, 211), Column("quantity", 400, 420)]  # fmt: skip
    words = [Word("1", 49, 0, 54, 9, 1), Word("77-1004", 60, 0, 91, 9, 1),
             Word("HTL-20001", 140, 0, 187, 9, 1), Word("40", 425, 0, 435, 9, 1)]  # fmt: skip
    cells = assign(words, columns)
    assert {k: [w.text for w in v] for k, v in cells.items()} == {
        "line_number": ["1"],
        "vendor_part_number": ["77-1004"],
        "description": ["HTL-20001"],
        "quantity": ["40"],
    }


def _grid(s: Sheet, xs: list[float], top: float, bottom: float, ys: list[float]) -> None:
    """Ruled cells: vertical rules at ``xs`` from ``top`` to ``bottom``, horizontal rules at ``ys``."""
    page = s.pages[-1]
    page.rules += [Rule(x, top, x + 0.5, bottom) for x in xs]
    page.rules += [Rule(xs[0], y, xs[-1], y + 0.5) for y in ys]


@pytest.mark.parametrize("ruled", [False, True])
def test_line_header_beside_item_number_header_holds_the_part_numbers(ruled: bool) -> None:
    # "Line" and "Item Number" both name a line-number column: the one holding codes is the part.
    s = Sheet()
    s.row(100, [(40, "Line", False), (70, "Item Number", False), (160, "Description", False),
                (420, "Qty", True), (500, "Price", True)])  # fmt: skip
    parts = ["FAS-10086-ZP", "FAS-10004-SS", "ELE-50035"]
    for k, part in enumerate(parts, start=1):
        s.row(100 + 18 * k, [(45, str(k), False), (70, part, False), (160, f"Widget {k}", False),
                             (420, "6", True), (500, "4.06", True)])  # fmt: skip
    if ruled:
        _grid(s, [35, 65, 155, 380, 430, 510], 96, 100 + 18 * 4 - 4, [96 + 18 * k for k in range(5)])
    rows = s.table()
    assert [r.get("vendor_part_number") for r in rows] == parts
    assert [r["line_number"] for r in rows] == ["1", "2", "3"]
    assert all("" not in r for r in rows)


def test_each_and_net_headers_are_price_and_amount() -> None:
    s = Sheet()
    s.row(100, [(40, "Qty", False), (80, "Description", False), (470, "Each", True), (540, "Net", True)])
    s.row(
        116,
        [(40, "12", False), (80, "Toggle Switch White", False), (470, "1.99", True), (540, "23.88", True)],
    )
    assert s.table() == [
        {"quantity": "12", "description": "Toggle Switch White", "unit_price": "1.99", "amount": "23.88"}
    ]


def test_numbers_a_narrow_gap_after_a_long_description_go_under_their_headers() -> None:
    # No gap wide enough to split the row: the description runs past the middle between its header
    # and the price header, and the price and amount (right-aligned, wider than their headers)
    # follow it and each other one space apart.
    s = Sheet()
    s.row(100, [(40, "Ln", False), (80, "Description", False), (405, "Price", True), (455, "Amount", True)])
    desc = 'Hex Cap Screw 5/16"-18 x 1" Grade 5 18-8 Stainless Steel Zinc'
    s.row(116, [(40, "1", False), (80, desc, False), (405, "1,218.29", True), (455, "14,619.48", True)])
    s.row(132, [(40, "2", False), (80, "Toggle Switch", False), (405, "1.99", True), (455, "29.85", True)])
    rows = s.table()
    assert [r["description"] for r in rows] == [desc, "Toggle Switch"]
    assert [(r["unit_price"], r["amount"]) for r in rows] == [("1,218.29", "14,619.48"), ("1.99", "29.85")]
