"""Master data: customers, products, customer item cross-references, customers' ship-to locations
and our own company."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ingest.domain.identifiers import is_valid_gtin, normalize_code, normalize_gln
from ingest.domain.uom import canonical_uom

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class Customer(Record):
    customer_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    email_domains: tuple[str, ...] = ()
    edi_qualifier: str | None = Field(default=None, max_length=4)
    edi_id: str | None = Field(default=None, max_length=35)
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @field_validator("email_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(d.strip() for d in value.split(";") if d.strip())
        return value

    @field_validator("email_domains")
    @classmethod
    def _check_domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for domain in value:
            d = domain.lower().lstrip("@")
            if not _DOMAIN.match(d):
                raise ValueError(f"{domain!r} is not an email domain (like acme.com)")
            out.append(d)
        return tuple(out)

    @field_validator(
        "edi_qualifier",
        "edi_id",
        "address1",
        "address2",
        "city",
        "state",
        "postal_code",
        "country",
        mode="before",
    )
    @classmethod
    def _none_if_blank(cls, value: object) -> object:
        return _blank_to_none(value)


class Product(Record):
    sku: str = Field(min_length=1, max_length=64)
    description: str = Field(min_length=1, max_length=500)
    upc: str | None = None
    uom: str | None = None
    pack_size: Decimal | None = Field(default=None, gt=0, allow_inf_nan=False)
    unit_price: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)

    @field_validator("upc", "uom", "pack_size", "unit_price", mode="before")
    @classmethod
    def _none_if_blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("upc")
    @classmethod
    def _check_upc(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = re.sub(r"[\s-]", "", value)
        if not is_valid_gtin(digits):
            raise ValueError(f"{value!r} is not a UPC/EAN/GTIN with a valid check digit")
        return digits

    @field_validator("uom")
    @classmethod
    def _check_uom(cls, value: str | None) -> str | None:
        return None if value is None else canonical_uom(value)

    @property
    def sku_key(self) -> str:
        return normalize_code(self.sku)


class CustomerItem(Record):
    customer_id: str = Field(min_length=1, max_length=64)
    customer_part_number: str = Field(min_length=1, max_length=64)
    sku: str = Field(min_length=1, max_length=64)

    @property
    def part_key(self) -> str:
        return normalize_code(self.customer_part_number)


_YES_NO = {"": True, "yes": True, "y": True, "true": True, "1": True}
_YES_NO.update({"no": False, "n": False, "false": False, "0": False})


class ShipToLocation(Record):
    """One of a customer's ship-to locations (a store, a distribution centre, a site), as the
    customer numbers it: ``location_id`` is their store/DC number, ``gln`` its GS1 location number."""

    customer_id: str = Field(min_length=1, max_length=64)
    location_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    gln: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    active: bool = True

    @field_validator("gln", "address1", "address2", "city", "state", "postal_code", "country", mode="before")
    @classmethod
    def _none_if_blank(cls, value: object) -> object:
        return _blank_to_none(value)

    @field_validator("active", mode="before")
    @classmethod
    def _yes_no(cls, value: object) -> object:
        if value is None:
            return True
        if isinstance(value, str):
            text = value.strip().lower()
            if text not in _YES_NO:
                raise ValueError(f"{value!r} is not yes or no")
            return _YES_NO[text]
        return value

    @field_validator("gln")
    @classmethod
    def _check_gln(cls, value: str | None) -> str | None:
        if value is None:
            return None
        gln = normalize_gln(value)
        if gln is None:
            raise ValueError(f"{value!r} is not a GLN (13 digits with a valid check digit)")
        return gln

    @property
    def location_key(self) -> str:
        return normalize_code(self.location_id)


class SalesRep(Record):
    name: str
    email: str


class VendorProfile(Record):
    """Our own company: never taken for the customer; our EDI id is the receiver's."""

    name: str
    domains: tuple[str, ...] = ()
    order_desk: str | None = None
    edi_qualifier: str | None = None
    edi_id: str | None = None
    duns: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    phone: str | None = None
    sales_reps: tuple[SalesRep, ...] = ()


LearnedKind = Literal["part", "description"]


class LearnedItem(Record):
    """A cross-reference learned from a clerk: this customer's part number or description means
    this SKU. ``key`` is the normalized form the matcher looks up (``normalize_code`` for a part
    number, ``description_key`` for a description); ``text`` is what the document said."""

    id: int | None = None
    customer_id: str = Field(min_length=1, max_length=64)
    kind: LearnedKind
    key: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1)
    sku: str = Field(min_length=1, max_length=64)
    learned_by: str
    learned_at: datetime
    order_id: str | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
