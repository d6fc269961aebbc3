"""A description line's words as the catalog index understands them: known, misspelt, unknown,
abbreviated, and where they stand."""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA

from ingest.matching.descriptions import (
    attribute_word,
    attributes,
    compound_parts,
    dimensions,
    is_number,
)
from ingest.matching.vocabulary import COLOURS, PACKAGING, SIZES, UNITS


@lru_cache(maxsize=65536)
def shortens(a: str, b: str) -> bool:
    """Whether one word is the other shortened ('sch' and 'schedule', 'w' and 'watt', 'hd' and
    'head'): the same first letter, and the shorter one's letters in order in the longer."""
    short, long = sorted((a, b), key=len)
    if not short or short[0] != long[0] or short == long:
        return False
    rest = iter(long[1:])
    return all(c in rest for c in short[1:])


ADJECTIVE_ENDINGS = ("able", "ible", "ous", "ive", "ful", "less", "proof")


def describes(word: str) -> bool:
    """A word that says what a thing is like, not what it is ('reusable', 'waterproof'): beside
    the kind's name it is a variant, not another name for the kind."""
    return len(word) > 5 and word.endswith(ADJECTIVE_ENDINGS)


def substantive(word: str) -> bool:
    return len(word) >= 4 and word.replace("+", "").isalpha()


class LineWords:
    """A line's words as the index understands them."""

    def __init__(
        self,
        query: list[str],
        forms: list[tuple[str, ...]],
        known: frozenset[str],
        unknown: frozenset[str],
        misspelt: frozenset[str],
    ) -> None:
        self.query = query
        self.forms = forms
        self.count = Counter(w for f in forms for w in f)
        self.known = known
        self.unknown = frozenset(w for w in unknown if substantive(w))
        self.short = frozenset(w for w in unknown if w.isalpha() and 2 <= len(w) < 4)
        """Short words we do not know ('yz'): an abbreviation of ours, or of something else."""
        self.words = frozenset(query) | known
        # words written out (not guessed from a misspelling or an abbreviation) that name something
        # about the product, not how it is packed: only these can contradict a product
        self.stated = frozenset(w for w in (*query, *misspelt) if w in known and w not in PACKAGING)
        self.guessed: frozenset[str] = frozenset()
        """Words of one product the line was read to say ('black oxide' for 'bo'): a guess."""
        self.numbers = Counter(w for w in query if is_number(w))
        self.dimensions = dimensions(query)
        # a misspelt colour or size the catalog never uses still names a variant ('krraft')
        named = {attribute_word(w) or w for w in self.unknown}
        self.attributes = attributes(frozenset(query) | named)

    def read_in_order(self) -> list[str]:
        """The line's words in order, each as the catalog reads it ('yds' as 'yard')."""
        return [f[0] if len(f) == 1 else w for w, f in zip(self.query, self.forms, strict=True)]

    def names_kind(self, word: str, head: frozenset[str]) -> bool:
        """Whether ``word`` stands beside the words naming the product's kind (numbers and other
        such words between them aside): 'snap ring', 'switch plate', 'grub screw'."""
        if not head:
            return False
        for i, w in enumerate(self.query):
            if word != w and word not in self.forms[i]:
                continue
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(self.query) and not self.forms[j] and not is_number(self.query[j]):
                    j += step  # a run of words we do not know stands together
                if 0 <= j < len(self.query) and head & set(self.forms[j]):
                    return True
        return False

    def explaining(self, read: dict[str, tuple[str, ...]], said: Iterable[str] = ()) -> LineWords:
        """The line with some of its words read as words of one product ('bo' as 'black oxide',
        'zip' as 'zipper'), and other words of the product taken as said."""
        said = [*(w for words in read.values() for w in words), *said]
        if not said:
            return self
        out = copy.copy(self)
        gone = frozenset(read)
        # an abbreviation read another way for this product drops the catalog-wide guess
        guesses = [w for raw, forms in zip(self.query, self.forms, strict=True) if raw in gone for w in forms]
        out.known = (self.known - gone - frozenset(guesses)) | frozenset(said)
        out.words = self.words | frozenset(said)
        out.count = self.count - Counter(guesses) + Counter(said)
        out.short = self.short - gone
        out.unknown = self.unknown - gone
        out.stated = self.stated - gone
        out.guessed = self.guessed | (frozenset(said) - self.known)
        return out

    def covers(self, word: str) -> bool:
        """A compound of the product ('tamper+resistant') whose parts the line has, written apart."""
        parts = compound_parts(word)
        return bool(parts) and all(p in self.words for p in parts)


def spelled_out(short: Iterable[str], words: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Short words of a line that stand for words of a product: their initials ('bo' for 'black
    oxide', 'hdg' for 'hot dip galvanized', 'af' for 'anti fog') or their beginning ('iv' for
    'ivory')."""
    out: dict[str, tuple[str, ...]] = {}
    for word in short:
        size = len(word)
        for i in range(len(words) - size + 1):
            if all(words[i + k][0] == word[k] for k in range(size)):
                out[word] = tuple(words[i : i + size])
                break
        else:
            longer = [w for w in words if len(w) > size and w.startswith(word)]
            if not longer:  # its letters ('pt' for 'point'), if only one fits; not a colour ('ga')
                fits = list(
                    dict.fromkeys(
                        w
                        for w in words
                        if len(w) > size and shortens(word, w) and (size > 2 or w not in COLOURS | SIZES)
                    )
                )
                longer = fits if len(fits) == 1 else []
            if longer:
                out[word] = (longer[0],)
    return out


TYPO = 0.75  # edit similarity for a word of the line to be a misspelt word of the product
SHORT_TYPO = 0.8  # the same for words of four or five letters


ENDINGS = frozenset({"s", "es", "ed", "d", "er", "r", "ing", "y", "ly", "ies", "ie", "al", "ion"})


@lru_cache(maxsize=65536)
def same_stem(a: str, b: str) -> bool:
    """Two forms of one word: the same stem and an ending ('zip' and 'zipper', 'tube' and
    'tubing', 'stub' and 'stubby', 'polish' and 'polished'); not a word inside another ('tooth' in
    'Toothline', 'outlet' in 'Outletco')."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or short == long:
        return False
    common = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    if common < 3 or common < 0.75 * len(short):
        return False
    ours, theirs = short[common:], long[common:]
    if theirs[:1] == short[-1:] and not ours:
        theirs = theirs[1:]  # a doubled consonant: 'zip' and 'zipper'
    return ours in ("", "e", "y") and (theirs in ENDINGS or theirs == "")


def read_for(line: LineWords, ordered: Sequence[str], own: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The words of the line that stand for words of this product (``ordered``: its words in
    order, sizes and packing aside): short words spelled out, words misspelt beyond what the
    catalog could correct, and other forms of its words."""
    unsaid = [w for w in ordered if w not in line.known and len(w) > 1]
    if not unsaid:
        return {}
    read = spelled_out(line.short, ordered) if line.short else {}
    for word in line.unknown:
        cutoff = TYPO if len(word) > 5 else SHORT_TYPO
        alike = [w for w in unsaid if w[0] == word[0]]  # 'internal' is not a misspelt 'external'
        best = max(alike, key=lambda w: OSA.normalized_similarity(word, w), default=None)
        if best is not None and OSA.normalized_similarity(word, best) >= cutoff - 1e-6:
            read[word] = (best,)
    for raw, forms in zip(line.query, line.forms, strict=True):
        # an abbreviation the catalog reads as a word this product lacks, that shortens one it has
        # ('std' read as 'slotted' beside a product that says 'Standard')
        if forms and forms != (raw,) and raw not in read and not all(w in own for w in forms):
            other = next((w for w in unsaid if shortens(raw, w) and len(w) > len(raw)), None)
            if other is not None:
                read[raw] = (other,)
    for word in (line.stated - own) | (line.unknown - read.keys()):
        stem = next((w for w in unsaid if same_stem(word, w)), None)
        if stem is not None and len(word) > 1:
            read[word] = (stem,)
    return read


def units_said(line: LineWords, toks: Sequence[str]) -> list[str]:
    """The product's unit words after sizes the line gives ('14 AWG' when the line says 14 ga)."""
    return [
        w
        for prev, w in itertools.pairwise(toks)
        if w in UNITS and is_number(prev) and prev in line.numbers and w not in line.known
    ]


def partial_compounds(line: LineWords, words: frozenset[str]) -> list[str]:
    """A hyphenated word of one side whose parts the other side has only some of: 'Type B' is not
    'Type A+B', 'D-Ring' is not 'Slant-D'."""
    out = []
    for compound, other in (
        *((c, words) for c in line.words if "+" in c and c not in words),
        *((c, line.words) for c in words if "+" in c and c not in line.words and not line.covers(c)),
    ):
        parts = compound_parts(compound)
        have = [p for p in parts if p in other]
        if have and len(have) < len(parts):
            out.append(f"{' '.join(have)} vs {compound.replace('+', '-')}")
    return out


def units_swapped(line: Sequence[str], product: Sequence[str]) -> list[str]:
    """The same sizes with their units the other way round: '3 in x 110 yd 2 mil' against
    '2 in x 110 yd 3 mil', '1/4 hose 3/8 NPT' against '3/8 hose 1/4 NPT'."""
    ours, theirs = _after_numbers(line), _after_numbers(product)
    both = {t for t in line if is_number(t)} & {t for t in product if is_number(t)}
    return [
        f"{' '.join(sorted(ours[w]))} {w} vs {' '.join(sorted(theirs[w]))} {w}"
        for w in sorted(ours.keys() & theirs.keys())
        if not ours[w] & theirs[w] and ours[w] | theirs[w] <= both
    ]


def _after_numbers(toks: Sequence[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for number, word in itertools.pairwise(toks):
        if is_number(number) and word in UNITS:
            out.setdefault(word, set()).add(number)
    return out
