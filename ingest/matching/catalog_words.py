"""What the catalog's descriptions say about their words: which name the kind of product, which
follow as its variant, and which pairs of words the catalog uses for variants of one product."""

from __future__ import annotations

from collections import Counter, defaultdict

from ingest.matching.descriptions import is_number


def heads_and_tails(
    token_lists: list[list[str]],
) -> tuple[list[frozenset[str]], list[tuple[str, ...]]]:
    """Each description split into the words that name the kind of product and the words after
    them. A description opens with its kind ('Retaining Ring ...', 'Ball Valve ...', 'Earplugs
    Foam ...'): the first word, and the second where the catalog mostly uses that word second,
    naming a kind ('Ring', 'Valve'), not further on as a variant ('Foam' of 'Foam Soap')."""
    opening: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for toks in token_lists:
        words = [t for t in toks if "+" not in t]
        anywhere.update(w for w in words if not is_number(w))
        opening.update(w for w in words[1:2] if not is_number(w))
    heads: list[frozenset[str]] = []
    tails: list[tuple[str, ...]] = []
    for toks in token_lists:
        words = [t for t in toks if "+" not in t]
        size = 0
        if words and not is_number(words[0]):
            size = 1
            if len(words) > 1 and not is_number(words[1]) and 2 * opening[words[1]] >= anywhere[words[1]]:
                size = 2
        heads.append(frozenset(words[:size]))
        tails.append(tuple(w for w in words[size:] if not is_number(w)))
    return heads, tails


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
