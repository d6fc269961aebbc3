"""Second readings of unsure OCR words (ingest/parsers/pdf/ocr_reread.py): which words are read
again, how the crops are laid out, and when a second reading is taken."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

from ingest.parsers.pdf.ocr_reread import SPACE, Crop, _like, apply, plan, sheet
from ingest.parsers.pdf.ocr_words import Box

LINE = (1, 1, 1)


def _box(text: str, left: float, conf: float, *, width: float = 100, top: float = 500) -> Box:
    return Box(text, left, top, width, 30, conf, LINE)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("FAS-10106-Z2P", "FAS-10106-ZP"),  # an extra glyph dropped
        ("184.9375", "154.9375"),  # 8 and 5 look alike
        ("1/2*", '1/2"'),
        ("~ELE-50059", "ELE-50059"),
        ("FAS-10052-8S", "FAS-10052-SS"),
        ("SAF-3001", "SAF-30011"),  # a glyph the first reading lost
        ("BX", "Bx"),
    ],
)
def test_a_second_reading_may_fix_look_alikes_and_stray_glyphs(first: str, second: str) -> None:
    assert _like(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('1"', '4"'),
        ("1", "4"),
        ('3/4"', "ve"),
        ("2", "ma"),
        ("ELE-50048", "ELE-50048-1234"),
        ("Zinc", "Zing"),
    ],
)
def test_a_second_reading_never_puts_another_character_in(first: str, second: str) -> None:
    assert not _like(first, second)


def test_plan_reads_unsure_words_again_and_pairs_that_may_be_one_token() -> None:
    found = [
        _box("1", 100, 96, width=20),
        _box("FAS-1", 200, 70, width=90),
        _box("0052-8S", 298, 44, width=120),  # 8 px after "FAS-1": maybe one code
        _box("Machine", 600, 95),
        _box("Scrcw", 720, 60),  # unsure but no pair: it starts with a letter
        _box("|", 840, 10, width=5),  # noise is not read again
    ]
    crops = plan(found, width=2000, height=1000)
    assert [c.members for c in crops] == [(2,), (1, 2), (4,), (1,)]  # least sure first
    pair = crops[1]
    assert (pair.left, pair.right) == (196, 422) and (pair.top, pair.bottom) == (496, 534)


def test_plan_stays_inside_the_image_and_has_nothing_for_a_sure_page() -> None:
    assert plan([_box("Total", 10, 96)], width=100, height=100) == []
    (crop,) = plan([_box("T0tal", 1, 50, top=1)], width=50, height=40)
    assert (crop.left, crop.top, crop.right, crop.bottom) == (0, 0, 50, 35)


def test_sheet_puts_the_crops_one_under_the_other() -> None:
    page = Image.new("L", (400, 300), 255)
    page.paste(0, (10, 10, 60, 40))
    crops = [Crop((0,), 5, 5, 65, 45), Crop((1,), 100, 100, 300, 120)]
    out, rows = sheet(page, crops)
    assert rows == [(SPACE, SPACE + 40), (2 * SPACE + 40, 2 * SPACE + 60)]
    assert out.size == (200 + 2 * SPACE, 60 + 3 * SPACE)
    assert out.getpixel((SPACE + 10, SPACE + 10)) == 0  # the dark patch, moved onto the sheet
    assert out.getpixel((SPACE + 100, rows[1][0] + 5)) == 255


def _reading(rows: list[tuple[int, int]], words: list[tuple[int, str, float]]) -> dict[str, list[Any]]:
    """Tesseract's table for the sheet: (row index, text, confidence) words in their rows."""
    data: dict[str, list[Any]] = {k: [] for k in ("text", "left", "top", "width", "height", "conf")}
    for n, (row, text, conf) in enumerate(words):
        top, bottom = rows[row]
        for key, value in zip(data, (text, SPACE + 60 * n, top + 2, 50, bottom - top - 4, conf), strict=True):
            data[key].append(value)
    for key in ("block_num", "par_num", "line_num"):
        data[key] = [1] * len(words)
    return data


def test_apply_takes_sure_readings_that_are_like_the_first() -> None:
    found = [_box("FAS-10106-Z2P", 100, 43), _box('1"', 300, 78), _box("Zinc", 500, 60)]
    crops = plan(found, 2000, 1000)
    _, rows = sheet(Image.new("L", (2000, 1000), 255), crops)
    by_text = {found[c.members[0]].text: k for k, c in enumerate(crops)}
    data = _reading(
        rows,
        [
            (by_text["FAS-10106-Z2P"], "FAS-10106-ZP", 86),
            (by_text['1"'], '4"', 94),  # surer but another character: not taken
            (by_text["Zinc"], "Zine", 62),  # not sure enough
        ],
    )
    out = apply(found, crops, rows, data)
    assert [(b.text, b.conf) for b in out] == [("FAS-10106-ZP", 86), ('1"', 78), ("Zinc", 60)]
    assert out[0].left == 100 and out[0].width == 100  # the box stays where it was


def test_apply_joins_a_pair_read_as_one_word_into_one_box() -> None:
    found = [_box("1", 100, 60, width=20), _box("3.5691", 128, 76, width=110), _box("EA", 400, 96)]
    crops = plan(found, 2000, 1000)
    assert [c.members for c in crops] == [(0,), (0, 1), (1,)]
    _, rows = sheet(Image.new("L", (2000, 1000), 255), crops)
    data = _reading(rows, [(1, "13.5691", 94), (0, "1", 96), (2, "3.5691", 96)])
    out = apply(found, crops, rows, data)
    assert [b.text for b in out] == ["13.5691", "EA"]
    assert (out[0].left, out[0].right) == (100, 238)


def test_apply_keeps_a_pair_read_as_two_words() -> None:
    found = [_box("12", 100, 70, width=30), _box("4.50", 140, 70, width=60)]
    crops = plan(found, 2000, 1000)
    _, rows = sheet(Image.new("L", (2000, 1000), 255), crops)
    pair = next(k for k, c in enumerate(crops) if len(c.members) == 2)
    data = _reading(rows, [(pair, "12", 95), (pair, "4.50", 95)])
    assert [b.text for b in apply(found, crops, rows, data)] == ["12", "4.50"]
