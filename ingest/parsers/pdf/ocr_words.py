"""Tesseract's word table (``image_to_data`` as a dict) turned into :class:`Word` objects.

Boxes come back in pixels and are turned into PDF points from the top-left of the page, like the
text layer's words, with tesseract's own confidence (0..1) on each word.

A speck of dust next to a word is taken into the word's box by tesseract: "HTL-20015" with a dot
a few points above it comes back twice as tall as the other words of its line, and its middle
then sits between two table rows. Tesseract has already said which words make one text line, so a
word much taller than the line's other words is cut back to the line's band (with room for
ascenders and descenders); words of normal height keep their boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from ingest.parsers.pdf.model import Word

TALL = 1.5  # a word taller than this many times its line's median height has picked up noise
ROOM = 0.35  # of the median height, allowed above the line's median top and below its bottom
MIN_LINE_WORDS = 3  # fewer words do not say where the line is


@dataclass(frozen=True)
class Box:
    """One word of tesseract's table, in pixels."""

    text: str
    left: float
    top: float
    width: float
    height: float
    conf: float
    line: tuple[int, int, int]  # (block, paragraph, line) numbers

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


def _line(data: dict[str, list[Any]], i: int) -> tuple[int, int, int]:
    try:
        return (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
    except (KeyError, IndexError, TypeError, ValueError):
        return (-1, -1, -1 - i)  # not said: a line of its own


def boxes(data: dict[str, list[Any]]) -> list[Box]:
    """The word rows of tesseract's table (empty texts and block/line rows left out)."""
    out: list[Box] = []
    for i, raw in enumerate(data.get("text", [])):
        text = str(raw).strip()
        if not text:
            continue
        try:
            conf = float(data["conf"][i])
            left, top = float(data["left"][i]), float(data["top"][i])
            width, height = float(data["width"][i]), float(data["height"][i])
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        if conf < 0:  # a block/line row, not a word
            continue
        out.append(Box(text, left, top, width, height, conf, _line(data, i)))
    return out


def fit_to_lines(words: Sequence[Box]) -> list[Box]:
    """``words`` with boxes far taller than their line's cut back to the line's band."""
    lines: dict[tuple[int, int, int], list[Box]] = {}
    for box in words:
        lines.setdefault(box.line, []).append(box)
    out: list[Box] = []
    for box in words:
        mates = lines[box.line]
        if len(mates) < MIN_LINE_WORDS:
            out.append(box)
            continue
        height = median(b.height for b in mates)
        if height <= 0 or box.height <= TALL * height:
            out.append(box)
            continue
        top = max(box.top, median(b.top for b in mates) - ROOM * height)
        bottom = min(box.top + box.height, median(b.top + b.height for b in mates) + ROOM * height)
        if bottom <= top:
            out.append(box)
            continue
        out.append(Box(box.text, box.left, top, box.width, bottom - top, box.conf, box.line))
    return out


def to_words(found: Sequence[Box], number: int, scale: float) -> list[Word]:
    """Boxes in pixels (``scale`` pixels per point) as the words of page ``number``."""
    return [
        Word(
            text=box.text,
            x0=round(box.left / scale, 2),
            top=round(box.top / scale, 2),
            x1=round((box.left + box.width) / scale, 2),
            bottom=round((box.top + box.height) / scale, 2),
            page=number,
            confidence=round(min(box.conf, 100.0) / 100.0, 4),
        )
        for box in found
    ]
