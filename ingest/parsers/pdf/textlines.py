"""Order lines written as running text rather than a table (a printed email, a letter):

    4 ea Duplex Receptacle 15A [ELE-50027] @ $3.10/ea
    - [ELE-50057] EMT Set Screw Connector 1/2 in, qty 5 bx at $15.17
    1) Hex Lag Screw 3/8" x 4" Zinc Plated [FAS-10103-ZP] - 3 x pk - $29.34 ea
    2 x Widget [SKU-1] @ 3.50

A line is read when it has both a quantity and a unit price; the part number is the bracketed code,
the description the longest stretch of text left over."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.domain.order import OrderLine
from ingest.domain.uom import canonical_uom
from ingest.parsers.pdf.geometry import DocView, box
from ingest.parsers.pdf.model import Line

_NUM = r"\d[\d,.']*"
_BULLET = re.compile("^\\s*(?:[-*•·\u2013]|" r"\(?\d{1,3}[.)])\s+")
_PART = re.compile(r"\[\s*([^\]\s]{2,40})\s*\]")
_PRICE = re.compile(
    rf"(?:(?:@|\bat\b|\bje\b|\bà\b|\ba\b)\s*)?(?:[$€£]|USD|EUR|GBP)\s?({_NUM})(?:\s?(?:[$€£]|USD|EUR))?"
    rf"(?:\s*(?:/\s*|\bper\s+|\beach\b|\bea\b)([A-Za-z]{{0,6}}))?"
    rf"|(?:@|\bat\b)\s*({_NUM})(?:\s*(?:/\s*|\bper\s+)([A-Za-z]{{1,6}}))?",
    re.IGNORECASE,
)
_QTY_WORD = re.compile(
    rf"\b(?:qty|quantity|menge|cantidad|qte|quantite)\.?\s*:?\s*({_NUM})(?:\s+([A-Za-z]{{1,6}})\b)?",
    re.IGNORECASE,
)
_QTY_TIMES = re.compile(rf"(?<!\S)({_NUM})\s*([x\u00d7])\s+(?:([A-Za-z]{{1,6}})\b)?", re.IGNORECASE)
_QTY_LEAD = re.compile(rf"^({_NUM})\s+([A-Za-z]{{1,6}})\b")
_SEPARATORS = " \t-\u2013,;:@|"


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    value: str
    unit: str | None


def _unit(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return canonical_uom(text.rstrip("."))
    except ValueError:
        return None


def _quantity(text: str, taken: list[tuple[int, int]]) -> _Hit | None:
    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in _QTY_WORD.finditer(text):
        if free(m):
            unit = _unit(m[2])
            end = m.end() if unit else m.end(1)
            return _Hit(m.start(), end, m[1], unit)
    times = [m for m in _QTY_TIMES.finditer(text) if free(m)]
    if times:
        m = times[-1]  # nearest the price: a "3/8 x 4" in the description comes earlier
        unit = _unit(m[3])
        return _Hit(m.start(), m.end() if unit else m.end(2), m[1], unit)
    lead = _QTY_LEAD.match(text)
    if lead and free(lead) and (unit := _unit(lead[2])) is not None:
        return _Hit(lead.start(), lead.end(), lead[1], unit)
    return None


def _price(text: str) -> _Hit | None:
    found = list(_PRICE.finditer(text))
    if not found:
        return None
    m = found[-1]
    value = m[1] or m[3]
    return _Hit(m.start(), m.end(), value, _unit(m[2] or m[4]))


def read_text_line(view: DocView, line: Line) -> OrderLine | None:
    """The order line one line of running text describes, or None."""
    raw = line.text
    bullet = _BULLET.match(raw)
    text = raw[bullet.end() :] if bullet else raw
    price = _price(text)
    if price is None:
        return None
    taken = [(price.start, price.end)]
    part = _PART.search(text)
    if part:
        taken.append((part.start(), part.end()))
    qty = _quantity(text, taken)
    if qty is None:
        return None
    quantity, unit_price = view.number(qty.value), view.number(price.value)
    if quantity is None or unit_price is None or quantity <= 0:
        return None
    taken.append((qty.start, qty.end))
    chunks, pos = [], 0
    for a, b in sorted(taken):
        chunks.append(text[pos:a])
        pos = max(pos, b)
    chunks.append(text[pos:])
    description = max((c.strip(_SEPARATORS) for c in chunks), key=len, default="")
    if re.fullmatch(r"(?:ea|each|per \w+)?", description, re.IGNORECASE):
        description = ""
    words = list(line.words)
    where = box(words)
    conf = view.confidence(0.75, words)
    out = OrderLine(quantity=quantity, unit_price=unit_price)
    out.uom = qty.unit or price.unit
    out.vendor_part_number = part[1] if part else None
    out.description = description or None
    names = ["quantity", "unit_price"] + [n for n in ("uom", "vendor_part_number", "description")
                                          if getattr(out, n) is not None]  # fmt: skip
    out.confidence = dict.fromkeys(names, conf)
    out.provenance = dict.fromkeys(names, where)
    return out


def read_text_lines(view: DocView) -> list[tuple[OrderLine, Decimal]]:
    """Every order line written as text in the document, with its amount (quantity x price)."""
    out: list[tuple[OrderLine, Decimal]] = []
    for lines in view.lines.values():
        for line in lines:
            read = read_text_line(view, line)
            if read is not None and read.quantity is not None and read.unit_price is not None:
                out.append((read, read.quantity * read.unit_price))
    return out


__all__ = ["read_text_line", "read_text_lines"]
