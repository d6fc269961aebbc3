"""The ORDERS message as the normalized Order (CONTRACTS §6), directories D.93A to D.21A.

``map_orders`` reads one message. Problems that leave the order unreadable (BGM or its document
number missing, a quantity, price or amount that is not a number with the interchange's decimal
mark, an invalid date, a composite with more components than the directory allows, which is how an
unreleased ':' shows) come back as message-level issues together with the partial order for the
clerk. Everything else is kept: values without a field of their own become notes or references,
and the CNT control totals and MOA totals are checked against the lines (a difference lowers a
confidence and says why, it does not reject).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import ValidationError

from ingest.domain.identifiers import is_valid_gtin
from ingest.domain.order import Charge, Identifier, Order, Party, Reference, Sender
from ingest.parsers.drafts import put, segment_ref, validated_order
from ingest.parsers.edifact import codes
from ingest.parsers.edifact.lines import LineDraft, allowance_text, close_line, detail, start_line
from ingest.parsers.edifact.model import Interchange, Issue, Message, Segment
from ingest.parsers.edifact.parties import (
    add_contact,
    carrier_text,
    delivery_terms_text,
    describe_party,
    party_from_nad,
    terms_text,
)
from ingest.parsers.edifact.values import number, parse_date, plain

KIND = "edifact_syntax"
# Segment -> (most elements, {element: most components}) in the directories D.93A..D.21A.
LIMITS: dict[str, tuple[int, dict[int, int]]] = {
    "BGM": (4, {1: 4, 2: 3}),
    "DTM": (1, {1: 3}),
    "NAD": (9, {2: 3, 3: 5, 4: 6, 5: 4, 7: 4}),
    "LIN": (6, {3: 4, 4: 2}),
    "PIA": (6, {2: 4, 3: 4, 4: 4, 5: 4, 6: 4}),
    "IMD": (4, {2: 3, 3: 6}),
    "QTY": (1, {1: 3}),
    "PRI": (2, {1: 6}),
    "FTX": (6, {3: 3, 4: 5}),
    "RFF": (1, {1: 5}),
    "CUX": (4, {1: 4, 2: 4}),
    "MOA": (1, {1: 5}),
    "CNT": (1, {1: 3}),
}
_PARTY_TAGS = frozenset({"RFF", "LOC", "FII", "DOC", "CTA", "COM"})
_ALC_TAGS = frozenset({"PCD", "MOA", "RTE", "QTY", "ALI", "TAX", "DTM"})
_PAT_TAGS = frozenset({"PCD", "MOA", "DTM"})
_CHARGE_AMOUNTS = frozenset({"8", "23", "204", "131", "52", "176"})


@dataclass
class _Charge:
    seg: Segment
    amount: Decimal | None = None
    percent: str = ""


class OrdersDraft:
    """An order under construction from the segments of one ORDERS message."""

    def __init__(self, msg: Message, ic: Interchange) -> None:
        self.msg, self.mark = msg, ic.delimiters.decimal
        self.order = Order(references=[Reference(qualifier="interchange", value=ic.control_reference)])
        if msg.group is not None:
            self.reference("group", msg.group.reference)
        self.reference("message", msg.reference)
        sender = Sender(channel="edi", edi_qualifier=ic.sender_qualifier or None, edi_id=ic.sender_id or None)
        put(self.order, "sender", sender, ic.unb)
        self.order.notes.extend(ic.notes)
        self.issues: list[Issue] = []
        self.head: Segment | None = None
        self.lines: list[LineDraft] = []
        self.current: LineDraft | None = None
        self.summary = False
        self.context = ""
        self.party: Party | None = None
        self.parties: list[tuple[str, Party, Segment]] = []
        self.contacts: list[Segment] = []
        self.charge: _Charge | None = None
        self.terms: list[str] = []
        self.totals: list[tuple[str, Decimal, Segment]] = []
        self.counts: list[Segment] = []

    # --- problems and values --------------------------------------------------------------------

    def problem(self, seg: Segment, text: str) -> None:
        self.issues.append(Issue(KIND, text, self.msg.where(seg), "message"))

    def number(self, seg: Segment, n: int, k: int, what: str) -> Decimal | None:
        value = seg.comp(n, k)
        found = number(value, self.mark)
        if value and found is None:
            self.problem(
                seg, f"{seg.tag}{n:02d} {what} {value!r} is not a number with the decimal mark {self.mark!r}"
            )
        return found

    def read_date(self, seg: Segment) -> date | None:
        first, _ = self.date_range(seg)
        return first

    def date_range(self, seg: Segment) -> tuple[date | None, date | None]:
        value, fmt = seg.comp(1, 2), seg.comp(1, 3)
        if not value:
            return None, None
        found = parse_date(value, fmt)
        if isinstance(found, str):
            if "not one this reader knows" in found:
                self.order.notes.append(f"DTM {seg.comp(1, 1)} {value}: {found}")
            else:
                self.problem(seg, f"DTM {seg.comp(1, 1) or '(no qualifier)'}: {found}")
            return None, None
        return found

    def reference(self, qualifier: str, value: str) -> None:
        if value:
            self.order.references.append(Reference(qualifier=qualifier, value=value))

    def check_limits(self, seg: Segment) -> None:
        limits = LIMITS.get(seg.tag)
        if limits is None:
            return
        most, components = limits
        used = len(seg.elements)
        while used and not any(any(c.strip() for c in rep) for rep in seg.elements[used - 1]):
            used -= 1
        if used > most:
            self.problem(seg, f"{seg.tag} has {used} data elements where the directory allows {most}")
        for n, allowed in components.items():
            for rep in seg.repeats(n):
                filled = len(rep)
                while filled and not rep[filled - 1].strip():
                    filled -= 1
                if filled > allowed:
                    self.problem(
                        seg,
                        f"{seg.tag}{n:02d} has {filled} components where the directory allows {allowed}: "
                        "a component separator in a value that should have been released",
                    )

    # --- walking the segments -------------------------------------------------------------------

    def run(self) -> None:
        for seg in self.msg.segments:
            if seg.tag in ("UNH", "UNT") or not seg.elements:
                if seg.tag == "UNS":
                    self.enter_summary()
                continue
            self.check_limits(seg)
            if self.context == "party" and seg.tag not in _PARTY_TAGS:
                self.context, self.party = "", None
            if self.context == "alc" and seg.tag not in _ALC_TAGS:
                self.close_charge()
            if self.context == "pat" and seg.tag not in _PAT_TAGS:
                self.context = ""
            self.segment(seg)

    def segment(self, seg: Segment) -> None:
        tag = seg.tag
        if tag == "BGM" and self.head is None:
            self.head = seg
            self.bgm(seg)
        elif tag == "LIN":
            self.current = start_line(seg, len(self.lines), self.order.purpose)
            self.lines.append(self.current)
            self.summary = False
        elif tag == "UNS":
            self.enter_summary()
        elif tag == "CNT":
            self.counts.append(seg)
        elif tag == "NAD" and (self.current is None or self.summary):
            self.party = party_from_nad(seg)
            self.parties.append((seg.el(1).upper(), self.party, seg))
            self.context = "party"
            self.check_gln(seg)
        elif self.context == "party" and self.party is not None:
            self.party_detail(self.party, seg)
        elif self.context == "alc" and self.charge is not None:
            self.charge_detail(self.charge, seg)
        elif self.context == "pat":
            self.terms_detail(seg)
        elif self.current is not None and not self.summary:
            detail(self.current, seg, self.number, self.read_date)
        else:
            self.header(seg)

    def enter_summary(self) -> None:
        self.summary, self.current = True, None

    # --- header ---------------------------------------------------------------------------------

    def bgm(self, seg: Segment) -> None:
        order, code = self.order, seg.comp(1, 1)
        if code:
            put(order, "order_type", code, seg)
            if code not in codes.DOCUMENT_NAMES:
                order.notes.append(
                    f"document name code {code}" + (f" ({seg.comp(1, 4)})" if seg.comp(1, 4) else "")
                )
        if seg.comp(2, 1):
            put(order, "po_number", seg.comp(2, 1), seg)
        else:
            self.problem(seg, "BGM02 (document number) is missing: the order number is unknown")
        function = seg.el(3)
        if not function or function in codes.PURPOSES:
            put(order, "purpose", codes.PURPOSES.get(function, "original"), seg)
        else:
            put(order, "purpose", "original", seg, 0.5)
            name = codes.PURPOSE_NAMES.get(function)
            order.notes.append(
                f"message function {function}" + (f" ({name})" if name else "") + " read as original"
            )
        if seg.el(4):
            order.notes.append(f"response type {seg.el(4)} requested")

    def header(self, seg: Segment) -> None:
        tag, notes = seg.tag, self.order.notes
        if tag == "DTM":
            self.header_date(seg)
        elif tag == "CUX":
            self.currency(seg)
        elif tag == "RFF":
            self.reference(seg.comp(1, 1).upper(), seg.comp(1, 2))
        elif tag == "FTX":
            text = " ".join(" ".join(t for t in seg.components(4) if t.strip()).split())
            if text:
                notes.append(text)
            elif seg.comp(3, 1):
                notes.append(f"text {seg.el(1)} code {seg.comp(3, 1)}")
        elif tag == "PAT":
            self.context = "pat"
            self.terms.append(terms_text(seg))
        elif tag == "TOD":
            notes.append("terms of delivery: " + delivery_terms_text(seg))
        elif tag == "TDT":
            via = carrier_text(seg)
            if via and self.order.ship_via is None:
                put(self.order, "ship_via", via, seg)
            elif via:
                notes.append(f"also ship via {via}")
        elif tag == "ALC":
            self.context, self.charge = "alc", _Charge(seg)
        elif tag == "MOA":
            self.amount(seg)
        elif tag in ("CTA", "COM"):
            self.contacts.append(seg)
        elif tag == "BGM":
            notes.append(f"another BGM at segment {seg.position}: {seg.text()}")
        else:
            notes.append(f"{seg.text()} (segment {seg.position})")

    def header_date(self, seg: Segment) -> None:
        code = seg.comp(1, 1)
        first, second = self.date_range(seg)
        if first is None:
            return
        if not code:
            self.order.notes.append(
                f"DTM at segment {seg.position} has no date qualifier: {first.isoformat()} not used"
            )
            return
        if code in codes.HEADER_DATES:
            name, confidence = codes.HEADER_DATES[code]
            held = getattr(self.order, name)
            if held is None or self.order.confidence.get(name, 0.0) < confidence:
                put(self.order, name, first, seg, confidence)
        if second is not None:
            self.reference("deliver_not_before", first.isoformat())
            self.reference("deliver_no_later", second.isoformat())
        elif code in codes.DATE_REFERENCES and code not in ("137", "2"):
            self.reference(codes.DATE_REFERENCES[code], first.isoformat())
        elif code not in codes.HEADER_DATES:
            self.reference(f"date {code}", first.isoformat())

    def currency(self, seg: Segment) -> None:
        code = seg.comp(1, 2).upper()
        if len(code) == 3 and code.isascii() and code.isalpha():
            if self.order.currency is None:
                put(self.order, "currency", code, seg)
            elif self.order.currency != code:
                self.order.notes.append(
                    f"currency {code} at segment {seg.position} differs from {self.order.currency}"
                )
        else:
            self.order.notes.append(f"currency {seg.comp(1, 2)!r} is not a currency code")

    def amount(self, seg: Segment) -> None:
        code, value = seg.comp(1, 1), self.number(seg, 1, 2, "amount")
        if value is None:
            return
        self.totals.append((code, value, seg))
        if code in codes.TOTALS and self.order.total_amount is None:
            put(self.order, "total_amount", value, seg)
        elif code not in codes.LINES_TOTAL:
            self.order.notes.append(f"amount {code} {plain(value)}")

    # --- parties, charges, terms ----------------------------------------------------------------

    def check_gln(self, seg: Segment) -> None:
        value, agency = seg.comp(2, 1), seg.comp(2, 3)
        if value and agency == "9" and not (value.isascii() and len(value) == 13 and is_valid_gtin(value)):
            self.order.notes.append(f"NAD {seg.el(1)} party id {value!r} is not a valid GLN")

    def party_detail(self, party: Party, seg: Segment) -> None:
        if seg.tag == "RFF" and seg.comp(1, 2):
            party.identifiers.append(Identifier(qualifier=f"RFF {seg.comp(1, 1)}", value=seg.comp(1, 2)))
        elif seg.tag in ("CTA", "COM"):
            add_contact(party, seg)
        elif seg.tag in ("LOC", "FII", "DOC"):
            self.order.notes.append(f"party {self.parties[-1][0]}: {seg.text()}")

    def charge_detail(self, charge: _Charge, seg: Segment) -> None:
        if seg.tag == "MOA" and seg.comp(1, 1) in _CHARGE_AMOUNTS and charge.amount is None:
            charge.amount = self.number(seg, 1, 2, "allowance or charge amount")
        elif seg.tag == "PCD":
            charge.percent = seg.comp(1, 2)
        else:
            self.order.notes.append(f"{allowance_text(charge.seg)}: {seg.text()}")

    def close_charge(self) -> None:
        charge, self.charge, self.context = self.charge, None, ""
        if charge is None:
            return
        seg = charge.seg
        indicator, service = seg.el(1).upper(), seg.comp(5, 1).upper()
        description = seg.comp(5, 4) or codes.SERVICE_NAMES.get(service) or service or None
        if charge.amount is None or indicator not in ("A", "C"):
            percent = f" {charge.percent}%" if charge.percent else ""
            self.order.notes.append(allowance_text(seg) + percent)
            return
        if indicator == "A":
            item = Charge(kind="discount", amount=-abs(charge.amount), description=description)
        else:
            kind = (
                "freight"
                if service in codes.FREIGHT_SERVICES
                else "tax"
                if service in codes.TAX_SERVICES
                else "other"
            )
            item = Charge(kind=kind, amount=charge.amount, description=description)
        self.order.charges.append(item)
        self.order.confidence.setdefault("charges", 1.0)
        self.order.provenance.setdefault("charges", segment_ref(seg.index))

    def terms_detail(self, seg: Segment) -> None:
        if seg.tag == "PCD" and seg.comp(1, 2):
            self.terms[-1] += f", {seg.comp(1, 2)}%"
        elif seg.tag == "DTM" and (when := self.read_date(seg)) is not None:
            self.terms[-1] += f", date {seg.comp(1, 1)} {when.isoformat()}"
        elif seg.tag == "MOA" and seg.comp(1, 2):
            self.terms[-1] += f", amount {seg.comp(1, 2)}"

    # --- the end --------------------------------------------------------------------------------

    def finish(self) -> tuple[Order | None, list[Issue]]:
        self.close_charge()
        order = self.order
        if self.terms:
            put(
                order,
                "payment_terms",
                "; ".join(t for t in self.terms if t),
                self.head or self.msg.segments[0],
            )
        placed: set[int] = set()
        for roles, confidence in ((codes.PARTY_ROLES, 1.0), (codes.STAND_IN_ROLES, 0.9)):
            for i, (code, party, seg) in enumerate(self.parties):
                for role in roles.get(code, ()):
                    if i not in placed and getattr(order, role) is None:
                        put(order, role, party, seg, confidence)
                        placed.add(i)
        for i, (code, party, _seg) in enumerate(self.parties):
            if i not in placed and party != Party():
                order.notes.append(describe_party(code, party))
        if self.contacts:
            buyer = order.buyer or Party()
            for seg in self.contacts:
                add_contact(buyer, seg)
            if order.buyer is None:
                put(order, "buyer", buyer, self.contacts[0])
        for draft in self.lines:
            close_line(draft)
            if draft.notes:
                order.notes.append(f"line {draft.line.line_number}: " + "; ".join(draft.notes))
        order.lines = [d.line for d in self.lines]
        if self.lines:
            put(order, "lines", order.lines, self.lines[0].seg)
        self.verify()
        if self.head is None:
            where = self.msg.segments[1] if len(self.msg.segments) > 1 else self.msg.segments[0]
            self.issues.insert(
                0,
                Issue(
                    KIND,
                    "BGM (beginning of message) is missing: the order number is unknown",
                    self.msg.where(where),
                    "message",
                ),
            )
        return validated(order, self.msg, self.issues)

    def lower(self, name: str, confidence: float, note: str) -> None:
        self.order.confidence[name] = min(self.order.confidence.get(name, 1.0), confidence)
        self.order.notes.append(note)

    def verify(self) -> None:
        """CNT 2 line count, CNT 1 quantity total, MOA totals against the lines: notes, not rejections."""
        counted = len(self.lines)
        quantities = [d.line.quantity for d in self.lines if d.line.quantity is not None]
        for seg in self.counts:
            code, declared = seg.comp(1, 1), number(seg.comp(1, 2), self.mark)
            if declared is None:
                self.lower("lines", 0.5, f"CNT {code} {seg.comp(1, 2)!r} is not a number")
            elif code == "2" and declared != counted:
                self.lower("lines", 0.0, f"CNT 2 says {plain(declared)} line items, counted {counted}")
            elif code == "1" and declared != sum(quantities, Decimal(0)):
                total = plain(sum(quantities, Decimal(0)))
                self.lower(
                    "lines",
                    0.0,
                    f"CNT 1 says a quantity total of {plain(declared)}, the lines add up to {total}",
                )
        amounts = [d.line.amount for d in self.lines]
        if not self.lines or any(a is None for a in amounts):
            return
        lines_total = sum((a for a in amounts if a is not None), Decimal(0))
        charges = sum((c.amount for c in self.order.charges), Decimal(0))
        tolerance = Decimal("0.01") + Decimal("0.005") * counted
        for code, declared_total, _seg in self.totals:
            if code in codes.LINES_TOTAL and abs(declared_total - lines_total) > tolerance:
                self.lower(
                    "lines",
                    0.5,
                    f"MOA {code} says {plain(declared_total)}, lines add up to {plain(lines_total)}",
                )
            elif code in codes.TOTALS and all(
                abs(declared_total - c) > tolerance for c in (lines_total, lines_total + charges)
            ):
                self.order.confidence["total_amount"] = 0.5
                self.lower(
                    "lines",
                    0.5,
                    f"MOA {code} says {plain(declared_total)}, lines add up to {plain(lines_total)}",
                )


def validated(order: Order, msg: Message, issues: list[Issue]) -> tuple[Order | None, list[Issue]]:
    """The order checked as a whole; a value the model refuses is a syntax issue."""
    try:
        return validated_order(order), issues
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, [*issues, Issue(KIND, f"{where}: {first['msg']}", msg.location(), "message")]


def map_orders(msg: Message, ic: Interchange) -> tuple[Order | None, list[Issue]]:
    """One ORDERS message -> (the order, or None when nothing is readable; its issues)."""
    draft = OrdersDraft(msg, ic)
    draft.run()
    return draft.finish()
