"""The decision: commit automatically only when nothing is in doubt; otherwise review, with every reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.domain.matching import Decision, LineDecision, OrderMatch
from ingest.domain.order import Order

# Fields whose low parse confidence sends an order to review.
# "lines" is lowered when the document's own counts disagree (X12 CTT01 against the PO1 lines).
MANDATORY_ORDER_FIELDS = ("po_number", "lines", "total_amount")
MANDATORY_LINE_FIELDS = ("quantity", "unit_price", "uom", "vendor_part_number", "buyer_part_number", "upc")


@dataclass(frozen=True)
class DecisionRules:
    """Thresholds of the decision; administrators will tune them."""

    customer_threshold: float = 0.95
    line_threshold: float = 0.95
    field_threshold: float = 0.8


def decide(
    order: Order,
    match: OrderMatch,
    rules: DecisionRules,
    *,
    duplicate_of: str | None = None,
    extra_reasons: Sequence[str] = (),
) -> Decision:
    """Commit when the customer and every line are matched above threshold and nothing is doubtful.
    ``extra_reasons`` (what a change order changes, say) are listed first and prevent a commit."""
    reasons: list[str] = list(extra_reasons)
    if match.customer.customer_id is None or match.customer.confidence < rules.customer_threshold:
        reasons.append(f"customer: {match.customer.reason} (confidence {match.customer.confidence:.2f})")
    if not order.po_number:
        reasons.append("PO number missing")
    if order.purpose != "original":
        reasons.append(f"a {order.purpose} order is applied by a clerk")
    if duplicate_of:
        reasons.append(
            f"PO {order.po_number} from {match.customer.customer_id} was already received ({duplicate_of})"
        )
    for name in MANDATORY_ORDER_FIELDS:
        conf = order.confidence.get(name)
        if conf is not None and conf < rules.field_threshold:
            reasons.append(f"{name} read with low confidence ({conf:.2f})")
    if not order.lines:
        reasons.append("the order has no lines")
    line_decisions: list[LineDecision] = []
    for index, (line, lm) in enumerate(zip(order.lines, match.lines, strict=True), start=1):
        label = f"line {line.line_number or index}"
        line_reasons = []
        if lm.sku is None or lm.confidence < rules.line_threshold:
            line_reasons.append(f"{label}: {lm.reason} (confidence {lm.confidence:.2f})")
        if line.quantity is None or line.quantity == 0:
            line_reasons.append(f"{label}: quantity missing or zero")
        for name in MANDATORY_LINE_FIELDS:
            if getattr(line, name) is None and name == "quantity":
                continue  # already reported as missing
            conf = line.confidence.get(name)
            if conf is not None and conf < rules.field_threshold:
                line_reasons.append(f"{label}: {name} read with low confidence ({conf:.2f})")
        line_decisions.append("review" if line_reasons else "auto")
        reasons += line_reasons
    return Decision(commit=not reasons, reasons=tuple(reasons), line_decisions=tuple(line_decisions))
