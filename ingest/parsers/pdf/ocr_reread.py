"""A second reading of the words tesseract was unsure of, each on its own.

Read as part of a whole page, a word can come out wrong although it is printed cleanly: "Z2P" for
"ZP" (an extra glyph), "184.9375" for "154.9375", a code split in two ("FAS-1" "0052-8S") or a
price split after its first digit ("1" "3.5691"). Read again alone, from the grey image rather
than the thresholded one, tesseract mostly gets the same pixels right and says so with a much
higher confidence. So:

1. :func:`plan` picks the words below :data:`UNSURE` confidence (and pairs of neighbours on one
   line that look like one code or number cut in two);
2. :func:`sheet` pastes their crops one under the other on a blank sheet, which tesseract reads in
   one run (page segmentation mode 6, a block of lines);
3. :func:`apply` takes a second reading only when it is one word, sure (at least :data:`SURE`),
   clearly surer than the first, and still like it (a re-read never invents a different word).

Everything here is pure: boxes, images and tesseract's table in, boxes out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise
from statistics import median
from typing import Any

from PIL import Image

from ingest.parsers.pdf.ocr_cleanup import is_noise
from ingest.parsers.pdf.ocr_words import Box, boxes

PSM = 6  # the sheet is a block of lines, one crop per line
UNSURE = 80.0  # tesseract confidence (0..100) below which a word is read again
SURE = 80.0  # a second reading must be at least this sure ...
GAIN = 5.0  # ... and this much surer than the first
PAIR_SURE = 85.0  # a pair read as one word must be this sure
PAIR_GAP = 0.5  # of the line's height: the widest gap of a pair that may be one token
PAD = 4  # pixels around a word's box in its crop
SPACE = 40  # blank pixels around and between crops on the sheet
MAX_CROPS = 150  # the least sure words of a very noisy page; keeps the second run short

_HAS_TEXT = re.compile(r"[A-Za-z0-9]")
_SPLIT_END = re.compile(r"[0-9-]$")
_SPLIT_START = re.compile(r"^[0-9-]")
_LOOK_ALIKES = {  # glyphs a reading confuses with each other (a second reading may swap them)
    "0": "O0DQo",
    "1": "Il1|i!",
    "2": "Z2z",
    "8": "B8S5$s",
    "6": "G6",
    '"': "\u00b0*\u201c\u201d'\"",
}
_FOLD = str.maketrans({c: key for key, group in _LOOK_ALIKES.items() for c in group})


@dataclass(frozen=True)
class Crop:
    """Words (indices into the page's boxes, left to right on one line) read again together."""

    members: tuple[int, ...]
    left: int
    top: int
    right: int
    bottom: int


def _crop(found: Sequence[Box], members: tuple[int, ...], width: int, height: int) -> Crop:
    chosen = [found[i] for i in members]
    return Crop(
        members,
        max(0, int(min(b.left for b in chosen)) - PAD),
        max(0, int(min(b.top for b in chosen)) - PAD),
        min(width, int(max(b.right for b in chosen)) + PAD),
        min(height, int(max(b.bottom for b in chosen)) + PAD),
    )


def _split_pair(a: Box, b: Box, line_height: float) -> bool:
    """``a`` and ``b`` (neighbours on a line) may be one code or number that was cut in two."""
    gap = b.left - a.right
    return (
        0 <= gap <= PAIR_GAP * line_height
        and bool(_SPLIT_END.search(a.text))
        and bool(_SPLIT_START.search(b.text))
        and min(a.conf, b.conf) < UNSURE
    )


def plan(found: Sequence[Box], width: int, height: int) -> list[Crop]:
    """The crops to read again: every unsure word with a letter or digit, and every pair of
    neighbours that may be one token cut in two (at most :data:`MAX_CROPS`, least sure first)."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, box in enumerate(found):
        lines.setdefault(box.line, []).append(i)
    wanted: list[tuple[float, tuple[int, ...]]] = []
    for members in lines.values():
        members.sort(key=lambda i: found[i].left)
        line_height = median(found[i].height for i in members)
        for i in members:
            box = found[i]
            if box.conf < UNSURE and _HAS_TEXT.search(box.text) and not is_noise(box.text):
                wanted.append((box.conf, (i,)))
        for i, j in pairwise(members):
            if _split_pair(found[i], found[j], line_height):
                wanted.append((min(found[i].conf, found[j].conf), (i, j)))
    wanted.sort(key=lambda item: item[0])
    return [_crop(found, members, width, height) for _, members in wanted[:MAX_CROPS]]


def sheet(image: Image.Image, crops: Sequence[Crop]) -> tuple[Image.Image, list[tuple[int, int]]]:
    """The crops of ``image`` one under the other on a white sheet, and each one's rows (top,
    bottom) on it."""
    width = max(c.right - c.left for c in crops) + 2 * SPACE
    height = sum(c.bottom - c.top + SPACE for c in crops) + SPACE
    out = Image.new("L", (width, height), 255)
    rows: list[tuple[int, int]] = []
    y = SPACE
    for c in crops:
        out.paste(image.crop((c.left, c.top, c.right, c.bottom)), (SPACE, y))
        rows.append((y, y + c.bottom - c.top))
        y += c.bottom - c.top + SPACE
    return out, rows


def _like(first: str, second: str) -> bool:
    """``second`` is ``first`` with look-alike glyphs swapped, case changed, or a few glyphs added
    or dropped (at most one in four): never another character in place of one."""
    a, b = first.translate(_FOLD).upper(), second.translate(_FOLD).upper()
    changed = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "replace":
            return False
        if op != "equal":
            changed += (i2 - i1) + (j2 - j1)
    return changed <= max(1, len(a) // 4)


def _readings(data: dict[str, list[Any]], rows: Sequence[tuple[int, int]]) -> list[list[Box]]:
    """The sheet's words, sorted into the crops whose rows their middles fall in."""
    out: list[list[Box]] = [[] for _ in rows]
    for box in boxes(data):
        if is_noise(box.text):
            continue
        middle = box.top + box.height / 2
        for k, (top, bottom) in enumerate(rows):
            if top <= middle <= bottom:
                out[k].append(box)
                break
    return out


def apply(
    found: Sequence[Box],
    crops: Sequence[Crop],
    rows: Sequence[tuple[int, int]],
    data: dict[str, list[Any]],
) -> list[Box]:
    """``found`` with the second readings of the sheet (tesseract's table ``data``) taken where
    they are better; a pair read as one word becomes one box over both."""
    texts: dict[int, tuple[str, float]] = {}
    merged: dict[int, Box] = {}  # first index of a pair -> the pair's box
    gone: set[int] = set()
    pairs_first = sorted(zip(crops, _readings(data, rows), strict=True), key=lambda x: len(x[0].members) == 1)
    for crop, reading in pairs_first:
        if len(reading) != 1 or any(i in gone or i in merged for i in crop.members):
            continue
        new = reading[0]
        old = [found[i] for i in crop.members]
        first = "".join(b.text for b in old)
        surest = max(b.conf for b in old)
        if len(old) == 1:
            i = crop.members[0]
            best = texts.get(i, (old[0].text, old[0].conf))
            if new.conf >= max(SURE, best[1] + GAIN) and _like(first, new.text):
                texts[i] = (new.text, new.conf)
        elif new.conf >= max(PAIR_SURE, surest) and _like(first, new.text):
            a, b = old[0], old[-1]
            top, bottom = min(x.top for x in old), max(x.bottom for x in old)
            merged[crop.members[0]] = Box(
                new.text, a.left, top, b.right - a.left, bottom - top, new.conf, a.line
            )
            gone.update(crop.members[1:])
    out: list[Box] = []
    for i, box in enumerate(found):
        if i in gone:
            continue
        if i in merged:
            out.append(merged[i])
        elif i in texts:
            text, conf = texts[i]
            out.append(Box(text, box.left, box.top, box.width, box.height, conf, box.line))
        else:
            out.append(box)
    return out


# An identifier whose glyph count a reading gets wrong: a letter prefix and mostly digits with
# round glyphs side by side ("POQ000021", "PoOo00021"). Tesseract splits one round glyph into two
# ("O" "Q" over the pixels of one "O"); read again alone with the box of every glyph, the half is
# a round glyph much narrower than the digits beside it whose box runs into its neighbour's.
_ROUND_IDENTIFIER = re.compile(r"[A-Za-z]{1,4}[-/]?[0-9OoQDIlSB]{3,}")
_ROUND_RUN = re.compile(r"[0OoQD]{2,}")
_ROUND = frozenset("0OoQD")
_WIDE_DIGITS = frozenset("023456789")
FRAGMENT = 0.85  # of the digits' median width: a round glyph narrower than this is half of one
MAX_RECOUNTS = 4  # words per page read again glyph by glyph


def round_identifier(text: str) -> bool:
    """A letter prefix and mostly digits with round glyphs side by side ("POO00022", "PQ000021")."""
    return (
        bool(_ROUND_IDENTIFIER.fullmatch(text))
        and sum(c.isdigit() for c in text) >= 2
        and any(c in "OoQD" for c in text[1:])
        and bool(_ROUND_RUN.search(text))
    )


def recount_plan(found: Sequence[Box], width: int, height: int) -> list[Crop]:
    """The unsure round identifiers of a page, each to be read again alone glyph by glyph."""
    chosen = sorted(
        (i for i, b in enumerate(found) if b.conf < UNSURE and round_identifier(b.text)),
        key=lambda i: found[i].conf,
    )
    return [_crop(found, (i,), width, height) for i in chosen[:MAX_RECOUNTS]]


def glyph_text(glyphs: Sequence[tuple[str, int, int]]) -> str:
    """The text of a word read glyph by glyph ((glyph, left, right) in pixels), without the round
    glyphs that are half of one read as two: much narrower than the digits and lying over the
    box of a neighbour."""
    widths = sorted(right - left for text, left, right in glyphs if text in _WIDE_DIGITS)
    if not widths:
        return "".join(text for text, _, _ in glyphs)
    usual = widths[(len(widths) - 1) // 2]  # the lower median: two digits read as one are wide
    kept: list[str] = []
    for k, (text, left, right) in enumerate(glyphs):
        before = glyphs[k - 1][2] if k else left
        after = glyphs[k + 1][1] if k + 1 < len(glyphs) else right
        half = text in _ROUND and right - left < FRAGMENT * usual and (before > left or after < right)
        if not half:
            kept.append(text)
    return "".join(kept)


def recount(
    found: Sequence[Box], crops: Sequence[Crop], glyphs: Sequence[Sequence[tuple[str, int, int]]]
) -> list[Box]:
    """``found`` with each recounted word's glyph-by-glyph reading taken when it is like the first
    and has no more glyphs (the error undone is a glyph read twice)."""
    out = list(found)
    for crop, read in zip(crops, glyphs, strict=True):
        i = crop.members[0]
        old = found[i].text
        new = glyph_text(read)
        if new and new != old and len(new) <= len(old) and round_identifier(new) and _like(old, new):
            out[i] = Box(new, out[i].left, out[i].top, out[i].width, out[i].height, out[i].conf, out[i].line)
    return out
