"""Readers for numbers and dates as people and ERPs print them: pure, reused by every parser.

``parse_decimal`` reads "1,234.56", "1.234,56", "1 234,56", "1'234.56", "$12.50", "12.50 USD",
"(5.00)" and ".00" into a :class:`~decimal.Decimal` (never a float). ``parse_date`` reads ISO,
compact, numeric D/M/Y or M/D/Y, and written-out month dates; ``infer_day_first`` decides the
day/month order of a whole column. Both raise ``ValueError`` with a message meant for a person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

# ---------------------------------------------------------------------------------------------
# Numbers

_SPACE_MARKS = " \u00a0\u202f\u2009"
_GROUP_MARKS = _SPACE_MARKS + "'\u2019"
_CURRENCY_SYMBOLS = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_LEADING_CURRENCY = re.compile(r"^(?:US\$|[$€£¥₹]|[A-Z]{3}(?![A-Za-z]))\s*")
_TRAILING_CURRENCY = re.compile(r"(?<![A-Za-z])\s*(?:US\$|[$€£¥₹]|[A-Z]{3})$")
_NUMBER_CHARS = re.compile(r"^[0-9.,'\u2019 \u00a0\u202f\u2009]+$")
_MINUS_SIGNS = "-\u2212\u2013"


def _strip_affixes(text: str) -> tuple[str, bool]:
    """Remove currency marks, signs and accounting parentheses; return (body, negative)."""
    s = text.strip()
    negative = False
    for _ in range(6):
        before = s
        if len(s) > 2 and s[0] == "(" and s[-1] == ")":
            s, negative = s[1:-1].strip(), not negative
        if s[:1] in _MINUS_SIGNS:
            s, negative = s[1:].strip(), not negative
        elif s[:1] == "+":
            s = s[1:].strip()
        elif s[-1:] in _MINUS_SIGNS and len(s) > 1:
            s, negative = s[:-1].strip(), not negative
        s = _LEADING_CURRENCY.sub("", s, count=1)
        s = _TRAILING_CURRENCY.sub("", s, count=1).strip()
        if s == before:
            break
    return s, negative


def _decimal_separator(body: str, decimal_comma: bool | None) -> str | None:
    """Which of '.' and ',' separates the decimals in ``body`` (None: it has no decimals)."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if not dots and not commas:
        return None
    sep = "." if dots else ","
    if body.count(sep) > 1:
        return None  # "1,234,567" or "1.234.567": grouping only
    int_part, frac = body.split(sep)
    int_digits = "".join(ch for ch in int_part if ch.isdigit())
    spaced = any(ch in _GROUP_MARKS for ch in int_part)
    if len(frac) != 3 or int_digits in ("", "0") or len(int_digits) > 3 or spaced:
        return sep
    # "1,234" or "1.234": a thousands group or three decimals; the file's habit decides.
    if decimal_comma is None:
        return "." if sep == "." else None
    wanted = "," if decimal_comma else "."
    return sep if sep == wanted else None


def parse_decimal(text: str, *, decimal_comma: bool | None = None) -> Decimal:
    """Read a printed number. ``decimal_comma`` settles "1,234" / "1.234" when the file's habit is
    known (True: the comma marks decimals); without it a lone comma before three digits groups
    thousands and a lone dot marks decimals."""
    if not text.strip():
        raise ValueError("an empty value is not a number")
    body, negative = _strip_affixes(text)
    if not body or not _NUMBER_CHARS.match(body) or not any(ch.isdigit() for ch in body):
        raise ValueError(f"{text.strip()!r} is not a number")
    sep = _decimal_separator(body, decimal_comma)
    if sep is None:
        int_part, frac = body, ""
    else:
        int_part, _, frac = body.rpartition(sep)
        if body.count(sep) > 1 or (not frac.isdigit() and frac != ""):
            raise ValueError(f"{text.strip()!r} is not a number")
    groups = re.split(r"[.,'\u2019 \u00a0\u202f\u2009]", int_part)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 or not g.isdigit() for g in groups[1:])
    ):
        raise ValueError(f"{text.strip()!r} is not a number (digit groups are not of three)")
    digits = "".join(groups)
    if not digits.isdigit() and digits != "":
        raise ValueError(f"{text.strip()!r} is not a number")
    if not digits and not frac:
        raise ValueError(f"{text.strip()!r} is not a number")
    try:
        value = Decimal(f"{digits or '0'}.{frac}" if sep is not None else digits)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the checks above
        raise ValueError(f"{text.strip()!r} is not a number") from exc
    return -value if negative else value


def currency_of(text: str) -> str | None:
    """The ISO currency a printed amount carries ("$12.50" -> "USD", "12,50 EUR" -> "EUR")."""
    s = text.strip().strip("()-+ ")
    for pattern in (_LEADING_CURRENCY, _TRAILING_CURRENCY):
        found = pattern.search(s)
        if found and found.group().strip():
            mark = found.group().strip()
            return _CURRENCY_SYMBOLS.get(mark, mark if mark.isalpha() else None)
    return None


# ---------------------------------------------------------------------------------------------
# Dates

_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "januar", "janner", "janvier", "enero"),
    ("february", "februar", "fevrier", "febrero"),
    ("march", "marz", "maerz", "mars", "marzo"),
    ("april", "avril", "abril"),
    ("may", "mai", "mayo"),
    ("june", "juni", "juin", "junio"),
    ("july", "juli", "juillet", "julio"),
    ("august", "aout", "agosto"),
    ("september", "septembre", "septiembre", "setiembre"),
    ("october", "oktober", "octobre", "octubre"),
    ("november", "novembre", "noviembre"),
    ("december", "dezember", "decembre", "diciembre"),
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(
    r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_YEAR_FIRST = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})$")


def _fold(text: str) -> str:
    """Lower case without accents: 'Février' -> 'fevrier'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def month_number(token: str) -> int | None:
    """The month a name or abbreviation (3+ letters, English/German/French/Spanish) means."""
    word = _fold(token).rstrip(".")
    if len(word) < 3 or not word.isalpha():
        return None
    found = {n for n, names in enumerate(_MONTH_NAMES, 1) for name in names if name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _strip_time(text: str) -> str:
    return _TIME.sub("", text.strip()).strip()


def _full_year(year: int, digits: int) -> int:
    if digits > 2:
        return year
    return 2000 + year if year < 70 else 1900 + year


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        reason = f"month {month} does not exist" if not 1 <= month <= 12 else str(exc)
        raise ValueError(f"{text.strip()!r} is not a valid date ({reason})") from exc


def _parse_worded(text: str, s: str) -> date:
    tokens = [t for t in re.split(r"[\s,/\-.]+", _fold(s)) if t]
    tokens = [re.sub(r"^(\d+)(st|nd|rd|th|er)$", r"\1", t) for t in tokens]
    tokens = [t for t in tokens if not any(w.startswith(t) and len(t) >= 3 for w in _WEEKDAYS)]
    tokens = [t for t in tokens if t not in ("de", "of", "le", "the")]
    months = [(i, m) for i, t in enumerate(tokens) if (m := month_number(t)) is not None]
    numbers = [(i, t) for i, t in enumerate(tokens) if t.isdigit()]
    if len(months) != 1 or len(numbers) != 2 or len(tokens) != 3:
        raise ValueError(f"{text.strip()!r} is not a date I can read")
    month_pos, month = months[0]
    (first_pos, first), (_, second) = numbers
    if len(first) == 4 or int(first) > 31:
        year_text, day_text = first, second
    elif len(second) == 4 or month_pos < first_pos or month_pos == 1:
        # "March 4, 2026", "4 Mar 2026", "04-Mar-26": the day is the number nearer the front
        day_text, year_text = first, second
    else:
        raise ValueError(f"{text.strip()!r} is not a date I can read")
    return _make_date(_full_year(int(year_text), len(year_text)), month, int(day_text), text)


def parse_date(text: str, day_first: bool | None = None) -> date:
    """Read a printed date; a time part is ignored.

    ``day_first`` gives the order of a numeric "03/04/2026": True for day/month, False for
    month/day, None to decide from the value (a first part over 12 is a day; dots mean
    day-first) and otherwise read it month-first.
    """
    s = _strip_time(text)
    if not s:
        raise ValueError("an empty value is not a date")
    if m := _YEAR_FIRST.match(s):
        return _make_date(int(m[1]), int(m[3]), int(m[4]), text)
    if m := _COMPACT.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _NUMERIC.match(s):
        a, sep, b, year = int(m[1]), m[2], int(m[3]), m[4]
        if day_first is None:
            day_first = a > 12 or (b <= 12 and sep == ".")
        day, month = (a, b) if day_first else (b, a)
        return _make_date(_full_year(int(year), len(year)), month, day, text)
    if any(ch.isalpha() for ch in s):
        return _parse_worded(text, s)
    raise ValueError(f"{text.strip()!r} is not a date I can read")


def date_order_ambiguous(text: str) -> bool:
    """True for a numeric date whose day and month could be swapped ("03/04/2026")."""
    m = _NUMERIC.match(_strip_time(text))
    if m is None:
        return False
    return int(m[1]) <= 12 and int(m[3]) <= 12 and m[1].lstrip("0") != m[3].lstrip("0")


def infer_day_first(values: Iterable[str]) -> bool | None:
    """Decide the day/month order of a column of numeric dates.

    A first part over 12 means day-first, a second part over 12 means month-first; with no such
    value, dots as separators suggest day-first. Conflicting or no evidence gives None.
    """
    day_votes = month_votes = dots = 0
    for value in values:
        m = _NUMERIC.match(_strip_time(value))
        if not m:
            continue
        a, b = int(m[1]), int(m[3])
        if a > 12 >= b:
            day_votes += 1
        elif b > 12 >= a:
            month_votes += 1
        dots += m[2] == "."
    if day_votes and month_votes:
        return None
    if day_votes or month_votes:
        return bool(day_votes)
    return True if dots else None
