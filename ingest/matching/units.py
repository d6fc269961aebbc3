"""Units and prices of a matched line: the ordered quantity in the unit we sell, and the line's
price against the price list. A case of 12 ordered as 12 EA or as 1 CA is the same order."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ingest.domain.masterdata import Product
from ingest.domain.order import OrderLine

EACH = "EA"
FIXED_FACTORS = {("DZ", EACH): Decimal(12), ("PR", EACH): Decimal(2)}


@dataclass(frozen=True)
class UnitCheck:
    """The line in the product's unit, and the problems a clerk must look at (empty when none)."""

    quantity: Decimal | None
    uom: str | None
    problems: tuple[str, ...] = ()
    explanation: str | None = None


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def factor(from_uom: str, to_uom: str, pack_size: Decimal | None) -> Decimal | None:
    """How many ``to_uom`` one ``from_uom`` is, or None when it cannot be known."""
    if from_uom == to_uom:
        return Decimal(1)
    if (from_uom, to_uom) in FIXED_FACTORS:
        return FIXED_FACTORS[(from_uom, to_uom)]
    if (to_uom, from_uom) in FIXED_FACTORS:
        return 1 / FIXED_FACTORS[(to_uom, from_uom)]
    if pack_size is None:
        return None
    if from_uom == EACH:  # eaches into the product's pack unit
        return 1 / pack_size
    if to_uom == EACH:  # a pack of the product's unit into eaches
        return pack_size
    return None


def check_units(line: OrderLine, product: Product, price_tolerance: Decimal) -> UnitCheck:
    """Convert the ordered quantity and price into the product's unit and compare with the list."""
    target = product.uom
    if line.uom is None or target is None or line.quantity is None:
        return UnitCheck(
            quantity=line.quantity,
            uom=target or line.uom,
            problems=_price(line, product, Decimal(1), target, price_tolerance),
        )
    ratio = factor(line.uom, target, product.pack_size)
    if ratio is None:
        pack = f" (pack size {_fmt(product.pack_size)})" if product.pack_size else " (no pack size)"
        return UnitCheck(
            quantity=None,
            uom=None,
            problems=(f"ordered in {line.uom}, sold in {target}{pack}: the units cannot be converted",),
        )
    quantity = line.quantity * ratio
    problems: list[str] = []
    explanation = None
    if ratio != 1:
        explanation = f"{_fmt(line.quantity)} {line.uom} = {_fmt(quantity)} {target}"
        if quantity != quantity.to_integral_value():
            problems.append(
                f"{_fmt(line.quantity)} {line.uom} is {_fmt(quantity.quantize(Decimal('0.001')))} {target}, "
                f"not a whole number of {target} of {_fmt(product.pack_size or Decimal(1))}"
            )
    problems += _price(line, product, ratio, target, price_tolerance)
    return UnitCheck(quantity=quantity, uom=target, problems=tuple(problems), explanation=explanation)


def _price(
    line: OrderLine, product: Product, ratio: Decimal, target: str | None, tolerance: Decimal
) -> tuple[str, ...]:
    if line.unit_price is None or product.unit_price is None or ratio == 0:
        return ()
    per_target = line.unit_price / ratio
    listed = product.unit_price
    if listed == 0:
        return () if per_target == 0 else (f"price {_fmt(line.unit_price)} but the price list says 0",)
    difference = abs(per_target - listed) / listed
    if difference <= tolerance:
        return ()
    unit = f" per {target}" if target else ""
    return (
        f"price {_fmt(per_target.quantize(Decimal('0.0001')))}{unit} differs from the price list "
        f"{_fmt(listed)} by {_fmt((difference * 100).quantize(Decimal('0.1')))}% "
        f"(tolerance {_fmt(tolerance * 100)}%)",
    )
