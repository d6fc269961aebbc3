"""The description index of the product catalog: which products a free-text line may mean.

Built once per catalog (and synonym dictionary) version; a search touches only the products that
share the line's rarer words, so a line costs about the same against 1,000 or 100,000 products.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from ingest.matching.catalog_words import alternatives, heads_and_tails
from ingest.matching.descriptions import (
    DEFAULT_SYNONYMS,
    Synonyms,
    attributes,
    dimension_order_conflict,
    dimensions,
    is_number,
    negation_conflicts,
    tokens,
)
from ingest.matching.line_words import (
    LineWords,
    describes,
    partial_compounds,
    read_for,
    shortens,
    units_said,
    units_swapped,
)
from ingest.matching.token_index import TYPO_WEIGHT, Overlap, TokenIndex
from ingest.matching.vocabulary import COLOURS, PACKAGING

DISTINCT_SHARE = 0.02  # a word of the line in at most this share of the products must be in the match


@dataclass(frozen=True)
class DescriptionHit:
    """One product a description may mean, with its similarity (0..1) and what tells it apart."""

    sku: str
    description: str
    similarity: float
    conflicts: tuple[str, ...]
    missing: tuple[str, ...]
    unknown: tuple[str, ...] = ()
    unspecified: tuple[str, ...] = ()
    """Words of the product that similar products lack and the line does not say ('GFCI')."""
    query_coverage: float = 0.0
    known_coverage: float = 0.0
    """Share of the line's words the catalog knows (weighted) that this product has."""


class DescriptionIndex:
    def __init__(self, products: Iterable[tuple[str, str]], synonyms: Synonyms = DEFAULT_SYNONYMS) -> None:
        self.synonyms = synonyms
        skus: list[str] = []
        texts: list[str] = []
        token_lists: list[list[str]] = []
        for sku, description in products:
            skus.append(sku)
            texts.append(description)
            token_lists.append(tokens(description, synonyms))
        self._skus = skus
        self._texts = texts
        self._sorted = [" ".join(sorted(set(t))) for t in token_lists]
        self._numbers = [" ".join(w for w in t if is_number(w)) for t in token_lists]
        self._dimensions = [dimensions(t) for t in token_lists]
        self._heads, self._tails = heads_and_tails(token_lists)
        self._toks = [tuple(t for t in toks if "+" not in t) for toks in token_lists]
        self._ordered = [
            tuple(t for t in toks if not is_number(t) and "+" not in t and t not in PACKAGING)
            for toks in token_lists
        ]
        self._kinds = frozenset().union(*self._heads)  # words that name a kind of product
        self._index = TokenIndex(token_lists)
        self._alternatives = alternatives(token_lists)
        self._distinct_idf = math.log(1 + 1 / DISTINCT_SHARE)

    def __len__(self) -> int:
        return len(self._skus)

    def search(self, text: str, limit: int = 5) -> list[DescriptionHit]:
        """The products most like ``text``, best first, each with what contradicts the line."""
        query = tokens(text, self.synonyms)
        if not query:
            return []
        weights, unknown = self._index.understand(query)
        misspelt = frozenset(
            fixed for w in query if self._index.misspelt(w) for fixed in self._index.correct(w) or ()
        )
        forms = [(w,) if w in weights else self._index.correct(w) or () for w in query]
        line = LineWords(query, forms, frozenset(weights), frozenset(unknown), misspelt)
        understood = " ".join(sorted(line.known | frozenset(unknown)))
        query_weight = self._index.query_weight(query)
        scored = []
        lines: dict[int, LineWords] = {}
        found = self._index.search(query, limit=max(limit * 5, 20), weights=weights)
        ratios = {o.record: fuzz.ratio(understood, self._sorted[o.record]) / 100.0 for o in found}
        first = [_similarity(o.query_coverage, o.record_coverage, ratios[o.record]) for o in found]
        floor = max(first, default=0.0) - READ_GAP
        ahead = sorted(first, reverse=True)[: limit * 2]
        floor = max(floor, ahead[-1] if len(ahead) == limit * 2 else 0.0)
        for overlap, plain in zip(found, first, strict=True):
            rec = overlap.record
            if plain < floor:  # too far behind for a reading in its words to bring it forward
                lines[rec] = line
                scored.append(
                    (round(plain, 4), rec, round(overlap.query_coverage, 4), overlap.known_coverage)
                )
                continue
            read = read_for(line, self._ordered[rec], frozenset(self._sorted[rec].split()))
            units = units_said(line, self._toks[rec])
            lines[rec] = line.explaining(read, units)
            query_coverage, record_coverage, known_coverage = self._coverage(
                line, weights, query_weight, overlap, read, units
            )
            similarity = _similarity(query_coverage, record_coverage, ratios[rec])
            scored.append((round(similarity, 4), rec, round(query_coverage, 4), round(known_coverage, 4)))
        scored.sort(key=lambda t: (-t[0], self._skus[t[1]]))
        words = {rec: frozenset(self._sorted[rec].split()) for _, rec, _, _ in scored}
        hits = []
        for similarity, rec, query_coverage, known_coverage in scored[:limit]:
            near = [o for sim, o, _, _ in scored if o != rec and sim >= similarity - SIBLING_GAP]
            ours = lines[rec]
            hits.append(
                DescriptionHit(
                    sku=self._skus[rec],
                    description=self._texts[rec],
                    similarity=similarity,
                    conflicts=tuple(self._conflicts(ours, rec, words[rec], [words[o] for o in near])),
                    missing=self._missing(ours, words[rec]),
                    unspecified=self._unspecified(ours, rec, words, near),
                    unknown=tuple(sorted(ours.unknown)),
                    query_coverage=query_coverage,
                    known_coverage=known_coverage,
                )
            )
        return hits

    def _coverage(
        self,
        line: LineWords,
        weights: dict[str, float],
        query_weight: float,
        overlap: Overlap,
        read: dict[str, tuple[str, ...]],
        units: list[str],
    ) -> tuple[float, float, float]:
        """The index's coverages of the line and the product, with the line's words read for this
        product ('bo' as its 'black oxide', 'std' as its 'standard', not the catalog's 'slotted')."""
        if not (read or units):
            return overlap.query_coverage, overlap.record_coverage, overlap.known_coverage
        known_weight = sum(weights.values()) or 1.0
        shared = overlap.known_coverage * known_weight
        own = self._sorted[overlap.record].split()
        for raw, words in read.items():
            for guess in (
                raw,
                *(w for q, f in zip(line.query, line.forms, strict=True) if q == raw for w in f),
            ):
                if guess in weights:  # what the catalog took the word for, now read otherwise
                    known_weight -= weights[guess]
                    shared -= weights[guess] if guess in own else 0.0
                    weights = {**weights, guess: 0.0}
            weight = max(self._index.idf(w) for w in words) * TYPO_WEIGHT
            shared += weight
            known_weight += weight
        extra = sum(self._index.idf(w) for w in units) * TYPO_WEIGHT
        return (
            min(1.0, shared / query_weight),
            min(1.0, (shared + extra) / self._index.record_weight(overlap.record)),
            min(1.0, shared / known_weight) if known_weight > 0 else 0.0,
        )

    def _conflicts(
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
        unsaid = self._unsaid(line, rec)
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

    def _unsaid(self, line: LineWords, rec: int) -> tuple[str, ...]:
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

    def _unspecified(
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
        unsaid = list(self._unsaid(line, rec)) if guessed else []
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
    def _missing(line: LineWords, words: frozenset[str]) -> tuple[str, ...]:
        q_numbers, q_colours, q_sizes = line.attributes
        c_numbers, c_colours, c_sizes = attributes(words)
        return tuple(sorted((c_numbers - q_numbers) | (c_colours - q_colours) | (c_sizes - q_sizes)))


READ_GAP = (
    0.3  # candidates this far below the best (or behind twice the hits asked) are not read word by word
)


def _similarity(query_coverage: float, record_coverage: float, ratio: float) -> float:
    return 0.5 * min(1.0, query_coverage) + 0.3 * min(1.0, record_coverage) + 0.2 * ratio


def _variant_word(word: str) -> bool:
    return len(word) > 1 and not is_number(word) and word not in PACKAGING and "+" not in word


RESEMBLES = 0.5  # an unknown word this like one of the product's is taken for another value of it
SIBLING_GAP = 0.25  # products this close to a hit are its siblings (same kind, other variant)
