"""The CSV/TSV purchase-order parser: detection, decoding, headers, rows, groups, bad cells."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.domain.order import Order, RowRef, Sender
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.registry import default_registry
from ingest.parsers.sheet_headers import field_for, normalize_label
from ingest.parsers.sheets import CsvOrderParser

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "sheets"
SENDER = Sender(channel="email", email="buyer@acme-hardware.example")


def parse(content: str | bytes, filename: str = "po.csv") -> list[Order]:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return CsvOrderParser().parse(data, ParseContext(filename=filename, sender=SENDER))


def parse_one(content: str | bytes, filename: str = "po.csv") -> Order:
    orders = parse(content, filename)
    assert len(orders) == 1, orders
    return orders[0]


def unreadable(content: str | bytes) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        parse(content)
    assert caught.value.kind == "sheet_unreadable"
    return caught.value


SIMPLE = "PO Number,SKU,Qty,Price\n4500123,FAS-10001-ZP,10,9.05\n4500123,HTL-20001,2,18.70\n"


# --- header synonyms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("PO Number", "po_number"),
        ("P.O. #", "po_number"),
        ("po_no", "po_number"),
        ("PONumber", "po_number"),
        ("Purchase Order", "po_number"),
        ("Order No.", "po_number"),
        ("po_id", "po_number"),
        ("Bestellnummer", "po_number"),
        ("N° de commande", "po_number"),
        ("Número de pedido", "po_number"),
        ("Order Date", "po_date"),
        ("Date", "po_date"),
        ("Customer No.", "customer_id"),
        ("Sold-To", "customer_id"),
        ("Kundennummer", "customer_id"),
        ("Account Number", "customer_id"),
        ("Customer Name", "customer_name"),
        ("Company", "customer_name"),
        ("Ship-To Address 1", "ship_to_address1"),
        ("Zip", "ship_to_postal_code"),
        ("Need By", "delivery_date"),
        ("Due Date", "delivery_date"),
        ("Ship Date", "requested_ship_date"),
        ("Carrier", "ship_via"),
        ("Terms", "payment_terms"),
        ("Comments", "notes"),
        ("Line #", "line_number"),
        ("Pos.", "line_number"),
        ("po_line_id", "line_number"),
        ("QTY", "quantity"),
        ("Qty Ordered", "quantity"),
        ("OrderQty", "quantity"),
        ("Menge", "quantity"),
        ("Cantidad", "quantity"),
        ("Quantité", "quantity"),
        ("U/M", "uom"),
        ("Unit of Measure", "uom"),
        ("Unit Price (USD)", "unit_price"),
        ("Price Each", "unit_price"),
        ("Preis", "unit_price"),
        ("Ext. Price", "amount"),
        ("Line Total", "amount"),
        ("SKU", "vendor_part_number"),
        ("Item Number", "line_number"),  # ambiguous: settled by the values (see the test below)
        ("Your Part No.", "vendor_part_number"),
        ("Supplier Part #", "vendor_part_number"),
        ("material_id", "vendor_part_number"),
        ("Customer Part #", "buyer_part_number"),
        ("Part Number", "buyer_part_number"),
        ("Part No", "buyer_part_number"),
        ("UPC", "upc"),
        ("EAN", "upc"),
        ("GTIN", "upc"),
        ("Item Description", "description"),
        ("Product", "description"),
        ("Bezeichnung", "description"),
        ("Unknown Column", None),
    ],
)
def test_header_synonyms(label: str, field: str | None) -> None:
    assert field_for(label) == field


def test_labels_are_compared_without_case_space_punctuation_or_accents() -> None:
    assert (
        normalize_label("  P.O.   Number ") == normalize_label("po_no") == normalize_label("PO#") == "po no"
    )
    assert normalize_label("Quantité") == "quantite"


def test_item_number_is_a_line_number_or_our_part_by_its_values() -> None:
    as_part = parse_one("Item #,Qty\nFAS-10001-ZP,3\n")
    assert as_part.lines[0].vendor_part_number == "FAS-10001-ZP"
    assert as_part.lines[0].line_number is None
    as_line = parse_one("Item No.,SKU,Qty\n10,FAS-10001-ZP,3\n20,HTL-20001,1\n")
    assert [line.line_number for line in as_line.lines] == ["10", "20"]
    assert as_line.lines[0].vendor_part_number == "FAS-10001-ZP"


def test_customer_part_and_our_part_go_to_their_own_fields() -> None:
    line = parse_one("Customer Part,Vendor Part,Qty\n77-1001,FAS-10001-ZP,1\n").lines[0]
    assert line.buyer_part_number == "77-1001"
    assert line.vendor_part_number == "FAS-10001-ZP"


def test_unknown_columns_are_ignored() -> None:
    order = parse_one("SKU,Qty,Warehouse Bin,Status\nFAS-10001-ZP,2,A-17,open\n")
    assert order.lines[0].vendor_part_number == "FAS-10001-ZP"
    assert order.lines[0].quantity == Decimal(2)


# --- fields, confidence, provenance ---------------------------------------------------------------


def test_every_field_read_has_confidence_and_provenance() -> None:
    order = parse_one(
        "PO Number,PO Date,Customer,Line,SKU,Customer Part,UPC,Description,Qty,UOM,Unit Price,Need By\n"
        "4500123,2026-03-02,C0001,1,FAS-10001-ZP,77-1001,081234100018,Hex cap screw,10,box,9.0545,"
        "2026-03-16\n"
    )
    line = order.lines[0]
    assert line.model_dump(include={"line_number", "quantity", "uom", "unit_price", "upc"}) == {
        "line_number": "1",
        "quantity": Decimal(10),
        "uom": "BX",
        "unit_price": Decimal("9.0545"),
        "upc": "081234100018",
    }
    assert line.requested_delivery_date == date(2026, 3, 16)
    read = {"line_number", "quantity", "uom", "unit_price", "buyer_part_number", "vendor_part_number", "upc",
            "description", "requested_delivery_date"}  # fmt: skip
    assert set(line.confidence) == read == set(line.provenance)
    assert all(v == 1.0 for v in line.confidence.values())
    assert line.provenance["quantity"] == RowRef(row=2, column="Qty")
    assert order.po_number == "4500123"
    assert order.po_date == date(2026, 3, 2)
    assert order.buyer is not None and order.buyer.identifiers[0].value == "C0001"
    assert order.provenance["po_number"] == RowRef(row=2, column="PO Number")
    assert order.confidence["po_number"] == 1.0
    assert order.requested_delivery_date == date(2026, 3, 16)  # every line agrees
    assert order.sender == SENDER
    assert order.purpose == "original"


def test_ship_to_and_order_fields() -> None:
    order = parse_one(
        "PO,Ship To,Address,City,State,Zip,Country,Currency,Terms,Ship Via,Notes,Qty,SKU\n"
        "P1,Store 12,1 Main St,Portland,OR,97210,US,usd,Net 30,UPS Ground,Dock 3 only,1,A1\n"
    )
    assert order.ship_to is not None
    assert (order.ship_to.name, order.ship_to.city, order.ship_to.postal_code) == (
        "Store 12",
        "Portland",
        "97210",
    )
    assert (order.currency, order.payment_terms, order.ship_via) == ("USD", "Net 30", "UPS Ground")
    assert order.notes == ["Dock 3 only"]


def test_a_customer_column_holding_a_name_fills_the_buyer_name() -> None:
    order = parse_one("Customer,SKU,Qty\nDelta Marine Supply,A1,1\n")
    assert order.buyer is not None
    assert order.buyer.name == "Delta Marine Supply"
    assert order.buyer.identifiers == []
    assert order.confidence["buyer.name"] == 0.8


def test_currency_is_taken_from_prices_when_there_is_no_column() -> None:
    order = parse_one("SKU,Qty,Price\nA1,2,$12.50\n")
    assert order.lines[0].unit_price == Decimal("12.50")
    assert order.currency == "USD"
    assert order.confidence["currency"] < 1.0


def test_an_ambiguous_date_lowers_confidence_and_a_clear_one_decides_the_column() -> None:
    guessed = parse_one("PO,Date,SKU,Qty\nP1,03/04/2026,A1,1\n")
    assert guessed.po_date == date(2026, 3, 4)
    assert guessed.confidence["po_date"] < 1.0
    decided = parse_one("PO,Date,SKU,Qty,Due Date\nP1,03/04/2026,A1,1,25/04/2026\n")
    assert decided.po_date == date(2026, 4, 3)
    assert decided.confidence["po_date"] == 1.0


# --- decoding and delimiters -----------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    order = parse_one(SIMPLE.replace(",", delimiter))
    assert [line.vendor_part_number for line in order.lines] == ["FAS-10001-ZP", "HTL-20001"]


def test_utf8_bom_cp1252_and_line_endings() -> None:
    text = "PO Number;Description;Qty\r\n4500123;Schraube Stahl verzinkt \u2013 M8;3\n4500123;Mutter;2\r"
    for encoded in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp1252"), text.encode("utf-16")):
        order = parse_one(encoded)
        assert order.po_number == "4500123"
        assert [line.description for line in order.lines] == ["Schraube Stahl verzinkt \u2013 M8", "Mutter"]


def test_quoted_fields_ragged_rows_and_excel_text_cells() -> None:
    order = parse_one(
        'SKU,Description,Qty,UOM\n="00123","Bolt, hex ""1/4""",5\nA2,"multi\nline",1,EA,extra,cells\n'
    )
    first, second = order.lines
    assert (first.vendor_part_number, first.description, first.quantity) == ("00123", 'Bolt, hex "1/4"', 5)
    assert first.uom is None
    assert second.description == "multi\nline"
    assert second.provenance["quantity"] == RowRef(row=3, column="Qty")


def test_decimal_commas_are_inferred_for_the_file() -> None:
    order = parse_one("SKU;Qty;Price;Amount\nA1;1.500;2,50;3.750,00\nA2;2;1,25;2,50\n")
    assert [line.quantity for line in order.lines] == [Decimal(1500), Decimal(2)]
    assert order.lines[0].unit_price == Decimal("2.50")
    assert order.notes == [
        "no PO number found: add a 'PO Number' column or a 'PO Number: ...' line above the table"
    ]


# --- preamble and header position ----------------------------------------------------------------


def test_header_below_a_preamble_of_label_value_pairs() -> None:
    order = parse_one(
        "Purchase Order\nPO Number: 4500123\nCustomer;C0001\nOrder Date:;13.03.2026\n\n"
        "Item;Menge;Preis\nFAS-10001-ZP;4;9,05\n"
    )
    assert order.po_number == "4500123"
    assert order.provenance["po_number"] == RowRef(row=2, column="PO Number")
    assert order.buyer is not None and order.buyer.identifiers[0].value == "C0001"
    assert order.po_date == date(2026, 3, 13)
    assert order.lines[0].quantity == Decimal(4)
    assert order.lines[0].unit_price == Decimal("9.05")
    assert order.lines[0].provenance["quantity"] == RowRef(row=7, column="Menge")


def test_the_row_with_most_hits_and_a_quantity_is_the_header() -> None:
    order = parse_one("Date,PO\n2026-03-02,P-9\nSKU,Description,Qty\nA1,Thing,2\n")
    assert order.lines[0].vendor_part_number == "A1"
    assert order.lines[0].quantity == Decimal(2)


# --- several purchase orders ---------------------------------------------------------------------


def test_rows_are_grouped_by_po_number_in_order_of_first_appearance() -> None:
    orders = parse(
        "PO,Customer,SKU,Qty\nB-2,C0002,X1,1\nA-1,C0001,Y1,2\n,,Y2,3\nB-2,C0002,X2,4\nA-1,C0009,Y3,5\n"
    )
    assert [o.po_number for o in orders] == ["B-2", "A-1"]
    assert [line.vendor_part_number for line in orders[0].lines] == ["X1", "X2"]
    assert [line.vendor_part_number for line in orders[1].lines] == [
        "Y1",
        "Y2",
        "Y3",
    ]  # blank PO: the one above
    a = orders[1]
    assert a.buyer is not None and a.buyer.identifiers[0].value == "C0001"
    assert a.notes == [
        "PO A-1: column 'Customer' differs between rows (row 3: 'C0001', row 6: 'C0009'); the first is used"
    ]
    assert orders[0].notes == []


def test_an_order_header_row_without_a_line_gives_order_fields_only() -> None:
    order = parse_one("PO,Date,SKU,Qty\nP1,2026-03-05,,\n,,A1,2\n")
    assert order.po_date == date(2026, 3, 5)
    assert len(order.lines) == 1
    assert order.notes == []


# --- blank, total and charge rows ----------------------------------------------------------------


def test_blank_total_and_charge_rows() -> None:
    order = parse_one(
        "PO,SKU,Description,Qty,Price,Amount\n"
        "P1,A1,Widget,2,10.00,20.00\n"
        ",,,,,\n"
        ",,Subtotal,,,20.00\n"
        ",,Freight - UPS Ground,,,7.50\n"
        ",,Sales Tax 8%,,,1.60\n"
        ",,Discount,,,2.00\n"
        ",FUEL,Fuel surcharge,1,0.90,0.90\n"
        ",,Total,,,28.00\n"
        "Total\n"
    )
    assert len(order.lines) == 1
    assert [(c.kind, c.amount, c.description) for c in order.charges] == [
        ("freight", Decimal("7.50"), "Freight - UPS Ground"),
        ("tax", Decimal("1.60"), "Sales Tax 8%"),
        ("discount", Decimal("-2.00"), "Discount"),
        ("other", Decimal("0.90"), "Fuel surcharge"),
    ]
    assert order.total_amount == Decimal("28.00")
    assert order.provenance["total_amount"] == RowRef(row=9, column="Amount")
    assert order.notes == []


def test_a_part_numbered_line_is_never_a_charge_and_a_freight_sku_is() -> None:
    order = parse_one(
        "SKU,Description,Qty,Price\nJAN-1,Shipping tape,3,4.00\nFREIGHT,UPS,2,12.00\nX-9,Sales tax,1,1.50\n"
    )
    assert [line.vendor_part_number for line in order.lines] == ["JAN-1"]
    assert [(c.kind, c.amount) for c in order.charges] == [
        ("freight", Decimal("24.00")),
        ("tax", Decimal("1.50")),
    ]


def test_charges_and_totals_belong_to_the_po_of_their_row() -> None:
    first, second = parse("PO,SKU,Qty,Amount\nP1,A1,1,5.00\nP2,B1,1,6.00\nP1,Freight,,2.00\nTotal,,,7.00\n")
    assert [c.amount for c in first.charges] == [Decimal("2.00")]
    assert second.charges == []
    assert first.total_amount == Decimal("7.00")  # the PO of the row above
    assert second.total_amount is None


def test_a_row_that_cannot_be_placed_is_noted() -> None:
    order = parse_one("SKU,Qty,Remark\nA1,1,\n,,Thank you for your business\n")
    assert len(order.lines) == 1
    assert "row 3 was ignored: 'Thank you for your business'" in order.notes


# --- cells that cannot be read -------------------------------------------------------------------


def test_bad_cells_are_notes_not_rejections() -> None:
    order = parse_one(
        "PO,SKU,Qty,UOM,Price,UPC,Due Date\n"
        "P1,A1,2,EA,1.00,081234100018,2026-03-16\n"
        "P1,A2,3,EA,1.00,081234100018,2026-03-16\n"
        "P1,A3,3,EA,1.00,081234100018,2026-03-16\n"
        "P1,A4,3,EA,1.00,081234100018,2026-03-16\n"
        "P1,A5,3,EA,1.00,081234100018,2026-03-16\n"
        "P1,A6,abc,xyz,12..5,123456789013,31/31/2026\n"
        "P1,A7,-4,EA,1.00,,2026-03-16\n"
    )
    line = order.lines[5]
    assert line.vendor_part_number == "A6"
    assert (line.quantity, line.uom, line.unit_price, line.upc, line.requested_delivery_date) == (None,) * 5
    for name in ("quantity", "uom", "unit_price", "upc", "requested_delivery_date"):
        assert line.confidence[name] == 0.0
        ref = line.provenance[name]
        assert isinstance(ref, RowRef) and ref.row == 7
    assert line.confidence["vendor_part_number"] == 1.0
    assert "row 7, column 'Qty': 'abc' is not a number" in order.notes
    assert "row 7, column 'UOM': 'xyz' is not a known unit of measure" in order.notes
    assert "row 7, column 'UPC': '123456789013' is not a valid UPC/EAN/GTIN" in order.notes
    assert any(
        n.startswith("row 7, column 'Due Date': '31/31/2026' is not a valid date") for n in order.notes
    )
    assert any(n.startswith("row 7, column 'Price': '12..5'") for n in order.notes)
    assert "row 8, column 'Qty': '-4' is a negative quantity" in order.notes
    assert order.lines[6].quantity is None


def test_a_spreadsheet_upc_that_lost_its_leading_zero_is_restored() -> None:
    line = parse_one("UPC,Qty\n81234100018,1\n").lines[0]
    assert line.upc == "081234100018"
    assert line.confidence["upc"] == 0.9


def test_quantity_times_price_is_checked_against_the_amount() -> None:
    order = parse_one("SKU,Qty,Price,Ext Price\nA1,10,9.0545,90.55\nA2,3,2.00,7.00\n")
    good, bad = order.lines
    assert good.confidence["quantity"] == good.confidence["unit_price"] == 1.0
    assert bad.confidence["quantity"] == bad.confidence["unit_price"] == 0.5
    assert order.notes[0] == "row 3: quantity 3 x unit price 2.00 = 6.00, but column 'Ext Price' says 7.00"


def test_a_missing_price_is_inferred_from_the_amount() -> None:
    line = parse_one("SKU,Qty,Amount\nA1,4,10.00\n").lines[0]
    assert line.unit_price == Decimal("2.50")
    assert line.confidence["unit_price"] == 0.7
    assert line.provenance["unit_price"] == RowRef(row=2, column="Amount")


# --- headerless and unreadable sheets ------------------------------------------------------------


def test_headerless_code_and_quantity_lines() -> None:
    order = parse_one("DESK0004;2\nDESK0005;1\nE-COM11;5\n")
    assert [(line.vendor_part_number, line.quantity) for line in order.lines] == [
        ("DESK0004", Decimal(2)),
        ("DESK0005", Decimal(1)),
        ("E-COM11", Decimal(5)),
    ]
    assert order.po_number is None
    assert all(line.confidence == {"vendor_part_number": 0.6, "quantity": 0.6} for line in order.lines)
    assert order.lines[2].provenance["quantity"] == RowRef(row=3, column="column 2")


def test_headerless_files_of_another_shape_are_unreadable_with_advice() -> None:
    error = unreadable("1\t5\t2022-04-29\t4\t1\t50.26\n2\t5\t2022-04-29\t3\t359\t45.12\n")
    assert "no header row" in error.message
    assert "Qty" in error.message
    assert error.location == "file"
    unreadable("hello world\njust some text\n")


def test_a_header_without_a_quantity_column_names_the_columns_found() -> None:
    error = unreadable("PO Number,Customer,SKU,Mystery\n4500200,C0001,FAS-10001-ZP,x\n")
    assert "no quantity column" in error.message
    assert "'PO Number' (po_number)" in error.message
    assert "'Mystery'" in error.message
    assert error.location == "row 1"


def test_a_header_with_no_rows_below_is_an_empty_result() -> None:
    assert parse("PO,SKU,Qty\n") == []


def test_empty_content() -> None:
    with pytest.raises(DocumentError) as caught:
        parse(b"  \n")
    assert caught.value.kind == "empty"


# --- score ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260302*1200*U*00401*0*P*>~",
        b"UNA:+.? 'UNB+UNOC:3+SENDER+RECEIVER+260302:1200+1'",
        b"UNB+UNOA:2+SENDER+RECEIVER+260302:1200+1'UNH+1+ORDERS:D:96A:UN'",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"From: buyer@acme.example\nTo: orders@northwind.example\nSubject: PO\n\nSKU,Qty\nA1,1\n",
        b"Received: from mx.example\nMIME-Version: 1.0\n\nhello",
        b"content-length: 30\ncontent-type: multipart/signed; boundary=x\n\n--x",
        b"SKU,Qty\n\x00\x01\x02\x03binary\x00\x00",
        b'{"po": "4500123", "lines": []}',
        b"<?xml version='1.0'?><order/>",
    ],
)
def test_other_formats_score_zero(content: bytes) -> None:
    assert CsvOrderParser().score(content, "po.csv") == 0.0


def test_scores_of_sheets() -> None:
    parser = CsvOrderParser()
    assert parser.score(SIMPLE.encode(), "po.csv") == pytest.approx(0.9)
    assert parser.score(SIMPLE.encode(), None) == pytest.approx(0.9)
    assert parser.score(SIMPLE.replace(",", "\t").encode(), "po.txt") == pytest.approx(0.9)
    assert parser.score(b"Customer: Acme\nPO Number: 4500123\n\nSKU;Qty\nA1;2\n", None) == pytest.approx(0.9)
    headerless = parser.score(b"DESK0004;2\nDESK0005;1\n", None)
    assert 0.0 < headerless < 0.9
    assert parser.score(b"DESK0004;2\nDESK0005;1\n", "order.csv") == pytest.approx(0.9)
    assert parser.score(b"Dear supplier, please send the usual.\nThanks\n", None) == 0.0
    assert parser.score(b"", "po.csv") == 0.0


# --- the shared corpus ---------------------------------------------------------------------------

CORPUS_FILES = sorted(CORPUS.glob("*")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason="../shared/corpus/sheets is not present")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_sheets_give_orders_or_a_document_error(path: Path) -> None:
    outcome = default_registry().parse(path.read_bytes(), ParseContext(filename=path.name))
    assert outcome.orders or outcome.error is not None
    if outcome.format == "csv" and outcome.error is None:
        assert all(order.lines for order in outcome.orders)


def _corpus(name_part: str) -> bytes:
    matches = [p for p in CORPUS_FILES if name_part in p.name]
    if not matches:
        pytest.skip("corpus file not present")
    return matches[0].read_bytes()


def test_corpus_aws_lines_are_grouped_by_po_id() -> None:
    orders = parse(_corpus("purchase_order_lines.csv"))
    assert len(orders) == 15
    first = orders[0]
    assert first.po_number == "PO001"
    assert first.lines[0].vendor_part_number == "MAT001"
    assert first.lines[0].quantity == Decimal(500)
    assert first.lines[0].unit_price == Decimal("175.00")
    assert first.lines[0].line_number == "POL001"
    assert first.requested_delivery_date == date(2026, 3, 14)


def test_corpus_aws_headers_without_quantity_are_unreadable() -> None:
    error = unreadable(_corpus("purchase_orders.csv"))
    assert "'po_id' (po_number)" in error.message


def test_corpus_oca_code_quantity_files_are_headerless_lines() -> None:
    order = parse_one(_corpus("order_file_test1_update.csv"))
    assert [(line.vendor_part_number, line.quantity) for line in order.lines] == [
        ("DESK0004", Decimal(2)),
        ("E-COM11", Decimal(7)),
        ("EXP_HA", Decimal(4)),
    ]


@pytest.mark.parametrize("name", ["PurchaseOrderHeader.csv", "PurchaseOrderDetail.csv", "csv2edi_test.csv"])
def test_corpus_headerless_wide_files_are_unreadable(name: str) -> None:
    error = unreadable(_corpus(name))
    assert "no header row" in error.message


# --- robustness ----------------------------------------------------------------------------------

_WORDS = [
    *("PO", "Qty", "SKU", "Price", "Amount", "Total", "Freight", "Date", "UOM", "UPC", "Customer", "Tax"),
    *("Item #", "Discount", "Subtotal", "1", "-2", "3,5", "1.234,56", "$4.00", "(5)", "abc", "EA", "xyz"),
    *("2026-03-04", "31/31/2026", "03/04/26", "081234100018", "NULL", "", " ", '"', "Label: value"),
]


@given(
    rows=st.lists(
        st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6)), min_size=1, max_size=6),
        min_size=1,
        max_size=8,
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
@settings(max_examples=300, deadline=None)
def test_any_table_gives_orders_or_a_document_error(
    rows: list[list[str]], delimiter: str, ending: str
) -> None:
    text = ending.join(delimiter.join(cells) for cells in rows)
    parser = CsvOrderParser()
    assert 0.0 <= parser.score(text.encode("utf-8"), None) <= 1.0
    try:
        orders = parser.parse(text.encode("utf-8"), ParseContext())
    except DocumentError as exc:
        assert exc.kind in ("sheet_unreadable", "empty")
    else:
        assert all(isinstance(order, Order) for order in orders)


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_bytes_give_orders_or_a_document_error(content: bytes) -> None:
    parser = CsvOrderParser()
    assert 0.0 <= parser.score(content, "x.csv") <= 1.0
    with contextlib.suppress(DocumentError):
        parser.parse(content, ParseContext())
