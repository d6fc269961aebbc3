"""Customers found by name, misspelt or abbreviated, and told apart by their addresses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from ingest.domain.masterdata import Customer
from ingest.domain.order import Party
from ingest.matching.descriptions import tokens
from ingest.matching.names import name_key
from ingest.matching.token_index import TokenIndex


@dataclass(frozen=True)
class NameHit:
    customer: Customer
    similarity: float
    contained: bool = False
    """Every word of the name searched for is in the customer's name ('Acme' in 'Acme West')."""


class CustomerIndex:
    def __init__(self, customers: Iterable[Customer]) -> None:
        self._customers = list(customers)
        self._keys = [name_key(c.name) for c in self._customers]
        self._index = TokenIndex([k.lower().split() for k in self._keys])

    def __len__(self) -> int:
        return len(self._customers)

    def search(self, name: str, limit: int = 5) -> list[NameHit]:
        key = name_key(name)
        if not key:
            return []
        hits = []
        for overlap in self._index.search(key.lower().split(), limit=limit * 3):
            ratio = fuzz.ratio(key, self._keys[overlap.record]) / 100.0
            similarity = 0.4 * overlap.query_coverage + 0.3 * overlap.record_coverage + 0.3 * ratio
            contained = overlap.query_coverage >= 0.999
            hits.append(NameHit(self._customers[overlap.record], round(similarity, 4), contained))
        hits.sort(key=lambda h: (-h.similarity, h.customer.customer_id))
        return hits[:limit]


_SPACE = re.compile(r"[\s-]+")


def _postal(value: str | None, country: str | None) -> str | None:
    if not value:
        return None
    text = _SPACE.sub("", value).upper()
    if (country or "US").upper() in ("US", "USA") and text[:5].isdigit():
        return text[:5]
    return text


def _street(party_line: str | None) -> list[str]:
    return tokens(party_line) if party_line else []


@dataclass(frozen=True)
class AddressEvidence:
    """How well a party's address fits a customer's: 'strong', 'partial', 'conflict' or 'none'."""

    strength: str
    detail: str


class Place(Protocol):
    """Anything with an address: a customer, a ship-to location."""

    @property
    def address1(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...


def compare_address(party: Party, customer: Place) -> AddressEvidence:
    postal_a = _postal(party.postal_code, party.country)
    postal_b = _postal(customer.postal_code, customer.country)
    street_a, street_b = _street(party.address1), _street(customer.address1)
    city_a = (party.city or "").strip().lower()
    city_b = (customer.city or "").strip().lower()
    street_same = bool(street_a and street_b) and (
        fuzz.token_sort_ratio(" ".join(street_a), " ".join(street_b)) >= 85
    )
    postal_same = bool(postal_a and postal_b) and postal_a == postal_b
    city_same = bool(city_a and city_b) and fuzz.ratio(city_a, city_b) >= 90
    where = ", ".join(p for p in (customer.address1, customer.city, customer.postal_code) if p)
    if street_same and (postal_same or city_same):
        return AddressEvidence("strong", f"address {where} agrees")
    if postal_same or (street_same and not postal_a) or (city_same and street_same):
        return AddressEvidence("partial", f"address partly agrees with {where}")
    if postal_a and postal_b and not postal_same and not city_same:
        return AddressEvidence("conflict", f"address differs from {where}")
    return AddressEvidence("none", "")
