"""OCR token clean-up by shape (ingest/parsers/pdf/ocr_cleanup.py)."""

from __future__ import annotations

import pytest

from ingest.parsers.pdf.model import Word
from ingest.parsers.pdf.ocr_cleanup import (
    clean_page_words,
    clean_token,
    fix_code,
    fix_inches,
    fix_number,
    is_noise,
    strip_ruling,
)


@pytest.mark.parametrize("text", ["|", "[", "_|", "—", ".", "||", "~", "-"])
def test_ruling_and_noise_glyphs_are_noise(text: str) -> None:
    assert is_noise(text) and clean_token(text) == ""


@pytest.mark.parametrize("text", ["x", "#8", "1", "EA", "$4,096.23", "Zinc"])
def test_real_tokens_are_not_noise(text: str) -> None:
    assert not is_noise(text) and clean_token(text) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("|ELE-50048", "ELE-50048"),
        ("25|", "25"),
        ("~FAS-10097-ZP", "FAS-10097-ZP"),
        ("[EA", "EA"),
        ("/FAS-1", "FAS-1"),
    ],
)
def test_ruling_glyphs_are_stripped_from_the_ends(raw: str, clean: str) -> None:
    assert strip_ruling(raw) == clean


@pytest.mark.parametrize("text", ['1/4"-20', '3"', "#10-24", "(optional)"])
def test_strip_ruling_keeps_meaningful_punctuation(text: str) -> None:
    assert strip_ruling(text) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("233:20", "233.20"), ("1,439:40", "1,439.40"), ("1O0", "100"), ("4l.50", "41.50"), ("5O", "50")],
)
def test_numbers_are_fixed_by_shape(raw: str, clean: str) -> None:
    assert fix_number(raw) == clean


@pytest.mark.parametrize("text", ["3.37", "Bolt", "SS", "BOX", "2XL", "20A", "10:30am", "IS"])
def test_words_and_good_numbers_are_not_made_numbers(text: str) -> None:
    assert fix_number(text) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("FAS-10072-2P", "FAS-10072-ZP"),
        ("FAs-10072-ZP", "FAS-10072-ZP"),
        ("ELE-s0017", "ELE-50017"),
        ("HTL-20O31", "HTL-20031"),
        ("F5S-10001", "FSS-10001"),
    ],
)
def test_code_segments_are_made_all_letters_or_all_digits(raw: str, clean: str) -> None:
    assert fix_code(raw) == clean


@pytest.mark.parametrize(
    "text",
    ["Hi-Vis", "18-8", "#10-24", "2XL", "20A", "ABC-123-A1", "x-ray", "Non-Contact", "SAF-30026", "COVID-19"],
)
def test_description_words_and_good_codes_keep_their_text(text: str) -> None:
    assert fix_code(text) == text
    assert clean_token(text) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("1/2*", '1/2"'),
        ("3/16*", '3/16"'),
        ("1/2\u00b0-13", '1/2"-13'),
        ("1/4\u201d", '1/4"'),
        ("2\u201c", '2"'),
        ("1-1/2*", '1-1/2"'),
    ],
)
def test_inch_marks_misread_after_a_number_are_double_quotes(raw: str, clean: str) -> None:
    assert fix_inches(raw) == clean
    assert clean_token(raw) == clean


@pytest.mark.parametrize(
    "text", ["90\u00b0", "2*", "12.50*", "a*", '1/2"', "1/2\u00b0x", "\u201cQuoted\u201d"]
)
def test_degrees_asterisks_and_quotes_elsewhere_keep_their_text(text: str) -> None:
    assert fix_inches(text) == text


def test_clean_page_words_drops_noise_and_keeps_positions() -> None:
    words = [
        Word("|", 10, 10, 11, 20, 1, 0.3),
        Word("FAs-10072-2P|", 20, 10, 80, 20, 1, 0.6),
        Word("Plated", 90, 10, 120, 20, 1, 0.9),
    ]
    out = clean_page_words(words)
    assert [w.text for w in out] == ["FAS-10072-ZP", "Plated"]
    assert out[0].bbox == (20, 10, 80, 20) and out[0].confidence == 0.6
    assert out[1] is words[2]
