"""Units of measure: words and partner codes mapped to canonical codes (X12 code list 355)."""

from __future__ import annotations

import re
from functools import lru_cache

# Canonical code -> words and codes that mean it. Codes follow X12 data element 355 where it has one.
_UOM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "EA": (
        "ea",
        "each",
        "eaches",
        "pc",
        "pcs",
        "piece",
        "pieces",
        "unit",
        "units",
        "un",
        "st",
        "stk",
        "stück",
    ),
    "CA": ("ca", "cs", "case", "cases", "cse", "ctn", "carton", "cartons", "ct"),
    "BX": ("bx", "box", "boxes"),
    "PK": ("pk", "pack", "packs", "package", "packages", "pkg"),
    "DZ": ("dz", "doz", "dozen", "dozens"),
    "PR": ("pr", "pair", "pairs"),
    "RL": ("rl", "roll", "rolls"),
    "BG": ("bg", "bag", "bags"),
    "BO": ("bo", "bottle", "bottles", "btl"),
    "CN": ("cn", "can", "cans"),
    "DR": ("dr", "drum", "drums"),
    "GA": ("ga", "gal", "gallon", "gallons"),
    "LB": ("lb", "lbs", "pound", "pounds"),
    "KG": ("kg", "kgs", "kilogram", "kilograms"),
    "FT": ("ft", "foot", "feet"),
    "LF": ("lf", "linear foot", "linear feet"),
    "MR": ("mr", "m", "meter", "meters", "metre", "metres"),
    "LT": ("lt", "l", "liter", "liters", "litre", "litres"),
    "SF": ("sf", "sq ft", "square foot", "square feet"),
    "PL": ("pl", "pallet", "pallets", "plt"),
    "ST": ("set", "sets"),
    "KT": ("kt", "kit", "kits"),
    "SH": ("sh", "sheet", "sheets"),
    "TB": ("tb", "tube", "tubes"),
    "GR": ("gr", "gram", "grams", "g"),
    "HR": ("hr", "hour", "hours"),
}

_LOOKUP: dict[str, str] = {}
for _code, _words in _UOM_SYNONYMS.items():
    _LOOKUP[_code.lower()] = _code
    for _word in _words:
        _LOOKUP.setdefault(_word, _code)
# "st" is an EA synonym in German (Stück) and the X12 code for "set"; the code wins.
_LOOKUP["st"] = "ST"

_CODE = re.compile(r"^[A-Z0-9]{2}$")


@lru_cache(maxsize=4096)
def canonical_uom(value: str) -> str:
    """Map a unit word or code to its canonical code.

    Known words map to their code ('case' -> 'CA', 'cs' -> 'CA'); an unknown two-character code is
    kept upper-cased (partners use codes we do not list); anything else raises ValueError.
    """
    key = re.sub(r"[\s.]+", " ", value.strip().lower()).strip()
    if key in _LOOKUP:
        return _LOOKUP[key]
    upper = key.upper()
    if _CODE.match(upper):
        return upper
    raise ValueError(f"unknown unit of measure {value!r}")


def known_uom(value: str) -> bool:
    """True when ``value`` is a unit word or code in the table."""
    return re.sub(r"[\s.]+", " ", value.strip().lower()).strip() in _LOOKUP
