"""Master data in the database: bulk upserts for loading, and the read view the matcher uses."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.learned import find_learned
from ingest.db.tables import (
    CustomerDomainRow,
    CustomerItemRow,
    CustomerRow,
    ProductRow,
    SettingRow,
    ShipToLocationRow,
    TradingPartnerRow,
)
from ingest.domain.identifiers import normalize_gtin
from ingest.domain.masterdata import (
    Customer,
    CustomerItem,
    LearnedItem,
    Product,
    ShipToLocation,
    VendorProfile,
)
from ingest.matching.catalog import DescriptionIndex
from ingest.matching.customer_index import CustomerIndex
from ingest.matching.descriptions import Synonyms
from ingest.matching.names import name_key

BATCH = 2000
VENDOR_KEY = "vendor"
PRODUCTS_VERSION_KEY = "products_version"
CUSTOMERS_VERSION_KEY = "customers_version"
ITEMS_VERSION_KEY = "customer_items_version"
LOCATIONS_VERSION_KEY = "ship_to_locations_version"
CHANGES = "masterdata_changes"

T = TypeVar("T")


class IndexCache:
    """Indexes built from the master data, kept per process and rebuilt when a load changes the
    data (each load bumps a version number in the settings table)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[Any, object]] = {}

    def get(self, scope: tuple[str, str], version: object, build: Callable[[], T]) -> T:
        if not version:  # data loaded some other way: nothing to tell versions apart, so no reuse
            return build()
        with self._lock:
            found = self._entries.get(scope)
            if found is not None and found[0] == version:
                return found[1]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._entries[scope] = (version, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


INDEXES = IndexCache()


def _bump(session: Session, key: str) -> None:
    """A new random version: a cache never mistakes a rebuilt database for the one it indexed."""
    row = session.get(SettingRow, key, with_for_update=True)
    session.info[CHANGES] = session.info.get(CHANGES, 0) + 1  # versions read in this session are stale
    value = {"version": uuid.uuid4().hex}
    if row is None:
        session.add(SettingRow(key=key, value=value, updated_at=datetime.now(UTC)))
    else:
        row.value = value
        row.updated_at = datetime.now(UTC)


def _upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    columns = [c for c in rows[0] if c not in keys]
    for start in range(0, len(rows), BATCH):
        stmt = insert(table)
        if columns:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(keys), set_={c: getattr(stmt.excluded, c) for c in columns}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        session.execute(stmt, list(rows[start : start + BATCH]))


class MasterDataStore:
    """Writes master data. Every load is recorded in the audit log with its counts."""

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def upsert_customers(self, customers: Sequence[Customer]) -> None:
        now = datetime.now(UTC)
        rows = [
            {
                **c.model_dump(exclude={"email_domains"}),
                "email_domains": list(c.email_domains),
                "name_key": name_key(c.name),
                "updated_at": now,
            }
            for c in customers
        ]
        _upsert(self.session, CustomerRow.__table__, rows, ["customer_id"])  # type: ignore[arg-type]
        ids = [c.customer_id for c in customers]
        for start in range(0, len(ids), BATCH):
            self.session.execute(
                delete(CustomerDomainRow).where(CustomerDomainRow.customer_id.in_(ids[start : start + BATCH]))
            )
        domains = [
            {"domain": d, "customer_id": c.customer_id} for c in customers for d in set(c.email_domains)
        ]
        _upsert(self.session, CustomerDomainRow.__table__, domains, ["domain", "customer_id"])  # type: ignore[arg-type]
        _bump(self.session, CUSTOMERS_VERSION_KEY)
        record(
            self.session,
            self.actor,
            "masterdata.customers",
            "masterdata",
            "customers",
            None,
            {"rows": len(rows)},
        )

    def upsert_products(self, products: Sequence[Product]) -> None:
        now = datetime.now(UTC)
        rows = [
            {
                **p.model_dump(),
                "sku_key": p.sku_key,
                "gtin": normalize_gtin(p.upc) if p.upc else None,
                "updated_at": now,
            }
            for p in products
        ]
        _upsert(self.session, ProductRow.__table__, rows, ["sku"])  # type: ignore[arg-type]
        _bump(self.session, PRODUCTS_VERSION_KEY)
        record(
            self.session,
            self.actor,
            "masterdata.products",
            "masterdata",
            "products",
            None,
            {"rows": len(rows)},
        )

    def upsert_customer_items(self, items: Sequence[CustomerItem]) -> None:
        now = datetime.now(UTC)
        rows = [{**i.model_dump(), "part_key": i.part_key, "updated_at": now} for i in items]
        _upsert(self.session, CustomerItemRow.__table__, rows, ["customer_id", "customer_part_number"])  # type: ignore[arg-type]
        _bump(self.session, ITEMS_VERSION_KEY)
        record(
            self.session,
            self.actor,
            "masterdata.customer_items",
            "masterdata",
            "customer_items",
            None,
            {"rows": len(rows)},
        )

    def upsert_locations(self, locations: Sequence[ShipToLocation]) -> None:
        now = datetime.now(UTC)
        rows = [
            {**loc.model_dump(), "location_key": loc.location_key, "updated_at": now} for loc in locations
        ]
        _upsert(self.session, ShipToLocationRow.__table__, rows, ["customer_id", "location_id"])  # type: ignore[arg-type]
        _bump(self.session, LOCATIONS_VERSION_KEY)
        record(
            self.session,
            self.actor,
            "masterdata.ship_to_locations",
            "masterdata",
            "ship_to_locations",
            None,
            {"rows": len(rows)},
        )

    def location_keys(self, customer_ids: Iterable[str]) -> dict[tuple[str, str], str]:
        """(customer, location key) -> location id of the locations already stored for these customers."""
        wanted = list(set(customer_ids))
        found: dict[tuple[str, str], str] = {}
        loc = ShipToLocationRow
        for start in range(0, len(wanted), BATCH):
            stmt = select(loc.customer_id, loc.location_key, loc.location_id).where(
                loc.customer_id.in_(wanted[start : start + BATCH])
            )
            for customer_id, key, location_id in self.session.execute(stmt):
                found[(customer_id, key)] = location_id
        return found

    def set_vendor(self, vendor: VendorProfile) -> None:
        row = self.session.get(SettingRow, VENDOR_KEY)
        before = row.value if row else None
        value = vendor.model_dump(mode="json")
        if row is None:
            self.session.add(SettingRow(key=VENDOR_KEY, value=value, updated_at=datetime.now(UTC)))
        else:
            row.value = value
            row.updated_at = datetime.now(UTC)
        record(self.session, self.actor, "masterdata.vendor", "setting", VENDOR_KEY, before, value)

    def known_customer_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(set(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            found.update(
                self.session.scalars(
                    select(CustomerRow.customer_id).where(CustomerRow.customer_id.in_(chunk))
                )
            )
        return found

    def known_skus(self, skus: Iterable[str]) -> set[str]:
        wanted = list(set(skus))
        found: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            found.update(self.session.scalars(select(ProductRow.sku).where(ProductRow.sku.in_(chunk))))
        return found

    def browse_customers(self, query: str, offset: int, limit: int) -> tuple[list[Customer], int]:
        """Customers whose id or name holds ``query`` (any case), by id: one page and the total."""
        stmt = select(CustomerRow)
        if query:
            pattern = _like(query)
            stmt = stmt.where(
                CustomerRow.customer_id.ilike(pattern, escape="\\")
                | CustomerRow.name.ilike(pattern, escape="\\")
            )
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.scalars(stmt.order_by(CustomerRow.customer_id).offset(offset).limit(limit))
        return [_customer(r) for r in rows], total

    def browse_products(self, query: str, offset: int, limit: int) -> tuple[list[Product], int]:
        """Products whose SKU or description holds ``query`` (any case), by SKU: a page and the total."""
        stmt = select(ProductRow)
        if query:
            pattern = _like(query)
            stmt = stmt.where(
                ProductRow.sku.ilike(pattern, escape="\\")
                | ProductRow.description.ilike(pattern, escape="\\")
            )
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.scalars(stmt.order_by(ProductRow.sku).offset(offset).limit(limit))
        return [_product(r) for r in rows], total

    def counts(self) -> dict[str, int]:
        return {
            "customers": self.session.scalar(select(func.count()).select_from(CustomerRow)) or 0,
            "products": self.session.scalar(select(func.count()).select_from(ProductRow)) or 0,
            "customer_items": self.session.scalar(select(func.count()).select_from(CustomerItemRow)) or 0,
            "ship_to_locations": self.session.scalar(select(func.count()).select_from(ShipToLocationRow))
            or 0,
        }


def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _customer(row: CustomerRow) -> Customer:
    return Customer(
        customer_id=row.customer_id,
        name=row.name,
        email_domains=tuple(row.email_domains),
        edi_qualifier=row.edi_qualifier,
        edi_id=row.edi_id,
        address1=row.address1,
        address2=row.address2,
        city=row.city,
        state=row.state,
        postal_code=row.postal_code,
        country=row.country,
    )


def _product(row: ProductRow) -> Product:
    return Product(
        sku=row.sku,
        description=row.description,
        upc=row.upc,
        uom=row.uom,
        pack_size=row.pack_size,
        unit_price=row.unit_price,
    )


def _location(row: ShipToLocationRow) -> ShipToLocation:
    return ShipToLocation(
        customer_id=row.customer_id,
        location_id=row.location_id,
        name=row.name,
        gln=row.gln,
        address1=row.address1,
        address2=row.address2,
        city=row.city,
        state=row.state,
        postal_code=row.postal_code,
        country=row.country,
        active=row.active,
    )


class LocationTable:
    """Every ship-to location by customer and by GLN."""

    def __init__(self, locations: Iterable[ShipToLocation]) -> None:
        self.by_customer: dict[str, list[ShipToLocation]] = {}
        self.by_gln: dict[str, list[ShipToLocation]] = {}
        for loc in locations:
            self.by_customer.setdefault(loc.customer_id, []).append(loc)
            if loc.gln:
                self.by_gln.setdefault(loc.gln, []).append(loc)


class ProductTable:
    """Every product by SKU, SKU key and GTIN: the identifier lookups of a line answered from
    memory instead of three queries per line."""

    def __init__(self, products: Iterable[Product]) -> None:
        self.by_sku: dict[str, Product] = {}
        self.by_key: dict[str, list[Product]] = {}
        self.by_gtin: dict[str, list[Product]] = {}
        for p in products:
            self.by_sku[p.sku] = p
            self.by_key.setdefault(p.sku_key, []).append(p)
            if p.upc and (gtin := normalize_gtin(p.upc)):
                self.by_gtin.setdefault(gtin, []).append(p)


class CustomerTable:
    """Every customer by id, EDI id, email domain and name key."""

    def __init__(self, customers: Iterable[Customer]) -> None:
        self.by_id: dict[str, Customer] = {}
        self.by_edi_id: dict[str, list[Customer]] = {}
        self.by_domain: dict[str, list[Customer]] = {}
        self.by_name_key: dict[str, list[Customer]] = {}
        for c in customers:
            self.by_id[c.customer_id] = c
            if c.edi_id:
                self.by_edi_id.setdefault(c.edi_id.strip().upper(), []).append(c)
            for domain in dict.fromkeys(d.lower() for d in c.email_domains):
                self.by_domain.setdefault(domain, []).append(c)
            self.by_name_key.setdefault(name_key(c.name), []).append(c)


class SqlMasterDataView:
    """The matcher's MasterDataView over the database. Products, customers and cross-references
    are answered from per-process tables kept while their data version stands (every load bumps
    it); data without a version (loaded some other way) is queried each time."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._vendor: VendorProfile | None = None
        self._vendor_loaded = False
        self._versions: dict[str, str] = {}
        self._changes = 0

    def _table(self, kind: str, key: str, build: Callable[[], T]) -> T | None:
        version = self._version(key)
        return INDEXES.get(self._scope(kind), version, build) if version else None

    def _products(self) -> ProductTable | None:
        return self._table(
            "product_table",
            PRODUCTS_VERSION_KEY,
            lambda: ProductTable(_product(r) for r in self.session.scalars(select(ProductRow))),
        )

    def _customers(self) -> CustomerTable | None:
        return self._table(
            "customer_table",
            CUSTOMERS_VERSION_KEY,
            lambda: CustomerTable(_customer(r) for r in self.session.scalars(select(CustomerRow))),
        )

    def _locations(self) -> LocationTable | None:
        return self._table(
            "location_table",
            LOCATIONS_VERSION_KEY,
            lambda: LocationTable(
                _location(r)
                for r in self.session.scalars(
                    select(ShipToLocationRow).order_by(
                        ShipToLocationRow.customer_id, ShipToLocationRow.location_id
                    )
                )
            ),
        )

    def _cross_references(self) -> dict[tuple[str, str], str] | None:
        def build() -> dict[tuple[str, str], str]:
            item = CustomerItemRow
            rows = self.session.execute(
                select(item.customer_id, item.part_key, item.sku).order_by(
                    item.customer_id, item.part_key, item.customer_part_number
                )
            )
            found: dict[tuple[str, str], str] = {}
            for customer_id, part_key, sku in rows:
                found.setdefault((customer_id, part_key), sku)
            return found

        return self._table("cross_references", ITEMS_VERSION_KEY, build)

    def customer(self, customer_id: str) -> Customer | None:
        if (table := self._customers()) is not None:
            return table.by_id.get(customer_id.strip())
        row = self.session.get(CustomerRow, customer_id.strip())
        return _customer(row) if row else None

    def product(self, sku: str) -> Product | None:
        if (table := self._products()) is not None:
            return table.by_sku.get(sku)
        row = self.session.get(ProductRow, sku)
        return _product(row) if row else None

    def _version(self, key: str) -> str:
        """The data version, read once per transaction (the session's identity map holds rows
        weakly, so it would be read again on every lookup)."""
        changes = self.session.info.get(CHANGES, 0)
        if changes != self._changes:
            self._versions.clear()
            self._changes = changes
        if key not in self._versions:
            keys = (PRODUCTS_VERSION_KEY, CUSTOMERS_VERSION_KEY, ITEMS_VERSION_KEY, LOCATIONS_VERSION_KEY)
            stmt = select(SettingRow.key, SettingRow.value).where(SettingRow.key.in_(keys))
            rows = self.session.execute(stmt)
            found = {k: str(v.get("version", "")) for k, v in rows}
            self._versions.update({k: found.get(k, "") for k in keys})
            if key not in self._versions:
                row = self.session.get(SettingRow, key)
                self._versions[key] = str(row.value.get("version", "")) if row else ""
        return self._versions[key]

    def _scope(self, kind: str) -> tuple[str, str]:
        return (str(self.session.get_bind().engine.url), kind)

    def description_index(self, synonyms: Synonyms) -> DescriptionIndex:
        def build() -> DescriptionIndex:
            rows = self.session.execute(select(ProductRow.sku, ProductRow.description))
            return DescriptionIndex(((sku, text) for sku, text in rows), synonyms)

        version = (self._version(PRODUCTS_VERSION_KEY), synonyms.fingerprint)
        return INDEXES.get(self._scope("products"), version, build)

    def customer_index(self) -> CustomerIndex:
        def build() -> CustomerIndex:
            return CustomerIndex(_customer(r) for r in self.session.scalars(select(CustomerRow)))

        return INDEXES.get(self._scope("customers"), self._version(CUSTOMERS_VERSION_KEY), build)

    def learned(self, customer_id: str, kind: str, key: str) -> LearnedItem | None:
        return find_learned(self.session, customer_id, kind, key)

    def customers_by_edi_id(self, edi_id: str) -> list[Customer]:
        if (table := self._customers()) is not None:
            return list(table.by_edi_id.get(edi_id.strip().upper(), ()))
        stmt = select(CustomerRow).where(func.upper(CustomerRow.edi_id) == edi_id.strip().upper())
        return [_customer(r) for r in self.session.scalars(stmt)]

    def customers_by_domain(self, domain: str) -> list[Customer]:
        if (table := self._customers()) is not None:
            return list(table.by_domain.get(domain.lower(), ()))
        stmt = (
            select(CustomerRow)
            .join(CustomerDomainRow, CustomerDomainRow.customer_id == CustomerRow.customer_id)
            .where(CustomerDomainRow.domain == domain.lower())
        )
        return [_customer(r) for r in self.session.scalars(stmt)]

    def customers_by_name_key(self, key: str) -> list[Customer]:
        if (table := self._customers()) is not None:
            return list(table.by_name_key.get(key, ()))
        return [
            _customer(r) for r in self.session.scalars(select(CustomerRow).where(CustomerRow.name_key == key))
        ]

    def products_by_sku_key(self, sku_key: str) -> list[Product]:
        if (table := self._products()) is not None:
            return list(table.by_key.get(sku_key, ()))
        return [
            _product(r) for r in self.session.scalars(select(ProductRow).where(ProductRow.sku_key == sku_key))
        ]

    def products_by_gtin(self, gtin14: str) -> list[Product]:
        if (table := self._products()) is not None:
            return list(table.by_gtin.get(gtin14, ()))
        return [
            _product(r) for r in self.session.scalars(select(ProductRow).where(ProductRow.gtin == gtin14))
        ]

    def cross_reference(self, customer_id: str, part_key: str) -> str | None:
        if (table := self._cross_references()) is not None:
            return table.get((customer_id, part_key))
        stmt = select(CustomerItemRow.sku).where(
            CustomerItemRow.customer_id == customer_id, CustomerItemRow.part_key == part_key
        )
        return self.session.scalars(stmt.limit(1)).first()

    def locations(self, customer_id: str) -> list[ShipToLocation]:
        if (table := self._locations()) is not None:
            return list(table.by_customer.get(customer_id, ()))
        stmt = (
            select(ShipToLocationRow)
            .where(ShipToLocationRow.customer_id == customer_id)
            .order_by(ShipToLocationRow.location_id)
        )
        return [_location(r) for r in self.session.scalars(stmt)]

    def locations_by_gln(self, gln: str) -> list[ShipToLocation]:
        if (table := self._locations()) is not None:
            return list(table.by_gln.get(gln, ()))
        stmt = select(ShipToLocationRow).where(ShipToLocationRow.gln == gln)
        return [_location(r) for r in self.session.scalars(stmt)]

    def customer_for_partner(self, qualifier: str, edi_id: str) -> str | None:
        stmt = select(TradingPartnerRow.customer_id).where(
            TradingPartnerRow.qualifier == qualifier.strip(),
            func.upper(TradingPartnerRow.edi_id) == edi_id.strip().upper(),
        )
        return self.session.scalars(stmt.limit(1)).first()

    def vendor(self) -> VendorProfile | None:
        if not self._vendor_loaded:
            row = self.session.get(SettingRow, VENDOR_KEY)
            self._vendor = VendorProfile.model_validate(row.value) if row else None
            self._vendor_loaded = True
        return self._vendor
