"""Tesseract's word table into words (ingest/parsers/pdf/ocr_words.py): a word whose box took in
a speck is cut back to its line's band, so that it stays on its table row."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.parsers.pdf.ocr_words import Box, boxes, fit_to_lines, to_words


def _data(rows: list[tuple[str, int, int, int, int, float, int]]) -> dict[str, list[Any]]:
    """Tesseract's table from (text, left, top, width, height, conf, line) rows."""
    keys = ("text", "left", "top", "width", "height", "conf", "line_num")
    data: dict[str, list[Any]] = {k: [r[i] for r in rows] for i, k in enumerate(keys)}
    data["block_num"] = [1] * len(rows)
    data["par_num"] = [1] * len(rows)
    return data


ROW = [  # one table row as tesseract gave it: "HTL-20015" took in a speck 30 px above it
    ("", 211, 1113, 2156, 70, -1, 1),  # the line's own row
    ("3", 211, 1143, 16, 31, 96, 1),
    ("HTL-20015", 285, 1113, 195, 62, 85, 1),
    ("Tape", 638, 1145, 81, 38, 96, 1),
    ("Measure", 733, 1145, 140, 29, 95, 1),
    ("24", 1695, 1145, 39, 29, 71, 1),
]


def test_boxes_skip_empty_and_structure_rows() -> None:
    found = boxes(_data(ROW))
    assert [b.text for b in found] == ["3", "HTL-20015", "Tape", "Measure", "24"]
    assert all(b.line == (1, 1, 1) for b in found)


def test_boxes_without_line_numbers_are_lines_of_their_own() -> None:
    data = _data(ROW)
    del data["line_num"]
    found = boxes(data)
    assert len({b.line for b in found}) == len(found)


def test_a_word_taller_than_its_line_is_cut_back_to_the_line() -> None:
    found = fit_to_lines(boxes(_data(ROW)))
    part = found[1]
    assert part.text == "HTL-20015" and part.left == 285 and part.width == 195
    assert part.bottom == 1175  # its own bottom, within the line's band
    assert 1130 <= part.top <= 1145  # no longer reaching up to the speck
    others = [b for b in found if b.text != "HTL-20015"]
    assert others == [b for b in boxes(_data(ROW)) if b.text != "HTL-20015"]


def test_words_of_normal_height_and_short_lines_keep_their_boxes() -> None:
    tall_descender = [("Phillips", 10, 100, 114, 36, 93, 1), ("Head", 130, 100, 78, 27, 96, 1)]
    tall_descender.append(("Pan", 220, 101, 55, 26, 96, 1))
    assert fit_to_lines(boxes(_data(tall_descender))) == boxes(_data(tall_descender))
    two = [("HTL-20015", 285, 1113, 195, 62, 85, 1), ("3", 211, 1143, 16, 31, 96, 1)]
    assert fit_to_lines(boxes(_data(two))) == boxes(_data(two))


def test_to_words_turns_pixels_into_points() -> None:
    (word,) = to_words([Box("Qty", 300, 150, 60, 30, 87.5, (1, 1, 1))], number=2, scale=300 / 72)
    assert word.text == "Qty" and word.page == 2
    assert word.bbox == pytest.approx((72.0, 36.0, 86.4, 43.2))
    assert word.confidence == 0.875
