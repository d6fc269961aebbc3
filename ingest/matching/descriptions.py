"""Product descriptions reduced to comparable tokens: case, punctuation, inch marks, plurals, the way
numbers are written ('1 1/2', '1-1/2', '1.50') and the abbreviations of the synonym dictionary do
not count."""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ingest.matching.vocabulary import BASE_SYNONYMS, COLOURS, PACKAGING, SIZES, STOPWORDS

_INCH_DASH = re.compile(r"\"\s*-\s*")
_INCHES = re.compile(r"(\d)\s*(?:\"|'')")
_FEET = re.compile(r"(\d)\s*'")
# '1 1/2' and '1-1/2' are one size; not the 1 of a 2:1 ratio, the #4 of '#4 3/8' or the 30 of 'Grade 30 5/16'
_MIXED_FRACTION = re.compile(r"(?<![\d:./#])([1-9]|1\d|2[0-4])(?:\s+|-)(\d+/\d+)\b")
_TOKEN = re.compile(r"\d*\.\d+|\d+(?:[./-]\d+)*|[a-z]+")
_NEGATED = re.compile(r"\bnon[\s-]+([a-z])")
_LETTER_SIZES = [
    (re.compile(r"\b(size|sz)\.?\s*s\b"), " size small "),
    (re.compile(r"\b(size|sz)\.?\s*m\b"), " size medium "),
    (re.compile(r"\b(size|sz)\.?\s*l\b"), " size large "),
    (re.compile(r"\bs/m\b"), " small medium "),
    (re.compile(r"\bl/xl\b"), " large xl "),
    (re.compile(r"\bm/l\b"), " medium large "),
]
_WITH = re.compile(r"\bw/\s*")
_DIMENSION_X = re.compile(r"(\d)\s*in\s*x(?=[\s\d.])")
_POUND_SIGN = re.compile(r"(\d)\s*#")
_NUMBER_WORD = re.compile(r"\b(?:no|nbr|num)\.?\s*(?=\d)|#(?=\d)")


def _extra(m: re.Match[str], letter: str) -> str:
    """'3X-Large', 'XXX-Large', '3XL' -> ' xxxl ' (one word: a 3XL is not an XL)."""
    times = int(m.group(1)) if m.group(1) else max(1, m.group(2).count("x"))
    return f" {'x' * min(times, 5)}{letter} "


_SIZE_PHRASES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b([2-5]?)\s*(x{1,4})[\s-]?(?:large|l)\b"), lambda m: _extra(m, "l")),
    (re.compile(r"\bextra[\s-]large\b"), lambda m: " xl "),
    (re.compile(r"(?<![\w.])([2-5])x(?![\w.])(?!\s*[\d.])"), lambda m: _extra(m, "l")),  # apparel '2X'
    (re.compile(r"\b([2-5]?)\s*(x{1,4})[\s-]?(?:small|s)\b"), lambda m: _extra(m, "s")),
    (re.compile(r"\bextra[\s-]small\b"), lambda m: " xs "),
]
_STAINLESS = re.compile(r"\bs/s\b")
_NUMBER = re.compile(r"^\d*\.\d+$|^\d+$|^\d+/\d+$|^\d+-\d+/\d+$")


_SIZE_LABEL = re.compile(r"(?:\bsize|\bsz|\bno\.?|\bdash)\s*$")


def _mixed_fraction(m: re.Match[str]) -> str:
    """'1 1/2' -> '1-1/2', but not 'Size 6 5/16' (size 6, 5/16 of an inch)."""
    if _SIZE_LABEL.search(m.string, max(0, m.start() - 8), m.start()):
        return m.group(0)
    return f"{m.group(1)}-{m.group(2)}"


def fold(text: str) -> str:
    """Lower case ASCII, inch and foot marks as words, mixed fractions joined ('1 1/2' -> '1-1/2')."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = text.lower()
    if '"' in text or "'" in text:
        text = _INCH_DASH.sub("-", text)
        text = _FEET.sub(r"\1 foot ", _INCHES.sub(r"\1 inch ", text))
        text = text.replace('"', " ").replace("'", "")
    if "s/s" in text:
        text = _STAINLESS.sub(" stainless steel ", text)
    if "x" in text:
        for pattern, replace in _SIZE_PHRASES:
            text = pattern.sub(replace, text)
    if "non" in text:
        text = _NEGATED.sub(r"non\1", text)
    if "/" in text or "s" in text:
        for pattern, words in _LETTER_SIZES:
            text = pattern.sub(words, text)
    if "in" in text:
        text = _DIMENSION_X.sub(r"\1 x", text)
    if "w/" in text:
        text = _WITH.sub(" with ", text)
    if "/" in text:
        text = _MIXED_FRACTION.sub(_mixed_fraction, text)
    if "#" in text:
        text = _POUND_SIGN.sub(r"\1 pound ", text)
    if "#" in text or "n" in text:
        text = _NUMBER_WORD.sub(" ", text)
    return text


@lru_cache(maxsize=65536)
def canonical_number(token: str) -> str:
    """'1-1/2' -> '1.5', '1/4' -> '0.25', '08' -> '8', '2.50' -> '2.5'; otherwise unchanged."""
    try:
        if "/" in token:
            whole, _, frac = token.rpartition("-")
            num, den = frac.split("/")
            value = Fraction(int(num), int(den)) + (int(whole) if whole else 0)
            return _decimal_text(Decimal(value.numerator) / Decimal(value.denominator))
        return _decimal_text(Decimal(token))
    except (ValueError, ZeroDivisionError, InvalidOperation):
        return token


def _decimal_text(value: Decimal) -> str:
    value = value.quantize(Decimal("0.0001")).normalize()
    return format(value, "f")


def raw_tokens(text: str) -> list[str]:
    """Words and numbers in order; '1/4-20' is two numbers, '1-1/2' one."""
    out: list[str] = []
    for token in _TOKEN.findall(fold(text)):
        if token[0] == ".":
            out.append(canonical_number("0" + token))
        elif token[0].isdigit() and not _NUMBER.match(token):
            out.extend(canonical_number(part) for part in token.split("-") if part)
        elif token[0].isdigit():
            out.append(canonical_number(token))
        else:
            out.append(token)
    return out


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Synonyms:
    """The abbreviation dictionary: built-in entries plus an administrator's additions."""

    table: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fingerprint: str = ""
    _memo: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, extra: Mapping[str, str] | None = None) -> Synonyms:
        merged = dict(BASE_SYNONYMS)
        merged.update(extra or {})
        table = {
            key: tuple(_singular(w) for w in raw_tokens(meaning))
            for key, meaning in merged.items()
            if meaning != key
        }
        digest = hashlib.sha256(repr(sorted(table.items())).encode()).hexdigest()[:16]
        return cls(table=table, fingerprint=digest)

    def expand(self, word: str) -> tuple[str, ...]:
        found = self._memo.get(word)
        if found is None:
            found = self.table.get(word)
            if found is None:
                single = _singular(word)
                found = self.table.get(single, (single,))
            if len(self._memo) < 200_000:
                self._memo[word] = found
        return found


DEFAULT_SYNONYMS = Synonyms.build()
INCH = ("inch",)


def tokens(text: str, synonyms: Synonyms = DEFAULT_SYNONYMS) -> list[str]:
    """Comparable tokens: numbers canonical, words singular, abbreviations expanded."""
    out: list[str] = []
    for token in raw_tokens(text):
        if token[0].isdigit():
            out.append(token)
            continue
        if token in STOPWORDS:
            continue
        words = synonyms.expand(token)
        if words == INCH and out and out[-1][0].isdigit():
            continue  # a size in inches is the size: '1-1/2"', '1.5 in' and '1 1/2' are one
        out.extend(words)
    if "-" in text or "+" in text:
        out.extend(compounds(text))
    return out


_HYPHENATED = re.compile(r"(?<![a-z0-9])([a-z]+(?:[-+][a-z]+)+)(?![a-z0-9])")


def compounds(text: str) -> list[str]:
    """Hyphenated words as one token besides their parts ('Slant-D' -> 'slant+d'): 'D-Ring' and
    'Slant-D Ring' share 'd' and 'ring' but are not the same thing."""
    out: list[str] = []
    for chain in _HYPHENATED.findall(fold(text)):
        parts = re.split(r"[-+]", chain)
        out.extend(f"{a}+{b}" for a, b in itertools.pairwise(parts))
    return out


def compound_parts(token: str) -> list[str]:
    return token.split("+") if "+" in token else []


def description_key(text: str) -> str:
    """The exact-lookup key of a description (learned cross-references): its tokens joined."""
    return " ".join(tokens(text))


def is_number(token: str) -> bool:
    return token[:1].isdigit()


def negation_conflicts(query: frozenset[str], record: frozenset[str]) -> list[str]:
    """Words one side negates that the other states ('dimmable' against 'nondimmable')."""
    out = []
    for word in query:
        if f"non{word}" in record:
            out.append(f"{word} vs non-{word}")
        elif word.startswith("non") and len(word) > 4 and word[3:] in record:
            out.append(f"non-{word[3:]} vs {word[3:]}")
    return out


def attributes(words: set[str] | frozenset[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The tokens that tell variants apart: numbers (sizes, counts), colours and size words."""
    return (
        frozenset(w for w in words if is_number(w)),
        frozenset(w for w in words if w in COLOURS),
        frozenset(w for w in words if w in SIZES),
    )


@lru_cache(maxsize=16)
def _cached_synonyms(extra: tuple[tuple[str, str], ...]) -> Synonyms:
    return Synonyms.build(dict(extra))


def synonyms_for(extra: Mapping[str, str]) -> Synonyms:
    """The dictionary for a rule set's additions, built once per distinct set of additions."""
    return _cached_synonyms(tuple(sorted(extra.items())))


def dimensions(words: list[str]) -> tuple[tuple[str, ...], ...]:
    """Sizes written as 'a x b (x c)', in order: a 20 x 12 x 4 box is not a 12 x 4 x 20 box."""
    groups: list[tuple[str, ...]] = []
    current: list[str] = []
    expect_number = True
    labelled = False  # 'Waist 36 x Inseam 30': one word may label the size after an 'x'
    for word in words:
        if is_number(word) and expect_number:
            current.append(word)
            expect_number = labelled = False
        elif word == "x" and current and not expect_number:
            expect_number = True
        elif expect_number and current and not labelled and word.isalpha() and len(word) > 1:
            labelled = True
        else:
            if len(current) >= 2:
                groups.append(tuple(current))
            current = [word] if is_number(word) else []
            expect_number, labelled = not current, False
    if len(current) >= 2:
        groups.append(tuple(current))
    return tuple(groups)


def dimension_order_conflict(
    line: tuple[tuple[str, ...], ...], product: tuple[tuple[str, ...], ...]
) -> str | None:
    """The same sizes in another order ('20 x 12 x 4' against '12 x 4 x 20'), or None."""
    for ours in line:
        for theirs in product:
            if ours != theirs and sorted(ours) == sorted(theirs):
                return f"sizes {' x '.join(ours)} vs {' x '.join(theirs)}"
    return None


_ATTRIBUTE_WORDS = sorted(COLOURS | SIZES)


@lru_cache(maxsize=4096)
def attribute_word(word: str) -> str | None:
    """The colour or size word a misspelling stands for ('krraft' -> 'kraft'), if any."""
    if len(word) < 4:
        return None
    best = process.extractOne(
        word, _ATTRIBUTE_WORDS, scorer=OSA.normalized_similarity, score_cutoff=0.75 - 1e-6
    )
    return str(best[0]) if best else None


def description_agrees(line: str, product: str, synonyms: Synonyms = DEFAULT_SYNONYMS) -> bool:
    """Whether a line's description plausibly names the product: most of its words are the
    product's, and it names no size the product lacks."""
    ours, theirs = tokens(line, synonyms), set(tokens(product, synonyms))
    if not ours:
        return False
    words = [w for w in ours if not is_number(w)]
    numbers = [w for w in ours if is_number(w)]
    shared = sum(1 for w in words if w in theirs)
    return bool(words) and shared / len(words) >= 0.6 and all(n in theirs for n in numbers)


def sizes_contradict(line: str, product: str, synonyms: Synonyms = DEFAULT_SYNONYMS) -> str | None:
    """The sizes a line's description gives that the product does not have, where the product has
    others in their place ('15/32 vs 7/64'): an identifier pointing at another product than the
    words describe. None when they do not contradict."""
    ours, theirs = _sizes(tokens(line, synonyms)), _sizes(tokens(product, synonyms))
    extra, other = ours - theirs, theirs - ours
    if not (extra and other):
        return None
    return f"sizes {' '.join(sorted(extra.elements()))} vs {' '.join(sorted(other.elements()))}"


def _sizes(toks: list[str]) -> Counter[str]:
    """The numbers of a description that are sizes, not pack counts ('100/Box', 'BX/100')."""
    packs = {i for i, t in enumerate(toks) if t in PACKAGING}
    return Counter(t for i, t in enumerate(toks) if is_number(t) and not {i - 1, i + 1} & packs)
