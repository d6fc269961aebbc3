"""Order-X (ZUGFeRD-style order XML, UN/CEFACT Cross Industry Order) to normalized orders.

A PDF/A-3 order may carry its data as an embedded XML file (``order-x.xml``). When it does, that
XML is the order, read exactly: every field is confidence 1.0 and no page layout is guessed. The
root is ``SCRDMCCBDACIOMessageStructure`` (Order-X 1.0) or ``CrossIndustryOrder``; elements are
matched by local name, so RAM/UDT schema versions (100, 128, ...) do not matter.

The XML is parsed with the standard library after refusing any DTD or entity declaration (an order
never needs one; this rules out entity-expansion and external-entity attacks).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from ingest.domain.identifiers import is_valid_gtin
from ingest.domain.order import (
    Charge,
    ChargeKind,
    Identifier,
    LineChange,
    Order,
    OrderLine,
    Party,
    Purpose,
    Reference,
)
from ingest.errors import DocumentError
from ingest.parsers.pdf.model import PdfDocument

ORDER_ROOTS = frozenset(
    {
        "SCRDMCCBDACIOMessageStructure",
        "CrossIndustryOrder",
        "CrossIndustryOrderChange",
        "CrossIndustryOrderResponse",
    }
)
_FORBIDDEN = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_MAX_XML_BYTES = 20 * 1024 * 1024
_TOLERANCE = Decimal("0.005")

# UNTDID 1001 document name codes -> purpose
_TYPE_PURPOSE: dict[str, Purpose] = {
    "220": "original",
    "221": "original",  # blanket order
    "226": "original",  # call-off order
    "227": "original",  # consignment order
    "230": "change",
    "231": "confirmation",  # order response
    "1": "cancellation",
}
_TYPE_NAMES = {"221": "blanket", "226": "call-off", "227": "consignment"}
# UNTDID 1225 message function codes that override the type
_PURPOSE_CODES: dict[str, Purpose] = {"1": "cancellation", "4": "change", "5": "replace"}
# UNTDID 1229 line status codes
_LINE_STATUS: dict[str, LineChange] = {"1": "add", "2": "delete", "3": "replace"}

# UN/ECE Recommendation 20 (and rec 21 packaging "X.." codes) -> canonical UOM (X12 355)
REC20_UOM = {
    "C62": "EA", "H87": "EA", "EA": "EA", "NAR": "EA", "NPR": "PR", "PR": "PR",
    "XBX": "BX", "BX": "BX", "XCT": "CA", "CT": "CA", "XCS": "CA", "CS": "CA", "CA": "CA",
    "XPK": "PK", "PK": "PK", "PA": "PK", "XPA": "PK", "DZN": "DZ", "SET": "ST", "KT": "KT",
    "XRO": "RL", "RO": "RL", "XBG": "BG", "BG": "BG", "XBO": "BO", "XCN": "CN", "XDR": "DR",
    "XPX": "PL", "XPL": "PL", "PX": "PL", "XTU": "TB",
    "KGM": "KG", "GRM": "GR", "LBR": "LB", "MTR": "MR", "FOT": "FT", "LTR": "LT", "GLL": "GA",
    "FTK": "SF", "HUR": "HR",
}  # fmt: skip
_SCHEMES = {"0088": "GLN", "0060": "DUNS", "0160": "GTIN", "VA": "VAT", "FC": "tax_id"}
_FREIGHT_REASONS = frozenset({"FC", "DL", "FI", "ABK", "AAE"})
_NAMES = re.compile(r"(order[-_]?x|factur[-_]?x|zugferd|xrechnung|cross.?industry|order)", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kids(el: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if el is None else [c for c in el if _local(c.tag) == name]


def _find(el: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def _first(el: ET.Element | None, *names: str) -> ET.Element | None:
    """The first child with one of ``names``, in the order of ``names`` (never by truthiness:
    an Element without children is falsy)."""
    for name in names:
        found = _find(el, name)
        if found is not None:
            return found
    return None


def _text(el: ET.Element | None, *path: str) -> str | None:
    found = _find(el, *path)
    if found is None or found.text is None:
        return None
    text = " ".join(found.text.split())
    return text or None


def _decimal(el: ET.Element | None, *path: str) -> Decimal | None:
    text = _text(el, *path)
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _date(el: ET.Element | None, *path: str) -> date | None:
    """A udt:DateTimeString (format 102 YYYYMMDD, 203/204 with a time) or an ISO date."""
    found = _find(el, *path)
    if found is None:
        return None
    holder = _first(found, "DateTimeString", "DateString")
    text = (holder.text if holder is not None else found.text) or ""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{8}(\d{4}(\d{2})?)?", text):
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
            return date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def _event_date(el: ET.Element | None) -> date | None:
    """OccurrenceDateTime, else the start of OccurrenceSpecifiedPeriod."""
    return _date(el, "OccurrenceDateTime") or _date(el, "OccurrenceSpecifiedPeriod", "StartDateTime")


def _parse(xml: bytes) -> ET.Element:
    if len(xml) > _MAX_XML_BYTES:
        raise DocumentError(
            "too_large", f"the embedded order XML has {len(xml):,} bytes", location="order XML"
        )
    if _FORBIDDEN.search(xml):
        raise DocumentError(
            "pdf_unreadable",
            "the embedded order XML declares a DTD or entities; refused",
            location="order XML",
        )
    try:
        return ET.fromstring(xml.lstrip(b"\xef\xbb\xbf \t\r\n"))  # noqa: S314 - DTDs and entities refused above
    except ET.ParseError as exc:
        raise DocumentError(
            "pdf_unreadable", f"the embedded order XML is not well-formed: {exc}", location="order XML"
        ) from exc


def is_order_root(root: ET.Element) -> bool:
    return _local(root.tag) in ORDER_ROOTS and _find(root, "SupplyChainTradeTransaction") is not None


def embedded_order_xml(attachments: dict[str, bytes]) -> bytes | None:
    """The Order-X XML among a PDF's embedded files, or None. Files named like ``order-x.xml``,
    ``factur-x.xml`` or ``zugferd*.xml`` are tried first, then any other ``.xml``; only one whose
    root is an order (not an invoice) is chosen."""

    def rank(name: str) -> tuple[int, str]:
        base = PurePosixPath(name.replace("\\", "/")).name.lower()
        return (0 if _NAMES.search(base) else 1, base)

    for name in sorted(attachments, key=rank):
        data = attachments[name]
        if not name.lower().endswith(".xml") and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            continue
        try:
            root = _parse(data)
        except DocumentError:
            continue
        if is_order_root(root):
            return data
    return None


def _identifiers(party: ET.Element) -> list[Identifier]:
    out: list[Identifier] = []
    for name, default in (("ID", "ID"), ("GlobalID", "GlobalID")):
        for el in _kids(party, name):
            if el.text and el.text.strip():
                scheme = el.get("schemeID")
                qualifier = _SCHEMES.get(scheme, scheme) if scheme else default
                out.append(Identifier(qualifier=qualifier, value=el.text.strip()))
    legal = _find(party, "SpecifiedLegalOrganization", "ID")
    if legal is not None and legal.text and legal.text.strip():
        scheme = legal.get("schemeID")
        out.append(Identifier(qualifier=f"legal {scheme}" if scheme else "legal", value=legal.text.strip()))
    for reg in _kids(party, "SpecifiedTaxRegistration"):
        tax_id = _find(reg, "ID")
        if tax_id is not None and tax_id.text and tax_id.text.strip():
            scheme = tax_id.get("schemeID") or "tax"
            out.append(Identifier(qualifier=_SCHEMES.get(scheme, scheme), value=tax_id.text.strip()))
    return out


def _party(el: ET.Element | None) -> Party | None:
    if el is None:
        return None
    address = _find(el, "PostalTradeAddress")
    contact = _find(el, "DefinedTradeContact")
    line2 = [t for t in (_text(address, "LineTwo"), _text(address, "LineThree")) if t]
    email = _text(contact, "EmailURIUniversalCommunication", "URIID")
    if email is None:
        uri = _find(el, "URIUniversalCommunication", "URIID")
        if uri is not None and uri.get("schemeID", "EM") == "EM" and uri.text and "@" in uri.text:
            email = uri.text.strip()
    party = Party(
        name=_text(el, "Name") or _text(el, "SpecifiedLegalOrganization", "TradingBusinessName"),
        identifiers=_identifiers(el),
        address1=_text(address, "LineOne"),
        address2=", ".join(line2) or None,
        city=_text(address, "CityName"),
        state=_text(address, "CountrySubDivisionName"),
        postal_code=_text(address, "PostcodeCode"),
        country=_text(address, "CountryID"),
        contact=_text(contact, "PersonName") or _text(contact, "DepartmentName"),
        email=email,
        phone=_text(contact, "TelephoneUniversalCommunication", "CompleteNumber"),
    )
    return party if party != Party() else None


def _charge(el: ET.Element) -> Charge | None:
    amount = _decimal(el, "ActualAmount")
    if amount is None:
        return None
    is_charge = (_text(el, "ChargeIndicator", "Indicator") or "").lower() == "true"
    reason = _text(el, "Reason")
    code = _text(el, "ReasonCode")
    description = reason or (f"reason code {code}" if code else None)
    if not is_charge:
        return Charge(kind="discount", amount=-abs(amount), description=description)
    freight = code in _FREIGHT_REASONS or bool(
        reason and re.search(r"freight|shipping|delivery", reason, re.I)
    )
    kind: ChargeKind = "freight" if freight else "other"
    return Charge(kind=kind, amount=amount, description=description)


def _set_all(model: Order | OrderLine, names: list[str]) -> None:
    for name in names:
        value = getattr(model, name)
        if value not in (None, [], "") and name not in ("confidence", "provenance"):
            model.confidence[name] = 1.0


def _uom(code: str | None, where: str, notes: list[str]) -> str | None:
    if not code:
        return None
    mapped = REC20_UOM.get(code.upper())
    if mapped is None:
        notes.append(
            f"{where}: unit code {code!r} (UN/ECE rec. 20) has no canonical unit; the unit was left empty"
        )
    return mapped


def _line(item: ET.Element, index: int, notes: list[str]) -> OrderLine:
    doc = _find(item, "AssociatedDocumentLineDocument")
    number = _text(doc, "LineID") or str(index)
    where = f"line {number}"
    product = _find(item, "SpecifiedTradeProduct")
    agreement = _find(item, "SpecifiedLineTradeAgreement")
    delivery = _find(item, "SpecifiedLineTradeDelivery")
    settlement = _find(item, "SpecifiedLineTradeSettlement")

    upc = None
    for gid in _kids(product, "GlobalID"):
        value = (gid.text or "").strip()
        if gid.get("schemeID", "0160") != "0160":
            continue
        if is_valid_gtin(value) and len(value) in (8, 12, 13, 14):
            upc = value
            break
        notes.append(f"{where}: GlobalID {value!r} is not a valid GTIN; not used as the UPC")

    quantity_el = _first(delivery, "RequestedQuantity", "AgreedQuantity")
    quantity = _decimal(quantity_el)
    uom = _uom(quantity_el.get("unitCode") if quantity_el is not None else None, where, notes)
    if quantity is not None and quantity < 0:
        notes.append(f"{where}: negative quantity {quantity} ignored")
        quantity = None

    price_el = _first(agreement, "NetPriceProductTradePrice", "GrossPriceProductTradePrice")
    unit_price = _decimal(price_el, "ChargeAmount")
    basis = _decimal(price_el, "BasisQuantity")
    if unit_price is not None and basis is not None and basis not in (0, 1):
        unit_price = unit_price / basis
        exponent = unit_price.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            unit_price = unit_price.quantize(Decimal("0.000001"))

    change = _LINE_STATUS.get(_text(doc, "LineStatusCode") or "")
    description = _text(product, "Name") or _text(product, "Description")
    line = OrderLine(
        line_number=number,
        quantity=quantity,
        uom=uom,
        unit_price=unit_price,
        buyer_part_number=_text(product, "BuyerAssignedID"),
        vendor_part_number=_text(product, "SellerAssignedID"),
        upc=upc,
        description=description,
        requested_delivery_date=_event_date(_find(delivery, "RequestedDeliverySupplyChainEvent")),
        change=change,
    )
    _set_all(line, list(OrderLine.model_fields))
    total = _decimal(settlement, "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount")
    if total is not None and line.amount is not None and abs(line.amount - total) > _TOLERANCE:
        allowances = [c for c in _kids(settlement, "SpecifiedTradeAllowanceCharge") if _charge(c)]
        adjusted = line.amount + sum((c.amount for el in allowances if (c := _charge(el))), Decimal(0))
        if abs(adjusted - total) > _TOLERANCE:
            notes.append(f"{where}: quantity x price is {line.amount} but the line total says {total}")
            line.confidence["unit_price"] = 0.5
    return line


def _references(agreement: ET.Element | None) -> list[Reference]:
    refs: list[Reference] = []
    buyer_ref = _text(agreement, "BuyerReference")
    if buyer_ref:
        refs.append(Reference(qualifier="buyer_reference", value=buyer_ref))
    for element, qualifier in (
        ("SellerOrderReferencedDocument", "seller_order"),
        ("QuotationReferencedDocument", "quotation"),
        ("ContractReferencedDocument", "contract"),
        ("RequisitionReferencedDocument", "requisition"),
        ("BlanketOrderReferencedDocument", "blanket_order"),
        ("PreviousOrderChangeReferencedDocument", "previous_order_change"),
        ("PreviousOrderResponseReferencedDocument", "previous_order_response"),
        ("SpecifiedProcuringProject", "project"),
    ):
        for el in _kids(agreement, element):
            value = _text(el, "IssuerAssignedID") or _text(el, "ID")
            if value:
                refs.append(Reference(qualifier=qualifier, value=value))
    incoterms = _text(agreement, "ApplicableTradeDeliveryTerms", "DeliveryTypeCode")
    if incoterms:
        refs.append(Reference(qualifier="incoterms", value=incoterms))
    return refs


def read_order_x(xml: bytes) -> list[Order]:
    """The order in an Order-X / Cross Industry Order XML. Raises :class:`DocumentError`
    (``pdf_unreadable``) for XML that is malformed, declares entities, or is not an order."""
    root = _parse(xml)
    if not is_order_root(root):
        raise DocumentError(
            "pdf_unreadable",
            f"the embedded XML is a {_local(root.tag)!r} document, not an Order-X order",
            location="order XML",
        )
    doc = _find(root, "ExchangedDocument")
    transaction = _find(root, "SupplyChainTradeTransaction")
    agreement = _find(transaction, "ApplicableHeaderTradeAgreement")
    delivery = _find(transaction, "ApplicableHeaderTradeDelivery")
    settlement = _find(transaction, "ApplicableHeaderTradeSettlement")
    notes: list[str] = []

    type_code = _text(doc, "TypeCode") or "220"
    purpose = _PURPOSE_CODES.get(_text(doc, "PurposeCode") or "", _TYPE_PURPOSE.get(type_code, "original"))
    if type_code not in _TYPE_PURPOSE:
        notes.append(f"document type code {type_code!r} is not an order type; read as an order")
    for note in _kids(doc, "IncludedNote"):
        content = _text(note, "Content")
        if content:
            notes.append(content)

    lines = [
        _line(item, i, notes)
        for i, item in enumerate(_kids(transaction, "IncludedSupplyChainTradeLineItem"), 1)
    ]

    charges = [c for el in _kids(settlement, "SpecifiedTradeAllowanceCharge") if (c := _charge(el))]
    for el in _kids(settlement, "SpecifiedLogisticsServiceCharge"):
        amount = _decimal(el, "AppliedAmount")
        if amount is not None:
            charges.append(Charge(kind="freight", amount=amount, description=_text(el, "Description")))
    summation = _find(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    grand = _decimal(summation, "GrandTotalAmount")
    tax = _decimal(summation, "TaxTotalAmount")
    if grand is not None and tax:
        charges.append(Charge(kind="tax", amount=tax, description="tax total"))
    total = grand if grand is not None else _decimal(summation, "TaxBasisTotalAmount")
    line_sum = _decimal(summation, "LineTotalAmount")
    amounts = [line.amount for line in lines]
    if line_sum is not None and all(a is not None for a in amounts):
        computed = sum((a for a in amounts if a is not None), Decimal(0))
        if abs(computed - line_sum) > _TOLERANCE * max(1, len(lines)):
            notes.append(f"the lines add up to {computed} but the order's line total says {line_sum}")

    currency = _text(settlement, "OrderCurrencyCode") or _text(settlement, "InvoiceCurrencyCode")
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        notes.append(f"currency {currency!r} is not an ISO 4217 code")
        currency = None
    terms = [t for el in _kids(settlement, "SpecifiedTradePaymentTerms") if (t := _text(el, "Description"))]
    order = Order(
        po_number=_text(doc, "ID"),
        po_date=_date(doc, "IssueDateTime"),
        purpose=purpose,
        order_type=_TYPE_NAMES.get(type_code),
        currency=currency,
        buyer=_party(_find(agreement, "BuyerTradeParty")),
        seller=_party(_find(agreement, "SellerTradeParty")),
        ship_to=_party(_find(delivery, "ShipToTradeParty")),
        bill_to=_party(_find(settlement, "InvoiceeTradeParty")),
        requested_delivery_date=_event_date(_find(delivery, "RequestedDeliverySupplyChainEvent")),
        requested_ship_date=_event_date(_find(delivery, "RequestedDespatchSupplyChainEvent")),
        payment_terms="; ".join(terms) or None,
        references=_references(agreement),
        lines=lines,
        charges=charges,
        total_amount=total,
        notes=[*notes, "read from the Order-X XML embedded in the PDF"],
    )
    _set_all(order, [n for n in Order.model_fields if n not in ("lines", "notes", "sender")])
    return [order]


def embedded_orders(doc: PdfDocument) -> list[Order] | None:
    """The orders of the Order-X XML embedded in a PDF, or None when it has none
    (``PdfParser(embedded_orders=...)``)."""
    xml = embedded_order_xml(doc.attachments)
    return read_order_x(xml) if xml is not None else None
