"""What keeps a description match from being sure: what the line says that a product contradicts,
and what the line leaves unsaid that tells the product from its siblings.

Built once per catalog with the description index; each check reads one line (as read for one
candidate) against one product and the products near it."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

from rapidfuzz.distance import OSA

from ingest.matching.catalog_words import alternatives, heads_and_tails
from ingest.matching.descriptions import (
    attributes,
    dimension_order_conflict,
    dimensions,
    is_number,
    negation_conflicts,
)
from ingest.matching.line_words import (
    LineWords,
    describes,
    partial_compounds,
    shortens,
    units_swapped,
)
from ingest.matching.token_index import TokenIndex
from ingest.matching.vocabulary import COLOURS, PACKAGING

DISTINCT_SHARE = 0.02  # a word of the line in at most this share of the products must be in the match
RESEMBLES = 0.5  # an unknown word this like one of the product's is taken for another value of it


class CatalogDoubts:
    """The catalog's words as the doubt checks need them, per product."""

    def __init__(
        self, token_lists: list[list[str]], toks: Sequence[tuple[str, ...]], index: TokenIndex
    ) -> None:
        self._index = index
        self._toks = toks
        self._numbers = [" ".join(w for w in t if is_number(w)) for t in token_lists]
        self._dimensions = [dimensions(t) for t in token_lists]
        self._heads, self._tails = heads_and_tails(token_lists)
        self._kinds = frozenset().union(*self._heads)  # words that name a kind of product
        self._alternatives = alternatives(token_lists)
        self._distinct_idf = math.log(1 + 1 / DISTINCT_SHARE)

    def conflicts(
        self, line: LineWords, rec: int, words: frozenset[str], siblings: list[frozenset[str]]
    ) -> list[str]:
        """What the line says that this product contradicts."""
        out = []
        _, q_colours, q_sizes = line.attributes
        _, c_colours, c_sizes = attributes(words)
        numbers = self._numbers[rec].split()
        c_count = Counter(numbers)
        extra = line.numbers - c_count
        if line.numbers and c_count and extra:
            ours = " ".join(sorted(extra.elements()))
            theirs = " ".join(sorted((c_count - line.numbers).elements()))
            out.append(f"sizes {ours} vs {theirs}".strip())
        elif line.dimensions and (order := dimension_order_conflict(line.dimensions, self._dimensions[rec])):
            out.append(order)
        if q_colours and c_colours and not q_colours & c_colours:
            out.append(f"colour {' '.join(sorted(q_colours))} vs {' '.join(sorted(c_colours))}")
        if q_sizes and c_sizes and q_sizes != c_sizes:
            out.append(f"size {' '.join(sorted(q_sizes))} vs {' '.join(sorted(c_sizes))}")
        out += negation_conflicts(line.words, words)
        out += partial_compounds(line, words)
        out += units_swapped(line.read_in_order(), self._toks[rec])
        colours_and_sizes = q_colours | q_sizes | c_colours | c_sizes
        head = self._heads[rec]
        unsaid = self.unsaid(line, rec)
        named = {
            w for w in line.stated - words if w not in self._kinds and len(w) > 1
        }  # 'bolt' for 'screw' names the kind
        if not c_colours:
            named |= q_colours - words  # a colour the line asks for, the product says none
        # a word of the kind said again ('foam soap' in 'hand soap foam soap'), the product's is once
        named |= {w for w in head if line.count[w] > 1 and w not in self._tails[rec]}
        swapped = sorted(
            f"{ours} vs {theirs}"
            for ours in line.stated - words
            for theirs in words - line.known
            if (ours, theirs) in self._alternatives and not {ours, theirs} & colours_and_sizes
        ) + sorted(
            f"{ours} vs {theirs}"
            for ours in named
            for theirs in unsaid
            if not is_number(ours) and (theirs not in colours_and_sizes or not q_colours | q_sizes)
        )
        out += swapped
        # a word of the line this product lacks but a similar product has: it tells them apart
        kind = [w for w in line.known & words if not is_number(w) and w not in q_colours and w not in q_sizes]
        lacking = sorted(
            w
            for w in line.known - words
            if not is_number(w)
            and (
                any(w in s for s in siblings)
                or self._index.family_has(w, kind)
                or self._index.idf(w) >= self._distinct_idf
            )
        )
        if lacking:
            out.append(f"{' '.join(lacking)} not in this product")
        own = [w for w in words - line.known if not is_number(w) and not line.covers(w)]
        resembling = sorted(
            f"{u} vs {w}" for u in line.unknown for w in own if OSA.normalized_similarity(u, w) >= RESEMBLES
        )
        out += resembling  # a code or name like ours but not ours ('sjtw' for 'sjoow')
        if line.unknown or line.short:
            # a word we do not know among the attributes, and one of ours the line does not say: likely
            # one was written for the other (another brand, 'lever' for 'tee handle', 'yz' for
            # 'brass'); a word we do not know beside the kind's name, in place of one of its words,
            # names the kind its own way ('snap ring'), and only a word of ours that similar products
            # lack then makes a doubt
            renamed = {w for w in head if line.count[w] < 1 + self._tails[rec].count(w)}
            spoken = {
                u
                for u in line.unknown | line.short
                if not (renamed and line.names_kind(u, head) and not describes(u))
                and not any(shortens(u, w) or (u in line.short and u[0] == w[0]) for w in unsaid)
            }
            if any(describes(u) for u in spoken):
                unsaid = (*unsaid, *sorted(renamed))  # 'Reusable' where the kind says 'Foam'
            rare = sorted(
                set(unsaid)
                if spoken
                else {
                    w
                    for w in words - line.known
                    if line.unknown
                    and not is_number(w)
                    and not line.covers(w)
                    and w not in PACKAGING
                    and siblings
                    and any(w not in s for s in siblings)
                }
            )
            if rare:
                out.append(f"{' '.join(sorted(spoken or line.unknown))} vs {' '.join(rare)}")
        return list(dict.fromkeys(out))

    def unsaid(self, line: LineWords, rec: int) -> tuple[str, ...]:
        """Words after the product's kind that the line does not say: its variant ('Plain',
        'Threaded'); a word of the kind said again ('Hand Soap Foam Soap') counts once more."""
        head = self._heads[rec]
        seen: Counter[str] = Counter()
        out: list[str] = []
        for w in self._tails[rec]:
            if w in PACKAGING or line.covers(w) or len(w) == 1:
                continue
            seen[w] += 1
            if seen[w] > line.count[w] - (w in head):
                out.append(w)
        return tuple(dict.fromkeys(out))

    def unspecified(
        self, line: LineWords, rec: int, words: dict[int, frozenset[str]], siblings: list[int]
    ) -> tuple[str, ...]:
        """Words and sizes of the product that a sibling lacks and the line does not say, where the
        sibling has everything the line and the product share: the line cannot tell them apart
        ('GFCI'; the '1' of '1 Gallon' beside a '5 Gallon Pail'; a second '3/8' beside a '7/8').
        Also the product's variant words the line leaves out where it has a word, read from an
        abbreviation, that the product lacks ('std' read as 'standard' against 'Deep')."""
        own = words[rec]
        guessed = [
            w
            for w in line.known - own - line.stated
            if len(w) > 1 and not is_number(w) and w not in PACKAGING and w not in self._kinds
        ]
        unsaid = list(self.unsaid(line, rec)) if guessed else []
        # what comes 'with' the product ('N95 with Valve'), and its colour, are choices: a line
        # that says neither may mean the product without them
        colours = line.attributes[1]
        toks = self._toks[rec]
        extras = {b for a, b in itertools.pairwise(toks) if a == "with" and not is_number(b)}
        if not colours:
            extras |= {w for w in toks if w in COLOURS}
        unsaid += sorted(w for w in extras - line.known if w not in unsaid and not line.covers(w))
        said = ((line.known - line.guessed) & own) - PACKAGING | set(line.numbers)
        alike = [s for s in siblings if said <= words[s]]
        if not alike:
            return tuple(unsaid)
        ours = {w for w in own - line.known if _variant_word(w) and not line.covers(w)}
        if ours and any(_variant_word(w) for s in alike for w in words[s] - own - line.known):
            # a sibling with more that the line does not say either ('Spiral Point HSS' beside
            # 'Spiral Point HSS TiN Coated'): the line says neither product's own words
            unsaid += sorted(ours - set(unsaid))
        unsaid += sorted(
            w
            for w in own - line.known
            if not is_number(w)
            and w not in PACKAGING
            and not line.covers(w)
            and w not in unsaid
            and any(w not in words[s] for s in alike)
        )
        sizes = Counter(self._numbers[rec].split())
        others = [Counter(self._numbers[s].split()) for s in alike]
        unsaid += sorted(n for n, k in sizes.items() if k > line.numbers[n] and any(o[n] < k for o in others))
        return tuple(unsaid)

    @staticmethod
    def missing(line: LineWords, words: frozenset[str]) -> tuple[str, ...]:
        q_numbers, q_colours, q_sizes = line.attributes
        c_numbers, c_colours, c_sizes = attributes(words)
        return tuple(sorted((c_numbers - q_numbers) | (c_colours - q_colours) | (c_sizes - q_sizes)))


def _variant_word(word: str) -> bool:
    return len(word) > 1 and not is_number(word) and word not in PACKAGING and "+" not in word
