"""Repairs for what a scan's reading loses on an order line: a unit with one look-alike letter,
a quantity or a unit price with a glyph lost or mistaken, rebuilt from the amounts when they agree
with the printed total. Every repaired value gets a confidence that sends the line to a clerk."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ingest.domain.order import Order, OrderLine, PageBox
from ingest.domain.uom import canonical_uom
from ingest.parsers.pdf.geometry import DocView, box
from ingest.parsers.pdf.model import Word

_CENT = Decimal("0.01")
# small letters a scan's reading confuses with each other: "pes" for "pcs", "bx" for "hx"
_OCR_LETTERS = {"e": "c", "c": "e", "h": "b", "b": "h", "l": "i", "i": "l", "0": "o", "5": "s", "1": "l"}


def lookalike_uom(texts: Sequence[str]) -> str | None:
    """A unit of measure written with one letter read as a look-alike ("pes" for "pcs")."""
    for text in texts:
        if not 2 <= len(text) <= 4:
            continue
        for k, c in enumerate(text):
            if c in _OCR_LETTERS:
                try:
                    return canonical_uom(text[:k] + _OCR_LETTERS[c] + text[k + 1 :])
                except ValueError:
                    continue
    return None


def misread_quantity(
    line: OrderLine,
    amount: Decimal | None,
    conf: dict[str, float],
    prov: dict[str, PageBox],
    words: Sequence[Word],
) -> None:
    """The quantity of a scanned line whose quantity cell holds something that does not read as a
    number ("18°" for "15") or nothing (a lone "1" is the glyph a reading loses most): the amount
    over the unit price when that is a whole number, at a low confidence."""
    if amount is None or not line.unit_price or amount <= 0:
        return
    count = (amount / line.unit_price).to_integral_value()
    if count <= 0 or abs(count * line.unit_price - amount) > _CENT:
        return
    line.quantity = count
    conf["quantity"] = 0.5
    if words:
        prov["quantity"] = box(words)


def misread_prices(view: DocView, order: Order, amounts: list[Decimal | None], charges: Decimal) -> None:
    """Unit prices of a scanned order that disagree with quantity x price = amount while the
    amounts add up to the printed total: the price read with a glyph lost or mistaken ("28.5" for
    28.51, "412.42" for 112.42) is the amount over the quantity, at a low confidence."""
    if order.total_amount is None or not amounts or any(a is None for a in amounts):
        return
    if abs(sum(a for a in amounts if a is not None) + charges - order.total_amount) > _CENT:
        return
    for line, amount in zip(order.lines, amounts, strict=True):
        where = line.provenance.get("unit_price")
        if amount is None or not line.quantity or line.unit_price is None or not isinstance(where, PageBox):
            continue
        if where.page not in view.ocr_pages or abs(line.quantity * line.unit_price - amount) <= _CENT:
            continue
        price = amount / line.quantity
        if price <= 0 or price != price.quantize(Decimal("0.0001")):
            continue
        text = f"{price.quantize(Decimal('0.0001')):f}".rstrip("0").rstrip(".")
        if not _one_slip(f"{line.unit_price:f}", text):
            continue
        what = line.description or line.vendor_part_number or line.line_number or "?"
        note = (
            f"line {what!s}: quantity {line.quantity} x unit price {line.unit_price} = "
            f"{line.quantity * line.unit_price}, but the amount printed is {amount}"
        )
        order.notes = [n for n in order.notes if n != note]
        line.unit_price = Decimal(text)
        line.confidence = {**line.confidence, "unit_price": 0.6, "quantity": 0.6}


def _one_slip(read: str, meant: str) -> bool:
    """``read`` is ``meant`` with one glyph mistaken, or with glyphs lost ("4" for "19.4")."""
    if len(read) == len(meant):
        return sum(a != b for a, b in zip(read, meant, strict=True)) == 1
    if len(read) > len(meant):
        return False
    it = iter(meant)
    return all(c in it for c in read)
