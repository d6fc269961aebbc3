from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.domain.order import Order, OrderLine, Sender
from ingest.errors import TemplateError
from ingest.parsers.base import ParseContext
from ingest.parsers.pdf.model import Page, PdfDocument, Word
from ingest.parsers.pdf.templates import applies, apply_template, load_template, template_reader

LINE_PATTERN = (
    r"^(?P<line_number>\d+)\s+(?P<vendor_part_number>\S+)\s+(?P<description>.+?)\s+"
    r"(?P<quantity>[\d.,]+)\s+(?P<unit_price>[\d.,]+)$"
)
TEMPLATE = """
name = "Acme PO"
customer_id = "C0001"
[match]
keywords = ["ACME HARDWARE"]
[fields.po_number]
anchor = "Order Ref:"
[fields.po_date]
regex = 'Dated\\s+(\\d{2}\\.\\d{2}\\.\\d{4})'
day_first = true
[fields.total_amount]
area = [400, 700, 600, 720]
[lines]
pattern = 'PATTERN_PLACEHOLDER'
start_after = "Item Part"
stop_at = "Total"
""".replace("PATTERN_PLACEHOLDER", LINE_PATTERN)


def line(y: float, *texts: str, x: float = 50) -> list[Word]:
    words = []
    for text in texts:
        words.append(Word(text, x, y, x + 8 * len(text), y + 10, 1))
        x += 8 * len(text) + 6
    return words


def document() -> PdfDocument:
    words = [
        *line(40, "ACME", "HARDWARE", "CO"),
        *line(60, "Order", "Ref:", "AC-77"),
        *line(80, "Dated", "04.03.2026"),
        *line(120, "Item", "Part", "Description", "Qty", "Price"),
        *line(140, "1", "FAS-10001-ZP", "Hex", "cap", "screw", "10", "9,05"),
        *line(160, "2", "HTL-20001", "Claw", "hammer", "2", "18,70"),
        *line(180, "Total"),
        *line(705, "128,02", x=450),
    ]
    return PdfDocument(pages=[Page(1, 612, 792, words)])


def test_a_template_pins_fields_and_lines() -> None:
    template = load_template(TEMPLATE, "acme.toml")
    doc = document()
    assert applies(template, doc, ParseContext())
    generic = [Order(po_number="WRONG", lines=[OrderLine(quantity=Decimal(1))], notes=["generic"])]
    order = apply_template(template, doc, generic)
    assert order.po_number == "AC-77" and order.po_date == date(2026, 3, 4)
    assert order.total_amount == Decimal("128.02")
    assert [(ln.vendor_part_number, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("FAS-10001-ZP", Decimal(10), Decimal("9.05")),
        ("HTL-20001", Decimal(2), Decimal("18.70")),
    ]
    assert order.buyer is not None and order.buyer.identifiers[0].value == "C0001"
    assert order.provenance["po_number"].page == 1  # type: ignore[union-attr]
    assert "read with template 'Acme PO'" in order.notes


def test_matching_by_sender_domain_and_keywords() -> None:
    template = load_template(
        TEMPLATE.replace('keywords = ["ACME HARDWARE"]', 'sender_domains = ["acme.example"]'), "t"
    )
    doc = document()
    assert applies(template, doc, ParseContext(sender=Sender(channel="email", email="a@ACME.example")))
    assert not applies(template, doc, ParseContext(sender=Sender(channel="email", email="a@other.example")))
    assert not applies(load_template(TEMPLATE.replace("ACME HARDWARE", "GLOBEX"), "t"), doc, ParseContext())


def test_reader_falls_back_when_no_template_applies() -> None:
    read = template_reader([load_template(TEMPLATE.replace("ACME HARDWARE", "GLOBEX"), "t")], lambda d: [])
    assert read(document(), ParseContext()) is None
    read = template_reader([load_template(TEMPLATE, "t")], lambda d: [])
    [order] = read(document(), ParseContext()) or []
    assert order.po_number == "AC-77"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name = 'x'\n[match]\nkeywords = ['a']\n[fields.po_number]\nregex = '(unclosed'",
            "not a valid regular",
        ),
        ("name = 'x'\n[match]\nkeywords = ['a']\n[fields.po_number]\nregex = 'PO \\\\d+'", "needs a group"),
        ("name = 'x'\n[match]\nkeywords = ['a']\n[fields.colour]\nanchor = 'x'", "unknown fields"),
        (
            "name = 'x'\n[match]\nkeywords = ['a']\n[fields.po_number]\nanchor = 'a'\nregex = '(a)'",
            "exactly one",
        ),
        ("name = 'x'\n[fields.po_number]\nanchor = 'PO'", "needs sender_domains or keywords"),
        ("name = 'x'\n[match]\nkeywords = ['a']\n[lines]\npattern = '(?P<qty>\\\\d+)'", "unknown group"),
        ("name = [", "not valid TOML"),
    ],
)
def test_a_broken_template_is_a_template_error(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        load_template(text, "broken.toml")
