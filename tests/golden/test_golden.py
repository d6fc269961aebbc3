"""Golden tests: each fixture document parses to exactly its expected JSON line (CONTRACTS §3),
and the fixture master data is valid and is what the documents refer to.

After a deliberate change of the parse, run ``.venv/bin/python tests/golden/regenerate.py`` and
read the diff of fixtures/expected/ before committing it.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from golden_support import DOCUMENTS, EXPECTED, ROOT, documents, expected_path, parse_line

from ingest.domain.identifiers import normalize_gtin
from ingest.domain.masterdata import Customer, CustomerItem, Product, VendorProfile

MASTERDATA = ROOT / "fixtures" / "masterdata"

# Values in the documents that are meant NOT to match the master data (a review case).
INTENTIONALLY_UNKNOWN = {"CFM-JAN-099"}


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.name)
def test_document_parses_as_expected(document: Path) -> None:
    path = expected_path(document)
    assert path.exists(), f"{path} is missing: run tests/golden/regenerate.py and check the file"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert parse_line(document) == expected


def test_every_expected_file_has_its_document() -> None:
    names = {p.name for p in documents()}
    stale = [p.name for p in EXPECTED.glob("*.json") if p.name.removesuffix(".json") not in names]
    assert not stale


def test_the_fixtures_cover_the_intended_cases() -> None:
    lines = {p.name: json.loads(expected_path(p).read_text(encoding="utf-8")) for p in documents()}
    errors = {name: line["error"]["kind"] for name, line in lines.items() if line["error"]}
    assert errors == {
        "acme_no_quantity_column.csv": "sheet_unreadable",
        "empty.csv": "empty",
        "acme_850_bad_segment_count.x12": "x12_segment_count",
    }
    orders = {name: line["orders"] for name, line in lines.items()}
    assert [o["po_number"] for o in orders["evergreen_two_pos.csv"]] == ["EVS-PO-7781", "EVS-PO-7782"]
    delta = orders["delta_marine_DM-3391.csv"][0]
    assert delta["total_amount"] == "516.48"
    assert [c["kind"] for c in delta["charges"]] == ["freight", "tax"]
    cascade = orders["cascade_CFM-2026-0415.tsv"][0]
    assert cascade["lines"][3]["quantity"] is None
    assert cascade["lines"][3]["confidence"]["quantity"] == 0.0


# --- master data ---------------------------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with (MASTERDATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_master_data_files_are_valid() -> None:
    customers = [Customer(**r) for r in _rows("customers.csv")]
    products = [Product(**r) for r in _rows("products.csv")]
    items = [CustomerItem(**r) for r in _rows("customer_items.csv")]
    VendorProfile(**json.loads((MASTERDATA / "vendor.json").read_text(encoding="utf-8")))
    assert len(customers) == 6
    assert 250 <= len(products) <= 350
    assert len({p.sku for p in products}) == len(products)
    assert sum(1 for p in products if p.upc) > len(products) * 0.8
    skus = {p.sku for p in products}
    customer_ids = {c.customer_id for c in customers}
    assert all(i.sku in skus and i.customer_id in customer_ids for i in items)
    assert 35 <= len(items) <= 45


def test_products_csv_is_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("generate_products", MASTERDATA / "generate_products.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.rows() == _rows("products.csv")


def _documents_orders() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for document in documents():
        line = json.loads(expected_path(document).read_text(encoding="utf-8"))
        out += [(document.name, order) for order in line["orders"]]
    return out


def test_documents_refer_to_the_master_data() -> None:
    skus = {r["sku"] for r in _rows("products.csv")}
    upcs = {normalize_gtin(r["upc"]) for r in _rows("products.csv") if r["upc"]}
    items = {(r["customer_id"], r["customer_part_number"]) for r in _rows("customer_items.csv")}
    names = {r["name"]: r["customer_id"] for r in _rows("customers.csv")}
    customer_ids = set(names.values())
    checked = 0
    for name, order in _documents_orders():
        buyer = order["buyer"] or {}
        ids = [i["value"] for i in buyer.get("identifiers", [])]
        customer = ids[0] if ids else names.get(buyer.get("name") or "")
        assert customer in customer_ids, f"{name}: customer {buyer} is not in customers.csv"
        for line in order["lines"]:
            if line["vendor_part_number"]:
                assert line["vendor_part_number"] in skus, (name, line["vendor_part_number"])
            if line["upc"]:
                assert normalize_gtin(line["upc"]) in upcs, (name, line["upc"])
            part = line["buyer_part_number"]
            if part and part not in INTENTIONALLY_UNKNOWN:
                assert (customer, part) in items, (name, customer, part)
            checked += 1
    assert checked >= 20
    assert DOCUMENTS.is_dir()
