"""Results of matching and deciding: who the customer is, which product each line means, and why."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.domain.order import Confidence, DecimalStr


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Candidate(Frozen):
    """A possible match with its confidence and the reason a clerk reads."""

    key: str
    confidence: Confidence
    reason: str


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """The strongest candidate per key, strongest first."""
    best: dict[str, Candidate] = {}
    for cand in candidates:
        if cand.key not in best or cand.confidence > best[cand.key].confidence:
            best[cand.key] = cand
    return sorted(best.values(), key=lambda c: -c.confidence)


class CustomerMatch(Frozen):
    customer_id: str | None
    confidence: Confidence
    reason: str
    candidates: tuple[Candidate, ...] = ()


class LineMatch(Frozen):
    """The product of one line. ``quantity``/``uom`` are the ordered amount in the unit we sell
    (12 EA of a case of 12 is 1 CA); ``problems`` (price off the list, units that do not convert)
    each send the order to review."""

    sku: str | None
    confidence: Confidence
    reason: str
    candidates: tuple[Candidate, ...] = ()
    quantity: DecimalStr | None = None
    uom: str | None = None
    problems: tuple[str, ...] = ()


class LocationMatch(Frozen):
    """Which of the customer's ship-to locations the order's ship-to is; ``location_id`` None when
    it could not be told (not found, or several fit: ``candidates``)."""

    location_id: str | None
    confidence: Confidence
    reason: str
    candidates: tuple[Candidate, ...] = ()


class OrderMatch(Frozen):
    """``problems``: order-level findings that send it to review (a pattern rule, the currency).
    ``ship_to``: the resolved ship-to location, None when the customer has no locations on file."""

    customer: CustomerMatch
    lines: tuple[LineMatch, ...]
    problems: tuple[str, ...] = ()
    ship_to: LocationMatch | None = None


LineDecision = Literal["auto", "review"]


class Decision(Frozen):
    """The verdict on one order: commit automatically, or send to review with every reason."""

    commit: bool
    reasons: tuple[str, ...] = Field(default=())
    line_decisions: tuple[LineDecision, ...] = ()
