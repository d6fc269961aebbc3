"""The line items of an ORDERS message (segment group 28: LIN and what follows it) as OrderLines.

Each line is collected as a :class:`LineDraft` while its segments are read and finished at the
end: item numbers from LIN and PIA are sorted into the buyer's part number, the supplier's
article number and the GTIN; IMD texts become the description (FTX when there is no IMD);
everything without a field of its own is kept as a note of the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ingest.domain.identifiers import is_valid_gtin
from ingest.domain.order import OrderLine
from ingest.parsers.drafts import put
from ingest.parsers.edifact import codes
from ingest.parsers.edifact.model import Segment
from ingest.parsers.edifact.values import plain, unit
from ingest.parsers.x12.segments_common import isbn_gtin

Number = Callable[[Segment, int, int, str], Decimal | None]
_FIRST_DESCRIPTION = frozenset({"", "ANM", "DSC", "08", "IN", "79", "BRN"})
_SCHEDULE = frozenset({"SCC", "LOC"})
_LINE_CHANGES = {"1": "add", "2": "delete", "3": "replace"}


@dataclass
class LineDraft:
    line: OrderLine
    seg: Segment
    ids: list[tuple[str, str, Segment]] = field(default_factory=list)
    descriptions: list[tuple[int, str, Segment]] = field(default_factory=list)
    texts: list[tuple[str, Segment]] = field(default_factory=list)  # FTX
    notes: list[str] = field(default_factory=list)
    context: str = ""  # "schedule", "party", "alc", "price" while their groups are read
    quantity_rank: float = 0.0
    price_rank: float = 0.0
    amount: tuple[Decimal, Segment] | None = None  # MOA 203

    def add_ids(self, seg: Segment, elements: range) -> None:
        for n in elements:
            for rep in seg.repeats(n):
                value = rep[0].strip() if rep else ""
                kind = rep[1].strip().upper() if len(rep) > 1 else ""
                if value:
                    self.ids.append((kind, value, seg))


def start_line(seg: Segment, count: int, purpose: str) -> LineDraft:
    draft = LineDraft(OrderLine(), seg)
    put(draft.line, "line_number", seg.el(1) or str(count + 1), seg)
    draft.add_ids(seg, range(3, 4))
    action = seg.el(2)
    if action in _LINE_CHANGES and purpose in ("change", "replace"):
        put(draft.line, "change", _LINE_CHANGES[action], seg)
    elif action and purpose in ("change", "replace"):
        draft.notes.append(f"line action code {action}")
    if seg.comp(4, 1):
        draft.notes.append(f"sub-line of line {seg.comp(4, 2) or '?'} ({seg.comp(4, 1)})")
    return draft


def quantity(draft: LineDraft, seg: Segment, number: Number) -> None:
    code, unit_code = seg.comp(1, 1), seg.comp(1, 3)
    value = number(seg, 1, 2, "quantity")
    rank = codes.QUANTITIES.get(code, 0.0)
    if value is None:
        return
    if draft.context == "schedule" or rank <= draft.quantity_rank:
        name = codes.QUANTITY_NAMES.get(code, f"quantity {code}")
        draft.notes.append(f"{name} {plain(value)}{' ' + unit_code if unit_code else ''}".strip())
        return
    if value < 0:
        draft.notes.append(f"negative quantity {value}")
        draft.line.confidence["quantity"] = 0.0
        return
    draft.quantity_rank = rank
    put(draft.line, "quantity", value, seg, rank)
    if rank < 1.0:
        draft.notes.append(f"quantity read from QTY qualifier {code} (no ordered quantity, qualifier 21)")
    canonical = unit(unit_code)
    if canonical is not None:
        put(draft.line, "uom", canonical, seg)
    elif unit_code:
        draft.notes.append(f"unit of measure {unit_code!r} is not known")
        draft.line.confidence["uom"] = 0.0


def price(draft: LineDraft, seg: Segment, number: Number) -> None:
    qualifier = seg.comp(1, 1).upper()
    value = number(seg, 1, 2, "price")
    if value is None:
        return
    rank = {"AAA": 1.0, "AAB": 0.9}.get(qualifier, 0.7)
    extra = " ".join(p for p in (seg.comp(1, 3), seg.comp(1, 4)) if p)
    if rank <= draft.price_rank:
        draft.notes.append(f"price {qualifier} {plain(value)}{' ' + extra if extra else ''}")
        return
    basis = number(seg, 1, 5, "price basis quantity")
    if basis is not None and basis > 0 and basis != 1:
        draft.notes.append(f"price {plain(value)} per {plain(basis)} {seg.comp(1, 6)}".rstrip())
        value = value / basis
    draft.price_rank = rank
    put(draft.line, "unit_price", value, seg, rank)
    if qualifier != "AAA":
        named = {"AAB": "gross price (AAB)"}.get(qualifier, f"price qualifier {qualifier}")
        draft.notes.append(f"unit price is the {named}{', ' + extra if extra else ''}")
    elif extra:
        draft.notes.append(f"price {extra}")


def description(draft: LineDraft, seg: Segment) -> None:
    """IMD: the free text of C273 (its two 7008 components), or the code when there is none."""
    texts = [t.strip() for t in seg.components(3)[3:5] if t.strip()]
    text = " ".join(" ".join(texts).split())
    characteristic = seg.comp(2, 1).upper()
    if not text and seg.comp(3, 1):
        draft.notes.append(
            f"description code {seg.comp(3, 1)}" + (f" ({characteristic})" if characteristic else "")
        )
        return
    if text:
        draft.descriptions.append((0 if characteristic in _FIRST_DESCRIPTION else 1, text, seg))


def detail(
    draft: LineDraft, seg: Segment, number: Number, read_date: Callable[[Segment], date | None]
) -> None:
    """Any segment of the line's group after its LIN."""
    tag = seg.tag
    if tag in _SCHEDULE:
        draft.context = "schedule"
    elif tag == "PRI":
        draft.context = "price"
    elif tag not in ("QTY", "DTM", "CUX", "APR", "RNG", "MOA", "PCD", "RTE", "TAX", "CTA", "COM", "RFF"):
        draft.context = "alc" if tag == "ALC" else "party" if tag == "NAD" else ""
    if tag == "PIA":
        draft.add_ids(seg, range(2, 7))
    elif tag == "IMD":
        description(draft, seg)
    elif tag == "QTY":
        quantity(draft, seg, number)
    elif tag == "PRI":
        price(draft, seg, number)
    elif tag == "DTM" and draft.context not in ("schedule", "alc", "party"):
        when = read_date(seg)
        if when is not None and seg.comp(1, 1) in ("2", "69", "64", "63") and draft.context == "":
            rank = codes.HEADER_DATES[seg.comp(1, 1)][1]
            if (
                draft.line.requested_delivery_date is None
                or draft.line.confidence.get("requested_delivery_date", 0) < rank
            ):
                put(draft.line, "requested_delivery_date", when, seg, rank)
        elif when is not None:
            name = codes.DATE_REFERENCES.get(seg.comp(1, 1), f"date {seg.comp(1, 1)}")
            draft.notes.append(f"{name} {when.isoformat()}")
    elif tag == "MOA" and seg.comp(1, 1) == "203" and draft.context == "":
        value = number(seg, 1, 2, "line amount")
        if value is not None:
            draft.amount = (value, seg)
    elif tag == "FTX":
        text = " ".join(" ".join(t for t in seg.components(4) if t.strip()).split())
        if text:
            draft.texts.append((text, seg))
    elif tag == "ALC":
        draft.notes.append(allowance_text(seg))
    elif tag == "PCD":
        draft.notes.append(f"percentage {seg.comp(1, 1)} {seg.comp(1, 2)}%")
    elif tag != "DTM":
        draft.notes.append(seg.text())


def allowance_text(seg: Segment) -> str:
    kind = {"A": "allowance", "C": "charge", "N": "no allowance or charge"}.get(seg.el(1).upper(), seg.el(1))
    service = seg.comp(5, 1)
    named = seg.comp(5, 4) or codes.SERVICE_NAMES.get(service.upper(), "")
    return " ".join(p for p in (kind, service, named, seg.comp(2, 2)) if p)


def close_line(draft: LineDraft) -> None:
    """Sort the item numbers, choose the description, check the line amount."""
    line, used = draft.line, set()
    for name, wanted in (("buyer_part_number", codes.BUYER_PART), ("vendor_part_number", codes.VENDOR_PART)):
        ranked = [(wanted.index(k), i) for i, (k, _v, _s) in enumerate(draft.ids) if k in wanted]
        if ranked:
            i = min(ranked)[1]
            used.add(i)
            put(line, name, draft.ids[i][1], draft.ids[i][2])
    for i, (kind, value, seg) in enumerate(draft.ids):
        if i in used:
            continue
        gtin = value if value.isascii() and is_valid_gtin(value) else None
        if kind in codes.GTIN_TYPES and gtin and line.upc is None:
            put(line, "upc", gtin, seg)
        elif kind == "IB" and line.upc is None and (isbn := isbn_gtin(value)):
            put(line, "upc", isbn, seg)
            draft.notes.append(f"ISBN {value}")
        elif not kind and gtin and line.upc is None:
            put(line, "upc", gtin, seg, 0.8)
        else:
            name = codes.ITEM_TYPES.get(kind, f"item number type {kind or '(none)'}")
            invalid = "invalid " if kind in codes.GTIN_TYPES and not gtin else ""
            draft.notes.append(f"{invalid}{name} {value}")
    if draft.descriptions:
        ordered = sorted(draft.descriptions, key=lambda d: d[0])
        put(line, "description", "; ".join(d[1] for d in ordered), ordered[0][2])
        draft.notes.extend(text for text, _seg in draft.texts)
    elif draft.texts:
        put(line, "description", "; ".join(t for t, _s in draft.texts), draft.texts[0][1], 0.8)
    if draft.amount is not None and line.quantity is not None and line.unit_price is not None:
        declared, seg = draft.amount
        if abs(declared - line.quantity * line.unit_price) > Decimal("0.01"):
            draft.notes.append(
                f"MOA 203 line amount {plain(declared)} differs from quantity \u00d7 price "
                f"{plain(line.quantity * line.unit_price)}"
            )
            line.confidence["unit_price"] = min(line.confidence.get("unit_price", 1.0), 0.5)
    elif draft.amount is not None:
        draft.notes.append(f"line amount {plain(draft.amount[0])}")
