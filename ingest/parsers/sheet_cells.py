"""Typed values from sheet cells: the file's number and date habits, and one reader per field.

Every reader takes the cell text and returns the value or raises ``ValueError`` whose message
completes "row 7, column 'Qty': ..." for the clerk.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ingest.domain.identifiers import is_valid_gtin
from ingest.domain.uom import canonical_uom
from ingest.parsers.values import date_order_ambiguous, parse_date, parse_decimal

_NULLS = frozenset({"null", "n/a", "#n/a", "nan", "none", "nil"})
_DASHES = frozenset({"-", "--", "—"})
_CURRENCY_WORDS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "EURO": "EUR",
    "EUROS": "EUR",
}
_ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Habits:
    """How this file prints numbers and dates."""

    decimal_comma: bool | None = None
    day_first: bool | None = None


def cell_text(text: str, *, typed: bool) -> str:
    """The cell with null markers ("NULL", "N/A") removed; a lone dash is empty in typed fields."""
    value = text.strip()
    if value.lower() in _NULLS or (typed and value in _DASHES):
        return ""
    return value


def infer_decimal_comma(values: Iterable[str], delimiter: str | None) -> bool | None:
    """Whether the file's numbers use a decimal comma, by majority of the unambiguous ones
    ("1.234,56", "3,5", "1,234,567"); undecided files that use ';' are taken as decimal-comma."""
    votes: Counter[str] = Counter()
    for value in values:
        body = re.sub(r"[^\d.,]", "", value)
        seps = [c for c in body if c in ".,"]
        if not seps:
            continue
        last = seps[-1]
        if len(set(seps)) == 2:
            votes[last] += 1
        elif len(seps) > 1:
            votes["." if last == "," else ","] += 1
        elif len(body.rsplit(last, 1)[1]) != 3:
            votes[last] += 1
    if votes[","] != votes["."]:
        return votes[","] > votes["."]
    return True if delimiter == ";" else None


def read_quantity(text: str, habits: Habits) -> Decimal:
    value = parse_decimal(text, decimal_comma=habits.decimal_comma)
    if value < 0:
        raise ValueError(f"{text!r} is a negative quantity")
    return value


def read_amount(text: str, habits: Habits) -> Decimal:
    return parse_decimal(text, decimal_comma=habits.decimal_comma)


def read_uom(text: str, habits: Habits) -> str:
    try:
        return canonical_uom(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a known unit of measure") from exc


def read_upc(text: str, habits: Habits) -> str:
    digits = re.sub(r"[\s\-]", "", text)
    if is_valid_gtin(digits):
        return digits
    if len(digits) == 11 and is_valid_gtin("0" + digits):  # a spreadsheet dropped the leading zero
        return "0" + digits
    raise ValueError(f"{text!r} is not a valid UPC/EAN/GTIN")


def read_date(text: str, habits: Habits) -> date:
    return parse_date(text, habits.day_first)


def read_text(text: str, habits: Habits) -> str:
    return text


def read_currency(text: str, habits: Habits) -> str:
    code = _CURRENCY_WORDS.get(text.strip().upper(), text.strip().upper())
    if not _ISO_CURRENCY.match(code):
        raise ValueError(f"{text!r} is not a currency code")
    return code


Reader = Callable[[str, Habits], object]

# Field -> how its cells are read. Fields not listed are plain text.
READERS: dict[str, Reader] = {
    "quantity": read_quantity,
    "unit_price": read_amount,
    "amount": read_amount,
    "uom": read_uom,
    "upc": read_upc,
    "delivery_date": read_date,
    "po_date": read_date,
    "requested_ship_date": read_date,
    "currency": read_currency,
}


def reader_for(field: str) -> Reader:
    return READERS.get(field, read_text)


def is_typed(field: str) -> bool:
    return field in READERS


def confidence_for(field: str, text: str, habits: Habits, base: float) -> float:
    """The column's confidence, lowered for a date whose day/month order was guessed, or a UPC
    whose lost leading zero was restored."""
    if READERS.get(field) is read_date and habits.day_first is None and date_order_ambiguous(text):
        return min(base, 0.7)
    if field == "upc" and len(re.sub(r"[\s\-]", "", text)) == 11:
        return min(base, 0.9)
    return base


def read_cell(field: str, text: str, habits: Habits) -> object:
    """The typed value of a non-empty cell (raises ValueError with a message for the clerk)."""
    return reader_for(field)(text, habits)


_SUMMARY: dict[str, tuple[str, ...]] = {
    "total": ("total", "grand total", "order total", "po total", "total amount", "total due", "invoice total",
              "total order", "total value", "gesamt", "gesamtsumme", "gesamtbetrag", "summe", "total general",
              "montant total", "importe total"),
    "subtotal": ("subtotal", "sub total", "merchandise total", "items total", "zwischensumme", "sous total"),
    "freight": ("freight", "shipping", "shipping and handling", "shipping handling", "s h", "s and h",
                "delivery charge", "delivery fee", "fracht", "frachtkosten", "versand", "versandkosten",
                "porto", "frais de port", "transport", "envio", "flete"),
    "tax": ("tax", "sales tax", "vat", "gst", "hst", "pst", "mwst", "ust", "iva", "tva", "steuer"),
    "discount": ("discount", "less discount", "rabatt", "skonto", "remise", "descuento"),
    "other": ("handling", "handling fee", "handling charge", "surcharge", "fuel surcharge", "small order fee",
              "small order charge", "restocking fee", "environmental fee", "setup fee", "minimum order fee"),
}  # fmt: skip
_COUNT_WORDS = frozenset({"qty", "quantity", "items", "lines", "units", "weight", "pieces", "cases"})


def summary_kind(label: str, *, exact: bool = False) -> str | None:
    """'total', 'subtotal', 'freight', 'tax', 'discount' or 'other' when a cell labels a summary or
    charge row ("Total", "Sales Tax 8.25%", "Freight - UPS Ground"), else None. ``exact`` allows
    only figures after the label ("Sales Tax 8%", not "Shipping Tape")."""
    words = re.findall(r"[a-z0-9]+", label.lower().replace("&", " and "))
    best: tuple[int, str] | None = None
    for kind, phrases in _SUMMARY.items():
        for phrase in phrases:
            p = phrase.split()
            if words[: len(p)] == p and (best is None or len(p) > best[0]):
                best = (len(p), kind)
    if best is None:
        return None
    size, kind = best
    rest = words[size:]
    if exact and any(w.isalpha() for w in rest):
        return None
    if kind == "total" and any(w in _COUNT_WORDS for w in rest):
        return "subtotal"  # "Total Qty: 35" counts pieces, not money
    if kind in ("total", "subtotal") and any(
        w.isalpha() and w not in ("amount", "due", "usd", "eur") for w in rest
    ):
        return None
    return kind
