"""EDIFACT values: numbers with the interchange's decimal mark, dates in the DTM formats (code
list 2379), units of measure (UN/ECE Recommendation 20) as the model's canonical codes."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ingest.domain.uom import canonical_uom

_NUMBER = {
    ".": re.compile(r"-?(?:\d+\.?\d*|\.\d+)", re.ASCII),
    ",": re.compile(r"-?(?:\d+,?\d*|,\d+)", re.ASCII),
}


def number(value: str, mark: str) -> Decimal | None:
    """A numeric value written with ``mark`` ('.' or ',') as decimal mark ("12", "-1.5", "27,50");
    None when it is not one (a thousands separator or the other mark included)."""
    text = value.strip()
    pattern = _NUMBER.get(mark)
    if pattern is None or len(text) > 40 or not pattern.fullmatch(text):
        return None
    return Decimal(text.replace(",", "."))


def plain(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 1.000 -> "1", 2.50 -> "2.5"."""
    return format(value.normalize(), "f")


# Format code (2379) -> (length of one date, where year/month/day are, two-digit year).
_LAYOUTS: dict[str, tuple[int, str]] = {
    "102": (8, "CCYYMMDD"),
    "203": (12, "CCYYMMDD"),
    "204": (14, "CCYYMMDD"),
    "205": (16, "CCYYMMDD"),  # CCYYMMDDHHMMZHHM
    "303": (15, "CCYYMMDD"),  # CCYYMMDDHHMMZZZ
    "304": (17, "CCYYMMDD"),  # CCYYMMDDHHMMSSZZZ
    "101": (6, "YYMMDD"),
    "201": (10, "YYMMDD"),
    "2": (6, "DDMMYY"),
    "3": (6, "MMDDYY"),
    "4": (8, "DDMMCCYY"),
}
RANGES = {"718": "102", "719": "203", "720": "204", "717": "201", "711": "101"}  # from-to formats
_GUESS = {8: "102", 12: "203", 14: "204", 6: "101"}


def _one(text: str, layout: str) -> date | None:
    try:
        if layout == "CCYYMMDD":
            return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
        if layout == "DDMMCCYY":
            return date(int(text[4:8]), int(text[2:4]), int(text[0:2]))
        yy, rest = (text[4:6], text[0:4]) if layout in ("DDMMYY", "MMDDYY") else (text[0:2], text[2:6])
        year = int(yy) + (2000 if int(yy) < 50 else 1900)
        if layout == "DDMMYY":
            return date(year, int(rest[2:4]), int(rest[0:2]))
        if layout == "MMDDYY":
            return date(year, int(rest[0:2]), int(rest[2:4]))
        return date(year, int(rest[0:2]), int(rest[2:4]))
    except ValueError:
        return None


def parse_date(value: str, fmt: str) -> tuple[date, date | None] | str:
    """A DTM value in format ``fmt`` -> (date, end date of a range or None), or why it is not one.
    With no format the length decides (8 digits CCYYMMDD, 12 CCYYMMDDHHMM, 6 YYMMDD)."""
    text = value.strip()
    fmt = fmt.strip() or _GUESS.get(len(text), "")
    if fmt in RANGES:
        single = RANGES[fmt]
        width = _LAYOUTS[single][0]
        parts = text.split("-") if "-" in text else [text[:width], text[width:]]
        if len(parts) != 2:
            return f"{value!r} is not a date range in format {fmt}"
        first, second = parse_date(parts[0], single), parse_date(parts[1], single)
        if isinstance(first, str) or isinstance(second, str):
            return f"{value!r} is not a valid date range in format {fmt}"
        return first[0], second[0]
    if fmt not in _LAYOUTS:
        return f"date format {fmt or '(none)'} is not one this reader knows"
    width, layout = _LAYOUTS[fmt]
    digits = text[:width] if fmt in ("303", "304", "205") else text
    if not (digits.isascii() and digits.isdigit() and len(digits) == width) and not (
        fmt in ("303", "304", "205") and text[:8].isdigit() and len(text) >= 8
    ):
        return f"{value!r} is not a valid date in format {fmt} ({layout})"
    when = _one(digits, layout)
    return (when, None) if when is not None else f"{value!r} is not a valid date in format {fmt} ({layout})"


# UN/ECE Recommendation 20 (and 21) unit codes -> canonical codes (X12 355 where one exists).
_REC20 = {
    "PCE": "EA", "C62": "EA", "H87": "EA", "NAR": "EA", "NIU": "EA", "NMB": "EA", "PCS": "EA",
    "EA": "EA", "CT": "CA", "CS": "CA", "CR": "CA", "BX": "BX", "PA": "PK", "PK": "PK", "DZN": "DZ",
    "PR": "PR", "PAI": "PR", "RO": "RL", "BG": "BG", "BO": "BO", "CA": "CN", "CAN": "CN", "DR": "DR",
    "KGM": "KG", "GRM": "GR", "LBR": "LB", "LTR": "LT", "MTR": "MR", "FOT": "FT", "GLL": "GA",
    "SET": "ST", "KT": "KT", "PF": "PL", "PX": "PL", "PL": "PL", "HUR": "HR", "ST": "SH", "TU": "TB",
}  # fmt: skip


def unit(code: str) -> str | None:
    """A 6411 unit code as a canonical unit, or None when it has none."""
    key = code.strip().upper()
    if not key:
        return None
    if key in _REC20:
        return _REC20[key]
    try:
        return canonical_uom(key)
    except ValueError:
        return None
