"""Which of our products a line means: a cascade of exact keys, each step with its own confidence."""

from __future__ import annotations

from ingest.domain.identifiers import normalize_code, normalize_gtin
from ingest.domain.masterdata import Product
from ingest.domain.matching import Candidate, LineMatch, rank
from ingest.domain.order import OrderLine
from ingest.matching.masterdata import MasterDataView

CROSS_REFERENCE = 1.0
SKU_EXACT = 1.0
SKU_NORMALIZED = 0.97
GTIN = 1.0
BUYER_PART_IS_SKU = 0.9
AMBIGUOUS = 0.4
CONFLICT = 0.4


def _unique(products: list[Product], confidence: float, reason: str) -> list[Candidate]:
    if len(products) == 1:
        return [Candidate(key=products[0].sku, confidence=confidence, reason=reason)]
    return [
        Candidate(key=p.sku, confidence=AMBIGUOUS, reason=f"{reason} fits {len(products)} products")
        for p in products
    ]


def _by_sku(code: str, data: MasterDataView, confidence_exact: float, label: str) -> list[Candidate]:
    products = data.products_by_sku_key(normalize_code(code))
    exact = [p for p in products if p.sku == code.strip()]
    if exact:
        return _unique(exact, confidence_exact, f"{label} {code}")
    written = min(confidence_exact, SKU_NORMALIZED)
    return _unique(
        products, written, f"{label} {code!r} written as our SKU {products[0].sku}" if products else ""
    )


def line_candidates(line: OrderLine, customer_id: str | None, data: MasterDataView) -> list[Candidate]:
    """Every product the line's identifiers point at, strongest evidence first."""
    found: list[Candidate] = []
    if customer_id and line.buyer_part_number:
        sku = data.cross_reference(customer_id, normalize_code(line.buyer_part_number))
        if sku:
            found.append(
                Candidate(
                    key=sku,
                    confidence=CROSS_REFERENCE,
                    reason=f"customer part number {line.buyer_part_number} (cross-reference)",
                )
            )
    if line.vendor_part_number:
        found += _by_sku(line.vendor_part_number, data, SKU_EXACT, "our SKU")
    if line.upc:
        gtin = normalize_gtin(line.upc)
        if gtin:
            found += _unique(data.products_by_gtin(gtin), GTIN, f"UPC/EAN {line.upc}")
    if line.buyer_part_number and not any(c.confidence >= CROSS_REFERENCE for c in found):
        found += _by_sku(
            line.buyer_part_number, data, BUYER_PART_IS_SKU, "customer part number equals our SKU"
        )
    return found


def match_line(line: OrderLine, customer_id: str | None, data: MasterDataView) -> LineMatch:
    """The product for one line. Evidence that disagrees (SKU says A, UPC says B) is never trusted."""
    found = line_candidates(line, customer_id, data)
    if not found:
        keys = ", ".join(
            f"{label} {value}"
            for label, value in (
                ("part", line.buyer_part_number),
                ("SKU", line.vendor_part_number),
                ("UPC", line.upc),
            )
            if value
        )
        reason = f"no product matches {keys}" if keys else "the line has no part number, SKU or UPC"
        return LineMatch(sku=None, confidence=0.0, reason=reason)
    ranked = rank(found)
    top = ranked[0]
    rivals = [c for c in ranked[1:] if c.confidence >= BUYER_PART_IS_SKU]
    if rivals:
        return LineMatch(
            sku=top.key,
            confidence=CONFLICT,
            reason=(
                f"conflicting identifiers: {top.reason} gives {top.key}, "
                f"{rivals[0].reason} gives {rivals[0].key}"
            ),
            candidates=tuple(ranked),
        )
    return LineMatch(sku=top.key, confidence=top.confidence, reason=top.reason, candidates=tuple(ranked))
