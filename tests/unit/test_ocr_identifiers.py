"""Identifiers read by OCR with O/0 confusions: the PO number's letter prefix and digits sorted out
by shape (ocr_cleanup.fix_identifier, used by the header reader on OCR pages only), and a glyph
read twice dropped by reading the word again glyph by glyph (ocr_reread.recount)."""

from __future__ import annotations

import pytest

from ingest.parsers.pdf.fields import header_fields
from ingest.parsers.pdf.geometry import DocView
from ingest.parsers.pdf.model import Page, PdfDocument, Word
from ingest.parsers.pdf.ocr_cleanup import fix_identifier
from ingest.parsers.pdf.ocr_reread import UNSURE, glyph_text, recount, recount_plan, round_identifier
from ingest.parsers.pdf.ocr_words import Box


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("POO00022", "PO000022"),  # the number's first 0 read as the prefix's O
        ("POOO0021", "PO000021"),
        ("Poo00021", "PO000021"),  # lower-case look-alikes
        ("Po000010", "PO000010"),
        ("PQ000021", "PO000021"),  # the prefix's O read as Q
        ("POQ00012", "PO000012"),
        ("PODO0004", "PO000004"),
        ("PO0O0022", "PO000022"),  # a letter among the digits
        ("INV-2O24", "INV-2024"),
        ("SO-1OO23", "SO-10023"),
    ],
)
def test_look_alike_letters_in_an_identifiers_number_are_digits(read: str, meant: str) -> None:
    assert fix_identifier(read) == meant


@pytest.mark.parametrize(
    "text",
    [
        "PO000021",  # read right
        "PO-118802",
        "DM-3460",
        "20260388",
        "4500123",
        "ABC0012",  # a prefix with a letter after its look-alike keeps its letters
        "SO12345",  # a prefix of look-alikes only: which are digits is not known
        "DO0004",
        "BOL0001",
        "P0000021",
        "PO-SO12",  # a number with as many letters as digits is not one
        "Order",
        "x0001",  # lower-case
    ],
)
def test_identifiers_without_a_clear_confusion_keep_their_text(text: str) -> None:
    assert fix_identifier(text) == text


def _ocr_doc(value: str, *, ocr: bool) -> PdfDocument:
    words = [
        Word("PO", 300, 40, 312, 49, 1),
        Word("Number:", 315, 40, 350, 49, 1),
        Word(value, 355, 40, 400, 49, 1),
    ]
    return PdfDocument(pages=[Page(1, 612, 792, words, ocr=ocr)])


def test_the_po_number_of_a_scanned_page_is_cleaned_and_a_text_layers_is_not() -> None:
    scanned = header_fields(DocView.of(_ocr_doc("POO00022", ocr=True)))
    assert scanned["po_number"].value == "PO000022"
    digital = header_fields(DocView.of(_ocr_doc("POO00022", ocr=False)))
    assert digital["po_number"].value == "POO00022"


@pytest.mark.parametrize("text", ["POQ000021", "PoOo00021", "POO00022", "PODO0004"])
def test_round_identifiers_are_read_again(text: str) -> None:
    assert round_identifier(text)


@pytest.mark.parametrize("text", ["PO123456", "FAS-10072", "SAF-30011", "1000", "Order", "Box"])
def test_other_words_are_not_read_again_glyph_by_glyph(text: str) -> None:
    assert not round_identifier(text)


def test_a_round_glyph_read_as_two_loses_its_narrow_half() -> None:
    # "PoOo00021": the O after the prefix's O is 13 pixels wide over the boxes of its neighbours
    glyphs = [("P", 4, 25), ("O", 28, 55), ("O", 52, 65), ("0", 57, 76), ("0", 78, 97), ("0", 99, 118),
              ("0", 120, 139), ("2", 141, 159), ("1", 164, 175)]  # fmt: skip
    assert glyph_text(glyphs) == "PO000021"


def test_a_narrow_zero_clear_of_its_neighbours_is_kept() -> None:
    # two zeros cut in the wrong place (32 and 10 pixels wide) are still two zeros
    glyphs = [("P", 4, 27), ("O", 29, 59), ("0", 62, 84), ("0", 86, 118), ("0", 120, 130), ("0", 132, 154),
              ("1", 161, 169), ("0", 178, 200)]  # fmt: skip
    assert glyph_text(glyphs) == "PO000010"


def test_two_digits_read_as_one_do_not_make_the_others_narrow() -> None:
    glyphs = [("P", 4, 27), ("O", 30, 60), ("O", 62, 84), ("O", 86, 110), ("0", 112, 156), ("0", 158, 183),
              ("0", 185, 229), ("4", 231, 252)]  # fmt: skip
    assert glyph_text(glyphs) == "POOO0004"


def test_recount_plans_unsure_round_identifiers_and_drops_a_glyph_read_twice() -> None:
    line = (1, 1, 1)
    found = [
        Box("POQ000021", 100, 100, 180, 30, 52.0, line),
        Box("PO000021", 400, 100, 180, 30, 96.0, line),  # sure: left alone
        Box("Number:", 10, 100, 80, 30, 40.0, line),
    ]
    crops = recount_plan(found, 1000, 1000)
    assert [c.members for c in crops] == [(0,)]
    assert found[0].conf < UNSURE
    read = [("P", 4, 25), ("O", 28, 54), ("Q", 50, 62), ("0", 56, 75), ("0", 77, 96), ("0", 98, 117),
            ("0", 119, 138), ("2", 140, 158), ("1", 163, 174)]  # fmt: skip
    out = recount(found, crops, [read])
    assert [b.text for b in out] == ["PO000021", "PO000021", "Number:"]
    assert out[0].left == 100 and out[0].conf == 52.0


def test_recount_never_adds_glyphs_or_changes_characters() -> None:
    line = (1, 1, 1)
    found = [Box("PO00021", 100, 100, 180, 30, 40.0, line)]
    crops = recount_plan(found, 1000, 1000)
    longer = [("P", 0, 20), ("O", 22, 50), ("0", 52, 70), ("0", 72, 90), ("0", 92, 110), ("0", 112, 130),
              ("2", 132, 150), ("1", 152, 160)]  # fmt: skip
    assert recount(found, crops, [longer])[0].text == "PO00021"
    other = [("P", 0, 20), ("O", 22, 50), ("0", 52, 70), ("0", 72, 90), ("8", 92, 110), ("2", 112, 130),
             ("1", 132, 140)]  # fmt: skip
    assert recount(found, crops, [other])[0].text == "PO00021"
