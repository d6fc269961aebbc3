"""Purchase orders typed as text: aligned columns, ``|`` tables, pasted tabs, ``qty x part`` lines.

The text is cut into rows of cells, the same rows the CSV reader builds from a TSV file, and the
CSV reader's machinery does the rest (header synonyms, grouping by PO number, 'Label: value'
lines above the table, notes): columns aligned with two or more spaces are split at the gaps and
a row with an empty cell is placed under the header by position; ``|`` tables lose their outer
bars and ``|---|`` rules; cells separated by tabs are kept as they are. Quoted reply text (``>``
lines, "On ... wrote:"), signatures (``-- ``) and the header lines of a forwarded message are
blanked first, keeping line numbers, so that provenance rows are the lines of the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.domain.order import Order, Sender
from ingest.domain.uom import known_uom
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.sheet_headers import Column, Header, map_columns, read_labelled
from ingest.parsers.sheet_orders import NO_PO_NUMBER, SheetReader
from ingest.parsers.sheet_text import Row, decode, looks_binary, other_format
from ingest.parsers.sheets import CsvOrderParser

_SCORE_CHARS = 64 * 1024
_ITEM_FIELDS = frozenset({"vendor_part_number", "buyer_part_number", "upc", "description"})
ALIGNED_CONFIDENCE = 0.9  # columns split at gaps in the text
PLACED_CONFIDENCE = 0.8  # a row whose cells were placed under the header by position
PROSE_CONFIDENCE = 0.8  # 'qty x part' lines and a PO number read from a sentence

QUOTE_INTRO = re.compile(
    r"^\s*(?:On\b.{0,300}\bwrote|Am\b.{0,300}\bschrieb\b.{0,200}|Le\b.{0,300}\ba\s+écrit"
    r"|El\b.{0,300}\bescribió)\s*:\s*$",
    re.IGNORECASE,
)
FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré)\s*-{2,}"
    r"|Begin forwarded message:|-{2,}\s*Original Message\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_FORWARDED = re.compile(r"forward|weitergeleitet|transf", re.IGNORECASE)
FORWARD_HEADER = re.compile(r"^\s*\*?(From|Sent|Date|To|Cc|Subject|Reply-To)\*?:\s*(.*)$", re.IGNORECASE)
PO_REFERENCE = re.compile(
    r"\b(?:P\.?\s?O\.?|purchase\s+order|order\s*(?=number|no\b|no\.|num|#))\s*"
    r"(?:number|no\.?|num\.?|nbr|#)?\s*[:#]?\s*#?\s*((?=[A-Z0-9/-]{3,})(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]*)\b",
    re.IGNORECASE,
)
_CELL = re.compile(r"\S+(?: \S+)*")
_RULE = re.compile(r"^[\s|+:=_-]*$")
_BULLET = r"(?:(?:[-*•·]|\d{1,3}[.)])\s+)?"
_QTY = r"(\d[\d,]*(?:\.\d+)?)"
_PRICE = r"(?:\s*@\s*\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(?:each|ea|/\s*ea)?)?"
_TIMES = re.compile(
    rf"^\s*{_BULLET}{_QTY}\s*([A-Za-z]{{1,10}}\.?)?\s*[x\u00d7]\s+"
    rf"(?:((?=[\w./#-]*\d)[A-Za-z0-9#][\w./#-]+)\b\s*[-\u2013:,]?\s*)?(.*?){_PRICE}\s*$",
    re.IGNORECASE,
)
_TIMES_REVERSED = re.compile(
    rf"^\s*{_BULLET}((?=[\w./#-]*\d)[A-Za-z0-9#][\w./#-]+)\s+[x\u00d7]\s*{_QTY}\s*([A-Za-z]{{1,10}}\.?)?{_PRICE}\s*$",
    re.IGNORECASE,
)
GUESSED_PO = "PO Number (from the text)"  # the label of a PO number read from a sentence
TIMES_HEADER = ("Qty", "UOM", "Part", "Description", "Unit Price")


def _is_quote_intro(lines: Sequence[str], i: int) -> bool:
    """ "On Tue, Mar 3, 2026 at 9:15 AM Jane <j@x.example> wrote:", also wrapped over two lines."""
    if QUOTE_INTRO.match(lines[i]):
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return lines[i].lstrip().startswith("On ") and bool(QUOTE_INTRO.match(lines[i] + " " + nxt))


def _header_name(line: str) -> str:
    found = FORWARD_HEADER.match(line)
    return found.group(1).lower() if found else ""


def outlook_header(lines: Sequence[str], i: int) -> bool:
    """Line i opens the 'From: / Sent:' block Outlook puts above a quoted or forwarded message
    (often without any marker line above it)."""
    return _header_name(lines[i]) == "from" and any(_header_name(n) == "sent" for n in lines[i + 1 : i + 3])


def forward_starts(lines: Sequence[str]) -> list[int]:
    """Where the header lines of forwarded or quoted messages begin: after each marker line, and
    at each Outlook 'From: / Sent:' block not under a marker."""
    starts: list[int] = []
    for i, line in enumerate(lines):
        if FORWARD_MARKER.match(line):
            starts.append(i + 1)
        elif outlook_header(lines, i) and not (starts and i - starts[-1] < 3):
            starts.append(i)
    return starts


def visible_lines(text: str, *, keep_original: bool = True) -> list[str]:
    """The lines of a message text with quoted replies, signatures and the header lines of
    forwarded messages blanked (so the count and the numbering stay). ``keep_original`` keeps
    what follows an "-----Original Message-----" marker (a forward) instead of cutting it (a reply)."""
    lines = text.splitlines()
    out: list[str] = []
    state = "text"
    seen_header = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if state == "quoted":
            out.append("")
            continue
        if FORWARD_MARKER.match(line) or (state != "headers" and outlook_header(lines, i)):
            state = "headers" if keep_original or _FORWARDED.search(line) else "quoted"
            seen_header = not FORWARD_MARKER.match(line)
            out.append("")
            continue
        if state == "headers":
            header = bool(FORWARD_HEADER.match(line))
            if (
                header
                or (seen_header and line.startswith((" ", "\t")) and stripped)
                or not (stripped or seen_header)
            ):
                seen_header = seen_header or header
                out.append("")
                continue
            state = "text"
        if state == "signature" or _is_quote_intro(lines, i):
            state = "quoted" if state == "text" else state
            out.append("")
            continue
        if stripped.startswith(">"):
            out.append("")
            continue
        if line.rstrip("\r") in ("-- ", "--"):
            state = "signature"
            out.append("")
            continue
        out.append(line)
    return out


# --- lines to cells ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the text as cells; ``spans`` are the cells' columns in aligned text."""

    number: int
    kind: str  # blank, rule, text, pipe, tab, aligned, cells (given, e.g. from an HTML table)
    cells: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def tabular(self) -> bool:
        return self.kind in ("rule", "pipe", "tab", "aligned", "cells")


def split_line(number: int, line: str) -> Line:
    stripped = line.strip()
    if not stripped:
        return Line(number, "blank", ())
    if _RULE.match(stripped) and sum(stripped.count(c) for c in "-=_") >= 3:
        return Line(number, "rule", ())
    if "|" in stripped and (stripped.startswith("|") or stripped.count("|") >= 2):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if sum(1 for c in cells if c) >= 2:
            return Line(number, "pipe", tuple(cells))
    if "\t" in stripped and sum(1 for c in stripped.split("\t") if c.strip()) >= 2:
        return Line(number, "tab", tuple(c.strip() for c in line.rstrip().split("\t")))
    found = list(_CELL.finditer(line.rstrip().replace("\t", "    ")))
    if len(found) >= 2:
        return Line(number, "aligned", tuple(m.group() for m in found), tuple(m.span() for m in found))
    return Line(number, "text", (stripped,))


def cell_lines(rows: Sequence[Sequence[str]]) -> list[Line]:
    """Rows whose cells are already known (an HTML table); one-cell rows are text lines."""
    out: list[Line] = []
    for number, cells in enumerate(rows, start=1):
        filled = [c.strip() for c in cells if c.strip()]
        if not filled:
            out.append(Line(number, "blank", ()))
        elif len(filled) == 1:
            out.append(split_line(number, filled[0]))
        else:
            out.append(Line(number, "cells", tuple(c.strip() for c in cells)))
    return out


def _place(line: Line, header: Line) -> tuple[str, ...]:
    """An aligned row's cells under the header's columns: each cell goes to the column whose zone
    (from the middle of the gap before the header cell to the middle of the gap after) it
    overlaps most; two cells in one zone are joined."""
    bounds = [0]
    for (_, end), (start, _) in zip(header.spans, header.spans[1:], strict=False):
        bounds.append((end + start) // 2)
    bounds.append(10**6)
    cells: list[list[str]] = [[] for _ in header.spans]
    for text, (start, end) in zip(line.cells, line.spans, strict=True):
        overlaps = [min(end, bounds[i + 1]) - max(start, bounds[i]) for i in range(len(header.spans))]
        cells[overlaps.index(max(overlaps))].append(text)
    return tuple(" ".join(c) for c in cells)


# --- sections: a header, its rows and the labels around them -----------------------------------


@dataclass
class Section:
    header: Line
    rows: list[Line]
    labels: list[Row] = field(default_factory=list)
    confidence: float = 1.0


def _header_columns(line: Line) -> dict[str, Column] | None:
    columns = map_columns(Row(line.number, line.cells), [])
    if "quantity" in columns and _ITEM_FIELDS & columns.keys():
        return columns
    return None


def _labels(line: Line) -> list[Row]:
    row = Row(line.number, line.cells)
    if read_labelled(row):
        return [row]
    if line.kind == "text" and (po := PO_REFERENCE.search(line.cells[0])):
        return [Row(line.number, (GUESSED_PO, po.group(1)))]
    return []


def find_sections(lines: Sequence[Line]) -> list[Section]:
    """Each tabular block with a header row (a quantity and an item column) is a section; labels
    above a table belong to it, labels below the last table to the last."""
    sections: list[Section] = []
    pending: list[Row] = []
    i = 0
    while i < len(lines):
        if not lines[i].tabular:
            pending += _labels(lines[i]) if lines[i].kind == "text" else []
            i += 1
            continue
        block_end = i
        while block_end < len(lines) and lines[block_end].tabular:
            block_end += 1
        block = [ln for ln in lines[i:block_end] if ln.kind != "rule"]
        at = next((k for k, ln in enumerate(block) if _header_columns(ln)), None)
        if at is None:
            pending += [row for ln in block for row in _labels(ln)]
        else:
            pending += [row for ln in block[:at] for row in _labels(ln)]
            confidence = ALIGNED_CONFIDENCE if block[at].kind == "aligned" else 1.0
            sections.append(Section(block[at], block[at + 1 :], pending, confidence))
            pending = []
        i = block_end
    if sections:
        sections[-1].labels += pending
    elif times := _times_section(lines):
        times.labels = pending
        sections.append(times)
    return sections


def _times_section(lines: Sequence[Line]) -> Section | None:
    """'10 x FAS-10001-ZP', '5 cs x HTL-20001 Claw hammer @ 18.70', 'FAS-10001 x 10 boxes'."""
    rows: list[Line] = []
    for line in lines:
        if line.kind != "text":
            continue
        text = line.cells[0]
        if m := _TIMES.match(text):
            qty, uom, part, description, price = m.groups()
        elif m := _TIMES_REVERSED.match(text):
            part, qty, uom, price = m.groups()
            description = ""
        else:
            continue
        if (uom and not known_uom(uom.rstrip("."))) or not part:
            continue
        cells = (qty, (uom or "").rstrip("."), part or "", (description or "").strip(), price or "")
        rows.append(Line(line.number, "cells", cells))
    if not rows:
        return None
    return Section(Line(rows[0].number, "cells", TIMES_HEADER), rows, confidence=PROSE_CONFIDENCE)


# --- reading -------------------------------------------------------------------------------------


def _read_section(section: Section, sender: Sender | None) -> list[Order]:
    header_line = section.header
    placed: set[int] = set()
    data: list[Row] = []
    for line in section.rows:
        cells = line.cells
        if header_line.kind == line.kind == "aligned" and len(cells) != len(header_line.cells):
            cells = _place(line, header_line)
            placed.add(line.number)
        data.append(Row(line.number, cells))
    labels = sorted(section.labels, key=lambda row: row.cells[0] == GUESSED_PO)  # real labels first
    rows = [*labels, Row(header_line.number, header_line.cells), *data]
    position = len(labels)
    columns = {
        name: Column(c.index, c.header, c.field, min(c.confidence, section.confidence))
        for name, c in map_columns(rows[position], data).items()
    }
    orders = SheetReader(Header(rows[position], position, columns), rows, "\t").read(sender)
    return [_lower_confidence(order, placed) for order in orders]


def _lower_confidence(order: Order, placed: set[int]) -> Order:
    for line in order.lines:
        rows = {getattr(ref, "row", None) for ref in line.provenance.values()}
        if rows & placed:
            line.confidence = {k: min(v, PLACED_CONFIDENCE) for k, v in line.confidence.items()}
    ref = order.provenance.get("po_number")
    if ref is not None and getattr(ref, "column", None) == GUESSED_PO:
        order.confidence = {**order.confidence, "po_number": PROSE_CONFIDENCE}
    return order


def orders_from_lines(lines: Sequence[Line], sender: Sender | None) -> list[Order]:
    """The orders in a text already cut into lines (none when it holds no order table)."""
    return [order for section in find_sections(lines) for order in _read_section(section, sender)]


def read_text_orders(text: str, sender: Sender | None, *, keep_original: bool = True) -> list[Order]:
    """The orders typed in a text (a message body or a .txt file); none when it holds no table."""
    lines = visible_lines(text, keep_original=keep_original)
    return orders_from_lines([split_line(n, line) for n, line in enumerate(lines, start=1)], sender)


def without_po_note(order: Order) -> Order:
    """The order without the 'no PO number found' note (once a PO number was found elsewhere)."""
    order.notes = [n for n in order.notes if n != NO_PO_NUMBER]
    return order


class TextOrderParser:
    """The ``text`` format plugin: plain-text purchase orders (and message bodies, through
    :func:`read_text_orders`)."""

    format = "text"

    def score(self, content: bytes, filename: str | None) -> float:
        """0 for other formats, for delimited text the CSV parser reads (pipe-delimited data
        included) and for text without an order table; 0.95 for a drawn ``|`` table (bars at the
        line starts, ``|---|`` or ``+---+`` rules), 0.8 for aligned columns or ``qty x part`` lines."""
        if not content.strip() or looks_binary(content) or other_format(content):
            return 0.0
        text = decode(content[:_SCORE_CHARS])
        drawn = any(line.lstrip().startswith(("|", "+-")) for line in text[:4096].splitlines())
        if not drawn and CsvOrderParser().score(content[:_SCORE_CHARS], filename) >= 0.9:
            return 0.0
        lines = visible_lines(text)
        sections = find_sections([split_line(n, line) for n, line in enumerate(lines, start=1)])
        if not sections:
            return 0.0
        return 0.95 if drawn and sections[0].header.kind == "pipe" else 0.8

    def parse(self, content: bytes, context: ParseContext) -> list[Order]:
        text = decode(content)
        if not text.strip():
            raise DocumentError("empty", "the text is empty")
        return read_text_orders(text, context.sender)
