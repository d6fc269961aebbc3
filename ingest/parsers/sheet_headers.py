"""Column headers of purchase-order sheets: synonyms, the header row, and preamble labels.

Headers are compared after :func:`normalize_label`: case, accents, punctuation and spacing are
ignored, camelCase is split, and "#", "no.", "nr", "num", "number", "numero", "n°" all become
"no". So "P.O. Number", "PO #", "po_no" and "PONumber" are the same label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.parsers.sheet_text import Row

HEADER_SEARCH_ROWS = 30

# Order-level fields (one value per purchase order).
ORDER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "po_number": ("po", "po no", "purchase order", "purchase order no", "order no", "po id", "customer po",
                  "cust po", "your po", "po ref", "bestellnummer", "bestell no", "bestellung",
                  "no de commande", "no commande", "commande", "no de pedido", "pedido", "orden de compra"),
    "po_date": ("po date", "order date", "date", "purchase order date", "document date", "date ordered",
                "bestelldatum", "datum", "date de commande", "date commande", "fecha", "fecha de pedido",
                "fecha pedido"),
    "customer_id": ("customer", "customer id", "customer no", "customer code", "cust no", "cust id",
                    "account", "account no", "sold to", "sold to no", "sold to id", "buyer id",
                    "kundennummer", "kunden no", "kunde", "client", "code client", "no client", "cliente",
                    "no de cliente", "codigo cliente"),
    "customer_name": ("customer name", "buyer", "buyer name", "company", "company name", "sold to name",
                      "kundenname", "firma", "nom du client", "nom client", "raison sociale",
                      "nombre del cliente", "nombre cliente", "empresa"),
    "ship_to_name": ("ship to", "ship to name", "deliver to", "delivery name", "consignee", "lieferadresse",
                     "livrer a", "enviar a"),
    "ship_to_address1": ("ship to address", "ship to address1", "ship to address 1", "ship to street",
                         "address", "address1", "address 1", "address line 1", "street", "strasse",
                         "adresse", "direccion"),
    "ship_to_address2": ("ship to address2", "ship to address 2", "address2", "address 2", "address line 2"),
    "ship_to_city": ("ship to city", "city", "town", "ort", "stadt", "ville", "ciudad"),
    "ship_to_state": ("ship to state", "state", "province", "region", "state province"),
    "ship_to_postal_code": ("ship to zip", "ship to postal code", "zip", "zip code", "postal code",
                            "postcode", "post code", "plz", "code postal", "codigo postal"),
    "ship_to_country": ("ship to country", "country", "land", "pays", "pais"),
    "requested_ship_date": ("ship date", "requested ship date", "ship by", "ship by date", "versanddatum",
                            "date d expedition", "fecha de envio"),
    "currency": ("currency", "currency code", "curr", "cur", "wahrung", "devise", "monnaie", "moneda",
                 "divisa"),
    "payment_terms": ("payment terms", "terms", "pay terms", "terms of payment", "zahlungsbedingungen",
                      "zahlungsziel", "conditions de paiement", "condiciones de pago", "forma de pago"),
    "ship_via": ("ship via", "carrier", "shipping method", "ship method", "via", "shipped via", "versandart",
                 "spediteur", "transporteur", "transportista"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "instructions", "special instructions",
              "bemerkung", "bemerkungen", "remarques", "commentaire", "observaciones", "comentarios"),
}  # fmt: skip

# Line-level fields (one value per order line). delivery_date is rolled up to the order too.
LINE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "line_number": ("line", "line no", "ln", "pos", "position", "pos no", "po line", "po line id", "line id",
                    "line item", "zeile", "ligne", "linea"),
    "quantity": ("qty", "quantity", "order qty", "qty ordered", "ordered qty", "quantity ordered",
                 "order quantity", "qty order", "qty to order", "menge", "bestellmenge", "anzahl", "cantidad",
                 "quantite", "qte"),
    "uom": ("uom", "unit", "unit of measure", "um", "u m", "uofm", "unit measure", "einheit", "mengeneinheit",
            "unite", "unidad"),
    "unit_price": ("price", "unit price", "unit cost", "cost", "price each", "each price", "net price",
                   "price per unit", "preis", "einzelpreis", "stuckpreis", "prix", "prix unitaire", "precio",
                   "precio unitario"),
    "amount": ("amount", "ext price", "extended price", "ext amount", "extended amount", "extended cost",
               "line total", "total", "total price", "line amount", "net amount", "betrag", "gesamtpreis",
               "montant", "importe", "total amount"),
    "vendor_part_number": ("sku", "item", "item number", "item code", "item id", "our part", "our part no",
                           "vendor part", "vendor part no", "vendor item", "supplier part",
                           "supplier part no", "supplier item", "your part", "your part no", "product code",
                           "product id", "product no", "material", "material id", "material no", "article",
                           "article no", "artikel", "artikelnummer", "artikel no", "reference", "ref", "code",
                           "product sku", "catalog no"),
    "buyer_part_number": ("customer part", "customer part no", "buyer part", "buyer part no", "cust part",
                          "cust part no", "customer item", "customer item no", "part", "part no",
                          "customer material", "kundenmaterial", "kunden artikel no"),
    "upc": ("upc", "ean", "gtin", "upc code", "ean code", "upc ean", "ean upc", "barcode", "ean13", "ean 13",
            "upc a", "gtin 14"),
    "description": ("description", "item description", "desc", "product", "product name",
                    "product description", "item name", "bezeichnung", "beschreibung", "artikelbezeichnung",
                    "designation", "libelle", "descripcion", "articulo"),
    "delivery_date": ("delivery date", "need by", "need by date", "required date", "required by", "due date",
                      "requested date", "requested delivery date", "req date", "expected delivery date",
                      "expected delivery", "deliver by", "liefertermin", "lieferdatum", "wunschtermin",
                      "date de livraison", "date livraison", "fecha de entrega", "fecha entrega"),
}  # fmt: skip

# Labels that mean a line number in some ERPs and our part number in others: the values decide.
AMBIGUOUS: dict[str, tuple[str, str]] = {"item no": ("line_number", "vendor_part_number")}

LINE_FIELDS = frozenset(LINE_SYNONYMS)
ORDER_FIELDS = frozenset(ORDER_SYNONYMS) | {"delivery_date"}
FIELD_NAMES: dict[str, str] = {
    "po_number": "PO number",
    "customer_id": "customer id",
    "quantity": "quantity",
    "vendor_part_number": "our part number",
    "buyer_part_number": "customer part number",
    "upc": "UPC/EAN",
    "description": "description",
}

_NUMBER_WORDS = {"number", "num", "nbr", "nr", "nro", "numero", "nummer", "no"}


def normalize_label(text: str) -> str:
    """A header or label reduced for comparison (see the module docstring)."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)  # "Unit Price (USD)"
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)  # camelCase
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\bn\s*°", " no ", text.replace("#", " no "))
    text = text.replace(".", "").replace("'", "")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join("no" if w in _NUMBER_WORDS else w for w in words)


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for synonyms in (ORDER_SYNONYMS, LINE_SYNONYMS):
        for field, phrases in synonyms.items():
            for phrase in phrases:
                table.setdefault(normalize_label(phrase), field)
    return table


_LOOKUP = _table()


def field_for(label: str) -> str | None:
    """The field a header names, or None; ambiguous labels give the first of their readings."""
    key = normalize_label(label)
    if key in AMBIGUOUS:
        return AMBIGUOUS[key][0]
    return _LOOKUP.get(key)


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as printed in the file
    field: str
    confidence: float


@dataclass(frozen=True)
class Header:
    """The header row and the fields its columns hold (the first column wins per field)."""

    row: Row
    position: int  # index of the header row in the row list
    columns: dict[str, Column]

    @property
    def hits(self) -> int:
        return len(self.columns)

    def describe(self) -> str:
        """The header cells, with the field each was taken for."""
        fields = {c.index: c.field for c in self.columns.values()}
        parts = [
            f"{cell!r}" + (f" ({fields[i]})" if i in fields else "") for i, cell in enumerate(self.row.cells)
        ]
        return ", ".join(p for p in parts if p != "''")


def _looks_like_line_numbers(values: Sequence[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and all(v.isdigit() and len(v) <= 4 for v in filled)


def map_columns(row: Row, data: Sequence[Row]) -> dict[str, Column]:
    """The fields named by one row's cells; ambiguous labels are settled by the values below."""
    columns: dict[str, Column] = {}
    ambiguous: list[tuple[int, str, str]] = []
    for index, cell in enumerate(row.cells):
        key = normalize_label(cell)
        if not key:
            continue
        if key in AMBIGUOUS:
            ambiguous.append((index, cell, key))
        elif (field := _LOOKUP.get(key)) and field not in columns:
            columns[field] = Column(index, cell, field, 1.0)
    for index, cell, key in ambiguous:
        as_line, as_part = AMBIGUOUS[key]
        values = [r.cell(index) for r in data[:200] if not r.blank]
        field = as_line if as_part in columns or _looks_like_line_numbers(values) else as_part
        if field not in columns:
            columns[field] = Column(index, cell, field, 0.9)
    return columns


def find_header(rows: Sequence[Row]) -> tuple[Header | None, Header | None]:
    """(the best header row with a quantity column, the best header-like row of any kind).

    A header-like row names at least two known columns; the best has the most, the earliest on a tie.
    """
    best_qty: Header | None = None
    best_any: Header | None = None
    seen = 0
    for position, row in enumerate(rows):
        if row.blank:
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        columns = map_columns(row, rows[position + 1 : position + 201])
        if len(columns) < 2:
            continue
        header = Header(row, position, columns)
        if best_any is None or header.hits > best_any.hits:
            best_any = header
        if "quantity" in columns and (best_qty is None or header.hits > best_qty.hits):
            best_qty = header
    return best_qty, best_any


@dataclass(frozen=True)
class Labelled:
    """An order-level value read from a 'Label: value' pair outside the table."""

    field: str
    label: str
    value: str
    row: int


def read_labelled(row: Row) -> list[Labelled]:
    """'PO Number: 4500123' in one cell, or 'PO Number' | '4500123' in neighbouring cells."""
    found: list[Labelled] = []
    cells = row.filled
    i = 0
    while i < len(cells):
        cell = cells[i]
        label, sep, value = cell.partition(":")
        field = _LOOKUP.get(normalize_label(label))
        if sep and value.strip() and field in ORDER_FIELDS:
            found.append(Labelled(field, label.strip(), value.strip(), row.number))
            i += 1
            continue
        field = _LOOKUP.get(normalize_label(cell.rstrip(":")))
        if (
            field in ORDER_FIELDS
            and i + 1 < len(cells)
            and _LOOKUP.get(normalize_label(cells[i + 1])) is None
        ):
            found.append(Labelled(field, cell.rstrip(":").strip(), cells[i + 1], row.number))
            i += 2
            continue
        i += 1
    return found
