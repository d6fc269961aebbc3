"""Address blocks (ship to, bill to, buyer, vendor) found under or beside their label, and split
into name, street lines, city, state, postal code and country."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.domain.order import Party
from ingest.parsers.pdf.fields import LabelHit, label_hits
from ingest.parsers.pdf.geometry import DocView, height, phrases
from ingest.parsers.pdf.model import Line, Word
from ingest.parsers.sheet_headers import normalize_label

_ROLE_LABELS: dict[str, tuple[str, ...]] = {
    "ship_to": ("ship to", "deliver to", "delivery address", "shipping address", "ship to address",
                "lieferanschrift", "lieferadresse", "warenempfanger", "adresse de livraison", "livrer a",
                "direccion de entrega", "enviar a", "consignee"),
    "bill_to": ("bill to", "invoice to", "billing address", "invoice address", "invoicing address",
                "rechnungsanschrift", "rechnungsadresse", "rechnungsempfanger", "adresse de facturation",
                "facturer a", "facturar a", "direccion de facturacion"),
    "both": ("invoice and shipping address", "invoicing and shipping address", "shipping and invoice address",
             "billing and shipping address", "liefer und rechnungsanschrift"),
    "buyer": ("buyer", "sold to", "customer", "purchaser", "ordered by", "besteller", "auftraggeber", "kunde",
              "acheteur", "client", "comprador", "cliente"),
    "seller": ("vendor", "supplier", "seller", "sold by", "lieferant", "fournisseur", "proveedor"),
}  # fmt: skip
_TABLE = {tuple(normalize_label(label).split()): role for role, ls in _ROLE_LABELS.items() for label in ls}
_MAX_LINES = 7

COUNTRIES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US", "canada": "CA",
    "mexico": "MX", "france": "FR", "germany": "DE", "deutschland": "DE", "belgium": "BE", "belgique": "BE",
    "netherlands": "NL", "nederland": "NL", "united kingdom": "GB", "uk": "GB", "great britain": "GB",
    "spain": "ES", "espana": "ES", "italy": "IT", "italia": "IT", "austria": "AT", "osterreich": "AT",
    "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "luxembourg": "LU", "ireland": "IE",
    "portugal": "PT", "poland": "PL", "sweden": "SE", "denmark": "DK", "norway": "NO", "finland": "FI",
    "de": "DE", "fr": "FR", "be": "BE", "nl": "NL", "gb": "GB", "es": "ES", "it": "IT", "at": "AT",
    "ch": "CH", "d": "DE", "f": "FR", "a": "AT", "b": "BE", "l": "LU", "i": "IT", "e": "ES",
}  # fmt: skip
_US_CITY = re.compile(r"^(?P<city>[A-Za-z .'\-]+?),?\s+(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_EU_CITY = re.compile(r"^(?:(?P<cc>[A-Z]{1,2})[- ])?(?P<zip>\d{4,5})\s+(?P<city>\D.*)$")
_UK_CITY = re.compile(r"^(?P<city>[A-Za-z .'\-]+?),?\s+(?P<zip>[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})$")
_CITY_ZIP = re.compile(r"^(?P<city>[A-Za-z .'\-]+?)\s+(?P<zip>\d{4,5})$")
_PHONE = re.compile(r"^(?:(?:tel|phone|ph|telefon|tél|tel\.)\s*[:.]?\s*)?\+?[\d ()./-]{7,}$", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_CONTACT = re.compile(r"^(?:attn|attention|contact|z\s?hd|a l'attention de)\b[:.]?\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    role: str
    lines: list[tuple[Word, ...]]
    label: tuple[Word, ...]


def _role_hit(line: Line) -> list[LabelHit]:
    hits = label_hits(line, _TABLE)
    out = []
    for hit in hits:
        colon = hit.words[-1].text.endswith(":")
        whole = not hit.rest and (hit.words[-1] is _phrase_end(line, hit.words[-1]))
        if colon or hit.rest or whole:
            out.append(hit)
    return out


def _phrase_end(line: Line, word: Word) -> Word:
    for phrase in phrases(line.words):
        if word in phrase.words:
            return phrase.words[-1]
    return word


def _labelled(line: Line) -> bool:
    """The phrase is a label itself ("Purchase Order No.", "Ship To"), not a value."""
    return bool(label_hits(line)) or bool(_role_hit(line))


def _stop(line: Line) -> bool:
    """Another label starts here ("Order Date:", "Bill To"): the block ended."""
    labelled = any(hit.words[-1].text.endswith(":") for hit in label_hits(line))
    return labelled or bool(_role_hit(line))


def _collect(lines: Sequence[Line], index: int, hit: LabelHit) -> list[tuple[Word, ...]]:
    line = lines[index]
    block: list[tuple[Word, ...]] = []
    right = [p for p in phrases(line.words) if p.x0 > hit.words[-1].x1 + 1]
    if hit.rest:
        block.append(hit.rest)
        anchor = hit.rest[0].x0
        later = [p.x0 for p in right if p.x0 > hit.rest[-1].x1 + 1]
    elif right and right[0].x0 - hit.words[-1].x1 < 260 and not _labelled(Line(right[0].words)):
        block.append(right[0].words)
        anchor = right[0].x0
        later = [p.x0 for p in right[1:]]
    else:
        anchor = hit.words[0].x0
        later = [p.x0 for p in right]
    bound = min(later) - 2 if later else float("inf")
    last_bottom = line.bottom
    h = height(line.words)
    for nxt in lines[index + 1 :]:
        if len(block) >= _MAX_LINES or nxt.top - last_bottom > 1.9 * h:
            break
        words = tuple(w for w in nxt.words if anchor - 6 <= w.x0 < bound)
        if not words:
            if any(w.x0 < bound and w.x1 > anchor for w in nxt.words):
                break
            continue
        first = phrases(words)[0]
        if abs(first.x0 - anchor) > 30:
            break
        sub = Line(first.words)
        if block and _stop(sub):
            break
        block.append(first.words)
        last_bottom = nxt.bottom
    return block


def find_blocks(view: DocView) -> list[Block]:
    blocks: list[Block] = []
    for lines in view.lines.values():
        for index, line in enumerate(lines):
            for hit in _role_hit(line):
                found = _collect(lines, index, hit)
                if found:
                    blocks.append(Block(hit.name, found, hit.words))
    return blocks


def _fold(text: str) -> str:
    return normalize_label(text)


def split_party(texts: Sequence[str]) -> Party:
    """Name, street, city/state/postal code, country, contact, phone and email from an address
    block's lines."""
    fields: dict[str, str | None] = {}
    street: list[str] = []
    rest = [t.strip() for t in texts if t.strip()]
    city_at = _city_line(rest)
    for index, text in enumerate(rest):
        if m := _EMAIL.search(text):
            fields.setdefault("email", m.group())
            continue
        if _PHONE.match(text):
            start = re.search(r"[+\d(]", text)
            fields.setdefault("phone", text[start.start() if start else 0 :])
            continue
        if m := _CONTACT.match(text):
            fields.setdefault("contact", m.group(1) or None)
            continue
        if "name" not in fields:
            fields["name"] = text
            continue
        folded = _fold(text)
        if folded in COUNTRIES and "city" in fields:
            fields["country"] = COUNTRIES[folded]
            continue
        if index == city_at and _city(text, fields):
            continue
        if folded in COUNTRIES:
            fields["country"] = COUNTRIES[folded]
            continue
        street.append(text)
    if street:
        fields["address1"] = street[0]
        if len(street) > 1:
            fields["address2"] = ", ".join(street[1:])
    return Party(**{k: v for k, v in fields.items() if v})


def _city_line(texts: Sequence[str]) -> int | None:
    """The line holding the city: a US "City, ST 12345" line, else the last line that reads as
    "12345 City" or "City 12345" (street lines like "3661 Station Street" come before it)."""
    for index, text in enumerate(texts[1:], 1):
        if _US_CITY.match(text):
            return index
    for index in range(len(texts) - 1, 0, -1):
        if _fold(texts[index]) in COUNTRIES:
            continue
        if any(p.match(texts[index]) for p in (_EU_CITY, _UK_CITY, _CITY_ZIP)):
            return index
    countries = [i for i, text in enumerate(texts) if i >= 3 and _fold(text) in COUNTRIES]
    if countries and not any(ch.isdigit() for ch in texts[countries[0] - 1]):
        return countries[0] - 1  # "London" above "United Kingdom"
    return None


def _city(text: str, fields: dict[str, str | None]) -> bool:
    if m := _US_CITY.match(text):
        fields.update(city=m["city"].strip(" ,"), state=m["state"], postal_code=m["zip"])
        return True
    if m := _EU_CITY.match(text):
        fields.update(city=m["city"].strip(" ,"), postal_code=m["zip"])
        if m["cc"] and m["cc"].lower() in COUNTRIES:
            fields["country"] = COUNTRIES[m["cc"].lower()]
        return True
    if m := _UK_CITY.match(text):
        fields.update(city=m["city"].strip(" ,"), postal_code=m["zip"])
        return True
    if m := _CITY_ZIP.match(text):
        fields.update(city=m["city"].strip(" ,"), postal_code=m["zip"])
        return True
    fields["city"] = text
    return True


def block_texts(block: Block) -> list[str]:
    return [" ".join(w.text for w in words) for words in block.lines]
