"""Master data files: validation naming file, row and column; whole-file rejection; upsert."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.db import Database
from ingest.errors import MasterDataError
from ingest.services.masterdata import load_directory

VENDOR = {
    "name": "Northwind Industrial Supply",
    "domains": ["northwind-supply.example"],
    "edi_qualifier": "ZZ",
    "edi_id": "NORTHWINDSUP",
}


def write(d: Path, name: str, text: str) -> None:
    (d / name).write_text(text, encoding="utf-8")


@pytest.fixture
def db(database_url: str) -> Database:
    return Database(database_url)


def test_load_and_upsert(db: Database, tmp_path: Path) -> None:
    d = tmp_path / "md"
    d.mkdir()
    write(d, "customers.csv", "customer_id,name,email_domains,extra\nC1,Acme,acme.example;acme2.example,x\n")
    write(
        d,
        "products.csv",
        "sku,description,upc,uom,pack_size,unit_price\nA-1,Bolt,036000291452,each,12,1.2500\nB-2,Nut,,CS,,\n",
    )
    write(d, "customer_items.csv", "customer_id,customer_part_number,sku\nC1,77-1,A-1\n")
    write(d, "vendor.json", json.dumps(VENDOR))
    report = load_directory(db, d)
    assert report.ok and report.loaded == {
        "customers.csv": 1,
        "products.csv": 2,
        "customer_items.csv": 1,
        "vendor.json": 1,
    }
    write(d, "products.csv", "sku,description,unit_price\nA-1,Hex bolt,1.30\nC-3,Washer,0.05\n")
    (d / "customer_items.csv").unlink()
    report = load_directory(db, d)
    assert report.totals == {"customers": 1, "products": 3, "customer_items": 1, "ship_to_locations": 0}
    with db.unit_of_work() as uow:
        view = uow.masterdata_view
        [bolt] = view.products_by_sku_key("A1")
        assert bolt.description == "Hex bolt" and str(bolt.unit_price) == "1.3"
        assert [c.customer_id for c in view.customers_by_domain("acme2.example")] == ["C1"]
        assert view.cross_reference("C1", "771") == "A-1"
        vendor = view.vendor()
        assert vendor is not None and vendor.edi_id == "NORTHWINDSUP"
    db.dispose()


def test_bad_rows_reject_the_file_and_name_row_and_column(db: Database, tmp_path: Path) -> None:
    d = tmp_path / "md"
    d.mkdir()
    write(d, "customers.csv", "customer_id,name\nC1,Acme\n")
    write(
        d,
        "products.csv",
        "sku,description,upc,unit_price\nA-1,Bolt,036000291453,1.00\nB-2,Nut,,-3\nA-1,Again,,1\n",
    )
    report = load_directory(db, d)
    assert report.loaded == {"customers.csv": 1}
    problems = [str(p) for p in report.rejected["products.csv"]]
    assert any("products.csv, row 2, column 'upc'" in p and "check digit" in p for p in problems)
    assert any("row 3, column 'unit_price'" in p for p in problems)
    assert any("row 4" in p and "repeats row 2" in p for p in problems)
    assert report.totals["products"] == 0
    db.dispose()


def test_missing_required_column_and_unknown_references(db: Database, tmp_path: Path) -> None:
    d = tmp_path / "md"
    d.mkdir()
    write(d, "products.csv", "sku,price\nA,1\n")
    write(d, "customer_items.csv", "customer_id,customer_part_number,sku\nC9,1,ZZZ\n")
    report = load_directory(db, d)
    assert "column 'description'" in str(report.rejected["products.csv"][0])
    items = [str(p) for p in report.rejected["customer_items.csv"]]
    assert any("unknown customer 'C9'" in p for p in items) and any(
        "unknown product 'ZZZ'" in p for p in items
    )
    db.dispose()


def test_a_folder_without_master_data_files_is_an_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(MasterDataError, match="holds none"):
        load_directory(db, tmp_path)
    db.dispose()
