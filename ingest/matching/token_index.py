"""An inverted index of tokens with IDF weights: finds the few records that share rare tokens with a
query without looking at the others, and corrects misspelt query words against the vocabulary.

Postings are integer arrays; a search adds up the weights of the query's postings in one
vectorized pass (work proportional to the postings of the query's words, not to the records)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import OSA

TYPO_SCORE = 0.75  # edit similarity (transpositions count once) for a word to stand for another
SHORT_TYPO_SCORE = 0.8  # the same for words of four or five letters ('snap' is not 'soap')
FINDING_POSTINGS = 20_000  # postings read to find candidates; further (commoner) words only score them
MAX_CANDIDATES = 1500  # records found by the rarer words that go on to be scored by all of them
TYPO_WEIGHT = 0.85  # a corrected word counts a little less than a word written right
# short words that are words, not abbreviations of longer ones
_NOT_ABBREVIATIONS = frozenset({"and", "for", "the", "with", "per", "box", "bag", "can", "cap", "set", "top"})


@dataclass(frozen=True)
class Overlap:
    """How much a record and a query share: coverage of each side, IDF-weighted."""

    record: int
    query_coverage: float
    record_coverage: float
    known_coverage: float


class TokenIndex:
    """Records are token lists; ``search`` returns the records with the best weighted overlap."""

    def __init__(self, records: Iterable[Sequence[str]]) -> None:
        lists: dict[str, list[int]] = defaultdict(list)
        count = 0
        for number, toks in enumerate(records):
            for tok in set(toks):
                lists[tok].append(number)
            count = number + 1
        self._count = count
        total = max(count, 1)
        self._postings: dict[str, NDArray[np.int32]] = {
            tok: np.fromiter(ids, dtype=np.int32, count=len(ids)) for tok, ids in lists.items()
        }
        self._idf = {tok: math.log(1 + total / len(ids)) for tok, ids in lists.items()}
        weight = np.zeros(total, dtype=np.float64)
        for tok, ids in self._postings.items():
            weight[ids] += self._idf[tok]
        weight[weight == 0] = 1.0
        self._weight = weight
        by_initial: dict[str, list[str]] = defaultdict(list)
        for tok in self._postings:
            if not tok[0].isdigit() and len(tok) >= 3:
                by_initial[tok[0]].append(tok)
        self._vocabulary = dict(by_initial)
        # a word no record has tells candidates apart no better than a word of middling rarity
        self._unknown_idf = 0.5 * math.log(1 + total)
        self._corrections: dict[str, tuple[str, ...] | None] = {}
        self._misspellings: set[str] = set()
        self._families: dict[tuple[str, ...], bool] = {}

    def __len__(self) -> int:
        return self._count

    def family_has(self, word: str, kind: Iterable[str]) -> bool:
        """Whether products of a kind (those having the two rarest of the ``kind`` words, or
        either of them) use ``word``: then the word tells such products apart."""
        postings = self._postings.get(word)
        if postings is None:
            return False
        own = sorted(
            (t for t in kind if t in self._postings and t != word), key=lambda t: len(self._postings[t])
        )
        if not own:
            return False
        return any(self._cached_family_has(word, postings, group) for group in ([own[0]], own[1:2]) if group)

    def _cached_family_has(self, word: str, postings: NDArray[np.int32], own: list[str]) -> bool:
        key = (word, *own)
        found = self._families.get(key)
        if found is None:
            found = self._family_has(postings, own)
            if len(self._families) > 50_000:
                self._families.clear()
            self._families[key] = found
        return found

    def _family_has(self, postings: NDArray[np.int32], own: list[str]) -> bool:
        family = self._postings[own[0]]
        for tok in own[1:]:
            mask = np.zeros(self._count, dtype=bool)
            mask[self._postings[tok]] = True
            family = family[mask[family]]
        mask = np.zeros(self._count, dtype=bool)
        mask[family] = True
        return bool(mask[postings].any())

    def record_weight(self, record: int) -> float:
        """The summed weight of a record's tokens (what its coverage is a share of)."""
        return float(self._weight[record])

    def query_weight(self, query: Sequence[str]) -> float:
        """The summed weight of a query's tokens, known or not (what its coverage is a share of)."""
        return sum(self.idf(t) for t in set(query)) or 1.0

    def knows(self, token: str) -> bool:
        return token in self._postings

    def idf(self, token: str) -> float:
        return self._idf.get(token, self._unknown_idf)

    def correct(self, token: str) -> tuple[str, ...] | None:
        """The vocabulary word(s) an unknown query word most likely means: a misspelling
        ('trsah'), an abbreviation ('indus', 'pln', 'ftg') or two words run together ('endmill')."""
        if token in self._postings or token[0].isdigit() or len(token) < 3:
            return None
        found = self._corrections.get(token)
        if found is None and token not in self._corrections:
            found = self._correct(token)
            if len(self._corrections) < 100_000:
                self._corrections[token] = found
        return found

    def misspelt(self, token: str) -> bool:
        """Whether ``token`` was corrected as a misspelling (a sure reading), not expanded as an
        abbreviation or split (a guess)."""
        return token in self._misspellings

    def _correct(self, token: str) -> tuple[str, ...] | None:
        words = self._vocabulary.get(token[0], [])
        if len(token) >= 4:
            cutoff = TYPO_SCORE if len(token) > 5 else SHORT_TYPO_SCORE
            # (a cutoff of exactly one edit in five is missed by the library's rounding)
            best = process.extractOne(
                token, words, scorer=OSA.normalized_similarity, score_cutoff=cutoff - 1e-6
            )
            if (
                best is not None
                and best[0].startswith("non") == token.startswith("non")
                and not str(best[0]).startswith(token)  # 'outlet' is no misspelt 'Outletco'
            ):
                self._misspellings.add(token)
                return (str(best[0]),)  # 'dimmable' is not a misspelt 'nondimmable'
        for glued in (token[:-1], token[1:]):
            if glued in self._postings and "x" in (token[0], token[-1]) and len(glued) >= 3:
                return (glued,)  # a dimension's 'x' written onto a word ('jicx1/2', 'xinseam')
        for cut in range(len(token) - 1, 0, -1):
            head, tail = token[:cut], token[cut:]
            if head in self._postings and tail in self._postings and min(len(head), len(tail)) >= 2:
                return (head, tail)
        if token in _NOT_ABBREVIATIONS:
            return None
        pattern = re.compile(".*?".join(re.escape(c) for c in token))
        shortened = [
            w
            for w in words
            if len(w) > len(token)
            and "+" not in w
            and pattern.match(w)
            and not (w.startswith(token) and 3 * len(token) > 2 * len(w))  # 'outlet' is not 'Outletco'
        ]
        if shortened:
            return (max(shortened, key=lambda w: len(self._postings[w])),)
        return None

    def understand(self, query: Sequence[str]) -> tuple[dict[str, float], list[str]]:
        """The query's words as the index knows them (misspellings corrected), with weights, and
        the words it does not know at all."""
        found: dict[str, float] = {}
        unknown: list[str] = []
        written = set(query)
        for tok in query:
            if tok in self._postings:
                found[tok] = self._idf[tok]
            else:
                fixed = self.correct(tok)
                if fixed is None or (len(fixed) == 1 and fixed[0] in written):
                    # not a misspelling of a word the line also writes right: another word
                    # ('Cleanex' beside 'cleaner' is a brand we do not know)
                    unknown.append(tok)
                    continue
                for word in fixed:
                    found[word] = max(found.get(word, 0.0), self._idf[word] * TYPO_WEIGHT)
        return found, unknown

    def search(
        self, query: Sequence[str], limit: int = 25, weights: dict[str, float] | None = None
    ) -> list[Overlap]:
        """Records sharing words with the query, best weighted overlap (both ways) first."""
        if weights is None:
            weights = self.understand(query)[0]
        if not weights:
            return []
        query_weight = self.query_weight(query)
        known_weight = sum(weights.values())
        # the rarer words find the candidates (a bounded amount of postings); the others only score
        rare: dict[str, float] = {}
        budget = FINDING_POSTINGS
        for tok in sorted(weights, key=lambda t: len(self._postings[t])):
            size = len(self._postings[tok])
            if rare and size > budget:
                break
            rare[tok] = weights[tok]
            budget -= size
        ids = np.concatenate([self._postings[t] for t in rare])
        each = np.concatenate([np.full(len(self._postings[t]), w) for t, w in rare.items()])
        counts = np.bincount(ids, weights=each, minlength=self._count)
        # only records sharing at least a third of the best overlap can rank: skip the rest early
        touched = np.flatnonzero(counts >= counts.max() / 3)
        if len(touched) > MAX_CANDIDATES:
            touched = touched[np.argpartition(-counts[touched], MAX_CANDIDATES)[:MAX_CANDIDATES]]
            touched.sort()
        shared_touched = counts[touched]
        for tok, weight in weights.items():
            if tok in rare:
                continue  # common words only add to the candidates the rarer words found
            postings = self._postings[tok]
            at = np.minimum(np.searchsorted(postings, touched), len(postings) - 1)
            shared_touched = shared_touched + np.where(postings[at] == touched, weight, 0.0)
        shared = dict(zip(touched.tolist(), shared_touched.tolist(), strict=True))
        score = shared_touched / query_weight + shared_touched / self._weight[touched]
        if len(touched) > limit:
            top = np.argpartition(-score, limit)[:limit]
            touched, score = touched[top], score[top]
        order = np.argsort(-score, kind="stable")
        return [
            Overlap(
                record=rec,
                query_coverage=min(1.0, shared[rec] / query_weight),
                record_coverage=min(1.0, shared[rec] / float(self._weight[rec])),
                known_coverage=min(1.0, shared[rec] / known_weight),
            )
            for rec in touched[order].tolist()
        ]
