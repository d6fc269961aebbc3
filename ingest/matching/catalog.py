"""The description index of the product catalog: which products a free-text line may mean.

Built once per catalog (and synonym dictionary) version; a search touches only the products that
share the line's rarer words, so a line costs about the same against 1,000 or 100,000 products.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from ingest.matching.descriptions import (
    DEFAULT_SYNONYMS,
    Synonyms,
    attribute_word,
    attributes,
    compound_parts,
    dimension_order_conflict,
    dimensions,
    is_number,
    negation_conflicts,
    tokens,
)
from ingest.matching.token_index import TokenIndex
from ingest.matching.vocabulary import PACKAGING

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
        line = _Line(query, frozenset(weights), frozenset(w for w in unknown if _substantive(w)), misspelt)
        understood = " ".join(sorted(line.known | frozenset(unknown)))
        scored = []
        for overlap in self._index.search(query, limit=max(limit * 5, 20), weights=weights):
            rec = overlap.record
            ratio = fuzz.ratio(understood, self._sorted[rec]) / 100.0
            similarity = 0.5 * overlap.query_coverage + 0.3 * overlap.record_coverage + 0.2 * ratio
            scored.append((round(similarity, 4), rec, overlap))
        scored.sort(key=lambda t: (-t[0], self._skus[t[1]]))
        words = {rec: frozenset(self._sorted[rec].split()) for _, rec, _ in scored}
        hits = []
        for similarity, rec, overlap in scored[:limit]:
            siblings = [
                words[other] for sim, other, _ in scored if other != rec and sim >= similarity - SIBLING_GAP
            ]
            hits.append(
                DescriptionHit(
                    sku=self._skus[rec],
                    description=self._texts[rec],
                    similarity=similarity,
                    conflicts=tuple(self._conflicts(line, rec, words[rec], siblings)),
                    missing=self._missing(line, words[rec]),
                    unspecified=tuple(
                        sorted(
                            w
                            for w in words[rec] - line.known
                            if not is_number(w)
                            and w not in PACKAGING
                            and not line.covers(w)
                            and any(w not in s for s in siblings)
                        )
                    ),
                    unknown=tuple(sorted(line.unknown)),
                    query_coverage=round(overlap.query_coverage, 4),
                    known_coverage=round(overlap.known_coverage, 4),
                )
            )
        return hits

    def _conflicts(
        self, line: _Line, rec: int, words: frozenset[str], siblings: list[frozenset[str]]
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
        colours_and_sizes = q_colours | q_sizes | c_colours | c_sizes
        swapped = sorted(
            f"{ours} vs {theirs}"
            for ours in line.stated - words
            for theirs in words - line.known
            if theirs not in PACKAGING and not line.covers(theirs) and not {ours, theirs} & colours_and_sizes
            if (ours, theirs) in self._alternatives
            or not (is_number(ours) or is_number(theirs))  # one word for another: another variant
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
        if line.unknown:
            # a word we do not know, and a distinctive word of ours not in the line: likely one was
            # written for the other (another brand, 'shallow' for 'deep')
            rare = sorted(
                w
                for w in words - line.known
                if not is_number(w) and not line.covers(w) and siblings and any(w not in s for s in siblings)
            )
            if rare:
                out.append(f"{' '.join(sorted(line.unknown))} vs {' '.join(rare)}")
        return list(dict.fromkeys(out))

    @staticmethod
    def _missing(line: _Line, words: frozenset[str]) -> tuple[str, ...]:
        q_numbers, q_colours, q_sizes = line.attributes
        c_numbers, c_colours, c_sizes = attributes(words)
        return tuple(sorted((c_numbers - q_numbers) | (c_colours - q_colours) | (c_sizes - q_sizes)))


RESEMBLES = 0.5  # an unknown word this like one of the product's is taken for another value of it
SIBLING_GAP = 0.25  # products this close to a hit are its siblings (same kind, other variant)


def _substantive(word: str) -> bool:
    return len(word) >= 4 and word.replace("+", "").isalpha()


class _Line:
    """A line's words as the index understands them."""

    def __init__(
        self, query: list[str], known: frozenset[str], unknown: frozenset[str], misspelt: frozenset[str]
    ) -> None:
        self.known = known
        self.unknown = unknown
        self.words = frozenset(query) | known
        # words written out (not guessed from a misspelling or an abbreviation) that name something
        # about the product, not how it is packed: only these can contradict a product
        self.stated = frozenset(w for w in (*query, *misspelt) if w in known and w not in PACKAGING)
        self.numbers = Counter(w for w in query if is_number(w))
        self.dimensions = dimensions(query)
        # a misspelt colour or size the catalog never uses still names a variant ('krraft')
        named = {attribute_word(w) or w for w in unknown}
        self.attributes = attributes(frozenset(query) | named)

    def covers(self, word: str) -> bool:
        """A compound of the product ('tamper+resistant') whose parts the line has, written apart."""
        parts = compound_parts(word)
        return bool(parts) and all(p in self.words for p in parts)


def alternatives(token_lists: list[list[str]]) -> frozenset[tuple[str, str]]:
    """Pairs of words the catalog uses for variants of one product: two products whose words are
    the same but for these, sizes aside ('Import' and 'Domestic', 'Blank' and 'Duplex')."""
    groups: dict[int, set[str]] = defaultdict(set)
    for toks in token_lists:
        words = sorted({t for t in toks if not is_number(t)})
        if len(words) > 40:
            continue
        for i, word in enumerate(words):
            groups[hash((*words[:i], *words[i + 1 :]))].add(word)
    pairs: set[tuple[str, str]] = set()
    for variants in groups.values():
        if 1 < len(variants) <= 12:
            pairs.update((a, b) for a in variants for b in variants if a != b)
    return frozenset(pairs)
