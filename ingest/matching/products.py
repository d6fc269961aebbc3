"""Which of our products a line means: a cascade from the strongest evidence (the customer's own
cross-reference) to the weakest (a description like ours), each step with its own confidence."""

from __future__ import annotations

from ingest.domain.identifiers import normalize_code, normalize_gtin
from ingest.domain.masterdata import LearnedItem, Product
from ingest.domain.matching import Candidate, LineMatch, rank
from ingest.domain.order import OrderLine
from ingest.domain.rules import RuleSet
from ingest.matching.catalog import DescriptionIndex
from ingest.matching.codes import code_conflicts, codes
from ingest.matching.describe import describe_line
from ingest.matching.descriptions import description_agrees, description_key, sizes_contradict
from ingest.matching.masterdata import MasterDataView
from ingest.matching.regex_rules import line_hits
from ingest.matching.units import check_units

AMBIGUOUS = 0.4
UNKNOWN_CODE_CAP = 0.8
CONFLICT = 0.4
DEFAULT_RULES = RuleSet()


def _unique(products: list[Product], confidence: float, reason: str) -> list[Candidate]:
    if len(products) == 1:
        return [Candidate(key=products[0].sku, confidence=confidence, reason=reason)]
    return [
        Candidate(key=p.sku, confidence=AMBIGUOUS, reason=f"{reason} fits {len(products)} products")
        for p in products
    ]


def _by_sku(code: str, data: MasterDataView, exact: float, written: float, label: str) -> list[Candidate]:
    products = data.products_by_sku_key(normalize_code(code))
    same = [p for p in products if p.sku == code.strip()]
    if same:
        return _unique(same, exact, f"{label} {code.strip()}")
    if not products:
        return []
    return _unique(
        products, min(exact, written), f"{label} {code.strip()!r} written as our SKU {products[0].sku}"
    )


def _learned(item: LearnedItem | None, confidence: float, what: str) -> list[Candidate]:
    if item is None:
        return []
    when = item.learned_at.date().isoformat()
    return [
        Candidate(
            key=item.sku,
            confidence=confidence,
            reason=f"{what} {item.text!r} is {item.sku} (learned from {item.learned_by} on {when})",
        )
    ]


def identifier_candidates(
    line: OrderLine, customer_id: str | None, data: MasterDataView, rules: RuleSet = DEFAULT_RULES
) -> list[Candidate]:
    """Every product the line's identifiers (and the rules) point at."""
    w = rules.weights
    found: list[Candidate] = [
        Candidate(key=hit.rule.value or "", confidence=w.regex, reason=hit.reason)
        for hit in line_hits(line, rules, customer_id)
        if hit.rule.action == "sku" and not hit.timed_out and data.product(hit.rule.value or "")
    ]
    known_part = False  # a cross-reference (given or learned) says the part number is theirs, not our SKU
    if customer_id and line.buyer_part_number:
        part_key = normalize_code(line.buyer_part_number)
        sku = data.cross_reference(customer_id, part_key)
        if sku:
            reason = f"customer part number {line.buyer_part_number} (cross-reference)"
            found.append(Candidate(key=sku, confidence=w.cross_reference, reason=reason))
            known_part = True
        else:
            learned = _learned(data.learned(customer_id, "part", part_key), w.learned, "customer part number")
            found += learned
            known_part = bool(learned)
    if line.vendor_part_number:
        found += _by_sku(line.vendor_part_number, data, w.sku_exact, w.sku_written_differently, "our SKU")
    if line.upc:
        gtin = normalize_gtin(line.upc)
        if gtin:
            found += _unique(data.products_by_gtin(gtin), w.gtin, f"UPC/EAN {line.upc}")
    if line.buyer_part_number and not known_part:
        found += [
            _corroborated(c, line, data, rules, customer_id)
            for c in _by_sku(
                line.buyer_part_number,
                data,
                w.buyer_part_is_sku,
                w.buyer_part_is_sku,
                "customer part number equals our SKU",
            )
        ]
    if customer_id and line.description and not found:
        key = description_key(line.description)
        if key:
            found += _learned(data.learned(customer_id, "description", key), w.learned, "description")
    return found


def _corroborated(
    candidate: Candidate, line: OrderLine, data: MasterDataView, rules: RuleSet, customer_id: str | None
) -> Candidate:
    """A customer part number that is also our SKU may be a coincidence; the line's price or
    description agreeing with that product makes it our SKU written in the wrong column."""
    product = data.product(candidate.key)
    if product is None or candidate.confidence < rules.weights.buyer_part_is_sku:
        return candidate
    agrees = []
    if line.unit_price is not None and product.unit_price is not None:
        check = check_units(line, product, rules.price_tolerance_for(customer_id))
        if check.quantity is not None and not check.problems:
            agrees.append("the price agrees")
    if line.description and description_agrees(line.description, product.description):
        agrees.append("the description agrees")
    if not agrees:
        return candidate
    return candidate.model_copy(
        update={
            "confidence": rules.weights.sku_written_differently,
            "reason": f"{candidate.reason}, and {' and '.join(agrees)}",
        }
    )


def _by_description(line: OrderLine, index: DescriptionIndex, rules: RuleSet) -> LineMatch:
    """The description decides; a SKU or UPC of ours on the line that matches nothing is a doubt
    (a mistyped code, or a product we do not carry), named in the reason."""
    match = describe_line(line.description or "", index, rules)
    if not (line.vendor_part_number or line.upc):
        return match
    missing = _no_match(line).reason
    return match.model_copy(
        update={
            "confidence": min(match.confidence, UNKNOWN_CODE_CAP),
            "reason": f"{missing}; {match.reason}",
        }
    )


def _no_match(line: OrderLine) -> LineMatch:
    keys = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("part", line.buyer_part_number),
            ("SKU", line.vendor_part_number),
            ("UPC", line.upc),
        )
        if value
    )
    reason = f"no product matches {keys}" if keys else "the line has no part number, SKU, UPC or description"
    return LineMatch(sku=None, confidence=0.0, reason=reason)


def _with_units(
    match: LineMatch, line: OrderLine, data: MasterDataView, rules: RuleSet, customer_id: str | None
) -> LineMatch:
    product = data.product(match.sku) if match.sku else None
    if product is None:
        return match
    check = check_units(line, product, rules.price_tolerance_for(customer_id))
    return match.model_copy(update={"quantity": check.quantity, "uom": check.uom, "problems": check.problems})


def match_line(
    line: OrderLine,
    customer_id: str | None,
    data: MasterDataView,
    rules: RuleSet = DEFAULT_RULES,
    index: DescriptionIndex | None = None,
) -> LineMatch:
    """The product for one line. Identifiers that disagree (SKU says A, UPC says B) are never
    trusted; a description is the last resort, and a close runner-up makes it doubtful."""
    found = identifier_candidates(line, customer_id, data, rules)
    if not found:
        if line.description and index is not None:
            return _with_units(_by_description(line, index, rules), line, data, rules, customer_id)
        return _no_match(line)
    ranked = rank(found)
    top = ranked[0]
    rivals = [c for c in ranked[1:] if c.confidence >= rules.weights.buyer_part_is_sku]
    if rivals:
        match = LineMatch(
            sku=top.key,
            confidence=min(CONFLICT, top.confidence),
            reason=(
                f"conflicting identifiers: {top.reason} gives {top.key}, "
                f"{rivals[0].reason} gives {rivals[0].key}"
            ),
            candidates=tuple(ranked),
        )
    else:
        match = LineMatch(sku=top.key, confidence=top.confidence, reason=top.reason, candidates=tuple(ranked))
    match = _described_otherwise(match, line, data, rules, index)
    return _with_units(match, line, data, rules, customer_id)


def _described_otherwise(
    match: LineMatch, line: OrderLine, data: MasterDataView, rules: RuleSet, index: DescriptionIndex | None
) -> LineMatch:
    """An identifier for one product on a line whose words give another's sizes (the customer's
    part number for a 7/64" bit on a line for a 15/32" one). A customer part number that only
    happens to be one of our SKUs gives way to the description; a stronger identifier stays, for a
    clerk to decide, with the product the description names beside it."""
    product = data.product(match.sku) if match.sku else None
    if product is None or not line.description or not product.description:
        return match
    conflict = sizes_contradict(line.description, product.description) or (
        "; ".join(code_conflicts(codes(line.description), codes(product.description))) or None
    )
    if conflict is None:
        return match
    described = _by_description(line, index, rules) if index is not None else None
    coincidence = (
        match.reason.startswith(_PART_IS_SKU) and match.confidence <= rules.weights.buyer_part_is_sku
    )
    if described is not None and described.sku not in (None, match.sku) and coincidence:
        ours = Candidate(key=product.sku, confidence=CONFLICT, reason=f"{match.reason} ({conflict})")
        return described.model_copy(
            update={
                "reason": f"{described.reason}; {match.reason} is {product.description!r}, "
                f"which the description contradicts ({conflict})",
                "candidates": (*described.candidates, ours),
            }
        )
    extra = tuple(c for c in (described.candidates[:1] if described else ()) if c.key != match.sku)
    return match.model_copy(
        update={
            "confidence": min(match.confidence, CONFLICT),
            "reason": f"{match.reason}, but the description says otherwise: {conflict}",
            "candidates": (*match.candidates, *extra),
        }
    )


_PART_IS_SKU = "customer part number equals our SKU"
