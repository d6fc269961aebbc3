"""Loading master data files (CONTRACTS §5): validate every row, reject a bad file whole, upsert."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ingest.db import Database
from ingest.domain.masterdata import Customer, CustomerItem, Product, ShipToLocation, VendorProfile
from ingest.errors import MasterDataError, MasterDataProblem
from ingest.services.masterdata_locations import location_problems

M = TypeVar("M", bound=BaseModel)

REQUIRED = {
    "customers.csv": ("customer_id", "name"),
    "products.csv": ("sku", "description"),
    "customer_items.csv": ("customer_id", "customer_part_number", "sku"),
    "ship_to_locations.csv": ("customer_id", "location_id", "name"),
}
KEYS: dict[str, tuple[str, ...]] = {
    "customers.csv": ("customer_id",),
    "products.csv": ("sku",),
    "customer_items.csv": ("customer_id", "customer_part_number"),
    "ship_to_locations.csv": ("customer_id", "location_id"),
}
LOCATIONS = "ship_to_locations.csv"
MAX_PROBLEMS = 50


@dataclass
class LoadReport:
    loaded: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, list[MasterDataProblem]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MasterDataError(
            [
                MasterDataProblem(
                    path.name, None, None, f"not UTF-8 (byte {exc.start}): save the file as UTF-8"
                )
            ]
        ) from exc


def read_rows(name: str, text: str, model: type[M]) -> list[M]:
    """Parse one CSV file into models. Raises MasterDataError naming every bad row and column."""
    return [m for _, m in read_numbered_rows(name, text, model)]


def read_numbered_rows(name: str, text: str, model: type[M]) -> list[tuple[int, M]]:
    """As :func:`read_rows`, each model with its row number in the file (the header is row 1)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED[name] if c not in header]
    if missing:
        raise MasterDataError(
            [MasterDataProblem(name, 1, c, "required column is missing from the header row") for c in missing]
        )
    problems: list[MasterDataProblem] = []
    rows: list[tuple[int, M]] = []
    seen: dict[tuple[str, ...], int] = {}
    for row_number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(
                MasterDataProblem(name, row_number, None, f"{len(raw[None])} more cells than the header")
            )
            continue
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        key = tuple(values.get(k, "") for k in KEYS[name])
        if key in seen:
            problems.append(
                MasterDataProblem(
                    name, row_number, KEYS[name][-1], f"{'/'.join(key)} repeats row {seen[key]}"
                )
            )
            continue
        seen[key] = row_number
        try:
            rows.append((row_number, model.model_validate(values)))
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                shown = values.get(column or "", "")
                problems.append(
                    MasterDataProblem(name, row_number, column, f"{err['msg']} (value {shown!r})")
                )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise MasterDataError(problems)
    return rows


def load_directory(
    db: Database,
    directory: Path,
    actor: str = "masterdata",
    progress: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Load customers.csv, products.csv, customer_items.csv, ship_to_locations.csv and vendor.json
    from ``directory``.

    Each file is all or nothing; the valid files are written in one transaction."""
    if not directory.is_dir():
        raise MasterDataError([MasterDataProblem(str(directory), None, None, "not a directory")])
    report = LoadReport()
    customers: Sequence[Customer] = ()
    products: Sequence[Product] = ()
    items: Sequence[CustomerItem] = ()
    locations: Sequence[tuple[int, ShipToLocation]] = ()
    vendor: VendorProfile | None = None

    def attempt(name: str, read: Callable[[Path], None]) -> None:
        path = directory / name
        if not path.exists():
            return
        try:
            read(path)
        except MasterDataError as exc:
            report.rejected[name] = exc.problems

    def read_customers(p: Path) -> None:
        nonlocal customers
        customers = read_rows("customers.csv", _read_text(p), Customer)

    def read_products(p: Path) -> None:
        nonlocal products
        products = read_rows("products.csv", _read_text(p), Product)

    def read_items(p: Path) -> None:
        nonlocal items
        items = read_rows("customer_items.csv", _read_text(p), CustomerItem)

    def read_locations(p: Path) -> None:
        nonlocal locations
        locations = read_numbered_rows(LOCATIONS, _read_text(p), ShipToLocation)

    def read_vendor(p: Path) -> None:
        nonlocal vendor
        try:
            vendor = VendorProfile.model_validate(json.loads(_read_text(p)))
        except json.JSONDecodeError as exc:
            raise MasterDataError([MasterDataProblem("vendor.json", exc.lineno, None, exc.msg)]) from exc
        except ValidationError as exc:
            raise MasterDataError(
                [
                    MasterDataProblem("vendor.json", None, ".".join(map(str, e["loc"])), e["msg"])
                    for e in exc.errors()
                ]
            ) from exc

    attempt("customers.csv", read_customers)
    attempt("products.csv", read_products)
    attempt("customer_items.csv", read_items)
    attempt(LOCATIONS, read_locations)
    attempt("vendor.json", read_vendor)
    if not any((directory / n).exists() for n in (*REQUIRED, "vendor.json")):
        raise MasterDataError(
            [
                MasterDataProblem(
                    str(directory),
                    None,
                    None,
                    "holds none of customers.csv, products.csv, customer_items.csv, "
                    "ship_to_locations.csv, vendor.json",
                )
            ]
        )

    with db.unit_of_work(actor) as uow:
        store = uow.masterdata
        if customers:
            store.upsert_customers(customers)
            report.loaded["customers.csv"] = len(customers)
            if progress:
                progress("customers.csv", len(customers))
        if products:
            store.upsert_products(products)
            report.loaded["products.csv"] = len(products)
            if progress:
                progress("products.csv", len(products))
        if items:
            known_customers = store.known_customer_ids(i.customer_id for i in items)
            known_skus = store.known_skus(i.sku for i in items)
            problems = []
            for row_number, item in enumerate(items, start=2):
                if item.customer_id not in known_customers:
                    problems.append(
                        MasterDataProblem(
                            "customer_items.csv",
                            row_number,
                            "customer_id",
                            f"unknown customer {item.customer_id!r}",
                        )
                    )
                if item.sku not in known_skus:
                    problems.append(
                        MasterDataProblem(
                            "customer_items.csv", row_number, "sku", f"unknown product {item.sku!r}"
                        )
                    )
            if problems:
                report.rejected["customer_items.csv"] = problems[:MAX_PROBLEMS]
            else:
                store.upsert_customer_items(items)
                report.loaded["customer_items.csv"] = len(items)
        if locations:
            customer_ids = [loc.customer_id for _, loc in locations]
            problems = location_problems(
                locations, store.known_customer_ids(customer_ids), store.location_keys(customer_ids)
            )
            if problems:
                report.rejected[LOCATIONS] = problems[:MAX_PROBLEMS]
            else:
                store.upsert_locations([loc for _, loc in locations])
                report.loaded[LOCATIONS] = len(locations)
                if progress:
                    progress(LOCATIONS, len(locations))
        if vendor is not None:
            store.set_vendor(vendor)
            report.loaded["vendor.json"] = 1
        uow.commit()
        report.totals = store.counts()
    return report
