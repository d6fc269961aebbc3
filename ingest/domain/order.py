"""The normalized purchase order (CONTRACTS §6): the one model every parser produces.

Money and quantities are :class:`~decimal.Decimal` (serialized as strings), dates are ISO
``YYYY-MM-DD``. Unknown fields are refused so that a parser typo is an error, not a silent drop.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    field_validator,
)

from ingest.domain.uom import canonical_uom


def _no_float(value: object) -> object:
    """Binary floats lose cents: money and quantities come in as strings, ints or Decimals."""
    if isinstance(value, float):
        raise ValueError("a decimal number must be given as a string or Decimal, not a float")
    return value


DecimalStr = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(allow_inf_nan=False),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, mode="serialization"),
]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]

Purpose = Literal["original", "change", "cancellation", "replace", "confirmation"]
ChargeKind = Literal["freight", "discount", "tax", "other"]
Channel = Literal["email", "edi", "file"]
LineChange = Literal["add", "delete", "quantity", "price", "replace"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)


class Reference(Model):
    qualifier: str
    value: str


class Identifier(Model):
    qualifier: str
    value: str


class PageBox(Model):
    """Where a value was read on a page: page number (1-based) and box [x0, top, x1, bottom]."""

    page: int = Field(ge=1)
    bbox: tuple[float, float, float, float]


class SegmentRef(Model):
    """Where a value was read in an EDI message: the segment's index in the interchange."""

    model_config = ConfigDict(frozen=True)  # one instance is shared by every value of a segment

    segment: int = Field(ge=0)


class RowRef(Model):
    """Where a value was read in a sheet: 1-based row number, optional column name and sheet."""

    row: int = Field(ge=1)
    column: str | None = None
    sheet: str | None = None


_PROVENANCE_KINDS: dict[type, str] = {SegmentRef: "segment", PageBox: "page", RowRef: "row"}


def _provenance_kind(value: object) -> str:
    kind = _PROVENANCE_KINDS.get(type(value))  # a model instance (the parsers share SegmentRefs)
    if kind is not None:
        return kind
    keys = value.keys() if isinstance(value, dict) else vars(value) if hasattr(value, "__dict__") else ()
    if "segment" in keys:
        return "segment"
    if "page" in keys:
        return "page"
    return "row"


Provenance = Annotated[
    Annotated[PageBox, Tag("page")] | Annotated[SegmentRef, Tag("segment")] | Annotated[RowRef, Tag("row")],
    Discriminator(_provenance_kind),
]


class Party(Model):
    name: str | None = None
    identifiers: list[Identifier] = Field(default_factory=list)
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    contact: str | None = None
    email: str | None = None
    phone: str | None = None


class Charge(Model):
    kind: ChargeKind
    amount: DecimalStr
    description: str | None = None


class Sender(Model):
    channel: Channel
    email: str | None = None
    name: str | None = None
    edi_qualifier: str | None = None
    edi_id: str | None = None


class OrderLine(Model):
    line_number: str | None = None
    quantity: DecimalStr | None = None
    uom: str | None = None
    unit_price: DecimalStr | None = None
    buyer_part_number: str | None = None
    vendor_part_number: str | None = None
    upc: str | None = Field(default=None, pattern=r"^\d{8}$|^\d{12,14}$")
    description: str | None = None
    requested_delivery_date: date | None = None
    change: LineChange | None = None
    confidence: dict[str, Confidence] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)

    @field_validator("uom")
    @classmethod
    def _canonical_uom(cls, value: str | None) -> str | None:
        return None if value is None else canonical_uom(value)

    @field_validator("quantity")
    @classmethod
    def _quantity_not_negative(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value < 0:
            raise ValueError("quantity must not be negative")
        return value

    @property
    def amount(self) -> Decimal | None:
        if self.quantity is None or self.unit_price is None:
            return None
        return self.quantity * self.unit_price


class Order(Model):
    po_number: str | None = None
    po_date: date | None = None
    purpose: Purpose = "original"
    order_type: str | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    buyer: Party | None = None
    seller: Party | None = None
    ship_to: Party | None = None
    bill_to: Party | None = None
    requested_delivery_date: date | None = None
    requested_ship_date: date | None = None
    payment_terms: str | None = None
    ship_via: str | None = None
    notes: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    lines: list[OrderLine] = Field(default_factory=list)
    charges: list[Charge] = Field(default_factory=list)
    total_amount: DecimalStr | None = None
    sender: Sender | None = None
    confidence: dict[str, Confidence] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)

    def reference(self, qualifier: str) -> str | None:
        """The first reference with this qualifier, or None."""
        for ref in self.references:
            if ref.qualifier == qualifier:
                return ref.value
        return None
