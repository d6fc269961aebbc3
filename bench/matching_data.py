"""A labelled matching set: a distributor's catalog, its customers and purchase orders written the way
customers write them, with the true customer of every order and the true product of every line.

Deterministic: the same arguments give the same data (one seeded ``random.Random``, no network).

    from matching_data import build_set
    data = build_set(products=3_000, seed=7)       # data.products, .customers, .items, .orders

Catalog: families of ``matching_families`` stocked as cartesian subsets of their dimensions, so that
every product has siblings that differ in one attribute. Orders: see ``matching_orders``.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from matching_families import all_families
from matching_parties import CUSTOMERS, build_customers
from matching_vocab import Family

from ingest.domain.identifiers import gtin_check_digit
from ingest.domain.masterdata import Customer, CustomerItem, Product, SalesRep, VendorProfile
from ingest.domain.order import Order

LineKind = Literal["xref", "sku-variant", "upc", "description", "ambiguous", "not-in-catalog"]
LINE_KINDS: tuple[LineKind, ...] = (
    "xref",
    "sku-variant",
    "upc",
    "description",
    "ambiguous",
    "not-in-catalog",
)

VENDOR = VendorProfile(
    name="Northwind Industrial Supply",
    domains=("northwind-supply.example",),
    order_desk="orders@northwind-supply.example",
    edi_qualifier="ZZ",
    edi_id="NORTHWINDSUP",
    address1="100 Harbor Way",
    city="Tacoma",
    state="WA",
    postal_code="98402",
    country="US",
    phone="253-555-0100",
    sales_reps=(SalesRep(name="Sam Rivera", email="srivera@northwind-supply.example"),),
)


@dataclass(frozen=True)
class Item:
    """A catalog product with the attribute values it was made of (one index per dimension)."""

    family: Family
    values: tuple[int, ...]
    product: Product


@dataclass(frozen=True)
class Catalog:
    families: tuple[Family, ...]
    items: tuple[Item, ...]
    stocked: dict[int, frozenset[tuple[int, ...]]]
    """Per family index: the value tuples in the catalog."""

    def siblings(self, item: Item, dim: int) -> list[int]:
        """Other values of ``dim`` whose product is in the catalog (everything else equal)."""
        have = self.stocked[item.family.index]
        out = []
        for v in range(len(item.family.dims[dim].values)):
            if v != item.values[dim] and (*item.values[:dim], v, *item.values[dim + 1 :]) in have:
                out.append(v)
        return out


@dataclass(frozen=True)
class LineLabel:
    kind: LineKind
    sku: str | None
    """The product the line means; None when we do not carry it."""
    ambiguous: bool = False
    """The line leaves out the attribute that tells two products apart; ``sku`` is what was meant."""


@dataclass(frozen=True)
class LabelledOrder:
    order: Order
    customer_id: str
    lines: tuple[LineLabel, ...]


@dataclass(frozen=True)
class MatchingSet:
    catalog: Catalog
    customers: tuple[Customer, ...]
    items: tuple[CustomerItem, ...]
    vendor: VendorProfile
    orders: tuple[LabelledOrder, ...]

    @property
    def products(self) -> tuple[Product, ...]:
        return tuple(i.product for i in self.catalog.items)


def _subset(rng: random.Random, family: Family, target: int) -> list[tuple[int, ...]]:
    """About ``target`` value tuples of ``family``: a cartesian product of a subset of each dimension."""
    sizes = [len(d.values) for d in family.dims]
    if target >= family.capacity:
        keep = [list(range(s)) for s in sizes]
    else:
        free = sum(1 for s in sizes if s > 1) or 1
        share = (target / family.capacity) ** (1 / free)
        counts = [max(1, min(s, round(s * share))) for s in sizes]
        while math.prod(counts) < target:
            d = min((i for i, s in enumerate(sizes) if counts[i] < s), key=lambda i: counts[i] / sizes[i])
            counts[d] += 1
        keep = [sorted(rng.sample(range(s), k)) for s, k in zip(sizes, counts, strict=True)]
    return list(itertools.product(*keep))


def _price(rng: random.Random, family: Family, values: tuple[int, ...]) -> Decimal:
    price = family.price
    for dim, v in zip(family.dims, values, strict=True):
        price *= dim.values[v].factor
    return Decimal(str(round(price * rng.uniform(0.92, 1.08), 2))).max(Decimal("0.05"))


class _Codes:
    """SKUs and barcodes, each style with its own numbering."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seq: dict[str, int] = {}
        self.models: dict[tuple[int, tuple[int, ...]], int] = {}
        self.number = 4000
        self.prefixes: dict[int, str] = {}
        self.item_no: dict[int, int] = {}

    def sku(self, family: Family, values: tuple[int, ...]) -> str:
        code = {d.name: d.values[v].code for d, v in zip(family.dims, values, strict=True)}
        style = family.sku
        if style == "num":
            self.number += self.rng.randint(1, 3)
            return f"{self.number:07d}"
        if style.startswith("fam"):
            n = self.seq[family.code] = self.seq.get(family.code, 10000) + 1
            return f"{family.code}-{n:05d}-{code[style.split(':')[1]]}"
        if style == "alnum":
            n = self.seq[family.code] = self.seq.get(family.code, 10000) + self.rng.randint(1, 4)
            return f"{family.code}{n:05d}"
        if style == "model":
            tail = [d for d in ("colour", "frame", "size") if d in code]
            rest = tuple(v for d, v in zip(family.dims, values, strict=True) if d.name not in tail)
            key = (family.index, rest)
            if key not in self.models:
                model = self.seq.get(family.code, 1000) + self.rng.randint(1, 9)
                self.models[key] = self.seq[family.code] = model
            return "-".join([f"{family.code[:2]}{self.models[key]:04d}", *(code[d] for d in tail)])
        return style.format(**code).upper()

    def upc(self, family: Family) -> str:
        """A barcode under the family maker's own company prefix."""
        if family.index not in self.prefixes:
            taken = set(self.prefixes.values())
            prefix = f"{self.rng.randrange(10_000, 99_999)}"
            while prefix in taken:
                prefix = f"{self.rng.randrange(10_000, 99_999)}"
            self.prefixes[family.index] = prefix
        n = self.item_no[family.index] = self.item_no.get(family.index, 0) + 1
        body = ("40" if family.ean else "0") + self.prefixes[family.index] + f"{n:05d}"
        return body + str(gtin_check_digit(body))


def build_catalog(products: int = 3_000, seed: int = 7) -> Catalog:
    """``products`` products from every family, weighted towards the big families."""
    rng = random.Random(seed)
    families = all_families()
    capacity = sum(f.capacity for f in families)
    if products > capacity * 0.97:
        raise ValueError(f"the families hold {capacity:,} products; ask for at most {int(capacity * 0.97):,}")
    weights = [f.capacity**0.7 for f in families]
    total = sum(weights)
    chosen: list[tuple[Family, tuple[int, ...]]] = []
    for family, weight in zip(families, weights, strict=True):
        target = max(2, round(products * 1.08 * weight / total))
        if target > family.capacity * 0.95:
            target = family.capacity
        chosen += [(family, values) for values in _subset(rng, family, target)]
    if len(chosen) < products:  # small families were full: top up from the largest
        have = {(f.index, v) for f, v in chosen}
        for family in sorted(families, key=lambda f: -f.capacity):
            extra = [
                (family, v) for v in _subset(rng, family, family.capacity) if (family.index, v) not in have
            ]
            chosen += rng.sample(extra, min(len(extra), products - len(chosen)))
            if len(chosen) >= products:
                break
    drop = set(rng.sample(range(len(chosen)), len(chosen) - products))
    chosen = [c for i, c in enumerate(chosen) if i not in drop]

    codes = _Codes(rng)
    items: list[Item] = []
    keys: set[str] = set()
    for family, values in chosen:
        sku = codes.sku(family, values)
        upc = codes.upc(family)
        pack = family.dims[family.dim_index["pack"]].values[values[family.dim_index["pack"]]]
        product = Product(
            sku=sku,
            description=catalog_description(family, values),
            upc=None if rng.random() < 0.08 else upc,
            uom=pack.uom or family.uom,
            pack_size=Decimal(pack.pack or 1),
            unit_price=_price(rng, family, values),
        )
        if product.sku_key in keys:
            raise ValueError(f"two products share the SKU key {product.sku_key}")
        keys.add(product.sku_key)
        items.append(Item(family, values, product))
    stocked: dict[int, set[tuple[int, ...]]] = {f.index: set() for f in families}
    for item in items:
        stocked[item.family.index].add(item.values)
    return Catalog(tuple(families), tuple(items), {k: frozenset(v) for k, v in stocked.items()})


def catalog_description(family: Family, values: tuple[int, ...]) -> str:
    text = family.template
    for dim, v in zip(family.dims, values, strict=True):
        text = text.replace("{" + dim.name + "}", dim.values[v].text)
    text = f"{family.names[0]} {text}".replace("[", "").replace("]", "")
    return " ".join(text.split()).replace(" ,", ",")


_PART_STYLES = ("{n:05d}", "77-{n:04d}", "{p}-{n:05d}", "P{n:06d}", "{n:07d}", "{p}{n:04d}-{s}")


def customer_families(catalog: Catalog, customer_no: int) -> list[Family]:
    sections = CUSTOMERS[customer_no][4].split()
    return [f for f in catalog.families if f.section in sections]


def build_cross_references(
    rng: random.Random, catalog: Catalog, customers: tuple[Customer, ...]
) -> tuple[CustomerItem, ...]:
    """Part numbers of their own for about half of the customers, each for a few dozen products."""
    out: list[CustomerItem] = []
    for no, customer in enumerate(customers):
        if rng.random() < 0.45:
            continue
        style = rng.choice(_PART_STYLES)
        prefix = "".join(w[0] for w in customer.name.split() if w[0].isalpha())[:3].upper()
        families = {f.index for f in customer_families(catalog, no)}
        mine = [item for item in catalog.items if item.family.index in families]
        start = rng.randrange(4000, 30000) if "07d" in style else rng.randrange(100, 5000)
        used: set[str] = set()
        for n, item in enumerate(rng.sample(mine, min(len(mine), rng.randint(25, 90)))):
            part = style.format(n=start + n * rng.randint(1, 3), p=prefix, s=item.family.code[:2])
            if part not in used:
                used.add(part)
                out.append(
                    CustomerItem(
                        customer_id=customer.customer_id, customer_part_number=part, sku=item.product.sku
                    )
                )
    return tuple(out)


def build_set(products: int = 3_000, seed: int = 7, min_lines: int = 2_000) -> MatchingSet:
    """The catalog, the customers with their cross-references, and labelled orders of at least
    ``min_lines`` lines in all."""
    from matching_orders import write_orders

    catalog = build_catalog(products, seed)
    rng = random.Random(seed * 1_000_003 + 17)
    customers = build_customers(rng)
    items = build_cross_references(rng, catalog, customers)
    orders = write_orders(rng, catalog, customers, items, VENDOR, min_lines)
    return MatchingSet(catalog, customers, items, VENDOR, tuple(orders))
