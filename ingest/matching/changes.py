"""Change orders: what a change or cancellation does to the order it refers to, line by line."""

from __future__ import annotations

from decimal import Decimal

from ingest.domain.order import Order, OrderLine


def _fmt(value: Decimal | None) -> str:
    return "?" if value is None else format(value.normalize(), "f")


def _part(line: OrderLine) -> str:
    return line.vendor_part_number or line.buyer_part_number or line.upc or line.description or "?"


def _key(line: OrderLine) -> str | None:
    return line.line_number.lstrip("0") or "0" if line.line_number else None


def _find(original: Order, line: OrderLine) -> OrderLine | None:
    key = _key(line)
    for candidate in original.lines:
        if key is not None and _key(candidate) == key:
            return candidate
    for candidate in original.lines:
        if _part(candidate) == _part(line) and _part(line) != "?":
            return candidate
    return None


def describe_change(original: Order, change: Order) -> list[str]:
    """Readable differences, one per changed line (``line 2: quantity 10 → 40``)."""
    if change.purpose == "cancellation":
        return [f"cancels PO {original.po_number} ({len(original.lines)} lines)"]
    out: list[str] = []
    for line in change.lines:
        label = f"line {line.line_number or '?'}"
        before = _find(original, line)
        if line.change == "add" or (before is None and line.change is None):
            out.append(
                f"{label}: add {_fmt(line.quantity)} {line.uom or ''} of {_part(line)}".replace("  ", " ")
            )
            continue
        if before is None:
            out.append(f"{label}: {line.change} of a line that is not on the original order")
            continue
        if line.change == "delete":
            out.append(f"{label}: delete ({_fmt(before.quantity)} {before.uom or ''} of {_part(before)})")
            continue
        diffs = []
        if line.quantity is not None and line.quantity != before.quantity:
            diffs.append(f"quantity {_fmt(before.quantity)} → {_fmt(line.quantity)}")
        if line.unit_price is not None and line.unit_price != before.unit_price:
            diffs.append(f"price {_fmt(before.unit_price)} → {_fmt(line.unit_price)}")
        if line.uom is not None and before.uom is not None and line.uom != before.uom:
            diffs.append(f"unit {before.uom} → {line.uom}")
        if _part(line) != "?" and _part(line) != _part(before):
            diffs.append(f"item {_part(before)} → {_part(line)}")
        if line.requested_delivery_date and line.requested_delivery_date != before.requested_delivery_date:
            diffs.append(f"delivery {before.requested_delivery_date or '?'} → {line.requested_delivery_date}")
        if diffs:
            out.append(f"{label}: " + ", ".join(diffs))
    return out
