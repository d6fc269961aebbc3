"""Code lists the ORDERS mapper reads: message types (0065), document names (1001), message
functions (1225), party functions (3035), item number types (7143), date qualifiers (2005),
allowance and charge codes (7161). Only what the normalized order needs; other codes are named
in notes as written."""

from __future__ import annotations

from ingest.domain.order import Purpose


def codes(text: str) -> dict[str, str]:
    """A code table written as "220=order; 105=purchase order" -> {"220": "order", ...}."""
    return {code.strip(): name.strip() for code, name in (item.split("=", 1) for item in text.split(";"))}


MESSAGE_NAMES = codes(
    "ORDERS=purchase order; ORDRSP=purchase order response; ORDCHG=purchase order change request;"
    "INVOIC=invoice; DESADV=despatch advice; RECADV=receiving advice; PRICAT=price/sales catalogue;"
    "CONTRL=syntax and service report; APERAK=application error and acknowledgement;"
    "IFTMBC=booking confirmation; IFTMIN=instruction; PAORES=availability response; SLSRPT=sales report;"
    "INVRPT=inventory report; REMADV=remittance advice; DELFOR=delivery schedule;"
    "DELJIT=delivery just in time;"
    "QUOTES=quote; REQOTE=request for quote; PARTIN=party information"
)
DOCUMENT_NAMES = codes(
    "220=order; 105=purchase order; 221=blanket order; 224=rush order; 225=repair order;"
    "226=call off order; 227=consignment order; 228=sample order; 229=swap order;"
    "230=purchase order change request; 402=intermediate order"
)
PURPOSES: dict[str, Purpose] = {
    "9": "original",
    "1": "cancellation",
    "3": "cancellation",
    "4": "change",
    "5": "replace",
    "6": "confirmation",
}
PURPOSE_NAMES = codes(
    "1=cancellation; 2=addition; 3=deletion; 4=change; 5=replacement; 6=confirmation; 7=duplicate;"
    "9=original; 16=proposal; 27=not accepted; 29=accepted without amendment; 31=copy;"
    "42=confirmation via specific means;"
    "46=provisional; 47=definitive; 53=test"
)

# NAD 3035 -> order roles; the stand-ins fill a role only when no party above does.
PARTY_ROLES = {"BY": ("buyer",), "SU": ("seller",), "SE": ("seller",), "ST": ("ship_to",)}
PARTY_ROLES |= {"DP": ("ship_to",), "IV": ("bill_to",), "BT": ("bill_to",)}
STAND_IN_ROLES = {"OB": ("buyer",), "UC": ("ship_to",), "CN": ("ship_to",), "PR": ("bill_to",)}
PARTY_NAMES = codes(
    "BY=buyer; SU=supplier; SE=seller; ST=ship to; DP=delivery party; IV=invoicee; OB=ordered by;"
    "UC=ultimate consignee; CN=consignee; SF=ship from; MF=manufacturer; CA=carrier; FW=freight forwarder;"
    "PR=payer; PE=payee; II=issuer of invoice; UD=ultimate customer; MS=message sender; MR=message recipient;"
    "CZ=consignor; LC=party declaring the value added tax; BCO=buyer's corporate office; PW=pick up place"
)

# LIN / PIA C212 7143 -> where the id goes, in order of preference.
BUYER_PART = ("BP", "IN", "BO")
VENDOR_PART = ("SA", "VN", "VP", "MF", "MP")
GTIN_TYPES = ("EN", "SRV", "UP", "UK", "EU", "GTIN", "EAN", "UPC")
ITEM_TYPES = codes(
    "EN=EAN; SRV=GTIN; UP=UPC; UK=GTIN-14; IB=ISBN; IN=buyer's item number; SA=supplier's article number;"
    "BP=buyer's part number; VN=vendor item number; VP=vendor part number; MF=manufacturer's article number;"
    "MP=product number; GS=group number; PV=promotional variant; NB=batch number; SN=serial number;"
    "VL=vendor list; DR=drawing revision number; CG=commodity grouping; HS=harmonised system"
)

# DTM 2005 in the header -> (field, confidence); every other date becomes a reference.
HEADER_DATES = {
    "137": ("po_date", 1.0),
    "4": ("po_date", 0.95),
    "2": ("requested_delivery_date", 1.0),
    "69": ("requested_delivery_date", 0.9),
    "64": ("requested_delivery_date", 0.8),
    "63": ("requested_delivery_date", 0.7),
    "10": ("requested_ship_date", 1.0),
    "200": ("requested_ship_date", 0.9),
    "11": ("requested_ship_date", 0.8),
}
DATE_REFERENCES = codes(
    "2=delivery_requested; 10=ship_requested; 11=despatch; 61=cancel_if_not_delivered_by;"
    "63=deliver_no_later;"
    "64=deliver_not_before; 69=delivery_promised; 200=pick_up; 36=expiry; 171=reference_date;"
    "194=start; 206=end; 235=collection_not_before; 383=cancel_if_not_shipped_by; 358=deliver_no_later"
)

# ALC 7161 special services -> charge kinds.
FREIGHT_SERVICES = frozenset({"FC", "FI", "DL", "PC", "SH", "ABW", "HD", "FAC"})
TAX_SERVICES = frozenset({"TX", "TAE", "VAT"})
SERVICE_NAMES = codes(
    "FC=freight charge; FI=financing; DL=delivery; PC=packing; SH=special handling; DI=discount;"
    "QD=quantity discount; PAD=promotion allowance; TD=trade discount; SF=special fee; IS=invoicing;"
    "ABW=freight; RAA=rebate; EAB=early payment allowance; TX=tax"
)
# MOA 5025 after the lines: the order total and the sum of the lines.
TOTALS = {"86": "message total", "128": "total amount", "39": "invoice total", "77": "invoice amount"}
LINES_TOTAL = ("79", "66")  # total line items amount, goods item total
QUANTITIES = {"21": 1.0, "1": 0.9, "131": 0.8, "113": 0.8}  # ordered, discrete, delivery, to be delivered
QUANTITY_NAMES = codes(
    "59=consumer units in the traded unit; 46=delivered; 47=invoiced; 192=free goods; 52=quantity per pack;"
    "12=despatch quantity; 13=ordered quantity (ship notice); 3=cumulative quantity; 53=minimum order"
)
