"""The 855 purchase order acknowledgment: what we accepted, changed or rejected, line by line.

Pure: given the partner's interchange and group (for its envelope, separators and version), the
order as the partner sent it against what was committed (or that it was rejected), and our
control numbers, returns the text to send. One outbound interchange carries one 855.

- ``BAK02``: ``AD`` (acknowledge with detail, no change) when every line is accepted as sent,
  ``AC`` (acknowledge with detail and change) when a clerk changed something, ``RD`` (reject with
  detail) when the order was rejected; ``RD`` rather than ``RJ`` (rejected, no detail) because the
  lines are listed with their status.
- Each line is the partner's ``PO1`` echoed (its quantity, unit and product ids as sent; ``PO104``
  carries the price we accepted when it changed) followed by an ``ACK`` with the status (X12
  element 668): ``IA`` item accepted, ``IQ`` accepted - quantity changed (a quantity or unit
  change), ``IP`` accepted - price changed, ``IS`` accepted - substitution made (the partner named
  our part number and another was committed), ``IC`` accepted - changes made (more than one kind),
  ``IR`` item rejected. ``ACK02``/``ACK03`` give the quantity and unit acknowledged, ``ACK04`` =
  ``068`` (current schedule ship) with ``ACK05`` the expected ship date where one is known, and a
  substituted item is named in ``ACK07``/``ACK08``.
- ``CTT01`` counts the ``PO1`` segments, ``CTT02`` is the sum of their quantities; ``SE01``,
  ``GE01`` and ``IEA01`` count what they enclose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ingest.domain.identifiers import normalize_code
from ingest.parsers.x12.ack import ControlNumbers, _separators, _Writer
from ingest.parsers.x12.model import FunctionalGroup, Interchange, Segment, Separators
from ingest.parsers.x12.segments_common import VENDOR_PART, plain

AckType = Literal["AD", "AC", "RD"]
LINE_ACCEPTED, LINE_QUANTITY, LINE_PRICE, LINE_ITEM, LINE_CHANGED, LINE_REJECTED = (
    "IA",
    "IQ",
    "IP",
    "IS",
    "IC",
    "IR",
)
SHIP_DATE_QUALIFIER = "068"  # data element 374: current schedule ship


@dataclass(frozen=True)
class LineTerms:
    """A line's quantity, unit, price and item: as the partner sent it, or as committed."""

    quantity: Decimal | None
    uom: str | None
    unit_price: Decimal | None
    item: str | None = None  # our part number: as the partner named it (VN/VP), or our SKU committed


@dataclass(frozen=True)
class LineAck:
    ordered: LineTerms
    committed: LineTerms | None  # None: the line is rejected
    po1: Segment | None = None  # the partner's PO1, echoed; None: written from ``ordered``
    line_number: str | None = None
    ship_date: date | None = None


@dataclass(frozen=True)
class OrderAck:
    po_number: str
    po_date: date | None
    order_ref: str  # our order id (BAK08)
    lines: tuple[LineAck, ...]
    rejected: bool = False


@dataclass(frozen=True)
class PurchaseOrderAck:
    text: str
    acknowledgment_type: AckType  # BAK02
    line_statuses: tuple[str, ...]  # ACK01 of each line


def _same_number(a: Decimal | None, b: Decimal | None) -> bool:
    return a == b if a is not None and b is not None else a is None and b is None


def line_status(line: LineAck) -> str:
    """ACK01 for one line: accepted, which change, or rejected."""
    if line.committed is None:
        return LINE_REJECTED
    sent, final = line.ordered, line.committed
    changes = set()
    if not _same_number(sent.quantity, final.quantity) or (sent.uom or "") != (final.uom or ""):
        changes.add(LINE_QUANTITY)
    if final.unit_price is not None and not _same_number(sent.unit_price, final.unit_price):
        changes.add(LINE_PRICE)
    if sent.item and final.item and normalize_code(sent.item) != normalize_code(final.item):
        changes.add(LINE_ITEM)
    if not changes:
        return LINE_ACCEPTED
    return changes.pop() if len(changes) == 1 else LINE_CHANGED


def _x12_date(when: date, version: str) -> str:
    """CCYYMMDD from version 004010 on, YYMMDD before."""
    return when.strftime("%Y%m%d" if version[:3] >= "004" else "%y%m%d")


def _order_ref(order_id: str, version: str) -> str:
    """BAK08 (element 127: 30 characters before 005010, 50 from it)."""
    return order_id if version[:3] >= "005" else order_id.replace("-", "")[:30]


class _Clean:
    """Values echoed from the partner, made safe for our separators."""

    def __init__(self, inbound: Separators, outbound: Separators) -> None:
        self.inbound, self.outbound = inbound, outbound

    def __call__(self, value: str) -> str:
        if self.inbound.component and self.inbound.component != self.outbound.component:
            value = value.replace(self.outbound.component, " ").replace(
                self.inbound.component, self.outbound.component
            )
        for ch in (self.outbound.element, self.outbound.segment, "\r", "\n"):
            value = value.replace(ch, " ")
        return value.strip()


def _vendor_qualifier(po1: Segment | None) -> str:
    if po1 is not None:
        for n in range(6, len(po1.elements) + 1, 2):
            if po1.el(n).upper() in VENDOR_PART:
                return po1.el(n).upper()
    return "VN"


def _po1(w: _Writer, clean: _Clean, line: LineAck, status: str) -> Decimal:
    """The partner's PO1 again (with the accepted price when it changed); returns its quantity."""
    final, new_price = line.committed, None
    if status in (LINE_PRICE, LINE_CHANGED) and final is not None and final.unit_price is not None:
        new_price = plain(final.unit_price)
    if line.po1 is not None:
        elements = [clean(e) for e in line.po1.elements]
        if new_price is not None:
            elements += [""] * max(0, 4 - len(elements))
            elements[3] = new_price
        w.add("PO1", *elements)
        return Decimal(elements[1]) if len(elements) > 1 and _is_number(elements[1]) else Decimal(0)
    sent = line.ordered
    price = new_price or (plain(sent.unit_price) if sent.unit_price is not None else "")
    fields = [clean(line.line_number or ""), plain(sent.quantity) if sent.quantity is not None else ""]
    fields += [sent.uom or "", price]
    if sent.item:
        fields += ["", "VN", clean(sent.item)]
    w.add("PO1", *fields)
    return sent.quantity or Decimal(0)


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:
        return False


def _ack(w: _Writer, clean: _Clean, line: LineAck, status: str, version: str) -> None:
    terms = line.committed if line.committed is not None else line.ordered
    elements = [status]
    if terms.quantity is not None and terms.uom:
        elements += [plain(terms.quantity), terms.uom]
    else:
        elements += ["", ""]
    if line.ship_date is not None and status != LINE_REJECTED:
        elements += [SHIP_DATE_QUALIFIER, _x12_date(line.ship_date, version)]
    else:
        elements += ["", ""]
    if status in (LINE_ITEM, LINE_CHANGED) and line.committed is not None and line.committed.item:
        elements += ["", _vendor_qualifier(line.po1), clean(line.committed.item)]
    w.add("ACK", *elements)


def acknowledgment_type(order: OrderAck, statuses: list[str]) -> AckType:
    if order.rejected or (statuses and all(s == LINE_REJECTED for s in statuses)):
        return "RD"
    return "AD" if all(s == LINE_ACCEPTED for s in statuses) else "AC"


def build_855(
    inbound: Interchange,
    group: FunctionalGroup,
    order: OrderAck,
    numbers: ControlNumbers,
    now: datetime,
) -> PurchaseOrderAck:
    """The interchange answering one 850 of ``group`` in ``inbound`` with an 855."""
    seps = _separators(inbound.separators)
    clean = _Clean(inbound.separators, seps)
    w = _Writer(seps)
    isa_version = inbound.version or "00401"
    version = group.version or "004010"
    repetition = seps.repetition if isa_version >= "00402" and seps.repetition else "U"
    w.add(
        "ISA", "00", " " * 10, "00", " " * 10,
        inbound.receiver_qualifier.ljust(2)[:2], inbound.receiver_id.strip().ljust(15)[:15],
        inbound.sender_qualifier.ljust(2)[:2], inbound.sender_id.strip().ljust(15)[:15],
        now.strftime("%y%m%d"), now.strftime("%H%M"), repetition, isa_version,
        f"{numbers.interchange:09d}", "0", inbound.usage or "P", seps.component,
    )  # fmt: skip
    w.add(
        # GS02/GS03 are mandatory: when the partner left them empty, the interchange ids stand in
        "GS", "PR", clean(group.receiver) or inbound.receiver_id.strip(),
        clean(group.sender) or inbound.sender_id.strip(), _x12_date(now.date(), version),
        now.strftime("%H%M"), str(numbers.group), "X", version,
    )  # fmt: skip
    start = len(w.segments)
    w.add("ST", "855", "0001")
    statuses = [LINE_REJECTED if order.rejected else line_status(line) for line in order.lines]
    kind = acknowledgment_type(order, statuses)
    po_date = _x12_date(order.po_date or now.date(), version)
    bak = ["00", kind, clean(order.po_number), po_date, "", "", "", _order_ref(order.order_ref, version)]
    if version[:3] >= "004":
        bak.append(_x12_date(now.date(), version))
    w.add("BAK", *bak)
    total = Decimal(0)
    for line, status in zip(order.lines, statuses, strict=True):
        total += _po1(w, clean, line, status)
        _ack(w, clean, line, status, version)
    w.add("CTT", str(len(order.lines)), plain(total))
    w.add("SE", str(len(w.segments) - start + 1), "0001")
    w.add("GE", "1", str(numbers.group))
    w.add("IEA", "1", f"{numbers.interchange:09d}")
    return PurchaseOrderAck(text=w.text(), acknowledgment_type=kind, line_statuses=tuple(statuses))
