"""Delimited text at the byte level: telling it from other formats, decoding, delimiter, rows."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
SNIFF_ROWS = 30
_SNIFF_CHARS = 64 * 1024

# Content that belongs to another parser: X12, EDIFACT, TRADACOMS, PDF, ZIP/XLSX, OLE (XLS), XML/HTML,
# JSON and RTF.
_OTHER_FORMAT = re.compile(
    rb"^(?:ISA[^A-Za-z0-9\s]|UN[ABH][^A-Za-z0-9\s]|STX=|GS\*|ST\*|%PDF|PK\x03\x04|\xd0\xcf\x11\xe0"
    rb"|<|\{|\[\s*[\[{\"])",
    re.IGNORECASE,
)
_STRONG_MIME = re.compile(
    r"^(?:From |(?:From|Received|Return-Path|MIME-Version|Delivered-To|Message-ID|DKIM-Signature"
    r"|Content-Type|Content-Transfer-Encoding|Authentication-Results|ARC-[\w-]+|X-[\w-]+):\s)",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]*:\s|^[ \t]+\S")
_EXCEL_TEXT = re.compile(r'^="(.*)"$')


@dataclass(frozen=True)
class Row:
    """One record of the sheet: the 1-based line it starts on and its cells, stripped."""

    number: int
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(self.cells)

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


def _strip_bom(content: bytes) -> bytes:
    return content[3:] if content.startswith(codecs.BOM_UTF8) else content


def _utf16(content: bytes) -> bool:
    return content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def looks_binary(content: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB (UTF-16 with a BOM is text)."""
    if _utf16(content):
        return False
    head = content[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 26))
    return controls > max(2, len(head) // 100)


def other_format(content: bytes) -> bool:
    """True when the bytes clearly belong to another parser (EDI, PDF, ZIP, MIME, binary)."""
    if looks_binary(content):
        return True
    head = _strip_bom(content).lstrip()[:4096]
    if _OTHER_FORMAT.match(head):
        return True
    lines = head.decode("latin-1").splitlines()[:12]
    if lines and _STRONG_MIME.match(lines[0]):
        return True
    # a block of 'Name: value' header lines that names a MIME header is a message, not a preamble
    block = lines[: lines.index("")] if "" in lines else lines
    return (
        len(block) >= 2
        and all(_HEADER_LINE.match(line) for line in block)
        and any(_STRONG_MIME.match(line) for line in block)
    )


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; otherwise Windows-1252. NULs dropped."""
    if _utf16(content):
        text = content.decode("utf-16", errors="replace")
    else:
        raw = _strip_bom(content)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    return text.lstrip("\ufeff").replace("\x00", "")


def _clean(cell: str) -> str:
    cell = cell.strip().strip("\ufeff").strip()
    excel = _EXCEL_TEXT.match(cell)
    return excel.group(1).strip() if excel else cell


def read_rows(text: str, delimiter: str | None, limit: int | None = None) -> list[Row]:
    """Split text into rows of cells. Quoted fields, CRLF/LF/CR and ragged rows are fine; a
    malformed quote is read leniently. ``limit`` stops after that many non-blank rows."""
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter or "\x1f", strict=False)
    rows: list[Row] = []
    start = 1
    filled = 0
    for record in reader:
        row = Row(start, tuple(_clean(c) for c in record))
        start = reader.line_num + 1
        rows.append(row)
        if not row.blank:
            filled += 1
            if limit is not None and filled >= limit:
                break
    return rows


@dataclass(frozen=True)
class Sniffed:
    delimiter: str | None
    consistency: float  # share of the first non-blank rows with the usual number of columns
    columns: int  # that usual number


def sniff(text: str) -> Sniffed:
    """Pick the delimiter among , ; TAB | whose column counts are most consistent in the first
    rows; ties go to more columns. None when no candidate gives two columns."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    best = Sniffed(None, 0.0, 1)
    best_key: tuple[float, int] = (0.0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            counts = [len(r.cells) for r in read_rows(sample, delimiter, SNIFF_ROWS) if not r.blank]
        except csv.Error:  # a field over the csv module's size limit: not this delimiter's table
            continue
        wide = [c for c in counts if c >= 2]
        if not wide:
            continue
        tally = Counter(wide)
        columns = max(tally, key=lambda c: (tally[c], c))
        consistency = tally[columns] / len(counts)
        key = (round(consistency, 1), columns)
        if key > best_key:
            best, best_key = Sniffed(delimiter, consistency, columns), key
    return best
