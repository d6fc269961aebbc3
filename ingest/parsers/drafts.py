"""Building an order field by field from EDI segments, then validating it once.

The EDI mappers (X12 850/860, EDIFACT ORDERS) set each field together with its confidence and
the segment it was read from. Validating every assignment cost more than the rest of the mapping,
so :func:`put` sets values unvalidated and :func:`validated_order` checks the finished order as a
whole: the order and its lines (the models ``put`` writes into) are validated field by field
again; nested values built by validating constructors (parties, references, charges, senders,
segment references) are taken as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

from ingest.domain.order import Order, OrderLine, SegmentRef


class Located(Protocol):
    """A segment of any EDI syntax: its 0-based index in the interchange."""

    @property
    def index(self) -> int: ...


@lru_cache(maxsize=8192)
def segment_ref(index: int) -> SegmentRef:
    """The provenance of a value read from the segment at ``index`` (shared: SegmentRef is frozen)."""
    return SegmentRef(segment=index)


def put(model: Order | OrderLine, name: str, value: object, seg: Located, confidence: float = 1.0) -> None:
    """Set field ``name`` unvalidated, with its confidence and the segment it was read from."""
    model.__dict__[name] = value
    model.__pydantic_fields_set__.add(name)
    model.confidence[name] = confidence
    model.provenance[name] = segment_ref(seg.index)


def validated_order(order: Order) -> Order:
    """``order`` checked as a whole; raises pydantic's ``ValidationError`` for a value it refuses."""
    data = dict(order.__dict__)
    data["lines"] = [dict(line.__dict__) for line in order.lines]
    return Order.model_validate(data)
