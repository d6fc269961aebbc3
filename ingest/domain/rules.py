"""Matching and decision rules as data: what administrators tune, versioned and validated on save.

A :class:`RuleSet` is plain data (JSON in the database, one row per version). The matcher and the
decision read it; nothing here runs a rule.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ingest.domain.order import Confidence, DecimalStr

AutomationLevel = Literal["never", "confident", "always"]
"""Per customer: ``never`` sends every order to review; ``confident`` commits when nothing is in
doubt; ``always`` commits whenever the customer and every line have a product, whatever the
confidence (still never a duplicate, a failed validation rule or a change order)."""

RegexField = Literal[
    "po_number",
    "notes",
    "sender.email",
    "buyer.name",
    "ship_to.name",
    "ship_to.address",
    "bill_to.name",
    "line.description",
    "line.buyer_part_number",
    "line.vendor_part_number",
]
RegexAction = Literal["review", "customer", "sku"]
"""``review``: a match sends the order to review with the rule's name as the reason;
``customer``: a match names the customer (``value`` is its id);
``sku``: a match on a line names the product (``value`` is the SKU)."""

_SYNONYM_KEY = re.compile(r"^[a-z0-9][a-z0-9./-]*$")


class RuleModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Thresholds(RuleModel):
    """Confidence needed for an automatic commit."""

    customer: Confidence = 0.95
    line: Confidence = 0.95
    mandatory_field: Confidence = 0.8
    optional_field: Confidence = 0.5


class Weights(RuleModel):
    """Confidence given to each kind of evidence when it points at exactly one record."""

    edi_id: Confidence = 1.0
    customer_number: Confidence = 1.0
    email_domain: Confidence = 0.97
    ship_to_gln: Confidence = 0.9
    """A party's GLN that is a ship-to location of exactly one customer: an identifier, but of a
    place, so never enough alone to commit."""
    name_and_address: Confidence = 0.97
    name_only: Confidence = 0.85
    cross_reference: Confidence = 1.0
    learned: Confidence = 0.98
    sku_exact: Confidence = 1.0
    sku_written_differently: Confidence = 0.97
    gtin: Confidence = 1.0
    buyer_part_is_sku: Confidence = 0.9
    description: Confidence = 0.96
    regex: Confidence = 0.96


class CustomerOverride(RuleModel):
    """What differs for one customer; None keeps the global value."""

    automation: AutomationLevel | None = None
    customer_threshold: Confidence | None = None
    line_threshold: Confidence | None = None
    price_tolerance: DecimalStr | None = Field(default=None, ge=0)


class RegexRule(RuleModel):
    name: str = Field(min_length=1, max_length=100)
    field: RegexField
    pattern: str = Field(min_length=1, max_length=500)
    action: RegexAction
    value: str | None = None
    customer_id: str | None = None
    priority: int = 100

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern {value!r} does not compile: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _value_for_action(self) -> RegexRule:
        if self.action in ("customer", "sku") and not self.value:
            raise ValueError(f"a {self.action!r} rule needs a value (the {self.action} it names)")
        if self.action == "sku" and not self.field.startswith("line."):
            raise ValueError("a 'sku' rule must look at a line field (line.description, …)")
        if self.action == "customer" and self.field.startswith("line."):
            raise ValueError("a 'customer' rule must look at an order field, not a line field")
        return self


class RuleSet(RuleModel):
    """Everything an administrator tunes about matching and deciding."""

    thresholds: Thresholds = Thresholds()
    weights: Weights = Weights()
    automation: AutomationLevel = "confident"
    price_tolerance: DecimalStr = Field(default=Decimal("0.02"), ge=0)
    """Largest relative difference between a line's price and the price list (0.02 = 2%)."""
    amount_tolerance: DecimalStr = Field(default=Decimal("0.01"), ge=0)
    """Largest difference between the stated total and lines + charges, in the order's currency."""
    price_list_currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    synonyms: dict[str, str] = Field(default_factory=dict)
    """Abbreviation -> what it means ('blk' -> 'black'), added to the built-in dictionary; mapping a
    word to itself switches a built-in entry off."""
    customers: dict[str, CustomerOverride] = Field(default_factory=dict)
    regex_rules: tuple[RegexRule, ...] = ()
    regex_timeout_ms: int = Field(default=50, ge=1, le=5000)

    @field_validator("synonyms")
    @classmethod
    def _synonym_keys(cls, value: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, meaning in value.items():
            k, m = key.strip().lower(), " ".join(meaning.lower().split())
            if not _SYNONYM_KEY.match(k):
                raise ValueError(f"synonym {key!r} must be one word (letters, digits, . / -)")
            if not m:
                raise ValueError(f"synonym {key!r} needs a meaning")
            out[k] = m
        return out

    def automation_for(self, customer_id: str | None) -> AutomationLevel:
        override = self.customers.get(customer_id) if customer_id else None
        return override.automation if override and override.automation else self.automation

    def customer_threshold(self, customer_id: str | None) -> float:
        override = self.customers.get(customer_id) if customer_id else None
        if override and override.customer_threshold is not None:
            return override.customer_threshold
        return self.thresholds.customer

    def line_threshold(self, customer_id: str | None) -> float:
        override = self.customers.get(customer_id) if customer_id else None
        if override and override.line_threshold is not None:
            return override.line_threshold
        return self.thresholds.line

    def price_tolerance_for(self, customer_id: str | None) -> Decimal:
        override = self.customers.get(customer_id) if customer_id else None
        if override and override.price_tolerance is not None:
            return override.price_tolerance
        return self.price_tolerance
