"""Order-X XML embedded in PDFs: extracted here with pypdfium2 from the shared corpus (read in
place, never copied), then read by :func:`read_order_x`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from ingest.errors import DocumentError
from ingest.parsers.pdf.model import PdfDocument
from ingest.parsers.pdf.orderx import embedded_order_xml, embedded_orders, read_order_x

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "pdf"
ORDER_X_PDFS = {
    "ZUGFeRD_mustangproject_ORDER-X_EX01_ORDER_FULL_DATA-COMFORT.pdf": date(2020, 3, 31),
    "horstoeko_orderx_reader-order-x-comfort.pdf": date(2022, 12, 25),
    "horstoeko_orderx_reader-order-x-extended.pdf": date(2022, 12, 25),
}
NS = (
    'xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128"'
)


def _attachments(path: Path) -> dict[str, bytes]:
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        out: dict[str, bytes] = {}
        for i in range(pdf.count_attachments()):
            attachment = pdf.get_attachment(i)
            out[attachment.get_name()] = bytes(attachment.get_data())
        return out
    finally:
        pdf.close()


@pytest.mark.parametrize("name", sorted(ORDER_X_PDFS))
def test_corpus_order_x_pdfs(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"shared corpus not present: {path}")
    attachments = _attachments(path)
    xml = embedded_order_xml(attachments)
    assert xml is not None and xml == attachments["order-x.xml"]
    (order,) = read_order_x(xml)
    assert order.po_number == "PO123456789"
    assert order.po_date == ORDER_X_PDFS[name]
    assert order.purpose == "original"
    assert order.currency == "EUR"
    assert len(order.lines) == 3
    assert [line.line_number for line in order.lines] == ["1", "2", "3"]
    assert [line.quantity for line in order.lines] == [Decimal(6), Decimal(10), Decimal(6)]
    assert [line.uom for line in order.lines] == ["EA", "EA", "EA"]
    # line 2 is priced 20.00 per basis quantity 2: the unit price is 10
    assert [line.unit_price for line in order.lines] == [Decimal(10), Decimal(10), Decimal(25)]
    assert [line.vendor_part_number for line in order.lines] == ["987654321", "598632147", "698325417"]
    assert [line.buyer_part_number for line in order.lines] == ["654987321", "698569856", "598674321"]
    assert all(line.upc is None for line in order.lines)  # the sample GTINs have bad check digits
    assert order.lines[0].description == "Product Name"
    assert order.total_amount == Decimal("360.00")
    assert [(c.kind, c.amount) for c in order.charges] == [
        ("discount", Decimal("-31.00")),
        ("freight", Decimal("21.00")),
        ("tax", Decimal("60.00")),
    ]
    assert order.buyer is not None and order.buyer.name == "BUYER_NAME"
    assert (
        order.buyer.city == "BUYER_CITY"
        and order.buyer.postal_code == "69001"
        and order.buyer.country == "FR"
    )
    assert order.buyer.email == "contact@buyer.com"
    assert any(i.qualifier == "GLN" for i in order.buyer.identifiers)
    assert order.seller is not None and order.seller.name == "SELLER_NAME"
    assert order.ship_to is not None and order.ship_to.name == "SHIP_TO_NAME"
    assert order.reference("buyer_reference") == "BUYER_REF_BU123"
    assert order.confidence["po_number"] == 1.0
    assert order.lines[0].confidence["quantity"] == 1.0
    assert order.provenance == {}


def test_ubl_quotation_attachment_is_not_an_order() -> None:
    path = CORPUS / "OCA_edi_purchase_order_import_ubl_quote-PO00004.pdf"
    if not path.exists():
        pytest.skip(f"shared corpus not present: {path}")
    assert embedded_order_xml(_attachments(path)) is None


def _order(type_code: str = "220", purpose: str = "9", line: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:SCRDMCCBDACIOMessageStructure {NS}>
  <rsm:ExchangedDocument>
    <ram:ID>4711</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240131</udt:DateTimeString></ram:IssueDateTime>
    <ram:PurposeCode>{purpose}</ram:PurposeCode>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>10</ram:LineID>{line}</ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct>
        <ram:GlobalID schemeID="0160">4006381333931</ram:GlobalID>
        <ram:SellerAssignedID>S-1</ram:SellerAssignedID><ram:Name>Pen</ram:Name>
      </ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>7.50</ram:ChargeAmount>
          <ram:BasisQuantity unitCode="KGM">3</ram:BasisQuantity></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:RequestedQuantity unitCode="KGM">4</ram:RequestedQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation>
        <ram:LineTotalAmount>99.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedLineTradeDelivery><ram:RequestedQuantity unitCode="MTK">2</ram:RequestedQuantity>
      </ram:SpecifiedLineTradeDelivery>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:OrderCurrencyCode>USD</ram:OrderCurrencyCode>
      <ram:SpecifiedTradePaymentTerms>
        <ram:Description>Net 30</ram:Description>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>10.00</ram:TaxBasisTotalAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:SCRDMCCBDACIOMessageStructure>""".encode()


def test_fields_units_gtin_and_cross_checks() -> None:
    (order,) = read_order_x(_order())
    assert order.po_number == "4711" and order.po_date == date(2024, 1, 31)
    assert order.currency == "USD" and order.payment_terms == "Net 30"
    assert order.total_amount == Decimal("10.00")  # TaxBasisTotalAmount without a grand total
    first, second = order.lines
    assert first.upc == "4006381333931"
    assert first.uom == "KG" and first.quantity == Decimal(4)
    assert first.unit_price == Decimal("2.5")  # 7.50 per 3 kg
    assert first.confidence["unit_price"] < 1.0  # 4 x 2.5 is not the stated 99.00
    assert any("line 10" in note and "99.00" in note for note in order.notes)
    assert second.uom is None and second.line_number == "2"
    assert any("MTK" in note for note in order.notes)


@pytest.mark.parametrize(
    ("type_code", "purpose_code", "purpose"),
    [("220", "9", "original"), ("230", "4", "change"), ("231", "9", "confirmation"),
     ("220", "1", "cancellation"), ("1", "9", "cancellation"), ("220", "5", "replace")],
)  # fmt: skip
def test_purpose(type_code: str, purpose_code: str, purpose: str) -> None:
    (order,) = read_order_x(_order(type_code, purpose_code))
    assert order.purpose == purpose


def test_line_status_in_a_change() -> None:
    (order,) = read_order_x(_order("230", "4", "<ram:LineStatusCode>2</ram:LineStatusCode>"))
    assert order.lines[0].change == "delete"


def test_entities_malformed_xml_and_invoices_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(DocumentError) as refused:
        read_order_x(bomb)
    assert refused.value.kind == "pdf_unreadable" and "entities" in refused.value.message
    with pytest.raises(DocumentError) as broken:
        read_order_x(b"<rsm:SCRDMCCBDACIOMessageStructure")
    assert broken.value.kind == "pdf_unreadable"
    invoice = (
        b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'
        b"<rsm:SupplyChainTradeTransaction/></rsm:CrossIndustryInvoice>"
    )
    with pytest.raises(DocumentError):
        read_order_x(invoice)
    assert embedded_order_xml({"factur-x.xml": invoice, "bomb.xml": bomb, "notes.txt": b"hi"}) is None
    assert embedded_order_xml({"factur-x.xml": invoice, "Order-X.xml": _order()}) == _order()


def test_embedded_orders_hook_for_the_pdf_parser() -> None:
    assert embedded_orders(PdfDocument(pages=[], attachments={"notes.txt": b"hi"})) is None
    orders = embedded_orders(PdfDocument(pages=[], attachments={"order-x.xml": _order()}))
    assert orders is not None and orders[0].po_number == "4711"
