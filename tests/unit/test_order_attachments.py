"""Every format the service reads, attached to an email or sent on its own, through the registry."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from ingest.parsers.base import ParseContext
from ingest.parsers.pdf.extract import read_pdf
from ingest.parsers.pdf.orderx import embedded_order_xml
from ingest.parsers.registry import default_registry

REPO = Path(__file__).resolve().parents[2]
ORDER_X_PDF = (
    REPO.parent
    / "shared"
    / "corpus"
    / "pdf"
    / "ZUGFeRD_mustangproject_ORDER-X_EX01_ORDER_FULL_DATA-COMFORT.pdf"
)
FAMILY_PDF = REPO / "fixtures" / "pdf" / "families" / "ruled_grid" / "ruled_grid_2.pdf"


def order_x_xml() -> bytes:
    if not ORDER_X_PDF.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    xml = embedded_order_xml(read_pdf(ORDER_X_PDF.read_bytes()).attachments)
    assert xml is not None
    return xml


def test_standalone_order_x_xml() -> None:
    outcome = default_registry().parse(order_x_xml(), ParseContext(filename="order-x.xml"))
    assert outcome.format == "xml" and outcome.error is None
    [order] = outcome.orders
    assert order.po_number == "PO123456789" and len(order.lines) == 3


def test_broken_order_xml_is_a_precise_error() -> None:
    broken = order_x_xml()[:-200]
    outcome = default_registry().parse(broken, ParseContext(filename="order-x.xml"))
    assert outcome.error is not None and outcome.error.kind == "xml_unreadable"
    assert "not well-formed" in outcome.error.message


def test_email_with_pdf_and_xml_attachments() -> None:
    msg = EmailMessage()
    msg["From"] = "Jane <jmiller@acme-hardware.example>"
    msg["Subject"] = "Two orders"
    msg.set_content("Two orders attached.")
    msg.add_attachment(FAMILY_PDF.read_bytes(), maintype="application", subtype="pdf", filename="po.pdf")
    msg.add_attachment(order_x_xml(), maintype="application", subtype="xml", filename="order-x.xml")
    outcome = default_registry().parse(msg.as_bytes(), ParseContext(filename="mail.eml"))
    assert outcome.format == "email" and outcome.error is None
    numbers = sorted(o.po_number or "" for o in outcome.orders)
    assert "PO123456789" in numbers and len(numbers) == 2
    assert all(o.sender and o.sender.email == "jmiller@acme-hardware.example" for o in outcome.orders)
