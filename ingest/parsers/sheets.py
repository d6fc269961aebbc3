"""CSV/TSV purchase orders from ERPs and spreadsheets nobody here has seen.

The pipeline: decode (UTF-8, UTF-16 with BOM, else Windows-1252) → sniff the delimiter among
, ; TAB | → find the header row among the first 30 by synonym hits (it must name a quantity
column; 'Label: value' lines above it are read as order fields) → read the rows below into
orders (:mod:`ingest.parsers.sheet_orders`). A file without a header is read only in the narrow
'part code; quantity' shape; anything else is a ``sheet_unreadable`` error that says what header
the user could add.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import PurePath

from ingest.domain.order import Order, OrderLine, Provenance, RowRef, Sender
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.sheet_cells import Habits, infer_decimal_comma, read_quantity
from ingest.parsers.sheet_headers import HEADER_SEARCH_ROWS, find_header
from ingest.parsers.sheet_orders import NO_PO_NUMBER, SheetReader
from ingest.parsers.sheet_text import Row, decode, other_format, read_rows, sniff

_SCORE_BYTES = 64 * 1024
_SHEET_SUFFIXES = frozenset({".csv", ".tsv", ".tab"})
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,39}$")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes", None: "no delimiter"}
HEADERLESS_CONFIDENCE = 0.6
EXAMPLE_HEADER = "PO Number,SKU,Description,Qty,UOM,Unit Price"


class CsvOrderParser:
    """The ``csv`` format plugin (comma, semicolon, tab or pipe separated text)."""

    format = "csv"

    def score(self, content: bytes, filename: str | None) -> float:
        """0 for other formats (EDI, PDF, ZIP, MIME, JSON/XML, binary) and for text without a
        consistent delimiter; 0.9 for a .csv/.tsv name or delimited text with a known header row;
        0.4-0.5 for delimited text without one."""
        if not content.strip() or other_format(content):
            return 0.0
        suffix = PurePath(filename).suffix.lower() if filename else ""
        text = decode(content[:_SCORE_BYTES])
        sniffed = sniff(text)
        if sniffed.delimiter is None:
            return 0.3 if suffix in _SHEET_SUFFIXES else 0.0
        if suffix in _SHEET_SUFFIXES:
            return 0.9
        try:
            _, header = find_header(read_rows(text, sniffed.delimiter, HEADER_SEARCH_ROWS))
        except csv.Error:
            return 0.0
        if header is not None:
            return 0.9
        if sniffed.consistency >= 0.6:
            return 0.5 if suffix == ".txt" else 0.4
        return 0.0

    def parse(self, content: bytes, context: ParseContext) -> list[Order]:
        text = decode(content)
        if not text.strip():
            raise DocumentError("empty", "the sheet is empty")
        sniffed = sniff(text)
        try:
            rows = read_rows(text, sniffed.delimiter)
        except csv.Error as exc:
            raise DocumentError(
                "sheet_unreadable", f"the sheet cannot be split into rows: {exc}", location="file"
            ) from exc
        header, header_like = find_header(rows)
        if header is not None:
            return SheetReader(header, rows, sniffed.delimiter).read(context.sender)
        if header_like is not None:
            raise DocumentError(
                "sheet_unreadable",
                f"the header row (row {header_like.row.number}) has no quantity column; columns found: "
                f"{header_like.describe()}. Add a column named 'Qty' or 'Quantity'.",
                location=f"row {header_like.row.number}",
            )
        order = read_headerless(rows, sniffed.delimiter, context.sender)
        if order is not None:
            return [order]
        widths = sorted({len(_trimmed(r)) for r in rows if not r.blank})
        shape = f"{'/'.join(map(str, widths[:4]))} columns separated by {_DELIMITER_NAMES[sniffed.delimiter]}"
        raise DocumentError(
            "sheet_unreadable",
            f"no header row in the first {HEADER_SEARCH_ROWS} rows ({shape}): the columns cannot be told "
            f"apart. Add a first row naming them, at least a quantity column and an item column "
            f"(SKU, part number or UPC), e.g. {EXAMPLE_HEADER!r}.",
            location="file",
        )


def _trimmed(row: Row) -> tuple[str, ...]:
    cells = list(row.cells)
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _is_quantity(text: str, habits: Habits) -> bool:
    try:
        read_quantity(text, habits)
    except ValueError:
        return False
    return True


def read_headerless(rows: list[Row], delimiter: str | None, sender: Sender | None) -> Order | None:
    """Lines from a header-less 'part code; quantity' file (2-3 columns, one of codes, one of
    numbers), read at reduced confidence and without a PO number; None for any other shape."""
    body = [(r, _trimmed(r)) for r in rows if not r.blank]
    if not body or any(not 2 <= len(cells) <= 3 for _, cells in body):
        return None
    width = min(len(cells) for _, cells in body)
    habits = Habits(decimal_comma=infer_decimal_comma([c for _, cells in body for c in cells], delimiter))

    def column(i: int) -> list[str]:
        return [cells[i] for _, cells in body]

    codes = [
        i for i in range(width)
        if all(_CODE.match(v) for v in column(i)) and any(ch.isalpha() for v in column(i) for ch in v)
    ]  # fmt: skip
    if not codes:
        return None
    numbers = [i for i in range(width) if i != codes[0] and all(_is_quantity(v, habits) for v in column(i))]
    if not numbers:
        return None
    code_at, qty_at = codes[0], numbers[0]
    lines = []
    for row, cells in body:
        provenance: dict[str, Provenance] = {
            "vendor_part_number": RowRef(row=row.number, column=f"column {code_at + 1}"),
            "quantity": RowRef(row=row.number, column=f"column {qty_at + 1}"),
        }
        quantity: Decimal = read_quantity(cells[qty_at], habits)
        lines.append(
            OrderLine(
                vendor_part_number=cells[code_at],
                quantity=quantity,
                confidence={"vendor_part_number": HEADERLESS_CONFIDENCE, "quantity": HEADERLESS_CONFIDENCE},
                provenance=provenance,
            )
        )
    return Order(
        lines=lines,
        sender=sender,
        notes=[
            f"no header row: column {code_at + 1} was read as our part number and column {qty_at + 1} "
            f"as the quantity",
            NO_PO_NUMBER,
        ],
    )
