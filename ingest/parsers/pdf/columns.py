"""Columns of the line-item table: header synonyms, words of a row put into columns by column zones
(tolerant of values that are not aligned with their header, and of OCR's noisy positions), numbers
printed with a space between thousands ("1 000"), OCR's ruling glyphs, and the columns settled by
their values once the rows are read (line numbers under "Item", part numbers under "#")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ingest.parsers.pdf.geometry import height, is_number, phrases
from ingest.parsers.pdf.model import Word
from ingest.parsers.pdf.ocr_cleanup import beside, dash_between

# Part-number columns named by whose numbers they hold ("our part" is decided in find_header: the
# buyer's number when a supplier's column stands beside it, else ours as a vendor would say).
_BUYER_WORDS = frozenset({"buyer", "buyers", "customer", "cust", "client", "kunden"})
_VENDOR_WORDS = frozenset({"your", "vendor", "vendors", "supplier", "suppliers", "mfr", "manufacturer",
                           "lieferant", "lieferanten", "fournisseur", "proveedor", "ihre"})  # fmt: skip
_PART_WORDS = frozenset({"part", "item", "article", "artikel", "material", "sku", "ref", "reference", "code",
                         "catalog", "product", "prod", "cat"})  # fmt: skip
_OCR_GLYPHS = "|[]{}\u201c\u201d\u2018\u2019_\u00a6!"
_GROUP_HEAD = re.compile(r"^[(\-+]?(?:[$€£¥]|US\$)?\d{1,3}(?:[\u202f\u00a0]\d{3})*$")
_GROUP_TAIL = re.compile(r"^\d{3}(?:[.,]\d+)?(?:[$€£¥])?\)?-?$")
_NUMERIC_FIELDS = frozenset({"quantity", "unit_price", "amount", "tax", "discount"})
_LINE_NO = re.compile(r"^\d{1,4}\.?$")
_PART_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9./_-]*$")


@dataclass(frozen=True)
class Column:
    field: str  # a LINE field, "tax", "discount", "" (unknown) or "~field" (a second column of a field)
    x0: float
    x1: float
    left: float | None = None  # ruled edges when drawn
    right: float | None = None


def owner_field(key: str) -> str | None:
    """buyer_part_number / vendor_part_number for a part-number header that says whose it is
    ("Our Part No.", "Vendor Item #", "Cust. Part"), else None."""
    words = key.split()
    if not words or not set(words) & _PART_WORDS:
        return None
    if words[0] in _BUYER_WORDS:
        return "buyer_part_number"
    if words[0] in _VENDOR_WORDS:
        return "vendor_part_number"
    return None


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def zones(columns: Sequence[Column]) -> list[tuple[float, float]]:
    """Each column's span on the page: its ruled edges, else from halfway to the header on its left
    to halfway to the header on its right (so a value wider than, or offset from, its header still
    falls in the column)."""
    order = sorted(range(len(columns)), key=lambda i: (columns[i].x0 + columns[i].x1) / 2)
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(columns)
    for rank, i in enumerate(order):
        col = columns[i]
        if col.left is not None and col.right is not None:
            spans[i] = (col.left, col.right)
            continue
        lo, hi = float("-inf"), float("inf")
        if rank > 0:
            prev = columns[order[rank - 1]]
            lo = (prev.x1 + col.x0) / 2
        if rank + 1 < len(order):
            nxt = columns[order[rank + 1]]
            hi = (col.x1 + nxt.x0) / 2
        spans[i] = (lo, hi)
    return spans


def _best(x0: float, x1: float, spans: Sequence[tuple[float, float]]) -> int:
    """The column whose zone holds most of [x0, x1] (the centre decides a point-like word)."""
    mid = (x0 + x1) / 2
    scores = [overlap(x0, x1, lo, hi) for lo, hi in spans]
    top = max(range(len(spans)), key=lambda i: scores[i])
    if scores[top] > 0:
        return top
    inside = [i for i, (lo, hi) in enumerate(spans) if lo <= mid < hi]
    if inside:
        return inside[0]
    return min(range(len(spans)), key=lambda i: min(abs(mid - spans[i][0]), abs(mid - spans[i][1])))


def assign(words: Sequence[Word], columns: Sequence[Column]) -> dict[str, list[Word]]:
    """The words of a row by column field (phrases that overlap one header stay together; a phrase
    across two headers or two ruled cells is split word by word)."""
    cells: dict[str, list[Word]] = {}
    spans = zones(columns)
    ruled = any(c.left is not None for c in columns)
    for phrase in phrases(join_groups(words)):
        hits = [i for i, c in enumerate(columns) if overlap(phrase.x0, phrase.x1, c.x0, c.x1) > 0]
        if len(hits) <= 1 and not ruled:
            name = columns[_best(phrase.x0, phrase.x1, spans)].field
            cells.setdefault(name, []).extend(phrase.words)
            continue
        lead: list[tuple[str, Word]] = []
        trail: list[tuple[str, Word]] = []
        rest = list(phrase.words)
        if not ruled:
            lead, rest, trail = _peel_numbers(rest, columns)
        placed = [(columns[_best(w.x0, w.x1, spans)].field, w) for w in rest]
        if not ruled and rest:
            hits = [i for i, c in enumerate(columns) if overlap(rest[0].x0, rest[-1].x1, c.x0, c.x1) > 0]
            if len(hits) <= 1:
                name = columns[_best(rest[0].x0, rest[-1].x1, spans)].field
                placed = [(name, w) for w in rest]
        for name, word in (*lead, *placed, *trail):
            cells.setdefault(name, []).append(word)
    return cells


def _aligned(word: Word, columns: Sequence[Column]) -> int | None:
    """The numeric column a number sits under: it ends near the header's right edge (numbers are
    right-aligned) or lies within the header's span."""
    if not is_number(word.text):
        return None
    tol = max(0.5 * height([word]), 3.0)
    found = [
        i
        for i, c in enumerate(columns)
        if c.field.lstrip("~") in _NUMERIC_FIELDS
        and (abs(word.x1 - c.x1) <= tol or (c.x0 - tol <= word.x0 and word.x1 <= c.x1 + tol))
    ]
    if not found:
        return None
    return min(found, key=lambda i: abs(word.x1 - columns[i].x1))


def _peel_numbers(
    words: list[Word], columns: Sequence[Column]
) -> tuple[list[tuple[str, Word]], list[Word], list[tuple[str, Word]]]:
    """Numbers at either end of a phrase that sit under numeric headers, by column (a price printed
    a narrow gap after a long description), and the words between them."""
    lead: list[tuple[str, Word]] = []
    trail: list[tuple[str, Word]] = []
    rest = list(words)
    while rest and (i := _aligned(rest[-1], columns)) is not None:
        trail.insert(0, (columns[i].field, rest.pop()))
    while rest and (i := _aligned(rest[0], columns)) is not None:
        lead.append((columns[i].field, rest.pop(0)))
    return lead, rest, trail


def join_groups(words: Sequence[Word]) -> list[Word]:
    """Numbers written with a space (or no-break space) between groups of thousands, which the text
    layer gives as two words ("1" "000", "4" "210,00"), joined into one word ("1 000")."""
    out: list[Word] = []
    for word in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _GROUP_TAIL.match(word.text)
            and _GROUP_HEAD.match(prev.text)
            and 0 <= word.x0 - prev.x1 <= 0.45 * height([prev, word])
        ):
            out[-1] = Word(
                f"{prev.text}\u202f{word.text}",
                prev.x0,
                min(prev.top, word.top),
                word.x1,
                max(prev.bottom, word.bottom),
                prev.page,
                min(prev.confidence, word.confidence),
            )
            continue
        out.append(word)
    return out


def _in_text(before: Word | None, word: Word, after: Word | None) -> bool:
    """``word`` stands in running text: a word space after a word and before the next ("dock 4,
    7am-3pm"), so its comma is punctuation, not a speck."""
    return (
        before is not None
        and after is not None
        and before.text[-1:].isalpha()
        and beside(before, word)
        and beside(word, after)
    )


def clean_ocr(words: Sequence[Word]) -> list[Word]:
    """OCR words without the table rulings read as characters ("|", "[", "1|", "|ELE-50048") and
    specks beside them ("15)", "16.93;", ".EA"); a "#" alone is kept (a column header), and so is
    a dash a word space from a word ("Plated - RoHS")."""
    out: list[Word] = []
    for k, word in enumerate(words):
        before = words[k - 1] if k else None
        after = words[k + 1] if k + 1 < len(words) else None
        if word.text == "-" and dash_between(before, word, after):
            out.append(word)  # "Plated - RoHS"
            continue
        text = word.text.strip(_OCR_GLYPHS)
        text = re.sub(r"^[.,;:'`\-]+(?=[A-Za-z])", "", text)  # ".EA"
        if not _in_text(before, word, after):
            text = re.sub(r"(?<=\d)[;:,']+$", "", text)  # "16.93;"
        if text.endswith(")") and "(" not in text:
            text = text[:-1]  # "15)"
        if not text or not (re.search(r"[A-Za-z0-9]", text) or text == "#"):
            continue  # a "#" alone heads the line-number column
        if re.fullmatch(r"\d+:\d{2}", text):  # "233:20" a decimal point read as a colon
            text = text.replace(":", ".")
        if text != word.text:
            word = Word(text, word.x0, word.top, word.x1, word.bottom, word.page, word.confidence)
        out.append(word)
    return out


def settle(cells_list: Sequence[dict[str, list[Word]]]) -> None:
    """Column fields corrected by the values of all rows: short consecutive integers are line
    numbers, codes under a line-number header are part numbers. Second columns of a field
    ("~vendor_part_number") take the field when the first turned out to be line numbers, else
    they join the unknown column."""

    def values(name: str) -> list[str]:
        return [" ".join(w.text for w in c[name]) for c in cells_list if c.get(name)]

    def line_numbers(name: str) -> bool:
        # Mostly small integers that go up (a misread digit in an OCR'd page is allowed for).
        vals = values(name)
        nums = [int(v.rstrip(".")) for v in vals if _LINE_NO.match(v)]
        if not vals or len(nums) < 0.8 * len(vals) or nums[0] > 10:
            return False
        return sum(b > a for a, b in pairwise(nums)) >= 0.8 * (len(nums) - 1)

    def parts(name: str) -> bool:
        # Mostly codes with a digit and a letter or separator ("FAS-10117-BP", "77-1004").
        vals = values(name)
        sku = [v for v in vals if _PART_LIKE.match(v) and not _LINE_NO.match(v)]
        return bool(vals) and len(sku) >= 0.8 * len(vals)

    def rename(old: str, new: str) -> None:
        for cells in cells_list:
            if old in cells:
                cells.setdefault(new, [])[:0] = cells.pop(old)

    names = {n for c in cells_list for n in c}
    part_fields = ("vendor_part_number", "buyer_part_number")
    if "line_number" not in names or not line_numbers("line_number"):
        for name in (*part_fields, *(f"~{p}" for p in part_fields), "~line_number", ""):
            if name in names and line_numbers(name):
                if "line_number" in names:
                    rename("line_number", "~line_number")
                rename(name, "_line")
                names = {n for c in cells_list for n in c}
                break
    if "_line" in names:
        for p in part_fields:
            if f"~{p}" in names and p not in names:
                rename(f"~{p}", p)
        rename("_line", "line_number")
        names = {n for c in cells_list for n in c}
    if "line_number" in names and not line_numbers("line_number") and parts("line_number"):
        target = next((p for p in part_fields if p not in names), None)
        if target is not None:
            rename("line_number", target)
    names = {n for c in cells_list for n in c}
    for name in [n for n in names if n.startswith("~")]:
        base = name[1:]
        present = {n for c in cells_list for n in c}
        if base in part_fields and base not in present and parts(name):
            rename(name, base)
        elif (
            base == "line_number"
            and line_numbers(base)
            and parts(name)
            and (free := [p for p in part_fields if p not in present])
        ):
            # "Line" beside "Item Number": the second line-number header holds the part numbers.
            rename(name, free[0])
        else:
            rename(name, "")


def is_part_like(text: str) -> bool:
    return bool(_PART_LIKE.match(text))


__all__ = ["Column", "assign", "clean_ocr", "join_groups", "overlap", "owner_field", "settle", "zones"]
