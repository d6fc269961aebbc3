"""Pure domain models: the normalized order, documents, match results and decisions."""

from ingest.domain.document import DocumentState, OrderStatus, Receipt
from ingest.domain.matching import Candidate, CustomerMatch, Decision, LineMatch, OrderMatch
from ingest.domain.order import (
    Charge,
    Identifier,
    Order,
    OrderLine,
    PageBox,
    Party,
    Reference,
    RowRef,
    SegmentRef,
    Sender,
)

__all__ = [
    "Candidate",
    "Charge",
    "CustomerMatch",
    "Decision",
    "DocumentState",
    "Identifier",
    "LineMatch",
    "Order",
    "OrderLine",
    "OrderMatch",
    "OrderStatus",
    "PageBox",
    "Party",
    "Receipt",
    "Reference",
    "RowRef",
    "SegmentRef",
    "Sender",
]
