"""Excel workbooks (.xlsx/.xlsm): every visible sheet read as rows by the CSV parser's reader.

Cells are turned into the text the CSV reader expects, from their Excel types: numbers become
plain decimal strings (through the float's 15 significant digits, as Excel shows them; never float
arithmetic), dates become ISO dates, formulas are read as the value Excel cached when it last saved
the file (a file written by a program that never computed them has no value there: the cell is
empty). Each sheet may hold its own order (or several, grouped by a PO column); empty sheets are
skipped. Provenance is the sheet name, row number and column header.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook

from ingest.domain.order import Order, RowRef, Sender
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.sheet_headers import find_header
from ingest.parsers.sheet_orders import SheetReader
from ingest.parsers.sheet_text import Row
from ingest.parsers.sheets import read_headerless

MAX_SHEETS = 50
MAX_ROWS = 100_000  # per sheet
MAX_COLUMNS = 500
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SPREADSHEET_MAIN = b"spreadsheetml.sheet.main"


def _zip_is_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return False
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return False
    return (
        _SPREADSHEET_MAIN in types
        or b"ms-excel.sheet.macroEnabled.main" in types
        or "xl/workbook.xml" in names
    )


def cell_to_text(value: object) -> str:
    """The text the CSV reader gets for one cell value as openpyxl returns it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        number = Decimal(format(value, ".15g"))  # Excel's 15 significant digits, as text, no arithmetic
        return _plain(number)
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    return str(value).strip()


def _plain(number: Decimal) -> str:
    if number == number.to_integral_value():
        return format(number.quantize(Decimal(1)), "f")
    return format(number, "f")


def _with_sheet(provenance: dict[str, Any], sheet: str) -> None:
    for name, ref in provenance.items():
        if isinstance(ref, RowRef) and ref.sheet is None:
            provenance[name] = ref.model_copy(update={"sheet": sheet})


def _sheet_rows(values: Iterable[tuple[object, ...]], sheet: str) -> list[Row]:
    rows: list[Row] = []
    for number, record in enumerate(values, 1):
        if number > MAX_ROWS:
            raise DocumentError(
                "too_large", f"sheet {sheet!r} has more than {MAX_ROWS:,} rows", location=f"sheet {sheet!r}"
            )
        cells = list(record[:MAX_COLUMNS]) if len(record) > MAX_COLUMNS else list(record)
        if len(record) > MAX_COLUMNS and any(v not in (None, "") for v in record[MAX_COLUMNS:]):
            raise DocumentError(
                "too_large",
                f"sheet {sheet!r} row {number} has more than {MAX_COLUMNS} columns",
                location=f"sheet {sheet!r}, row {number}",
            )
        rows.append(Row(number, tuple(cell_to_text(v) for v in cells)))
    while rows and rows[-1].blank:
        rows.pop()
    return rows


def read_sheet(rows: list[Row], sender: Sender | None) -> list[Order] | str:
    """The orders on one sheet, or why none could be read."""
    header, header_like = find_header(rows)
    if header is not None:
        reader = SheetReader(header, rows, None)
        if reader.habits.decimal_comma is None:  # typed numbers are written with a decimal point
            reader.habits = replace(reader.habits, decimal_comma=False)
        return reader.read(sender)
    if header_like is not None:
        return (
            f"the header row (row {header_like.row.number}) has no quantity column; columns found: "
            f"{header_like.describe()}. Add a column named 'Qty' or 'Quantity'."
        )
    order = read_headerless(rows, None, sender)
    if order is not None:
        return [order]
    return "no header row naming a quantity column and an item column (SKU, part number or UPC)"


class XlsxOrderParser:
    """The ``xlsx`` format plugin (Office Open XML workbooks; not the old binary .xls)."""

    format = "xlsx"

    def score(self, content: bytes, filename: str | None) -> float:
        suffix = PurePath(filename).suffix.lower() if filename else ""
        if content.startswith(_ZIP):
            if _zip_is_workbook(content):
                return 0.95
            return 0.6 if suffix in _SUFFIXES else 0.0
        if content.startswith(_OLE) and (_ENCRYPTED in content or suffix in _SUFFIXES):
            return 0.9  # a password-protected workbook: said so by parse()
        return 0.3 if suffix in _SUFFIXES and content.strip() else 0.0

    def parse(self, content: bytes, context: ParseContext) -> list[Order]:
        if content.startswith(_OLE):
            if _ENCRYPTED in content:
                raise DocumentError(
                    "sheet_unreadable",
                    "the workbook is password-protected; save it without a password and send it again",
                    location="file",
                )
            raise DocumentError(
                "sheet_unreadable",
                "this is an old binary Excel file (.xls); save it as .xlsx or CSV",
                location="file",
            )
        self._check_archive(content)
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds (zip, XML, key, value errors) for a bad file
            raise DocumentError(
                "sheet_unreadable",
                f"the workbook cannot be opened: {type(exc).__name__}: {exc}",
                location="file",
            ) from exc
        try:
            return self._read(workbook, context)
        finally:
            workbook.close()

    def _check_archive(self, content: bytes) -> None:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
            raise DocumentError(
                "sheet_unreadable", f"the workbook is not a readable .xlsx (zip) file: {exc}", location="file"
            ) from exc
        if size > MAX_UNCOMPRESSED:
            raise DocumentError(
                "too_large",
                f"the workbook unpacks to {size:,} bytes; the limit is {MAX_UNCOMPRESSED:,}",
                location="file",
            )

    def _read(self, workbook: Any, context: ParseContext) -> list[Order]:
        sheets = list(workbook.worksheets)
        if len(sheets) > MAX_SHEETS:
            raise DocumentError(
                "too_large",
                f"the workbook has {len(sheets)} sheets; the limit is {MAX_SHEETS}",
                location="file",
            )
        read: list[tuple[str, list[Order]]] = []
        skipped: list[str] = []
        for sheet in sheets:
            name = str(sheet.title)
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            try:
                rows = _sheet_rows(sheet.iter_rows(values_only=True), name)
            except DocumentError:
                raise
            except Exception as exc:  # a broken sheet part inside an otherwise valid archive
                raise DocumentError(
                    "sheet_unreadable", f"sheet {name!r} cannot be read: {exc}", location=f"sheet {name!r}"
                ) from exc
            if not any(not r.blank for r in rows):
                continue
            result = read_sheet(rows, context.sender)
            if isinstance(result, str):
                skipped.append(f"sheet {name!r}: {result}")
            elif result:
                read.append((name, result))
        if not read:
            if not skipped:
                raise DocumentError("empty", "the workbook has no filled cells")
            raise DocumentError("sheet_unreadable", "no order found in the workbook; " + "; ".join(skipped))
        orders: list[Order] = []
        several = len(read) > 1
        for name, found in read:
            for order in found:
                _with_sheet(order.provenance, name)
                for line in order.lines:
                    _with_sheet(line.provenance, name)
                if several:
                    order.notes = [f"sheet {name!r}: {note}" for note in order.notes]
                orders.append(order)
        if skipped:
            orders[0].notes = [*orders[0].notes, *(f"not read: {s}" for s in skipped)]
        return orders
