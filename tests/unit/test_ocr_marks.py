"""Marks a scan's reading gets wrong in item lines: an inch mark after a size read as a degree sign
or an asterisk, a speck after a part code (ocr_cleanup), and a unit of measure with one letter
read as its look-alike (the layout reader, on OCR pages only)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.parsers.pdf.columns import clean_ocr
from ingest.parsers.pdf.layout import read_order
from ingest.parsers.pdf.model import Page, PdfDocument, Word
from ingest.parsers.pdf.ocr_cleanup import clean_page_words, clean_token


def _line(*texts: str, top: float = 100.0) -> list[Word]:
    words, x = [], 50.0
    for text in texts:
        words.append(Word(text, x, top, x + 6 * len(text), top + 10, 1, 0.9))
        x += 6 * len(text) + 4
    return words


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("#8-32", "x", "1°", "18-8"), ["#8-32", "x", '1"', "18-8"]),
        (('1/2"-13', "x", "2°", "Grade"), ['1/2"-13', "x", '2"', "Grade"]),
        (("#6-32", "x", "1*", "18-8"), ["#6-32", "x", '1"', "18-8"]),
        (("Elbow", "90°"), ["Elbow", "90°"]),  # degrees
        (("Item", "2*"), ["Item", "2*"]),  # an asterisk
    ],
)
def test_a_degree_sign_or_asterisk_after_an_x_is_an_inch_mark(
    texts: tuple[str, ...], expected: list[str]
) -> None:
    assert [w.text for w in clean_page_words(_line(*texts))] == expected


def test_an_x_on_another_line_does_not_make_a_size() -> None:
    words = [*_line("2", "x", top=100.0), *_line("90°", top=140.0)]
    assert [w.text for w in clean_page_words(words)] == ["2", "x", "90°"]


def test_a_speck_after_a_part_code_is_dropped() -> None:
    assert clean_token("JAN-40035°") == "JAN-40035"
    assert clean_token("FAS-10072*") == "FAS-10072"
    assert clean_token("90°") == "90°"


def _order(uom: str, *, ocr: bool) -> PdfDocument:
    words = [
        *_line("Description", "Qty", "UOM", "Price", "Amount", top=100.0),
        *_line("Speed", "Square", "10", uom, "9.06", "90.60", top=120.0),
    ]
    # columns: put each value under its header
    header = {w.text: w for w in words[:5]}
    row = words[5:]
    placed = [
        row[0],
        row[1],
        Word("10", header["Qty"].x0, 120, header["Qty"].x1, 130, 1, 0.9),
        Word(uom, header["UOM"].x0, 120, header["UOM"].x0 + 18, 130, 1, 0.9),
        Word("9.06", header["Price"].x0, 120, header["Price"].x1, 130, 1, 0.9),
        Word("90.60", header["Amount"].x0, 120, header["Amount"].x1, 130, 1, 0.9),
    ]
    return PdfDocument(pages=[Page(1, 612, 792, [*words[:5], *placed], ocr=ocr)])


def test_a_unit_read_with_a_look_alike_letter_is_known_on_a_scan_only() -> None:
    (scanned,) = read_order(_order("pes", ocr=True))
    assert scanned.lines[0].uom == "EA" and scanned.lines[0].quantity == Decimal(10)
    (digital,) = read_order(_order("pes", ocr=False))
    assert digital.lines[0].uom is None
    (plain,) = read_order(_order("pcs", ocr=True))
    assert plain.lines[0].uom == "EA"


def test_a_section_sign_among_a_codes_digits_is_a_five() -> None:
    assert clean_token("ELE-§0014") == "ELE-50014"
    assert clean_token("§") == "§" and clean_token("§5") == "§5"


def test_a_dash_a_word_space_from_a_word_is_text_and_a_lone_one_is_noise() -> None:
    words = _line("Zinc", "Plated", "-", "RoHS")
    assert [w.text for w in clean_page_words(words)] == ["Zinc", "Plated", "-", "RoHS"]
    wrapped = _line("Heavy", "Duty", "\u2014")
    assert [w.text for w in clean_page_words(wrapped)] == ["Heavy", "Duty", "-"]
    alone = [Word("-", 300, 100, 306, 110, 1, 0.5), *_line("12.50", top=100.0)]
    assert [w.text for w in clean_page_words(alone)] == ["12.50"]


def test_table_words_keep_a_hash_header_a_dash_and_a_comma_in_running_text() -> None:
    header = _line("#", "Vendor", "Item", "Description")
    assert [w.text for w in clean_ocr(header)] == ["#", "Vendor", "Item", "Description"]
    text = _line("Magnetic", "-", "deliver", "to", "dock", "4,", "7am-3pm,", "no")
    assert [w.text for w in clean_ocr(text)] == [
        "Magnetic",
        "-",
        "deliver",
        "to",
        "dock",
        "4,",
        "7am-3pm,",
        "no",
    ]
    speck = [*_line("Level"), Word("15,", 300, 100, 315, 110, 1, 0.9), Word("EA", 340, 100, 352, 110, 1, 0.9)]
    assert [w.text for w in clean_ocr(speck)] == ["Level", "15", "EA"]


def test_a_bar_as_tall_as_the_capitals_between_two_words_is_the_letter_i() -> None:
    words = [
        Word("Type", 273.8, 214.6, 293.5, 223.0, 1, 0.96),  # "yp" reach below the line
        Word("|", 297.1, 214.6, 298.1, 221.0, 1, 0.92),
        Word("Ratchet", 302.2, 214.6, 332.4, 221.3, 1, 0.95),
    ]
    assert [w.text for w in clean_page_words(words)] == ["Type", "I", "Ratchet"]
    ruling = [words[0], Word("|", 297.1, 205.0, 298.1, 230.0, 1, 0.5), words[2]]  # the row's height
    assert [w.text for w in clean_page_words(ruling)] == ["Type", "Ratchet"]
    far = [words[0], Word("|", 330.0, 214.6, 331.0, 221.0, 1, 0.9), Word("12.50", 380, 214.6, 400, 221.3, 1)]
    assert [w.text for w in clean_page_words(far)] == ["Type", "12.50"]


def test_a_section_sign_leading_a_number_is_a_five() -> None:
    assert clean_token("§99.70") == "599.70"


def _misread(qty: str, *, ocr: bool) -> PdfDocument:
    header = _line("Description", "Qty", "UOM", "Price", "Amount", top=100.0)
    at = {w.text: w for w in header}
    row = [
        Word("Screw", 50, 120, 80, 130, 1, 0.9),
        Word(qty, at["Qty"].x0, 120, at["Qty"].x1, 130, 1, 0.9),
        Word("BX", at["UOM"].x0, 120, at["UOM"].x0 + 12, 130, 1, 0.9),
        Word("39.98", at["Price"].x0, 120, at["Price"].x1, 130, 1, 0.9),
        Word("599.70", at["Amount"].x0, 120, at["Amount"].x1, 130, 1, 0.9),
    ]
    return PdfDocument(pages=[Page(1, 612, 792, [*header, *row], ocr=ocr)])


def test_a_scanned_quantity_that_is_no_number_comes_from_amount_over_price() -> None:
    (scanned,) = read_order(_misread("18°", ocr=True))
    line = scanned.lines[0]
    assert line.quantity == Decimal(15) and line.confidence["quantity"] <= 0.5
    (digital,) = read_order(_misread("18°", ocr=False))
    assert digital.lines[0].quantity is None


def _priced(price: str, total: str, *, ocr: bool) -> PdfDocument:
    header = _line("Description", "Qty", "UOM", "Price", "Amount", top=100.0)
    at = {w.text: w for w in header}

    def row(top: float, desc: str, qty: str, unit: str, amount: str) -> list[Word]:
        return [
            Word(desc, 50, top, 80, top + 10, 1, 0.9),
            Word(qty, at["Qty"].x0, top, at["Qty"].x1, top + 10, 1, 0.9),
            Word("BX", at["UOM"].x0, top, at["UOM"].x0 + 12, top + 10, 1, 0.9),
            Word(unit, at["Price"].x0, top, at["Price"].x1, top + 10, 1, 0.9),
            Word(amount, at["Amount"].x0, top, at["Amount"].x1, top + 10, 1, 0.9),
        ]

    words = [*header, *row(120, "Screws", "3", price, "85.53"), *row(135, "Washers", "2", "10.00", "20.00")]
    words += [
        Word("Total:", 150, 160, 180, 170, 1, 0.9),
        Word(total, at["Amount"].x0, 160, at["Amount"].x1, 170, 1),
    ]
    return PdfDocument(pages=[Page(1, 612, 792, words, ocr=ocr)])


@pytest.mark.parametrize("read", ["28.5", "26.51", "8.51"])
def test_a_scanned_price_with_a_glyph_lost_or_mistaken_is_amount_over_quantity(read: str) -> None:
    (order,) = read_order(_priced(read, "105.53", ocr=True))
    assert order.lines[0].unit_price == Decimal("28.51") and order.lines[0].confidence["unit_price"] <= 0.6
    assert not any("unit price" in n for n in order.notes)


def test_a_price_is_left_alone_on_a_text_layer_or_when_the_amounts_do_not_add_up() -> None:
    (digital,) = read_order(_priced("28.5", "105.53", ocr=False))
    assert digital.lines[0].unit_price == Decimal("28.5")
    (unsure,) = read_order(_priced("28.5", "199.99", ocr=True))
    assert unsure.lines[0].unit_price == Decimal("28.5")
    (other,) = read_order(_priced("73.0", "105.53", ocr=True))  # not the same number misread
    assert other.lines[0].unit_price == Decimal("73.0")


def test_a_scanned_quantity_lost_altogether_is_amount_over_price_too() -> None:
    doc = _misread("18°", ocr=True)
    page = doc.pages[0]
    page.words = [w for w in page.words if w.text != "18°"]
    (order,) = read_order(doc)
    assert order.lines[0].quantity == Decimal(15) and "quantity" not in order.lines[0].provenance
