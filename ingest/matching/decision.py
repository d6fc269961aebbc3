"""The decision: commit automatically only when nothing is in doubt; otherwise review, with every
reason. The rule set says how sure is sure enough, per customer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ingest.domain.matching import Decision, LineDecision, OrderMatch
from ingest.domain.order import Order, OrderLine
from ingest.domain.rules import RuleSet

# Fields whose low parse confidence sends an order to review at the mandatory threshold; every other
# field read with a confidence is held to the optional threshold.
# "lines" is lowered when the document's own counts disagree (X12 CTT01 against the PO1 lines).
MANDATORY_ORDER_FIELDS = frozenset({"po_number", "lines", "total_amount", "currency"})
MANDATORY_LINE_FIELDS = frozenset(
    {"quantity", "unit_price", "uom", "vendor_part_number", "buyer_part_number", "upc", "change"}
)
CENT = Decimal("0.01")


def _field_reasons(
    label: str, confidence: dict[str, float], mandatory: frozenset[str], rules: RuleSet
) -> list[str]:
    reasons = []
    for name, conf in sorted(confidence.items()):
        limit = rules.thresholds.mandatory_field if name in mandatory else rules.thresholds.optional_field
        if conf < limit:
            reasons.append(f"{label}{name} read with low confidence ({conf:.2f})")
    return reasons


def _amount(line: OrderLine) -> Decimal | None:
    if line.quantity is None or line.unit_price is None:
        return None
    return (line.quantity * line.unit_price).quantize(CENT)


def total_reason(order: Order, tolerance: Decimal) -> str | None:
    """Why the stated total does not reconcile with lines and charges, or None when it does (or
    cannot be checked because a line has no price)."""
    if order.total_amount is None or not order.lines:
        return None
    amounts = [_amount(line) for line in order.lines if line.change != "delete"]
    if any(a is None for a in amounts):
        return None
    lines_sum = sum((a for a in amounts if a is not None), Decimal(0))
    charges = sum(((-abs(c.amount) if c.kind == "discount" else c.amount) for c in order.charges), Decimal(0))
    expected = lines_sum + charges
    if abs(expected - order.total_amount) <= tolerance:
        return None
    if not order.charges and abs(lines_sum - order.total_amount) <= tolerance:
        return None
    return (
        f"total {format(order.total_amount, 'f')} does not reconcile: lines {format(lines_sum, 'f')}"
        f" + charges {format(charges, 'f')} = {format(expected, 'f')}"
    )


def decide(
    order: Order,
    match: OrderMatch,
    rules: RuleSet,
    *,
    duplicate_of: str | None = None,
    extra_reasons: Sequence[str] = (),
) -> Decision:
    """Commit when the customer and every line are matched above threshold and nothing is doubtful.
    ``extra_reasons`` (what a change order changes, say) are listed first and prevent a commit."""
    customer_id = match.customer.customer_id
    automation = rules.automation_for(customer_id)
    trusting = automation == "always"
    reasons: list[str] = list(extra_reasons)
    if automation == "never":
        reasons.append(f"customer {customer_id} is set to have every order reviewed")
    if customer_id is None:
        reasons.append(f"customer: {match.customer.reason}")
    elif match.customer.confidence < rules.customer_threshold(customer_id) and not trusting:
        reasons.append(f"customer: {match.customer.reason} (confidence {match.customer.confidence:.2f})")
    ship_to = match.ship_to  # None: the customer has no locations on file, the ship-to is as written
    if ship_to is not None and not trusting:
        if ship_to.location_id is None:
            reasons.append(f"ship-to: {ship_to.reason}")
        elif ship_to.confidence < rules.thresholds.mandatory_field:
            reasons.append(f"ship-to: {ship_to.reason} (confidence {ship_to.confidence:.2f})")
    if not order.po_number:
        reasons.append("PO number missing")
    if order.purpose != "original":
        reasons.append(f"a {order.purpose} order is applied by a clerk")
    if duplicate_of:
        reasons.append(f"PO {order.po_number} from {customer_id} was already received ({duplicate_of})")
    reasons += match.problems
    if not trusting:
        reasons += _field_reasons("", order.confidence, MANDATORY_ORDER_FIELDS, rules)
    total = total_reason(order, rules.amount_tolerance)
    if total:
        reasons.append(total)
    if not order.lines:
        reasons.append("the order has no lines")
    line_threshold = rules.line_threshold(customer_id)
    line_decisions: list[LineDecision] = []
    for index, (line, lm) in enumerate(zip(order.lines, match.lines, strict=True), start=1):
        label = f"line {line.line_number or index}: "
        line_reasons = []
        if lm.sku is None:
            line_reasons.append(f"{label}{lm.reason}")
        elif lm.confidence < line_threshold and not trusting:
            line_reasons.append(f"{label}{lm.reason} (confidence {lm.confidence:.2f})")
        if line.quantity is None or line.quantity == 0:
            line_reasons.append(f"{label}quantity missing or zero")
        line_reasons += [f"{label}{p}" for p in lm.problems]
        if not trusting:
            confidence = {
                k: v for k, v in line.confidence.items() if not (k == "quantity" and line.quantity is None)
            }
            line_reasons += _field_reasons(label, confidence, MANDATORY_LINE_FIELDS, rules)
        line_decisions.append("review" if line_reasons else "auto")
        reasons += line_reasons
    return Decision(commit=not reasons, reasons=tuple(reasons), line_decisions=tuple(line_decisions))
