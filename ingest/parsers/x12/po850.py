"""The 850 purchase order as the normalized Order (CONTRACTS §6), versions 003040 to 005010.

``map_850`` reads one transaction set. Problems that leave the order unreadable (BEG or BEG03
missing, a quantity or price that is not a number, an invalid date) come back as transaction-level
issues with their 997 segment error, together with the partial order for the clerk. Everything
else is kept: values without a field of their own become notes or references, and the CTT counts
and AMT totals are checked against the lines (a difference lowers a confidence and says why).

``OrderDraft`` is the reader itself, shared with the 860 (``po860.py``): the two differ only in
their beginning segment (BEG / BCH) and line segment (PO1 / POC).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydantic import ValidationError

from ingest.domain.order import Order, OrderLine, Party, Purpose, Reference, Sender
from ingest.parsers.drafts import put, segment_ref, validated_order
from ingest.parsers.x12 import segments_common as common
from ingest.parsers.x12.model import FunctionalGroup, Interchange, Issue, Segment, TransactionSet

_HEADER_DATES = {  # DTM qualifier -> (field, confidence); see also DATE_REFERENCES
    "002": ("requested_delivery_date", 1.0),
    "010": ("requested_ship_date", 1.0),
    "004": ("po_date", 1.0),
    "037": ("requested_ship_date", 0.9),
    "064": ("requested_delivery_date", 0.9),
    "106": ("requested_delivery_date", 0.9),
}
_TEXT_ELEMENT = {"MSG": 1, "NTE": 2, "MTX": 2}  # where the free text is
_LINE_TEXTS = {
    "PO4": common.pack_text,
    "CTP": common.price_text,
    "SAC": common.sac_text,
    "SDQ": common.sdq_text,
}
Model = Order | OrderLine


def validated(order: Order, ts: TransactionSet, issues: list[Issue]) -> tuple[Order | None, list[Issue]]:
    """The order checked field by field as a whole; a value the model refuses is a syntax issue."""
    try:
        return validated_order(order), issues
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        issue = Issue(
            kind="x12_syntax",
            message=f"{where}: {first['msg']}",
            location=ts.location(),
            level="transaction",
            ak5_code="5",
        )
        return None, [*issues, issue]


@dataclass
class LineDraft:
    line: OrderLine
    seg: Segment
    descriptions: list[tuple[int, str, Segment]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class OrderDraft:
    """An order under construction from the segments of one transaction set."""

    def __init__(self, ts: TransactionSet, group: FunctionalGroup, interchange: Interchange, line_tag: str):
        self.ts, self.line_tag = ts, line_tag
        self.component = interchange.separators.component
        self.order = Order(references=[Reference(qualifier="interchange", value=interchange.control_number)])
        self.reference("group", group.control_number)
        self.reference("transaction", ts.control_number)
        sender_id = interchange.sender_id.strip() or None
        sender = Sender(
            channel="edi", edi_qualifier=interchange.sender_qualifier.strip() or None, edi_id=sender_id
        )
        put(self.order, "sender", sender, interchange.isa)
        self.issues: list[Issue] = []
        self.head: Segment | None = None
        self.lines: list[LineDraft] = []
        self.current: LineDraft | None = None
        self.summary = False
        self.party: Party | None = None
        self.parties: list[tuple[str, Party, Segment, LineDraft | None]] = []
        self.contacts: list[Segment] = []
        self.totals: list[tuple[str, Decimal, Segment]] = []
        self.ctt: Segment | None = None

    # --- walking the segments -------------------------------------------------------------------

    def run(
        self, head_tag: str, on_head: Callable[[Segment], None], on_line: Callable[[Segment], LineDraft]
    ) -> None:
        for seg in self.ts.segments:
            if seg.tag in common.ENVELOPE_TAGS or not "".join(seg.elements).strip():
                continue
            if seg.tag not in ("N2", "N3", "N4", "PER", "REF"):
                self.party = None
            if seg.tag == head_tag and self.head is None:
                self.head = seg
                on_head(seg)
            elif seg.tag == self.line_tag:
                self.current, self.summary = on_line(seg), False
                self.lines.append(self.current)
            elif seg.tag == "CTT":
                self.summary, self.ctt = True, self.ctt or seg
            elif seg.tag == "N1":
                self.party = common.party_from_n1(seg)
                owner = self.current if not self.summary else None
                self.parties.append((seg.el(1).upper(), self.party, seg, owner))
            elif self.party is not None and common.add_to_party(self.party, seg):
                pass
            elif self.current is not None and not self.summary:
                self.line_detail(self.current, seg)
            else:
                self.header(seg)

    # --- values ---------------------------------------------------------------------------------

    def number(self, seg: Segment, n: int, what: str) -> Decimal | None:
        """Element ``n`` as a number; a value that is not one is an issue (AK4 code 6)."""
        number = common.x12_decimal(seg.el(n))
        if seg.el(n) and number is None:
            self.bad_element(seg, n, seg.el(n), "6", f"{what} {seg.el(n)!r} is not a number")
        return number

    def read_date(self, seg: Segment, n: int, century: str = "", value: str | None = None) -> date | None:
        """Element ``n`` as a date; a value that is not one is an issue (AK4 code 8)."""
        value = seg.el(n) if value is None else value
        when = common.x12_date(value, century)
        if value and when is None:
            self.bad_element(seg, n, value, "8", f"{value!r} is not a valid date (CCYYMMDD or YYMMDD)")
        return when

    def bad_element(self, seg: Segment, n: int, value: str, code: str, message: str) -> None:
        text = f"{seg.tag}{n:02d} {message}"
        issue = common.segment_issue(
            self.ts, seg.tag, seg.position, text, element=n, element_code=code, value=value
        )
        self.issues.append(issue)

    def dtm(self, seg: Segment) -> date | None:
        """DTM02, or DTM06 under DTM05 D8/RD8; a 2-digit DTM05 is the century (003040)."""
        if not seg.el(2) and seg.el(5).upper() in ("D8", "RD8") and seg.el(6):
            return self.read_date(seg, 6, value=seg.el(6)[:8])
        return self.read_date(seg, 2, seg.el(5))

    def offer(self, model: Model, name: str, value: object, seg: Segment, confidence: float) -> None:
        """Set a field unless it holds a surer value; a differing value as sure is noted."""
        held = getattr(model, name)
        if held is None or model.confidence.get(name, 0.0) < confidence:
            put(model, name, value, seg, confidence)
        elif held != value and model.confidence.get(name, 0.0) == confidence:
            self.order.notes.append(f"{seg.tag} at position {seg.position} also gives {name} {value}")

    def set_purpose(self, seg: Segment, n: int, default: Purpose) -> None:
        code = seg.el(n)
        if code in common.PURPOSES:
            put(self.order, "purpose", common.PURPOSES[code], seg)
        else:
            put(self.order, "purpose", default, seg, 0.5)
            name = f" ({common.PURPOSE_NAMES[code]})" if code in common.PURPOSE_NAMES else ""
            self.order.notes.append(f"{seg.tag}{n:02d} purpose code {code!r}{name} read as {default}")

    def reference(self, qualifier: str, value: str) -> None:
        if value:
            self.order.references.append(Reference(qualifier=qualifier, value=value))

    # --- header ---------------------------------------------------------------------------------

    def header(self, seg: Segment) -> None:
        tag, notes = seg.tag, self.order.notes
        if tag == "CUR":
            self.currency(seg, notes)
        elif tag == "REF":
            self.reference(seg.el(1), seg.el(2) or seg.el(3))
            if seg.el(2) and seg.el(3):
                notes.append(f"REF {seg.el(1)} {seg.el(2)}: {seg.el(3)}")
        elif tag == "PER":
            self.contacts.append(seg)
        elif tag == "FOB":
            notes.append(common.fob_text(seg))
        elif tag == "ITD" and (terms := common.terms_text(seg)):
            held = self.order.payment_terms
            put(self.order, "payment_terms", f"{held}; {terms}" if held else terms, seg)
        elif tag == "DTM":
            self.header_date(seg)
        elif tag == "TD5" and (via := common.ship_via_text(seg)):
            if self.order.ship_via is None:
                put(self.order, "ship_via", via, seg)
            else:
                notes.append(f"also ship via {via}")
        elif tag in _TEXT_ELEMENT:
            notes.append(seg.el(_TEXT_ELEMENT[tag]) or common.element_text(seg))
        elif tag == "N9":
            self.reference(seg.el(1), seg.el(2))
            if seg.el(3):
                notes.append(seg.el(3))
        elif tag == "SAC":
            charge = common.sac_charge(seg)
            if charge is None:
                notes.append(common.sac_text(seg))
            else:
                self.order.charges.append(charge)
                self.order.confidence.setdefault("charges", 1.0)
                self.order.provenance.setdefault("charges", segment_ref(seg.index))
        elif tag == "AMT":
            self.amount(seg)
        elif tag not in ("ITD", "TD5"):
            notes.append(common.unmapped(seg))

    def currency(self, seg: Segment, notes: list[str]) -> None:
        code = seg.el(2).upper()
        if len(code) == 3 and code.isascii() and code.isalpha():
            if self.order.currency is None:
                put(self.order, "currency", code, seg)
            elif self.order.currency != code:
                notes.append(f"currency {code} at position {seg.position} differs from {self.order.currency}")
        else:
            notes.append(f"currency {seg.el(2)!r} is not a currency code")

    def header_date(self, seg: Segment) -> None:
        when = self.dtm(seg)
        if when is None:
            return
        code = seg.el(1)
        if code in _HEADER_DATES:
            name, confidence = _HEADER_DATES[code]
            self.offer(self.order, name, when, seg, confidence)
        if code in common.DATE_REFERENCES or code not in _HEADER_DATES:
            self.reference(common.DATE_REFERENCES.get(code, f"date {code}"), when.isoformat())

    def amount(self, seg: Segment) -> None:
        code, value = seg.el(1).upper(), common.x12_decimal(seg.el(2))
        if value is None:
            self.order.notes.append(common.unmapped(seg))
            return
        self.totals.append((code, value, seg))
        if code == "TT" and self.order.total_amount is None:
            put(self.order, "total_amount", value, seg)
        elif code != "1":
            self.order.notes.append(f"amount {code} {common.plain(value)}")

    # --- lines ----------------------------------------------------------------------------------

    def start_line(
        self, seg: Segment, number: int, quantity: int, unit: int, price: int, ids: int
    ) -> LineDraft:
        """The line segment: number, quantity, unit, price, price basis (price + 1) and ids."""
        draft = LineDraft(OrderLine(), seg)
        line = draft.line
        put(line, "line_number", seg.el(number) or str(len(self.lines) + 1), seg)
        count = self.number(seg, quantity, "quantity")
        if count is not None and count < 0:
            draft.notes.append(f"negative quantity {count}")
            line.confidence["quantity"] = 0.0
        elif count is not None:
            put(line, "quantity", count, seg)
        uom, problem = common.unit_code(seg.el(unit), self.component)
        if uom is not None:
            put(line, "uom", uom, seg)
        elif problem:
            draft.notes.append(problem)
            line.confidence["uom"] = 0.0
        cost = self.number(seg, price, "unit price")
        if cost is not None:
            put(line, "unit_price", cost, seg)
        if basis := common.price_basis_text(seg.el(price + 1)):
            draft.notes.append(basis)
        found = common.item_ids(seg, ids)
        for name, value in (
            ("buyer_part_number", found.buyer_part),
            ("vendor_part_number", found.vendor_part),
            ("upc", found.upc),
        ):
            if value:
                put(line, name, value, seg)
        draft.notes.extend(found.extras)
        return draft

    def line_detail(self, draft: LineDraft, seg: Segment) -> None:
        tag, notes = seg.tag, draft.notes
        if tag == "PID":
            text = " ".join((seg.el(5) or seg.el(4)).split())  # fixed-width fields pad with spaces
            if text:
                draft.descriptions.append((0 if seg.el(2) in ("", "08", "GEN") else 1, text, seg))
        elif tag in _LINE_TEXTS:
            notes.append(_LINE_TEXTS[tag](seg))
        elif tag == "DTM":
            when = self.dtm(seg)
            if when is not None and seg.el(1) == "002":
                self.offer(draft.line, "requested_delivery_date", when, seg, 1.0)
            elif when is not None:
                name = common.DATE_REFERENCES.get(seg.el(1), f"date {seg.el(1)}")
                notes.append(f"{name} {when.isoformat()}")
        elif tag == "SCH":  # line schedule: quantity, unit, date qualifier (SCH05), date (SCH06)
            when = self.read_date(seg, 6)
            if when is not None and seg.el(5) == "002":
                self.offer(draft.line, "requested_delivery_date", when, seg, 1.0)
            notes.append(common.joined("schedule", seg.el(1), seg.el(2), when.isoformat() if when else ""))
        elif tag == "REF":
            notes.append(f"REF {joined_values(seg)}")
        elif tag in _TEXT_ELEMENT:
            notes.append(seg.el(_TEXT_ELEMENT[tag]) or common.element_text(seg))
        elif tag == "CUR":
            self.currency(seg, notes)
        elif tag == "TD5" and (via := common.ship_via_text(seg)):
            notes.append(f"ship via {via}")
        elif tag == "AMT" and seg.el(1).upper() == "TT":  # a total after the lines, with no CTT
            self.amount(seg)
        elif tag in ("N9", "AMT"):
            notes.append(f"{tag} {joined_values(seg)}")
        else:
            notes.append(common.unmapped(seg))

    # --- the end --------------------------------------------------------------------------------

    def finish(self) -> tuple[Order | None, list[Issue]]:
        order = self.order
        placed: set[int] = set()
        for roles, confidence in ((common.PARTY_ROLES, 1.0), (common.STAND_IN_ROLES, 0.9)):
            for i, (code, party, seg, owner) in enumerate(self.parties):
                for role in roles.get(code, ()) if owner is None else ():
                    if getattr(order, role) is None:
                        put(order, role, party, seg, confidence)
                        placed.add(i)
        for i, (code, party, _, owner) in enumerate(self.parties):
            if i not in placed:
                (owner.notes if owner else order.notes).append(common.describe_party(code, party))
        if self.contacts:
            buyer = order.buyer or Party()
            for seg in self.contacts:
                common.add_contact(buyer, seg)
            if order.buyer is None:
                put(order, "buyer", buyer, self.contacts[0])
            order.buyer = buyer
        for draft in self.lines:
            self.close_line(draft)
        order.lines = [d.line for d in self.lines]
        if self.lines:
            put(order, "lines", order.lines, self.lines[0].seg)
        self.verify()
        if self.head is None and not self.lines:
            return None, self.issues
        return validated(order, self.ts, self.issues)

    def close_line(self, draft: LineDraft) -> None:
        if draft.descriptions:
            ordered = sorted(draft.descriptions, key=lambda d: d[0])
            put(draft.line, "description", "; ".join(d[1] for d in ordered), ordered[0][2])
        if draft.notes:
            self.order.notes.append(f"line {draft.line.line_number}: " + "; ".join(draft.notes))

    def lower(self, name: str, confidence: float, note: str) -> None:
        self.order.confidence[name] = min(self.order.confidence.get(name, 1.0), confidence)
        self.order.notes.append(note)

    def verify(self) -> None:
        """CTT01 line count, CTT02 hash total, AMT totals against the lines: notes, not rejections."""
        counted = len(self.lines)
        quantities = [d.line.quantity for d in self.lines if d.line.quantity is not None]
        if self.ctt is not None:
            declared, hashed = common.x12_decimal(self.ctt.el(1)), self.ctt.el(2)
            if self.ctt.el(1) and declared is None:
                self.lower("lines", 0.5, f"CTT01 {self.ctt.el(1)!r} is not a number of lines")
            elif declared is not None and declared != counted:
                unit = "line" if declared == 1 else "lines"
                self.lower("lines", 0.0, f"CTT01 says {common.plain(declared)} {unit}, counted {counted}")
            if hashed and not common.hash_matches(hashed, quantities):
                total = common.plain(sum(quantities, Decimal(0)))
                self.lower("lines", 0.0, f"CTT02 hash total {hashed} differs from the sum {total}")
        amounts = [d.line.amount for d in self.lines]
        if not self.lines or any(a is None for a in amounts):
            return
        lines_total = sum((a for a in amounts if a is not None), Decimal(0))
        charges = sum((c.amount for c in self.order.charges), Decimal(0))
        tolerance = Decimal("0.01") + Decimal("0.005") * counted
        for code, declared_total, _seg in self.totals:
            if code not in ("TT", "1"):
                continue
            candidates = (lines_total, lines_total + charges) if code == "TT" else (lines_total,)
            if all(abs(declared_total - c) > tolerance for c in candidates):
                if code == "TT":
                    self.order.confidence["total_amount"] = 0.5
                said, added = common.plain(declared_total), common.plain(lines_total)
                self.lower("lines", 0.5, f"AMT {code} says {said}, lines add up to {added}")


def joined_values(seg: Segment) -> str:
    return common.element_text(seg).replace("*", " ")


def _beg(draft: OrderDraft, seg: Segment) -> None:
    order = draft.order
    draft.set_purpose(seg, 1, "original")
    if seg.el(2):
        put(order, "order_type", seg.el(2), seg)
    if seg.el(3):
        put(order, "po_number", seg.el(3), seg)
    else:
        draft.issues.append(common.missing_po_number(draft.ts, seg))
    draft.reference("release", seg.el(4))
    when = draft.read_date(seg, 5)
    if when is not None:
        put(order, "po_date", when, seg)
    draft.reference("contract", seg.el(6))
    if seg.el(7):
        order.notes.append(f"acknowledgment type {seg.el(7)} requested")
    if seg.el(8):
        order.notes.append(f"invoice type {seg.el(8)}")


def map_850(
    ts: TransactionSet, group: FunctionalGroup, interchange: Interchange
) -> tuple[Order | None, list[Issue]]:
    """One 850 transaction set -> (the order, or None when nothing is readable; its issues)."""
    if ts.id != "850":
        return None, [common.unsupported(ts, "850")]
    draft = OrderDraft(ts, group, interchange, "PO1")
    draft.run("BEG", lambda seg: _beg(draft, seg), lambda seg: draft.start_line(seg, 1, 2, 3, 4, 6))
    if draft.head is None:
        draft.issues.insert(0, common.missing_beginning(ts, "BEG"))
    return draft.finish()
