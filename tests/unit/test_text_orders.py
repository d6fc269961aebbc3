"""Purchase orders typed as text: aligned columns, | tables, tabs, 'qty x part' lines, labels,
quoted text and signatures, and the plugin's score against other formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.domain.order import Order, RowRef, Sender
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.registry import ParserRegistry
from ingest.parsers.sheet_orders import NO_PO_NUMBER
from ingest.parsers.sheets import CsvOrderParser
from ingest.parsers.text_orders import (
    GUESSED_PO,
    TextOrderParser,
    read_text_orders,
    visible_lines,
)
from ingest.parsers.x12.parser import X12Parser

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "documents"
SENDER = Sender(channel="email", email="buyer@acme-hardware.example")


def read(text: str) -> list[Order]:
    return read_text_orders(text, SENDER)


def read_one(text: str) -> Order:
    orders = read(text)
    assert len(orders) == 1, orders
    return orders[0]


ALIGNED = """\
PO Number: 4500123
PO Date: 03/02/2026
Customer: C0001
Ship Via: UPS Ground

Line  Item            Description                  Qty  UOM   Unit Price
----  --------------  ---------------------------  ---  ----  ----------
1     FAS-10001-ZP    Hex Cap Screw 1/4-20 x 1     10   BX        9.05
2                     Hex nut 1/4-20                12  BX        5.67
3     HTL-20001       Claw Hammer 16 oz              6  EA       18.70
"""


# --- aligned columns -------------------------------------------------------------------------------


def test_aligned_columns_are_split_at_the_gaps() -> None:
    order = read_one(ALIGNED)
    assert order.po_number == "4500123"
    assert order.po_date == date(2026, 3, 2)
    assert order.buyer is not None and order.buyer.identifiers[0].value == "C0001"
    assert order.ship_via == "UPS Ground"
    assert [line.vendor_part_number for line in order.lines] == ["FAS-10001-ZP", None, "HTL-20001"]
    assert [line.quantity for line in order.lines] == [Decimal(10), Decimal(12), Decimal(6)]
    assert [line.uom for line in order.lines] == ["BX", "BX", "EA"]
    assert order.lines[2].unit_price == Decimal("18.70")
    assert order.sender == SENDER


def test_a_row_with_an_empty_cell_is_placed_by_position_at_lower_confidence() -> None:
    order = read_one(ALIGNED)
    placed = order.lines[1]
    assert placed.line_number == "2"
    assert placed.description == "Hex nut 1/4-20"
    assert placed.unit_price == Decimal("5.67")
    assert max(placed.confidence.values()) <= 0.8
    assert order.lines[0].confidence["quantity"] == 0.9  # split at gaps: a little below a CSV cell


def test_provenance_rows_are_the_lines_of_the_text() -> None:
    order = read_one(ALIGNED)
    assert order.lines[0].provenance["quantity"] == RowRef(row=8, column="Qty")
    assert order.provenance["po_number"] == RowRef(row=1, column="PO Number")


def test_right_aligned_numbers_and_a_cell_spilling_over_a_gap() -> None:
    text = """\
Item No.        Description                     Qty Ordered    Price
ABC-100         Widget,  large                          120     1.25
ABC-200         Widget small                              5    10.00
"""
    order = read_one(text)
    assert [(line.vendor_part_number, line.quantity) for line in order.lines] == [
        ("ABC-100", Decimal(120)),
        ("ABC-200", Decimal(5)),
    ]
    assert order.lines[0].description == "Widget, large"


# --- | tables, tabs ----------------------------------------------------------------------------------


def test_a_markdown_table_loses_its_bars_and_rules() -> None:
    text = "PO# 4500777\n\n| SKU | Qty | UOM |\n|-----|----:|-----|\n| AB-1 | 3 | CS |\n| AB-2 | 4 | each |\n"
    order = read_one(text)
    assert order.po_number == "4500777"
    assert [(line.vendor_part_number, line.quantity, line.uom) for line in order.lines] == [
        ("AB-1", Decimal(3), "CA"),
        ("AB-2", Decimal(4), "EA"),
    ]
    assert not order.notes


def test_an_ascii_art_table() -> None:
    text = """\
Purchase Order: PO-2211
+----------+-----+------------------+
| Part No  | Qty | Description      |
+----------+-----+------------------+
| 77-1002  | 10  | Hex nut          |
| 77-1007  | 20  | Gloves           |
+----------+-----+------------------+
"""
    order = read_one(text)
    assert order.po_number == "PO-2211"
    assert [line.buyer_part_number for line in order.lines] == ["77-1002", "77-1007"]


def test_cells_pasted_with_tabs_keep_their_empty_cells() -> None:
    text = "PO Number: X-1\n\nSKU\tCust Part\tQty\nFAS-1\t\t4\n\t77-1002\t6\n"
    order = read_one(text)
    assert [(line.vendor_part_number, line.buyer_part_number, line.quantity) for line in order.lines] == [
        ("FAS-1", None, Decimal(4)),
        (None, "77-1002", Decimal(6)),
    ]


def test_several_pos_in_one_table_are_grouped_by_the_po_column() -> None:
    text = "PO        SKU      Qty\n4500001   AB-1     1\n4500001   AB-2     2\n4500002   AB-3     3\n"
    orders = read(text)
    assert [(o.po_number, len(o.lines)) for o in orders] == [("4500001", 2), ("4500002", 1)]


def test_two_tables_are_two_orders_each_with_the_labels_above_it() -> None:
    text = (
        "PO Number: A-100\n\nSKU     Qty\nAB-1    1\n\n"
        "PO Number: A-200\n\nSKU     Qty\nAB-2    2\n\nShip Via: Truck\n"
    )
    first, second = read(text)
    assert (first.po_number, first.lines[0].vendor_part_number) == ("A-100", "AB-1")
    assert (second.po_number, second.lines[0].vendor_part_number, second.ship_via) == (
        "A-200",
        "AB-2",
        "Truck",
    )


# --- qty x part lines ----------------------------------------------------------------------------------


def test_quantity_times_part_lines() -> None:
    text = (
        "Hi, please send for PO 4500900:\n"
        "- 10 x FAS-10001-ZP hex screws\n"
        "- 5 cs x HTL-20001 @ 18.70\n"
        "- ELE-50036 x 4 boxes\n"
        "Thanks\n"
    )
    order = read_one(text)
    assert order.po_number == "4500900"
    assert order.confidence["po_number"] == 0.8
    assert order.provenance["po_number"] == RowRef(row=1, column=GUESSED_PO)
    got = [(ln.buyer_part_number, ln.quantity, ln.uom, ln.unit_price, ln.description) for ln in order.lines]
    assert got == [
        ("FAS-10001-ZP", Decimal(10), None, None, "hex screws"),
        ("HTL-20001", Decimal(5), "CA", Decimal("18.70"), None),
        ("ELE-50036", Decimal(4), "BX", None, None),
    ]
    assert all(max(line.confidence.values()) <= 0.8 for line in order.lines)


@pytest.mark.parametrize(
    "text",
    [
        "I have 2 x 3 options for you",  # no part number
        "10 x claw hammers",  # a description only: not taken from prose
        "The 2x4 boards arrived",
        "Meeting at 10 x tomorrow",
    ],
)
def test_prose_that_is_not_a_quantity_times_part_line(text: str) -> None:
    assert read(text) == []


def test_without_a_po_number_the_order_says_so() -> None:
    order = read_one("3 x AB-100\n")
    assert order.po_number is None
    assert NO_PO_NUMBER in order.notes


# --- labels, quotes, signatures, forwards ------------------------------------------------------------


def test_a_label_wins_over_a_po_number_in_a_sentence() -> None:
    text = "Our order 4500123 is below.\nPO Number: 4500124\n\nSKU   Qty\nAB-1  1\n"
    order = read_one(text)
    assert order.po_number == "4500124"
    assert order.confidence["po_number"] == 1.0


def test_quoted_replies_are_not_read() -> None:
    text = (
        "Thanks, we got it.\n\n"
        "On Tue, Mar 3, 2026 at 9:15 AM Jane Miller <jmiller@acme-hardware.example> wrote:\n"
        "> PO Number: 4500123\n> SKU    Qty\n> AB-1   4\n"
    )
    assert read(text) == []
    unprefixed = (
        "Thanks.\n\nOn Tue, Mar 3, 2026 at 9:15 AM Jane Miller\n<j@x.example> wrote:\nSKU    Qty\nAB-1   4\n"
    )
    assert read(unprefixed) == []


def test_a_signature_is_not_read_but_a_forwarded_message_after_it_is() -> None:
    text = (
        "See below.\n-- \nSam Rivera\nPhone: 253-555-0100\nSKU   Qty\nAB-9  9\n\n"
        "---------- Forwarded message ---------\n"
        "From: Tom Baker <tbaker@delta-marine.example>\n"
        "Date: Wed, Mar 11, 2026 at 8:30 AM\n"
        "Subject: PO DM-3391\n"
        "To: Sam Rivera <srivera@northwind-supply.example>\n\n"
        "PO Number: DM-3391\n\nSKU       Qty\nAB-1      1\n"
    )
    order = read_one(text)
    assert order.po_number == "DM-3391"
    assert [line.vendor_part_number for line in order.lines] == ["AB-1"]
    assert order.po_date is None  # the forwarded header's Date: is not the PO date
    assert not any("row" in note for note in order.notes)


def test_an_original_message_is_kept_in_a_forward_and_cut_in_a_reply() -> None:
    text = (
        "FYI\n\n-----Original Message-----\nFrom: Jane\nSent: Monday\n\nPO Number: 9\n\nSKU   Qty\nAB-1  1\n"
    )
    assert read_text_orders(text, None)[0].po_number == "9"
    assert read_text_orders(text, None, keep_original=False) == []


def test_visible_lines_keep_the_numbering() -> None:
    text = "a\n> quoted\nb\n-- \nsig\n"
    assert visible_lines(text) == ["a", "", "b", "", ""]


# --- the plugin ------------------------------------------------------------------------------------


def test_parse_reads_a_text_file() -> None:
    orders = TextOrderParser().parse(ALIGNED.encode("cp1252"), ParseContext(filename="po.txt", sender=SENDER))
    assert len(orders) == 1 and orders[0].po_number == "4500123"


def test_parse_of_nothing_is_empty() -> None:
    with pytest.raises(DocumentError) as caught:
        TextOrderParser().parse(b"  \n", ParseContext())
    assert caught.value.kind == "empty"


def test_prose_without_a_table_holds_no_order() -> None:
    assert TextOrderParser().parse(b"Hello, how are you?\nCall me.\n", ParseContext()) == []


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (ALIGNED.encode(), "po.txt", 0.8),
        (ALIGNED.encode(), None, 0.8),
        (b"| SKU | Qty |\n|---|---|\n| AB-1 | 3 |\n", "po.md", 0.95),
        (b"1 x AB-100\n2 x AB-200\n", None, 0.8),
        (b"Hello there, nothing to order.\n", "note.txt", 0.0),
        (b"PO Number,SKU,Qty\n4500123,AB-1,3\n", "po.csv", 0.0),
        (b"PO Number\tSKU\tQty\n4500123\tAB-1\t3\n", "po.tsv", 0.0),
        (b"PO Number\tSKU\tQty\n4500123\tAB-1\t3\n", None, 0.0),
        (b"PO Number|SKU|Qty\n4500123|AB-1|3\n", None, 0.0),  # pipe-delimited data is the CSV parser's
        (
            b"ISA*00*          *00*          *ZZ*A              *ZZ*B              "
            b"*260305*1015*U*00401*1*0*P*>~",
            None,
            0.0,
        ),
        (b"UNA:+.? 'UNB+UNOA:2+X+Y+140407:0910+5'", None, 0.0),
        (b"%PDF-1.4\n1 0 obj\n", "po.pdf", 0.0),
        (b"From: a@b.example\nSubject: PO\nMIME-Version: 1.0\n\nSKU   Qty\nAB-1  1\n", None, 0.0),
        (b"\x00\x01\x02binary", None, 0.0),
    ],
)
def test_score(content: bytes, filename: str | None, expected: float) -> None:
    assert TextOrderParser().score(content, filename) == expected


def test_in_a_registry_csv_stays_with_the_csv_parser_and_typed_text_goes_to_text() -> None:
    registry = ParserRegistry([X12Parser(), CsvOrderParser(), TextOrderParser()])
    for fixture in sorted(FIXTURES.iterdir()):
        if fixture.suffix in (".csv", ".tsv", ".x12") and fixture.read_bytes().strip():
            detected = registry.detect(fixture.read_bytes(), fixture.name)
            assert detected is not None and detected.format != "text", fixture.name
    outcome = registry.parse(ALIGNED.encode(), ParseContext(filename="po.txt"))
    assert outcome.format == "text" and outcome.orders[0].po_number == "4500123"


def test_an_outlook_quote_block_without_a_marker() -> None:
    quoted = (
        "Thanks Jane, line 2 is back-ordered.\n\nFrom: Jane Miller <jmiller@acme-hardware.example>\n"
        "Sent: Monday, March 2, 2026 9:14 AM\nTo: Orders\nSubject: PO 4500123\n\n"
        "PO Number: 4500123\n\nSKU     Qty\nAB-1    4\n"
    )
    assert read_text_orders(quoted, None, keep_original=False) == []
    forwarded = read_text_orders(quoted, None)[0]
    assert forwarded.po_number == "4500123" and forwarded.po_date is None
