"""Finding a product for a clerk: by our SKU (written any way), by UPC/EAN/GTIN, or by words of
the description, through the same indexes the matcher uses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ingest.db import Database
from ingest.domain.identifiers import normalize_code, normalize_gtin
from ingest.matching.descriptions import synonyms_for
from ingest.services.rules import in_force

MAX_QUERY = 200


@dataclass(frozen=True)
class ProductHit:
    sku: str
    description: str
    uom: str | None
    unit_price: Decimal | None
    upc: str | None
    how: str  # "SKU", "UPC" or "description 87%"


def search_products(db: Database, query: str, limit: int = 10) -> list[ProductHit]:
    """Products for ``query``: exact SKU and GTIN hits first, then description matches."""
    text = query.strip()[:MAX_QUERY]
    if not text:
        return []
    hits: dict[str, ProductHit] = {}
    with db.unit_of_work() as uow:
        view = uow.masterdata_view
        for product in view.products_by_sku_key(normalize_code(text)):
            hits.setdefault(
                product.sku,
                ProductHit(
                    product.sku, product.description, product.uom, product.unit_price, product.upc, "SKU"
                ),
            )
        gtin = normalize_gtin(text)
        if gtin is not None:
            for product in view.products_by_gtin(gtin):
                hits.setdefault(
                    product.sku,
                    ProductHit(
                        product.sku, product.description, product.uom, product.unit_price, product.upc, "UPC"
                    ),
                )
        _, rules = in_force(uow)
        index = view.description_index(synonyms_for(rules.synonyms))
        for hit in index.search(text, limit=limit):
            if len(hits) >= limit:
                break
            if hit.sku in hits:
                continue
            found = view.product(hit.sku)
            if found is None:
                continue
            hits[hit.sku] = ProductHit(
                found.sku,
                found.description,
                found.uom,
                found.unit_price,
                found.upc,
                f"description {hit.similarity * 100:.0f}%",
            )
    return list(hits.values())[:limit]
