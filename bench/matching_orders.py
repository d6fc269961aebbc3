"""Purchase orders written the way customers write them, each line labelled with what it means.

Lines name a product by the customer's own part number (cross-referenced), by our SKU written
their way, by a UPC/EAN/GTIN-14, or by a description only, with abbreviations, reordered and
dropped words, typos and other ways of writing sizes; in our unit or another (prices follow the
unit). Some lines ask for products we do not carry (a size we do not stock, things we do not sell)
and some leave out the one attribute that tells two siblings apart.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from matching_data import Catalog, Item, LabelledOrder, LineKind, LineLabel, customer_families
from matching_parties import BUYER_NAMES, parties_for, sender_for
from matching_vocab import NOT_OURS, SHORTHAND, Family, typo, uom_words

from ingest.domain.identifiers import gtin_check_digit, normalize_code
from ingest.domain.masterdata import Customer, CustomerItem, VendorProfile
from ingest.domain.order import Order, OrderLine, Party

# Share of each kind of line, by how the order arrives.
KIND_MIX: dict[str, dict[LineKind, int]] = {
    "edi": {"xref": 36, "sku-variant": 25, "upc": 24, "description": 6, "ambiguous": 2, "not-in-catalog": 7},
    "email": {
        "xref": 12,
        "sku-variant": 14,
        "upc": 8,
        "description": 46,
        "ambiguous": 9,
        "not-in-catalog": 11,
    },
}
EACH = ("EA", "each", "ea", "pc", "pcs")
_TOKEN = re.compile(r"\[([^\]]*)\]|\{(\w+)\}|([^\s\[\{]+)")


def describe(
    rng: random.Random,
    family: Family,
    values: tuple[int, ...],
    omit: int | None = None,
    keep: int | None = None,
) -> str:
    """A buyer's description of a product: all attributes that tell it from its siblings except
    ``omit`` (and some optional ones, never ``keep``), with their own wording, order, shorthand and
    typos."""
    aliases = [n for n in family.names[1:] if not _names_a_value(n, family)]
    name = family.names[0] if rng.random() < 0.5 or not aliases else rng.choice(aliases)
    parts: list[tuple[str, str]] = [("name", name)]
    for optional, dim_name, word in _tokens(family.template):
        if dim_name is not None:
            d = family.dim_index[dim_name]
            dim = family.dims[d]
            if d == omit or ((optional or len(dim.values) == 1) and rng.random() < 0.6 and d != keep):
                parts.append(("gap", ""))
                continue
            value = dim.values[values[d]]
            parts.append(("dim", value.text if rng.random() < 0.45 else rng.choice(value.forms)))
        elif not (optional and rng.random() < 0.6):
            parts.append(("sep" if word in ("x", ",") else "word", word))
    parts = _join_sizes(rng, parts)
    r = rng.random()
    if r < 0.15:  # the noun last
        parts = parts[1:] + parts[:1]
    elif r < 0.3:  # the attributes in another order
        rest = parts[1:]
        rng.shuffle(rest)
        parts = parts[:1] + rest
    return _noise(rng, " ".join(text for _, text in parts))


def _names_a_value(name: str, family: Family) -> bool:
    """Whether another name of the family says one of its variants ('duplex receptacle' beside the
    Duplex type): a line using it names that variant, whatever the label would say."""
    words = set(name.lower().split())
    return any(
        words & set(text.lower().split())
        for dim in family.dims
        if len(dim.values) > 1
        for value in dim.values
        for text in (value.text, *value.forms)
    )


def _join_sizes(rng: random.Random, parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Values written "A x B" become one part, so that they stay together whatever the order of the
    rest (1/4-20 x 1); an "x" next to a left-out value goes."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(parts):
        if parts[i] == ("sep", "x"):
            if out and out[-1][0] in ("dim", "word") and i + 1 < len(parts) and parts[i + 1][0] == "dim":
                out[-1] = ("dim", out[-1][1] + rng.choice((" x ", " X ", "x")) + parts[i + 1][1])
                i += 1
        elif parts[i][0] != "gap":
            out.append(parts[i])
        i += 1
    return out


def _tokens(template: str) -> list[tuple[bool, str | None, str]]:
    out: list[tuple[bool, str | None, str]] = []
    for optional_group, dim_name, word in _TOKEN.findall(template):
        if optional_group:
            out += [(True, d or None, w) for _, d, w in _TOKEN.findall(optional_group)]
        else:
            out.append((False, dim_name or None, word))
    return out


def _noise(rng: random.Random, text: str) -> str:
    for long, short in SHORTHAND:
        if rng.random() < 0.3:
            text = re.sub(rf"\b{re.escape(long)}\b", short, text, flags=re.IGNORECASE)
    if rng.random() < 0.2:
        text = typo(rng, text)
    r = rng.random()
    return text.upper() if r < 0.25 else text.lower() if r < 0.45 else text


def sku_variant(rng: random.Random, sku: str) -> str:
    """Our SKU as a customer types it."""
    forms = [sku, sku.lower(), sku.replace("-", ""), sku.replace("-", " "), sku.replace("-", "").lower()]
    if sku.isdigit():
        forms = [sku, sku.lstrip("0"), sku.lstrip("0"), "0" + sku.lstrip("0")]
    return rng.choice(forms)


def upc_variant(rng: random.Random, upc: str) -> str:
    """A catalog barcode as UPC-A, EAN-13 or GTIN-14."""
    return rng.choice([upc, upc, "0" + upc, "00" + upc] if len(upc) == 12 else [upc, "0" + upc])


def quantity(rng: random.Random, item: Item) -> tuple[Decimal, str, Decimal | None]:
    """Quantity, unit and unit price: in our selling unit, or in eaches at the price of one."""
    product = item.product
    n = rng.choice((1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 25, 40, 50, 100))
    pack = int(product.pack_size or 1)
    price = product.unit_price or Decimal("1")
    if pack > 1 and rng.random() < 0.3:
        qty, uom, unit = Decimal(n * pack), rng.choice(EACH), (price / pack).quantize(Decimal("0.0001"))
    else:
        qty, uom, unit = Decimal(n), rng.choice(uom_words(product.uom or "EA")), price
    r = rng.random()
    if r < 0.1:
        return qty, uom, None
    if r < 0.2:
        unit = (unit * Decimal(str(1 - rng.choice((0.02, 0.05, 0.08))))).quantize(Decimal("0.0001"))
    return qty, uom, unit


class _Writer:
    """Writes the lines of one customer's orders."""

    def __init__(
        self,
        rng: random.Random,
        catalog: Catalog,
        customer_no: int,
        xrefs: list[CustomerItem],
        by_sku: dict[str, Item],
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        self.xrefs = xrefs
        self.by_sku = by_sku
        families = {f.index for f in customer_families(catalog, customer_no)}
        pool = [i for i in catalog.items if i.family.index in families]
        self.pool = pool
        self.usual = rng.sample(pool, min(len(pool), rng.randint(40, 160)))
        self.parts = {normalize_code(x.customer_part_number) for x in xrefs}

    def product(self) -> Item:
        return self.rng.choice(self.usual if self.rng.random() < 0.7 else self.pool)

    def unknown_part(self) -> str:
        """A part number of the customer's that we have no cross-reference for."""
        rng = self.rng
        for _ in range(10):
            if self.xrefs:
                base = rng.choice(self.xrefs).customer_part_number
                part = re.sub(r"\d{3}$", lambda _: f"{rng.randrange(1000):03d}", base)
            else:
                part = rng.choice((f"{rng.randrange(10_000, 99_999)}", f"ITEM-{rng.randrange(100, 9999)}"))
            if normalize_code(part) not in self.parts:
                return part
        return f"Z{rng.randrange(10**6)}"

    def line(self, kind: LineKind, number: int) -> tuple[OrderLine, LineLabel]:
        rng = self.rng
        fields: dict[str, object] = {}
        ambiguous = False
        item: Item | None = None
        if kind == "xref":
            xref = rng.choice(self.xrefs)
            item = self.by_sku[xref.sku]
            part = xref.customer_part_number
            fields["buyer_part_number"] = part.replace("-", "") if rng.random() < 0.15 else part
            if rng.random() < 0.7:
                fields["description"] = describe(rng, item.family, item.values)
        elif kind == "sku-variant":
            item = self.product()
            field = "vendor_part_number" if rng.random() < 0.75 else "buyer_part_number"
            fields[field] = sku_variant(rng, item.product.sku)
            if rng.random() < 0.6:
                fields["description"] = describe(rng, item.family, item.values)
        elif kind == "upc":
            item = self.product()
            while item.product.upc is None:
                item = self.product()
            fields["upc"] = upc_variant(rng, item.product.upc)
            if rng.random() < 0.6:
                fields["description"] = describe(rng, item.family, item.values)
            if rng.random() < 0.2:
                fields["buyer_part_number"] = self.unknown_part()
        elif kind == "description":
            item = self.product()
            fields["description"] = describe(rng, item.family, item.values)
            if rng.random() < 0.35:
                fields["buyer_part_number"] = self.unknown_part()
        elif kind == "ambiguous":
            item, dim = self._ambiguous()
            fields["description"] = describe(rng, item.family, item.values, omit=dim)
            ambiguous = True
        else:
            return self._not_ours(number)
        qty, uom, price = quantity(rng, item)
        if ambiguous and rng.random() < 0.5:
            price = None
        fields.update(line_number=str(number), quantity=qty, uom=uom, unit_price=price)
        line = OrderLine.model_validate(fields)
        return line, LineLabel(kind, item.product.sku, ambiguous)

    def _ambiguous(self) -> tuple[Item, int]:
        """A product and one of its attributes that a sibling in the catalog differs in."""
        tries = [self.product() for _ in range(50)]
        for item in [*tries, *self.pool, *self.catalog.items]:
            dims = [d for d in range(len(item.family.dims)) if self.catalog.siblings(item, d)]
            if dims:
                return item, self.rng.choice(dims)
        raise ValueError("no product in the catalog has a sibling")

    def _near_miss(self) -> tuple[Family, tuple[int, ...], int] | None:
        """A product of a family we carry in a variant we do not stock (one attribute off, and which
        one: the line must say it, or nothing tells it from the stocked product)."""
        rng = self.rng
        for _ in range(30):
            item = rng.choice(self.pool)
            fam = item.family
            d = rng.randrange(len(fam.dims))
            have = self.catalog.stocked[fam.index]
            options = [
                v
                for v in range(len(fam.dims[d].values))
                if (*item.values[:d], v, *item.values[d + 1 :]) not in have
            ]
            if options:
                v = rng.choice(options)
                return fam, (*item.values[:d], v, *item.values[d + 1 :]), d
        return None

    def _not_ours(self, number: int) -> tuple[OrderLine, LineLabel]:
        rng = self.rng
        fields: dict[str, object] = {}
        near = self._near_miss() if rng.random() < 0.55 else None
        if near:
            family, values, differs = near
            fields["description"] = describe(rng, family, values, keep=differs)
        else:
            fields["description"] = _noise(rng, rng.choice(NOT_OURS))
            r = rng.random()
            if r < 0.15:
                body = f"0{rng.randrange(10**10):010d}"
                fields["upc"] = body + str(gtin_check_digit(body))
            elif r < 0.4:
                fields["buyer_part_number"] = self.unknown_part()
        qty = Decimal(rng.choice((1, 2, 3, 5, 10, 12, 24)))
        price = Decimal(rng.randrange(100, 90_000)) / 100 if rng.random() < 0.8 else None
        fields.update(line_number=str(number), quantity=qty, uom=rng.choice(EACH), unit_price=price)
        line = OrderLine.model_validate(fields)
        return line, LineLabel("not-in-catalog", None)


def write_orders(
    rng: random.Random,
    catalog: Catalog,
    customers: tuple[Customer, ...],
    items: tuple[CustomerItem, ...],
    vendor: VendorProfile,
    min_lines: int,
) -> list[LabelledOrder]:
    """Orders from every customer until they hold ``min_lines`` lines."""
    xrefs: dict[str, list[CustomerItem]] = defaultdict(list)
    for x in items:
        xrefs[x.customer_id].append(x)
    by_sku = {i.product.sku: i for i in catalog.items}
    writers = [_Writer(rng, catalog, n, xrefs[c.customer_id], by_sku) for n, c in enumerate(customers)]
    weights = [rng.uniform(1.0, 6.0) for _ in customers]
    po_styles = [rng.choice(("PO-{n}", "{n}", "45000{n}", "25-{n}", "P{n}")) for _ in customers]
    out: list[LabelledOrder] = []
    total = 0
    while total < min_lines:
        no = rng.choices(range(len(customers)), weights)[0]
        c = customers[no]
        person = rng.choice(BUYER_NAMES)
        sender = sender_for(rng, c, vendor, person)
        buyer, ship_to = parties_for(rng, customers, no, person)
        mix = KIND_MIX["edi" if sender.channel == "edi" else "email"]
        kinds = [k for k in mix if k != "xref" or writers[no].xrefs]
        count = max(1, min(30, int(rng.lognormvariate(1.7, 0.75))))
        lines, labels = [], []
        for number in range(1, count + 1):
            kind = rng.choices(kinds, [mix[k] for k in kinds])[0]
            line, label = writers[no].line(kind, number)
            lines.append(line)
            labels.append(label)
        seller = Party(name=vendor.name, address1=vendor.address1, city=vendor.city, state=vendor.state)
        order = Order(
            po_number=po_styles[no].format(n=rng.randrange(10_000, 99_999)),
            po_date=date(2026, 1, 5) + timedelta(days=rng.randrange(300)),
            currency="USD",
            buyer=buyer,
            ship_to=ship_to,
            seller=seller if rng.random() < 0.5 else None,
            sender=sender,
            lines=lines,
        )
        out.append(LabelledOrder(order, c.customer_id, tuple(labels)))
        total += count
    return out
