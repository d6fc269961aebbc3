"""A line known only by its description: the most similar product, and how sure that is.

Sure means: nearly every word of the line is in the product's description, the line names no size,
colour or count the product contradicts, it says every word that tells the product apart from its
siblings, and no other product that the line does not contradict comes close. Siblings that differ
only in something the line leaves out tie, so such a line is ambiguous, never a guess."""

from __future__ import annotations

from ingest.domain.matching import Candidate, LineMatch
from ingest.domain.rules import RuleSet
from ingest.matching.catalog import DescriptionHit, DescriptionIndex

MIN_SIMILARITY = 0.5  # below: not a match at all
SURE_SIMILARITY = 0.72  # a clear winner at least this similar is as sure as a description gets
SURE_COVERAGE = 0.75  # share of the line's (weighted) words the product must have to be sure
SURE_KNOWN = 0.88  # ... and of the words the catalog knows: a known word the product lacks is a doubt
AMBIGUOUS_MARGIN = 0.03  # an uncontradicted runner-up this close: ambiguous
CLOSE_MARGIN = 0.08  # an uncontradicted runner-up this close: doubtful
AMBIGUOUS_CAP = 0.5
CLOSE_CAP = 0.8
CONFLICT_CAP = 0.6
DOUBT = 0.9  # share of the weight a description short of sure gets, times its similarity


def _candidate(hit: DescriptionHit, confidence: float) -> Candidate:
    note = f"; {', '.join(hit.conflicts)}" if hit.conflicts else ""
    return Candidate(
        key=hit.sku,
        confidence=round(confidence, 4),
        reason=f"description {hit.similarity:.2f} like {hit.description!r}{note}",
    )


def _doubt(hit: DescriptionHit) -> str:
    """Why a match without contradictions is still not sure, for the clerk."""
    doubts = []
    if hit.unspecified:
        doubts.append(
            f"the line does not say {' '.join(hit.unspecified)!r}, which tells it from similar products"
        )
    if hit.unknown and (hit.query_coverage < SURE_COVERAGE or hit.known_coverage < SURE_KNOWN):
        doubts.append(f"words not in our catalog: {' '.join(hit.unknown)}")
    elif hit.query_coverage < SURE_COVERAGE or hit.known_coverage < SURE_KNOWN:
        doubts.append("the line has words this product lacks")
    if hit.similarity < SURE_SIMILARITY:
        doubts.append("too little alike")
    return f", but {'; '.join(doubts)}" if doubts else ""


def describe_line(text: str, index: DescriptionIndex, rules: RuleSet) -> LineMatch:
    hits = index.search(text, limit=8)
    if not hits or hits[0].similarity < MIN_SIMILARITY:
        closest = f" (best {hits[0].similarity:.2f}: {hits[0].description!r})" if hits else ""
        return LineMatch(
            sku=None,
            confidence=0.0,
            reason=f"no product description is like {text!r}{closest}",
            candidates=tuple(_candidate(h, h.similarity * 0.5) for h in hits[:5]),
        )
    clean = [h for h in hits if not h.conflicts]
    top = clean[0] if clean and clean[0].similarity >= hits[0].similarity - CLOSE_MARGIN else hits[0]
    rivals = [h for h in clean if h.sku != top.sku]
    runner = rivals[0] if rivals else None
    margin = top.similarity - runner.similarity if runner else 1.0
    weight = rules.weights.description
    sure = (
        not top.conflicts
        and not top.unspecified
        and top.similarity >= SURE_SIMILARITY
        and top.query_coverage >= SURE_COVERAGE
        and top.known_coverage >= SURE_KNOWN
        and margin >= CLOSE_MARGIN
    )
    confidence = weight if sure else weight * top.similarity * DOUBT
    reason = f"description {top.similarity:.2f} like {top.description!r}"
    if not sure and not top.conflicts:
        reason += _doubt(top)
    if top.conflicts:
        confidence = min(confidence, CONFLICT_CAP)
        reason += f", but {', '.join(top.conflicts)}"
    if runner is not None and margin < AMBIGUOUS_MARGIN:
        confidence = min(confidence, AMBIGUOUS_CAP)
        reason += f"; runner-up {runner.sku} {runner.similarity:.2f} like {runner.description!r}: ambiguous"
    elif runner is not None and margin < CLOSE_MARGIN:
        confidence = min(confidence, CLOSE_CAP)
        reason += f"; runner-up {runner.sku} {runner.similarity:.2f} is close"
    others = [h for h in hits if h.sku != top.sku][:4]
    candidates = [_candidate(top, confidence)] + [
        _candidate(h, min(confidence, h.similarity * weight * DOUBT)) for h in others
    ]
    return LineMatch(
        sku=top.sku, confidence=round(confidence, 4), reason=reason, candidates=tuple(candidates)
    )
