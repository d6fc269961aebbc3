"""What the matcher needs to know of the master data: a read-only view, easy to fake in tests.

The database implements it (``ingest.db.masterdata_view``); :class:`InMemoryMasterData` serves unit
tests and small runs. Keys are normalized by the caller with ``normalize_code``/``normalize_gtin``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from ingest.domain.identifiers import normalize_code, normalize_gtin
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


class MasterDataView(Protocol):
    def customer(self, customer_id: str) -> Customer | None: ...

    def customers_by_edi_id(self, edi_id: str) -> list[Customer]: ...

    def customers_by_domain(self, domain: str) -> list[Customer]: ...

    def customers_by_name_key(self, key: str) -> list[Customer]: ...

    def product(self, sku: str) -> Product | None: ...

    def products_by_sku_key(self, sku_key: str) -> list[Product]: ...

    def products_by_gtin(self, gtin14: str) -> list[Product]: ...

    def cross_reference(self, customer_id: str, part_key: str) -> str | None: ...

    def customer_for_partner(self, qualifier: str, edi_id: str) -> str | None: ...

    def vendor(self) -> VendorProfile | None: ...

    def learned(self, customer_id: str, kind: str, key: str) -> LearnedItem | None: ...

    def description_index(self, synonyms: Synonyms) -> DescriptionIndex:
        """The catalog's description index under this synonym dictionary (built once, reused)."""
        ...

    def customer_index(self) -> CustomerIndex: ...

    def locations(self, customer_id: str) -> list[ShipToLocation]:
        """The customer's ship-to locations (inactive ones too), empty when none are on file."""
        ...

    def locations_by_gln(self, gln: str) -> list[ShipToLocation]:
        """Every customer's locations with this GLN (13 digits, see ``normalize_gln``)."""
        ...


class InMemoryMasterData:
    """A MasterDataView over lists: for tests and for parsing runs without a database."""

    def __init__(
        self,
        customers: Iterable[Customer] = (),
        products: Iterable[Product] = (),
        items: Iterable[CustomerItem] = (),
        vendor: VendorProfile | None = None,
        partners: dict[tuple[str, str], str] | None = None,
        learned: Iterable[LearnedItem] = (),
        locations: Iterable[ShipToLocation] = (),
    ) -> None:
        self._locations: dict[str, list[ShipToLocation]] = defaultdict(list)
        self._by_gln: dict[str, list[ShipToLocation]] = defaultdict(list)
        for loc in locations:
            self._locations[loc.customer_id].append(loc)
            if loc.gln:
                self._by_gln[loc.gln].append(loc)
        self._partners = {(q.strip(), i.strip().upper()): c for (q, i), c in (partners or {}).items()}
        self._customers = {c.customer_id: c for c in customers}
        self._by_edi: dict[str, list[Customer]] = defaultdict(list)
        self._by_domain: dict[str, list[Customer]] = defaultdict(list)
        self._by_name: dict[str, list[Customer]] = defaultdict(list)
        for c in self._customers.values():
            if c.edi_id:
                self._by_edi[c.edi_id.strip().upper()].append(c)
            for d in c.email_domains:
                self._by_domain[d].append(c)
            self._by_name[name_key(c.name)].append(c)
        self._learned: dict[tuple[str, str, str], LearnedItem] = {
            (i.customer_id, i.kind, i.key): i for i in learned if i.revoked_at is None
        }
        self._indexes: dict[str, DescriptionIndex] = {}
        self._customer_index: CustomerIndex | None = None
        self._products = {p.sku: p for p in products}
        self._by_sku: dict[str, list[Product]] = defaultdict(list)
        self._by_gtin: dict[str, list[Product]] = defaultdict(list)
        for p in self._products.values():
            self._by_sku[p.sku_key].append(p)
            gtin = normalize_gtin(p.upc) if p.upc else None
            if gtin:
                self._by_gtin[gtin].append(p)
        self._items = {(i.customer_id, i.part_key): i.sku for i in items}
        self._vendor = vendor

    def customer(self, customer_id: str) -> Customer | None:
        return self._customers.get(customer_id)

    def customers_by_edi_id(self, edi_id: str) -> list[Customer]:
        return list(self._by_edi.get(edi_id.strip().upper(), ()))

    def customers_by_domain(self, domain: str) -> list[Customer]:
        return list(self._by_domain.get(domain.lower(), ()))

    def customers_by_name_key(self, key: str) -> list[Customer]:
        return list(self._by_name.get(key, ()))

    def products_by_sku_key(self, sku_key: str) -> list[Product]:
        return list(self._by_sku.get(normalize_code(sku_key), ()))

    def products_by_gtin(self, gtin14: str) -> list[Product]:
        return list(self._by_gtin.get(gtin14, ()))

    def cross_reference(self, customer_id: str, part_key: str) -> str | None:
        return self._items.get((customer_id, part_key))

    def customer_for_partner(self, qualifier: str, edi_id: str) -> str | None:
        return self._partners.get((qualifier.strip(), edi_id.strip().upper()))

    def vendor(self) -> VendorProfile | None:
        return self._vendor

    def product(self, sku: str) -> Product | None:
        return self._products.get(sku)

    def learned(self, customer_id: str, kind: str, key: str) -> LearnedItem | None:
        return self._learned.get((customer_id, kind, key))

    def learn(self, item: LearnedItem) -> None:
        self._learned[(item.customer_id, item.kind, item.key)] = item

    def description_index(self, synonyms: Synonyms) -> DescriptionIndex:
        index = self._indexes.get(synonyms.fingerprint)
        if index is None:
            index = DescriptionIndex(((p.sku, p.description) for p in self._products.values()), synonyms)
            self._indexes = {synonyms.fingerprint: index}
        return index

    def customer_index(self) -> CustomerIndex:
        if self._customer_index is None:
            self._customer_index = CustomerIndex(self._customers.values())
        return self._customer_index

    def locations(self, customer_id: str) -> list[ShipToLocation]:
        return list(self._locations.get(customer_id, ()))

    def locations_by_gln(self, gln: str) -> list[ShipToLocation]:
        return list(self._by_gln.get(gln, ()))
