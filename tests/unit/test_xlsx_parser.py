"""XLSX orders: workbooks generated with openpyxl, read through the CSV parser's row reader."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from ingest.domain.order import RowRef
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.xlsx import XlsxOrderParser, cell_to_text

PARSER = XlsxOrderParser()


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _two_sheet_workbook() -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Order 1"
    first.append(["Northwind purchase order"])
    first.append(["PO Number:", "PO-1001"])
    first.append(["PO Date:", datetime(2024, 3, 5)])  # an Excel date, not text
    first.append([])
    first.append(["SKU", "Description", "Qty", "UOM", "Unit Price", "Delivery Date"])
    first.append(["AB-100", "Widget", 12, "EA", 1.1, date(2024, 4, 1)])
    first.append(["AB-200", "Gadget", 2.5, "CS", 0.1 + 0.2, date(2024, 4, 2)])
    second = wb.create_sheet("Order 2")
    second.append(["PO Number", "Item", "Quantity", "Price"])
    second.append(["PO-1002", "ZZ-9", 3, 1234.5])
    wb.create_sheet("Empty")
    return _save(wb)


def test_score_recognizes_xlsx_and_leaves_other_zips() -> None:
    content = _two_sheet_workbook()
    assert PARSER.score(content, None) >= 0.9
    assert PARSER.score(content, "order.xlsx") >= 0.9
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert PARSER.score(other.getvalue(), "files.zip") == 0.0
    assert PARSER.score(b"PO,SKU,Qty\n1,A,2\n", "order.csv") == 0.0
    assert PARSER.score(b"%PDF-1.7", "order.pdf") == 0.0


def test_two_sheets_header_below_preamble_and_excel_types() -> None:
    orders = PARSER.parse(_two_sheet_workbook(), ParseContext(filename="po.xlsx"))
    assert [o.po_number for o in orders] == ["PO-1001", "PO-1002"]
    first, second = orders
    assert first.po_date == date(2024, 3, 5)
    assert [line.vendor_part_number for line in first.lines] == ["AB-100", "AB-200"]
    assert [line.quantity for line in first.lines] == [Decimal(12), Decimal("2.5")]
    assert [line.unit_price for line in first.lines] == [Decimal("1.1"), Decimal("0.3")]  # no float noise
    assert [line.uom for line in first.lines] == ["EA", "CA"]
    assert first.lines[0].requested_delivery_date == date(2024, 4, 1)
    assert second.lines[0].quantity == Decimal(3)
    assert second.lines[0].unit_price == Decimal("1234.5")
    ref = first.lines[0].provenance["quantity"]
    assert isinstance(ref, RowRef)
    assert (ref.sheet, ref.row, ref.column) == ("Order 1", 6, "Qty")
    ref2 = second.lines[0].provenance["quantity"]
    assert isinstance(ref2, RowRef) and (ref2.sheet, ref2.row) == ("Order 2", 2)


def test_formula_is_read_as_cached_value() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["PO Number", "SKU", "Qty", "Unit Price", "Amount"])
    ws.append(["PO-7", "A-1", 4, 2.5, "=C2*D2"])
    raw = _save(wb)
    # openpyxl writes the formula without a cached value (it cannot compute): data_only sees None
    assert load_workbook(io.BytesIO(raw), data_only=True).active["E2"].value is None
    # Excel writes <f>C2*D2</f><v>10</v>: add the cached value the way Excel stores it
    with_cache = _set_cached_value(raw, "E2", "10")
    assert load_workbook(io.BytesIO(with_cache), data_only=False).active["E2"].value == "=C2*D2"
    (order,) = PARSER.parse(with_cache, ParseContext())
    assert order.lines[0].quantity == Decimal(4)
    assert order.lines[0].amount == Decimal(10)
    assert not any("Amount" in note and "differ" in note for note in order.notes)


def _set_cached_value(content: bytes, cell: str, value: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                text = text[:end] + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def test_cell_to_text_never_uses_float_arithmetic() -> None:
    assert cell_to_text(0.1 + 0.2) == "0.3"
    assert cell_to_text(1e16) == "10000000000000000"
    assert cell_to_text(12.0) == "12"
    assert cell_to_text(Decimal("1.50")) == "1.50"
    assert cell_to_text(datetime(2024, 1, 2, 0, 0)) == "2024-01-02"
    assert cell_to_text(datetime(2024, 1, 2, 13, 45)) == "2024-01-02 13:45"
    assert cell_to_text(True) == "TRUE"
    assert cell_to_text(None) == ""


def test_corrupt_and_encrypted_workbooks_are_sheet_unreadable() -> None:
    content = _two_sheet_workbook()
    with pytest.raises(DocumentError) as broken:
        PARSER.parse(content[: len(content) // 2], ParseContext(filename="po.xlsx"))
    assert broken.value.kind == "sheet_unreadable"
    # a password-protected .xlsx is an OLE compound file holding an "EncryptedPackage" stream
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le")
    assert PARSER.score(encrypted, "po.xlsx") >= 0.9
    with pytest.raises(DocumentError) as locked:
        PARSER.parse(encrypted, ParseContext(filename="po.xlsx"))
    assert locked.value.kind == "sheet_unreadable" and "password" in locked.value.message


def test_sheet_without_header_is_reported() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["just some words", "and more words", "and more"])
    ws.append(["nothing here", "looks like", "an order"])
    with pytest.raises(DocumentError) as err:
        PARSER.parse(_save(wb), ParseContext())
    assert err.value.kind == "sheet_unreadable" and "Sheet" in err.value.message


def test_empty_workbook_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DocumentError) as empty:
        PARSER.parse(_save(Workbook()), ParseContext())
    assert empty.value.kind == "empty"
    import ingest.parsers.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_SHEETS", 1)
    with pytest.raises(DocumentError) as sheets:
        PARSER.parse(_two_sheet_workbook(), ParseContext())
    assert sheets.value.kind == "too_large"
    monkeypatch.setattr(xlsx, "MAX_SHEETS", 50)
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(DocumentError) as rows:
        PARSER.parse(_two_sheet_workbook(), ParseContext())
    assert rows.value.kind == "too_large"
