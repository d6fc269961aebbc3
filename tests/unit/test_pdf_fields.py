"""Header fields, totals and charges of the generic PDF reader on pages built by hand from words:
values above, right of and below their labels, PO numbers in running text, lines written as text
(a printed email), totals and discounts named in German, French and Spanish."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.parsers.pdf.fields import header_fields
from ingest.parsers.pdf.geometry import DocView
from ingest.parsers.pdf.layout import read_order
from ingest.parsers.pdf.model import Line, Page, PdfDocument, Word
from ingest.parsers.pdf.summaries import charge_kind, line_summary
from ingest.parsers.pdf.textlines import read_text_line

Spec = tuple[float, list[tuple[float, str]]]  # (top, [(x0, text), ...])


def words_of(top: float, items: list[tuple[float, str]], size: float = 9.0, page: int = 1) -> list[Word]:
    return [Word(text, x0, top, x0 + 0.5 * size * len(text), top + size, page) for x0, text in items]


def doc(*lines: Spec) -> PdfDocument:
    words = [w for top, items in lines for w in words_of(top, items)]
    return PdfDocument(pages=[Page(1, 612, 792, words)])


def fields(*lines: Spec) -> dict[str, object]:
    return {name: found.value for name, found in header_fields(DocView.of(doc(*lines))).items()}


# --- where a label's value is ------------------------------------------------------------------


def test_values_above_small_labels_in_boxes() -> None:
    found = fields(
        (60, [(40, "DELTA"), (80, "MARINE")]),
        (100, [(78, "PO-118802"), (212, "02/08/2026"), (340, "Net"), (360, "30")]),
        (
            118,
            [(69, "PURCHASE"), (107, "ORDER"), (135, "NO."), (218, "ORDER"), (246, "DATE"), (361, "TERMS")],
        ),
        (144, [(40, "SHIP"), (62, "TO"), (217, "BILL"), (240, "TO")]),
        (158, [(40, "Delta"), (63, "Marine"), (217, "Accounts"), (257, "Payable")]),
    )
    assert found["po_number"] == "PO-118802"
    assert found["po_date"] == date(2026, 2, 8)


def test_value_above_a_label_centred_wider_than_it() -> None:
    found = fields(
        (96, [(79, "20260388"), (207, "Mar"), (225, "15,"), (243, "2026")]),
        (114, [(88, "ORDER"), (113, "#"), (224, "PO"), (235, "DATE")]),
        (140, [(34, "SHIP"), (56, "TO")]),
    )
    assert found["po_number"] == "20260388"
    assert found["po_date"] == date(2026, 3, 15)


def test_values_right_of_and_below_labels_still_win_over_text_above() -> None:
    found = fields(
        (40, [(40, "ACME"), (70, "Hardware"), (300, "4711-9")]),
        (60, [(300, "PO"), (315, "Number:"), (360, "4500012345")]),
        (75, [(300, "Order"), (330, "Date")]),
        (88, [(300, "2026-03-15")]),
    )
    assert found["po_number"] == "4500012345"
    assert found["po_date"] == date(2026, 3, 15)


def test_a_value_must_have_the_shape_of_its_field() -> None:
    # above the label a word without digits, below it the number: the number is taken
    found = fields(
        (40, [(40, "Contact")]),
        (55, [(40, "PO"), (55, "Number")]),
        (70, [(40, "88123")]),
    )
    assert found["po_number"] == "88123"


def test_po_number_printed_with_its_prefix() -> None:
    assert (
        fields((40, [(300, "PO"), (315, "Number:"), (360, "PO"), (376, "60071")]))["po_number"] == "PO 60071"
    )
    assert fields((40, [(300, "Order"), (330, "No:"), (360, "No."), (376, "4711")]))["po_number"] == "4711"


def test_po_number_and_date_in_running_text() -> None:
    found = fields(
        (40, [(57, "Subject:"), (96, "PO"), (113, "4500126310"), (171, "-"), (177, "please")]),
        (80, [(60, "Please"), (93, "enter"), (118, "our"), (136, "PO#"), (158, "4500126310")]),
        (95, [(60, "dated"), (90, "4/5/2026"), (140, "for"), (160, "the"), (180, "following:")]),
    )
    assert found["po_number"] == "4500126310"
    assert found["po_date"] == date(2026, 4, 5)


def test_our_order_in_running_text() -> None:
    found = fields(
        (80, [(60, "Thanks"), (100, "for"), (120, "taking"), (150, "our"), (170, "order"), (200, "778812")])
    )
    assert found["po_number"] == "778812"


# --- lines written as text ---------------------------------------------------------------------


def text_line(text: str) -> Line:
    x, items = 60.0, []
    for part in text.split():
        items.append((x, part))
        x += 4.5 * len(part) + 4
    return Line(tuple(words_of(100, items)))


@pytest.mark.parametrize(
    ("text", "qty", "price", "uom", "part", "description"),
    [
        ("4 ea Duplex Receptacle 15A Commercial Ivory [ELE-50027] @ $3.10/ea", "4", "3.10", "EA", "ELE-50027",
         "Duplex Receptacle 15A Commercial Ivory"),
        ("- [ELE-50057] EMT Set Screw Connector 1/2 in, qty 5 bx at $15.17", "5", "15.17", "BX", "ELE-50057",
         "EMT Set Screw Connector 1/2 in"),
        ('1) Hex Lag Screw 3/8" x 4" Zinc Plated [FAS-10103-ZP] - 3 x pk - $29.34 ea', "3", "29.34", "PK",
         "FAS-10103-ZP", 'Hex Lag Screw 3/8" x 4" Zinc Plated'),
        ("2 x Widget [SKU-1] @ 3.50", "2", "3.50", None, "SKU-1", "Widget"),
        ("4) Toggle Switch 3-Way 15A Ivory [ELE-50033] - 1,200 x ea - $4.21 ea", "1200", "4.21", "EA",
         "ELE-50033", "Toggle Switch 3-Way 15A Ivory"),
    ],
)  # fmt: skip
def test_text_order_lines(
    text: str, qty: str, price: str, uom: str | None, part: str, description: str
) -> None:
    view = DocView.of(PdfDocument(pages=[Page(1, 612, 792, list(text_line(text).words))]))
    line = read_text_line(view, text_line(text))
    assert line is not None
    assert (line.quantity, line.unit_price) == (Decimal(qty), Decimal(price))
    assert (line.uom, line.vendor_part_number, line.description) == (uom, part, description)


@pytest.mark.parametrize("text", ["Ship UPS Ground to our usual address.", "Total: $715.22", "Hi Sam,"])
def test_text_that_is_no_order_line(text: str) -> None:
    view = DocView.of(PdfDocument(pages=[Page(1, 612, 792, list(text_line(text).words))]))
    assert read_text_line(view, text_line(text)) is None


def test_a_printed_email_is_read() -> None:
    texts = [
        "From: Priya Natarajan <priya@acme.example>",
        "Sent: Sunday, April 5, 2026 9:14 AM",
        "Subject: PO 4500126310 - please confirm",
        "Please enter our PO# 4500126310 dated 4/5/2026 for the following:",
        "4 ea Duplex Receptacle 15A [ELE-50027] @ $3.10/ea",
        "20 bx Hex Nut 5/16 Stainless [FAS-10074-SS] @ $32.48/bx",
        "Total: $662.00",
        "Ship UPS Ground to our usual address. Thanks!",
    ]
    words = [Word(w.text, w.x0, 80 + 16 * i, w.x1, 89 + 16 * i, 1) for i, t in enumerate(texts)
             for w in text_line(t).words]  # fmt: skip
    orders = read_order(PdfDocument(pages=[Page(1, 612, 792, words)]))
    assert len(orders) == 1
    order = orders[0]
    assert order.po_number == "4500126310"
    assert order.po_date == date(2026, 4, 5)
    assert [(ln.quantity, ln.unit_price, ln.vendor_part_number) for ln in order.lines] == [
        (Decimal(4), Decimal("3.10"), "ELE-50027"),
        (Decimal(20), Decimal("32.48"), "FAS-10074-SS"),
    ]
    assert order.total_amount == Decimal("662.00")
    assert order.confidence["total_amount"] >= 0.9  # 4 x 3.10 + 20 x 32.48
    assert order.currency == "USD"


# --- totals and charges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Gesamtbetrag", "total"), ("Gesamtbetrag netto", "total"), ("Gesamtsumme", "total"),
        ("Summe", "total"),
        ("Total TTC", "total"), ("Montant total", "total"), ("Montant total HT", "total"),
        ("Importe total", "total"), ("Total Order Value USD", "total"), ("Total (USD)", "total"),
        ("Zwischensumme", "subtotal"), ("Sous-total", "subtotal"), ("Discount", "discount"),
        ("Less 2% Discount", "discount"), ("Rabatt 5 %", "discount"), ("Remise", "discount"),
        ("Descuento", "discount"), ("Total TVA", "tax"), ("Shipping & Handling", "freight"),
        ("Shipping Tape", None), ("Discount Card Holder", None), ("Totally Tubular Widget", None),
    ],
)  # fmt: skip
def test_charge_kinds_in_several_languages(label: str, kind: str | None) -> None:
    assert charge_kind(label) == kind


def view_with(*lines: Spec) -> DocView:
    return DocView.of(doc(*lines))


def test_total_with_decimal_commas() -> None:
    view = view_with(
        (40, [(60, "12,50"), (100, "1.250,00")]),
        (60, [(383, "Gesamtbetrag"), (446, "netto"), (488, "34.062,15"), (531, "€")]),
    )
    summary = line_summary(view, view.lines[1][1].words)
    assert summary is not None and summary.kind == "total"
    assert view.number(summary.amount_words[-1].text) == Decimal("34062.15")


@pytest.mark.parametrize("printed", ["-4.00", "(4.00)", "4.00"])
def test_discount_lines_become_negative_discount_charges(printed: str) -> None:
    order = read_order(
        doc(
            (40, [(400, "PO"), (415, "Number:"), (460, "4500001")]),
            (100, [(40, "Qty"), (80, "Description"), (400, "Unit"), (425, "Price"), (520, "Amount")]),
            (115, [(40, "10"), (80, "Widget"), (120, "blue"), (420, "10.00"), (520, "100.00")]),
            (130, [(40, "5"), (80, "Gadget"), (120, "red"), (420, "20.00"), (520, "100.00")]),
            (160, [(430, "Subtotal"), (520, "200.00")]),
            (175, [(400, "Less"), (425, "2%"), (440, "Discount"), (520, printed)]),
            (190, [(430, "Total"), (520, "196.00")]),
        )
    )[0]
    assert [(c.kind, c.amount) for c in order.charges] == [("discount", Decimal("-4.00"))]
    assert order.total_amount == Decimal("196.00")
    assert order.confidence["total_amount"] >= 0.9


def test_a_net_total_gives_way_to_the_gross_total() -> None:
    order = read_order(
        doc(
            (40, [(400, "No"), (415, "de"), (430, "commande:"), (480, "FR-4471")]),
            (100, [(40, "Qté"), (80, "Désignation"), (400, "Prix"), (520, "Montant")]),
            (115, [(40, "10"), (80, "Vis"), (120, "inox"), (420, "10,00"), (520, "100,00")]),
            (160, [(400, "Total"), (430, "HT"), (520, "100,00")]),
            (175, [(400, "TVA"), (430, "20%"), (520, "20,00")]),
            (190, [(400, "Total"), (430, "TTC"), (520, "120,00")]),
        )
    )[0]
    assert order.po_number == "FR-4471"
    assert order.total_amount == Decimal("120.00")
    assert [(c.kind, c.amount) for c in order.charges] == [("tax", Decimal("20.00"))]
    assert order.confidence["total_amount"] >= 0.9
