"""Product identifiers: UPC-A, EAN-13 and GTIN-14 check digits and normalization."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\d+$")


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for ``body`` (all digits but the last)."""
    backwards = body[::-1]  # weights 3, 1, 3, ... from the right
    total = 3 * sum(map(int, backwards[0::2])) + sum(map(int, backwards[1::2]))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    """True for an 8, 12, 13 or 14 digit GTIN whose check digit is right."""
    if not _DIGITS.match(value) or len(value) not in (8, 12, 13, 14):
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def normalize_gtin(value: str) -> str | None:
    """A GTIN as 14 digits (zero-padded), or None when it is not a valid GTIN.

    UPC-A ``036000291452``, EAN-13 ``0036000291452`` and GTIN-14 ``00036000291452`` all normalize to
    the same key, so a catalog UPC matches an order's EAN.
    """
    digits = re.sub(r"[\s-]", "", value)
    if not is_valid_gtin(digits):
        return None
    return digits.zfill(14)


def normalize_gln(value: str) -> str | None:
    """A GS1 Global Location Number as its 13 digits, or None when ``value`` is not one (a GTIN-14
    written with a leading zero counts: '00614141000012' is GLN 0614141000012)."""
    digits = re.sub(r"[\s-]", "", value)
    if len(digits) == 14 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) != 13 or not is_valid_gtin(digits):
        return None
    return digits


def normalize_code(value: str) -> str:
    """A part number or SKU reduced for comparison: upper case, no spaces, dashes, dots or slashes,
    and no leading zeros when it is all digits ('0004512' and '4512' are one part)."""
    code = re.sub(r"[\s\-./_]", "", value).upper()
    if code.isdigit():
        return code.lstrip("0") or "0"
    return code
