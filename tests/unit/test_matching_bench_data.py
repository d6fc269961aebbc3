"""The labelled matching set of bench/matching_data.py: deterministic, valid, and labelled right."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from matching_data import LINE_KINDS, MatchingSet, build_set

from ingest.domain.identifiers import is_valid_gtin, normalize_code, normalize_gtin
from ingest.domain.masterdata import Customer, CustomerItem, Product

SMALL = 1_000


@pytest.fixture(scope="module")
def data() -> MatchingSet:
    return build_set(products=SMALL, seed=11, min_lines=2_000)


def test_the_same_seed_gives_the_same_data(data: MatchingSet) -> None:
    again = build_set(products=SMALL, seed=11, min_lines=2_000)
    assert again.products == data.products
    assert again.customers == data.customers
    assert again.items == data.items
    assert again.orders == data.orders
    other = build_set(products=SMALL, seed=12, min_lines=100)
    assert other.products != data.products


def test_products_validate_and_barcodes_have_valid_check_digits(data: MatchingSet) -> None:
    assert len(data.products) == SMALL
    assert len({p.sku_key for p in data.products}) == SMALL
    for product in data.products:
        assert Product.model_validate(product.model_dump()) == product
        assert product.upc is None or is_valid_gtin(product.upc)
    upcs = [normalize_gtin(p.upc) for p in data.products if p.upc]
    assert len(upcs) > SMALL * 0.8
    assert len(set(upcs)) == len(upcs)
    for customer in data.customers:
        assert Customer.model_validate(customer.model_dump()) == customer
    assert len(data.customers) >= 40
    for item in data.items:
        assert CustomerItem.model_validate(item.model_dump()) == item


def test_labels_refer_to_real_customers_and_skus(data: MatchingSet) -> None:
    skus = {p.sku: p for p in data.products}
    customers = {c.customer_id for c in data.customers}
    xrefs = {(i.customer_id, normalize_code(i.customer_part_number)): i.sku for i in data.items}
    assert all(i.sku in skus for i in data.items)
    for labelled in data.orders:
        assert labelled.customer_id in customers
        assert len(labelled.lines) == len(labelled.order.lines)
        for label, line in zip(labelled.lines, labelled.order.lines, strict=True):
            assert (label.sku is None) == (label.kind == "not-in-catalog")
            assert label.ambiguous == (label.kind == "ambiguous")
            if label.sku is not None:
                assert label.sku in skus
            if label.kind == "xref":
                assert line.buyer_part_number is not None
                assert xrefs[(labelled.customer_id, normalize_code(line.buyer_part_number))] == label.sku
            elif label.kind == "upc":
                assert line.upc is not None and label.sku is not None
                assert normalize_gtin(line.upc) == normalize_gtin(skus[label.sku].upc or "")
            elif label.kind == "sku-variant":
                written = line.vendor_part_number or line.buyer_part_number or ""
                assert normalize_code(written).lstrip("0") == normalize_code(str(label.sku)).lstrip("0")
            elif label.kind in ("description", "ambiguous"):
                assert line.description and not (line.vendor_part_number or line.upc)


def test_ambiguous_lines_have_a_sibling_in_the_catalog(data: MatchingSet) -> None:
    items = {i.product.sku: i for i in data.catalog.items}
    for labelled in data.orders:
        for label in labelled.lines:
            if label.ambiguous:
                item = items[str(label.sku)]
                assert any(data.catalog.siblings(item, d) for d in range(len(item.family.dims)))


def test_enough_lines_of_every_kind(data: MatchingSet) -> None:
    kinds = Counter(label.kind for o in data.orders for label in o.lines)
    assert sum(kinds.values()) >= 2_000
    assert set(kinds) == set(LINE_KINDS)
    assert min(kinds.values()) >= 80
    assert len({o.customer_id for o in data.orders}) >= 40
    channels = Counter(o.order.sender.channel for o in data.orders if o.order.sender)
    assert channels["edi"] and channels["email"]
