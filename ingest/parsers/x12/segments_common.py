"""Pieces shared by the purchase-order mappers (850 in ``po850.py``, 860 in ``po860.py``).

Values (dates, numbers, amounts with implied decimals), product-id qualifier pairs, N1 party
loops, problems as 997 segment errors, and the readable text of segments that have no field of
their own in the normalized order (ITD terms, FOB, PO4 pack, CTP prices, SAC, SDQ). All pure.

Code meanings follow the X12 code lists: 235 (product id qualifiers), 639 (price basis),
1300 (allowance and charge codes), 374 (date qualifiers), 98 (entity identifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ingest.domain.identifiers import gtin_check_digit, is_valid_gtin
from ingest.domain.order import Charge, Identifier, Party, Purpose
from ingest.domain.uom import canonical_uom
from ingest.parsers.x12.model import Issue, Segment, SegmentError, TransactionSet

# BEG01 / BCH01 (code list 353): the purposes the order model knows; other codes are named in a note.
PURPOSES: dict[str, Purpose] = {"00": "original", "01": "cancellation", "04": "change", "05": "replace"}
PURPOSES["06"] = "confirmation"
PURPOSE_NAMES = {"02": "add", "03": "delete", "07": "duplicate", "13": "request", "15": "re-submission"}
ENVELOPE_TAGS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "LS", "LE"})


def codes(text: str) -> dict[str, str]:
    """A code table written as "UP=UPC; UK=GTIN-14" -> {"UP": "UPC", "UK": "GTIN-14"}."""
    return {code.strip(): name.strip() for code, name in (item.split("=", 1) for item in text.split(";"))}


# --- values -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)", re.ASCII)
_DATE = re.compile(r"\d{6}|\d{8}", re.ASCII)


def x12_decimal(value: str) -> Decimal | None:
    """An X12 R or N number as written ("12", "-1.5", ".57"), or None when it is not one."""
    text = value.strip()
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        return None
    return Decimal(text)


def implied_decimal(value: str, places: int = 2) -> Decimal | None:
    """An Nn amount: "45120" with 2 implied places is 451.20. A written point is taken as written."""
    number = x12_decimal(value)
    if number is None or "." in value:
        return number
    return number.scaleb(-places)


def x12_date(value: str, century: str = "") -> date | None:
    """CCYYMMDD, or YYMMDD (old versions: ``century`` when given, else 1950-2049); None if invalid."""
    text = value.strip()
    if not _DATE.fullmatch(text):
        return None
    if len(text) == 8:
        year = int(text[:4])
    elif len(century) == 2 and century.isascii() and century.isdigit():
        year = int(century) * 100 + int(text[:2])
    else:
        year = int(text[:2]) + (2000 if int(text[:2]) < 50 else 1900)
    try:
        return date(year, int(text[-4:-2]), int(text[-2:]))
    except ValueError:
        return None


def hash_matches(declared: str, quantities: list[Decimal]) -> bool:
    """CTT02 as the plain sum, or as X12 defines it: digits summed without points or signs,
    left-truncated to the length written."""
    value = x12_decimal(declared)
    if value is None:
        return False
    if value == sum(quantities, Decimal(0)):
        return True
    digits = sum((int(plain(abs(q)).replace(".", "")) for q in quantities), 0)
    written = declared.strip().lstrip("+-").replace(".", "")
    return written.isdigit() and int(written) == digits % 10 ** len(written)


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 1.000 -> "1", 2.50 -> "2.5"."""
    return format(value.normalize(), "f")


def unit_code(value: str, component_separator: str) -> tuple[str | None, str | None]:
    """A unit of measure (first component of a C001) -> (canonical code, note when unknown)."""
    raw = value.split(component_separator)[0].strip() if component_separator else value.strip()
    if not raw:
        return None, None
    try:
        return canonical_uom(raw), None
    except ValueError:
        return None, f"unit of measure {raw!r} is not known"


def joined(*parts: str, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def element_text(seg: Segment) -> str:
    values = [e.strip() for e in seg.elements]
    while values and not values[-1]:
        values.pop()
    return "*".join(values)


def unmapped(seg: Segment) -> str:
    return f"unmapped segment {seg.tag} at position {seg.position}: {element_text(seg)}"


# --- problems as the 997 reports them -----------------------------------------------------------


def segment_issue(
    ts: TransactionSet,
    tag: str,
    position: int,
    message: str,
    *,
    syntax_code: str = "8",
    element: int | None = None,
    element_code: str | None = None,
    value: str | None = None,
) -> Issue:
    """A transaction-level x12_syntax problem (AK5 code 5) with its AK3/AK4 segment error."""
    shown = value[:99] if value else None  # AK404 holds at most 99 characters
    error = SegmentError(tag, position, syntax_code, None, element, element_code, shown, message)
    location = f"{ts.location()}, segment {position} ({tag})"
    return Issue("x12_syntax", message, location, "transaction", ak5_code="5", segment_error=error)


def missing_po_number(ts: TransactionSet, seg: Segment) -> Issue:
    message = f"{seg.tag}03 (purchase order number) is missing"
    return segment_issue(ts, seg.tag, seg.position, message, element=3, element_code="1")


def missing_beginning(ts: TransactionSet, tag: str) -> Issue:
    message = f"{tag} (beginning segment) is missing: the purchase order number is unknown"
    return segment_issue(ts, tag, 2, message, syntax_code="3")


def unsupported(ts: TransactionSet, expected: str) -> Issue:
    message = f"transaction set {ts.id} given to the {expected} reader"
    return Issue("x12_unsupported_transaction", message, ts.location(), "transaction", ak5_code="1")


# --- product ids (PO106/PO107 ..., POC08/POC09 ...) ---------------------------------------------

BUYER_PART = ("BP", "SK", "IN", "CB", "PI")  # in order of preference
VENDOR_PART = ("VP", "VN", "VA", "VC")
GTIN_IDS = ("UP", "EN", "UK", "UI", "UA", "EA")
_ID_ROLES = {
    q: (attr, rank)
    for attr, wanted in (("buyer_part", BUYER_PART), ("vendor_part", VENDOR_PART), ("upc", GTIN_IDS))
    for rank, q in enumerate(wanted)
}
ID_NAMES = codes(
    "UP=UPC; UK=GTIN-14; UA=UPC case code; UI=UPC consumer package; EN=EAN; EA=EAN; IB=ISBN;"
    "MG=manufacturer part; IT=buyer style; BO=buyer color; IZ=buyer size; ST=style; MN=model;"
    "PD=part description; CG=commodity group"
)


@dataclass
class ItemIds:
    buyer_part: str | None = None
    vendor_part: str | None = None
    upc: str | None = None
    extras: list[str] = field(default_factory=list)  # everything not mapped, as readable text


def _gtin(value: str) -> str | None:
    return value if value.isascii() and is_valid_gtin(value) else None


def isbn_gtin(value: str) -> str | None:
    """The EAN-13 of an ISBN-13 or ISBN-10 (978 prefix), or None when it is not a valid ISBN."""
    text = value.replace("-", "").replace(" ", "").upper()
    if len(text) == 13:
        return _gtin(text)
    if len(text) != 10 or not text.isascii() or not text[:9].isdigit() or not re.fullmatch(r"[\dX]", text[9]):
        return None
    check = 10 if text[9] == "X" else int(text[9])
    if (sum((10 - i) * int(ch) for i, ch in enumerate(text[:9])) + check) % 11:
        return None
    body = "978" + text[:9]
    return body + str(gtin_check_digit(body))


def item_ids(seg: Segment, first: int) -> ItemIds:
    """Read the qualifier/value pairs from element ``first`` on (PO106, POC08): for each field the
    most preferred qualifier (the first of equals) takes it; the others become readable extras."""
    elements = seg.elements
    pairs = []
    for at in range(first - 1, len(elements) - 1, 2):
        if value := elements[at + 1].strip():
            pairs.append((elements[at].strip().upper(), value))
    ids = ItemIds()
    chosen: dict[str, tuple[int, int]] = {}  # field -> (preference, index in pairs)
    bad_gtins: set[int] = set()
    for i, (q, v) in enumerate(pairs):
        role = _ID_ROLES.get(q)
        if role is None:
            continue
        attr, rank = role
        if attr == "upc" and _gtin(v) is None:
            bad_gtins.add(i)
            continue
        held = chosen.get(attr)
        if held is None or rank < held[0]:
            chosen[attr] = (rank, i)
    for attr, (_, i) in chosen.items():
        setattr(ids, attr, pairs[i][1])
    used = {i for _, i in chosen.values()}
    for i, (q, v) in enumerate(pairs):
        if i in used:
            continue
        name = ID_NAMES.get(q, "")
        if i in bad_gtins:
            ids.extras.append(f"invalid {name} ({q}) {v}")
            continue
        ids.extras.append(f"{name} ({q}) {v}" if name else f"{q or '?'} {v}")
        if q == "IB" and ids.upc is None and (isbn := isbn_gtin(v)):
            ids.upc = isbn
    return ids


# --- N1 party loops -----------------------------------------------------------------------------

PARTY_ROLES = {"BY": ("buyer",), "ST": ("ship_to",), "BT": ("bill_to",), "VN": ("seller",)}
PARTY_ROLES |= {"SE": ("seller",), "SU": ("seller",)}
# Used only for a role that no party above fills: sold to / ordered by stand for the buyer.
STAND_IN_ROLES = {"BS": ("bill_to", "ship_to"), "SO": ("buyer",), "OB": ("buyer",)}
ENTITY_NAMES = codes(
    "SF=ship from; MI=planning schedule issuer; PO=party to receive invoice; DU=reseller; EN=end user;"
    "IA=install at; MA=mark for; Z7=mark for; OB=ordered by; LW=customer; EY=employee; RE=remit to;"
    "PE=payee; SO=sold to; BS=bill and ship to"
)
_PARTY_SEGMENTS = frozenset({"N2", "N3", "N4", "PER", "REF"})


def party_from_n1(seg: Segment) -> Party:
    party = Party(name=seg.el(2) or None)
    if seg.el(4):
        party.identifiers.append(Identifier(qualifier=seg.el(3), value=seg.el(4)))
    return party


def add_contact(party: Party, seg: Segment) -> None:
    """PER: PER02 name, then communication number pairs (TE phone, EM email)."""
    if seg.el(2) and not party.contact:
        party.contact = seg.el(2)
    for i in (3, 5, 7):
        kind, number = seg.el(i).upper(), seg.el(i + 1)
        if number and kind in ("TE", "PH") and not party.phone:
            party.phone = number
        elif number and kind == "EM" and not party.email:
            party.email = number


def add_to_party(party: Party, seg: Segment) -> bool:
    """Apply N2/N3/N4/PER/REF of an N1 loop; False when ``seg`` is not part of the loop."""
    if seg.tag not in _PARTY_SEGMENTS:
        return False
    if seg.tag == "N2":
        party.name = joined(party.name or "", seg.el(1), seg.el(2), sep=", ") or None
    elif seg.tag == "N3":
        if party.address1 is None:
            party.address1, party.address2 = seg.el(1) or None, seg.el(2) or None
        else:
            party.address2 = joined(party.address2 or "", seg.el(1), seg.el(2), sep=", ") or None
    elif seg.tag == "N4":
        party.city = seg.el(1) or party.city
        party.state = seg.el(2) or party.state
        party.postal_code = seg.el(3) or party.postal_code
        party.country = seg.el(4) or party.country
    elif seg.tag == "PER":
        add_contact(party, seg)
    elif seg.el(2) or seg.el(3):  # REF in the loop identifies the party (store, department ...)
        party.identifiers.append(Identifier(qualifier=f"REF {seg.el(1)}", value=seg.el(2) or seg.el(3)))
    return True


def describe_party(code: str, party: Party) -> str:
    """One line for a party that has no field of its own: "party SF (ship from): ACME; 92 123; ..."."""
    role = ENTITY_NAMES.get(code.upper())
    ids = ", ".join(f"{i.qualifier} {i.value}" for i in party.identifiers)
    place = joined(party.address1 or "", party.address2 or "", party.city or "", sep=", ")
    place = joined(place, party.state or "", party.postal_code or "", party.country or "")
    contact = joined(party.contact or "", party.phone or "", party.email or "")
    head = f"party {code} ({role})" if role else f"party {code}"
    return f"{head}: " + joined(party.name or "", ids, place, contact, sep="; ")


# --- readable text of segments without a field of their own ------------------------------------

_TERMS_TYPES = codes("01=basic; 05=discount not applicable; 08=basic discount offered; 14=agreed")


def terms_text(seg: Segment) -> str | None:
    """ITD as "2% 10 days, net 30" (ITD03, ITD05, ITD07), with due dates and ITD12 text."""
    parts = []
    percent, days, net = x12_decimal(seg.el(3)), seg.el(5), seg.el(7)
    if percent is not None:
        parts.append(joined(f"{plain(percent)}%", f"{days} days" if days else ""))
    elif (amount := implied_decimal(seg.el(8))) is not None:
        parts.append(joined(f"discount {plain(amount)}", f"{days} days" if days else ""))
    if (due := x12_date(seg.el(4))) is not None:
        parts.append(f"discount due {due.isoformat()}")
    if net:
        parts.append(f"net {net}")
    if (net_due := x12_date(seg.el(6))) is not None:
        parts.append(f"net due {net_due.isoformat()}")
    text = ", ".join(parts)
    if seg.el(12):
        text = f"{text} ({seg.el(12)})" if text else seg.el(12)
    if not text and seg.el(1):
        kind = _TERMS_TYPES.get(seg.el(1))
        text = f"terms type {seg.el(1)}" + (f" ({kind})" if kind else "")
    return text or None


_FOB_PAYMENT = {"PP": "prepaid", "CC": "collect", "DF": "defined by buyer and seller", "BP": "paid by buyer"}


def fob_text(seg: Segment) -> str:
    method = seg.el(1)
    named = f"{method} ({_FOB_PAYMENT[method]})" if method in _FOB_PAYMENT else method
    rest = [seg.el(i) for i in (2, 3, 5, 7) if seg.el(i)]
    return "FOB: " + joined(named, *rest, sep="; ")


def ship_via_text(seg: Segment) -> str | None:
    """TD5: routing (TD505), else carrier code (TD503), else the transport method (TD504)."""
    routing, carrier = seg.el(5), seg.el(3)
    if routing and carrier and carrier != routing:
        return f"{routing} ({carrier})"
    return routing or carrier or seg.el(4) or None


_TIMES = "\u00d7"  # the multiplication sign


def pack_text(seg: Segment) -> str:
    """PO4: "pack 12 \u00d7 16 OZ" (PO401 pack, PO402 size, PO403 unit), inner pack PO414."""
    pack, size = seg.el(1), joined(seg.el(2), seg.el(3))
    if pack and size:
        text = f"pack {pack} {_TIMES} {size}"
    else:
        text = f"pack {pack}" if pack else f"size {size}" if size else ""
    if seg.el(14):
        text = joined(text, f"inner pack {seg.el(14)}", sep=", ")
    return text or unmapped(seg)


def price_text(seg: Segment) -> str:
    """CTP: price qualifier and amount, quantity, multiplier ("price RES 54.99", "DIS 0.57")."""
    parts = [seg.el(2), seg.el(3), joined(seg.el(4), seg.el(5)), joined(seg.el(6), seg.el(7))]
    return "price " + joined(*parts)


ALLOWANCE_NAMES = codes(
    "A260=advertising allowance; B280=combination performance and non-performance;"
    "B720=cooperative advertising allowance; C000=defective allowance; C310=discount; D240=freight;"
    "D500=handling; E750=new store discount; F050=other; F180=pallet; F800=promotional allowance;"
    "G830=shipping and handling; H090=special handling; H750=sales tax; H850=tax; I570=warehouse allowance"
)
FREIGHT_CODES = frozenset(
    {"D240", "D242", "D244", "D246", "D200", "D190", "D180", "D210", "D220", "D230", "D750", "E890"}
    | {"G830", "C040", "C030", "D260", "D270", "D500"}
)
TAX_CODES = frozenset({"H750", "H850", "H770", "H800", "D360", "F210", "C690"})


def sac_description(seg: Segment) -> str:
    code = seg.el(2).upper()
    return seg.el(15) or ALLOWANCE_NAMES.get(code, "") or code or seg.el(3) or seg.el(4) or "unspecified"


def sac_charge(seg: Segment) -> Charge | None:
    """A header SAC as a charge: A allowance -> negative discount; C charge -> freight/tax/other.

    SAC05 is an N2 amount: two implied decimals ("45120" is 451.20). No amount (a percent or a
    rate only) or another indicator (N: information only) gives None: the caller keeps a note.
    """
    indicator, code = seg.el(1).upper(), seg.el(2).upper()
    amount = implied_decimal(seg.el(5))
    if amount is None or indicator not in ("A", "C"):
        return None
    if indicator == "A":
        return Charge(kind="discount", amount=-abs(amount), description=sac_description(seg))
    kind = "freight" if code in FREIGHT_CODES else "tax" if code in TAX_CODES else "other"
    return Charge(kind=kind, amount=amount, description=sac_description(seg))


_SAC_INDICATORS = {"A": "allowance", "C": "charge", "N": "no allowance or charge"}


def sac_text(seg: Segment) -> str:
    """SAC as a note: "allowance F800 promotional allowance 10%", "charge D240 freight 12.50"."""
    indicator = _SAC_INDICATORS.get(seg.el(1).upper(), seg.el(1))
    amount = implied_decimal(seg.el(5))
    percent = x12_decimal(seg.el(7))
    parts = [
        indicator,
        seg.el(2),
        sac_description(seg) if seg.el(15) or seg.el(2).upper() in ALLOWANCE_NAMES else "",
        joined(seg.el(3), seg.el(4)) if seg.el(3) or seg.el(4) else "",
        format(amount, "f") if amount is not None else "",
        f"{plain(percent)}%" if percent is not None else "",
        f"rate {seg.el(8)}" if seg.el(8) else "",
        joined("per", seg.el(9), seg.el(10)) if seg.el(10) else "",
        f"ref {seg.el(13)}" if seg.el(13) else "",
    ]
    return joined(*parts)


def sdq_text(seg: Segment) -> str:
    """SDQ: destination quantities as "SDQ EA (92): B1117:1, B1120:1"."""
    pairs = [f"{seg.el(i)}:{seg.el(i + 1)}" for i in range(3, len(seg.elements) + 1, 2) if seg.el(i)]
    return f"SDQ {joined(seg.el(1), f'({seg.el(2)})' if seg.el(2) else '')}: " + ", ".join(pairs)


PRICE_BASIS_PLAIN = frozenset({"", "PE", "UM", "NT", "TE", "WE", "QE", "CT", "CP", "QT", "FX", "LE", "EA"})
PRICE_BASIS_NAMES = codes(
    "HP=price per hundred; TP=price per thousand; PD=price per dozen; PP=price per pound;"
    "PK=price per kilogram; PY=price per yard; PF=price per foot; SR=suggested retail; CA=catalog;"
    "RS=resale; RE=retail price per each; RT=retail; DS=discount; PR=promotion; NC=no charge;"
    "TB=to be negotiated"
)


def price_basis_text(code: str) -> str | None:
    """PO105 when the unit price is not a plain price per unit ordered, else None."""
    code = code.upper()
    if code in PRICE_BASIS_PLAIN:
        return None
    return f"price basis {code}" + (f" ({PRICE_BASIS_NAMES[code]})" if code in PRICE_BASIS_NAMES else "")


DATE_REFERENCES = codes(
    "001=cancel_after; 037=ship_not_before; 038=ship_no_later; 063=deliver_no_later;"
    "064=deliver_not_before; 106=required_by; 175=cancel_if_not_shipped_by; 007=effective; 196=start; 197=end"
)
