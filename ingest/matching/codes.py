"""Letter-number codes: a value written together with its unit or multiplier ('10K', '5V', '10nF',
'5mA') and a series letter written together with its number ('M6', 'A19', 'E26').

The word reading splits such a code into a number and a letter and lets a single letter pass
unnoticed, so '10M Ohm' read like '10K Ohm' and 'W6' like 'M6'. Here each code is kept whole, and a
line whose code has the same number as the product's but another letter contradicts it: a
resistor of 10M is not one of 10K, a 5A supply not a 5V one. Codes the product does not write that
way ('5 Volt', '10 mm') prove nothing either way and are left to the word reading."""

from __future__ import annotations

import re

from ingest.matching.descriptions import DEFAULT_SYNONYMS, Synonyms, fold
from ingest.matching.vocabulary import PACKAGING

_VALUE_UNIT = re.compile(r"(?<![a-z0-9.])(?<!\d/)(\d+(?:\.\d+)?)([a-z]{1,3})(?![a-z0-9])")
_SERIES_NUMBER = re.compile(r"(?<![a-z0-9])([a-z]{1,2})(\d+)(?![a-z0-9./])")
_GLUED = re.compile(r"\d[a-zA-Z]|[a-zA-Z]\d")
_MICRO = str.maketrans({"\u00b5": "u", "\u03bc": "u"})
_SAME_UNIT_ENDINGS = frozenset({"s", "dc", "ac"})
"""A unit and its plural ('amp', 'amps') or its kind of current ('v', 'vdc') are the same unit;
'vdc' and 'vac' are not."""

_UNIT_SYMBOLS = {"amp": "a"}
"""Units written out far enough to fit a code ('20amp' is '20A')."""

Code = tuple[str, str, str]
"""(kind, number, letters): ('v', '10', 'k') for a value and its unit, ('s', '6', 'm') for a series
letter and its number."""

NO_CODES: frozenset[Code] = frozenset()


def codes(text: str) -> frozenset[Code]:
    """The letter-number codes ``text`` writes."""
    if not text.isascii():
        text = text.translate(_MICRO)
    if not _GLUED.search(text):  # most descriptions: no letter touches a digit, nothing to fold
        return NO_CODES
    folded = fold(text)
    found = {("v", number, unit) for number, unit in _VALUE_UNIT.findall(folded)}
    found |= {("s", number, letters) for letters, number in _SERIES_NUMBER.findall(folded)}
    return frozenset(found) if found else NO_CODES


def code_conflicts(
    line: frozenset[Code], product: frozenset[Code], synonyms: Synonyms = DEFAULT_SYNONYMS
) -> list[str]:
    """The line's codes that the product writes with the same number and another letter
    ('10m vs 10k', 'w6 vs m6'), where the product does not also write the line's."""
    if not line or not product:
        return []
    out = []
    for code in sorted(line):
        kind, number, letters = code
        if _packing(code, synonyms):
            continue  # '100ct' and '100pk' count the same things: the word reading compares them
        theirs = [c for c in product if c[:2] == (kind, number) and not _packing(c, synonyms)]
        if theirs and not any(_same_letters(letters, c[2], synonyms) for c in theirs):
            out.append(f"{_written(code)} vs {' '.join(sorted(_written(c) for c in theirs))}")
    return out


def _same_letters(ours: str, theirs: str, synonyms: Synonyms) -> bool:
    ours, theirs = _UNIT_SYMBOLS.get(ours, ours), _UNIT_SYMBOLS.get(theirs, theirs)
    if ours == theirs or synonyms.expand(ours) == synonyms.expand(theirs):
        return True
    short, long = sorted((ours, theirs), key=len)
    return long.startswith(short) and long[len(short) :] in _SAME_UNIT_ENDINGS


def _packing(code: Code, synonyms: Synonyms) -> bool:
    return code[0] == "v" and any(w in PACKAGING for w in synonyms.expand(code[2]))


def _written(code: Code) -> str:
    kind, number, letters = code
    return number + letters if kind == "v" else letters + number
