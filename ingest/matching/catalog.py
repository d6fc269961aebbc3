"""The description index of the product catalog: which products a free-text line may mean.

Built once per catalog (and synonym dictionary) version; a search touches only the products that
share the line's rarer words, so a line costs about the same against 1,000 or 100,000 products.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from ingest.matching.codes import code_conflicts, codes
from ingest.matching.descriptions import (
    DEFAULT_SYNONYMS,
    Synonyms,
    is_number,
    tokens,
)
from ingest.matching.doubts import CatalogDoubts
from ingest.matching.line_words import (
    LineWords,
    read_for,
    units_said,
)
from ingest.matching.token_index import TYPO_WEIGHT, Overlap, TokenIndex
from ingest.matching.vocabulary import PACKAGING


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
        self._toks = [tuple(t for t in toks if "+" not in t) for toks in token_lists]
        self._ordered = [
            tuple(t for t in toks if not is_number(t) and "+" not in t and t not in PACKAGING)
            for toks in token_lists
        ]
        self._index = TokenIndex(token_lists)
        self._doubts = CatalogDoubts(token_lists, self._toks, self._index)
        self._codes = [codes(d) for d in texts]

    def __len__(self) -> int:
        return len(self._skus)

    def search(self, text: str, limit: int = 5) -> list[DescriptionHit]:
        """The products most like ``text``, best first, each with what contradicts the line."""
        query = tokens(text, self.synonyms)
        if not query:
            return []
        weights, unknown = self._index.understand(query)
        misspelt = frozenset(
            fixed
            for w in query
            if self._index.misspelt(w) and w not in unknown
            for fixed in self._index.correct(w) or ()
        )
        forms = [
            (w,) if w in weights else () if w in unknown else self._index.correct(w) or () for w in query
        ]
        line = LineWords(query, forms, frozenset(weights), frozenset(unknown), misspelt)
        line_codes = codes(text)
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
                    conflicts=tuple(
                        dict.fromkeys(
                            (
                                *self._doubts.conflicts(ours, rec, words[rec], [words[o] for o in near]),
                                *code_conflicts(line_codes, self._codes[rec], self.synonyms),
                            )
                        )
                    ),
                    missing=self._doubts.missing(ours, words[rec]),
                    unspecified=self._doubts.unspecified(ours, rec, words, near),
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


READ_GAP = (
    0.3  # candidates this far below the best (or behind twice the hits asked) are not read word by word
)


def _similarity(query_coverage: float, record_coverage: float, ratio: float) -> float:
    return 0.5 * min(1.0, query_coverage) + 0.3 * min(1.0, record_coverage) + 0.2 * ratio


SIBLING_GAP = 0.25  # products this close to a hit are its siblings (same kind, other variant)
