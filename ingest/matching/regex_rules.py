"""Administrators' pattern rules, run against order and line fields with a time limit so that a
pathological pattern cannot stall a worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from ingest.domain.order import Order, OrderLine, Party
from ingest.domain.rules import RegexRule, RuleSet


@dataclass(frozen=True)
class RuleHit:
    rule: RegexRule
    text: str
    timed_out: bool = False

    @property
    def reason(self) -> str:
        if self.timed_out:
            return (
                f"rule {self.rule.name!r} was stopped after its time limit on {self.rule.field} "
                f"{self.text[:60]!r}: simplify its pattern"
            )
        return f"rule {self.rule.name!r}: {self.rule.field} {self.text!r} matches /{self.rule.pattern}/"


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.IGNORECASE)


def _address(party: Party | None) -> str | None:
    if party is None:
        return None
    parts = [party.address1, party.address2, party.city, party.state, party.postal_code, party.country]
    return ", ".join(p for p in parts if p) or None


def order_values(order: Order, field: str) -> list[str]:
    """The texts of an order field a rule looks at (several for notes)."""
    sender = order.sender
    values: dict[str, list[str | None]] = {
        "po_number": [order.po_number],
        "notes": list(order.notes),
        "sender.email": [sender.email if sender else None],
        "buyer.name": [order.buyer.name if order.buyer else None],
        "ship_to.name": [order.ship_to.name if order.ship_to else None],
        "ship_to.address": [_address(order.ship_to)],
        "bill_to.name": [order.bill_to.name if order.bill_to else None],
    }
    return [v for v in values.get(field, []) if v]


def line_values(line: OrderLine, field: str) -> list[str]:
    values = {
        "line.description": line.description,
        "line.buyer_part_number": line.buyer_part_number,
        "line.vendor_part_number": line.vendor_part_number,
    }
    value = values.get(field)
    return [value] if value else []


def _search(rule: RegexRule, texts: Sequence[str], timeout: float) -> RuleHit | None:
    pattern = _compiled(rule.pattern)
    for text in texts:
        try:
            if pattern.search(text, timeout=timeout):
                return RuleHit(rule, text)
        except TimeoutError:
            return RuleHit(rule, text, timed_out=True)
    return None


def _hits(
    rules: RuleSet, customer_id: str | None, line: bool, values: Callable[[str], list[str]]
) -> list[RuleHit]:
    """The rules on order fields (``line`` false) or line fields that match, by priority."""
    timeout = rules.regex_timeout_ms / 1000
    hits = []
    for rule in sorted(rules.regex_rules, key=lambda r: (r.priority, r.name)):
        if (rule.customer_id and rule.customer_id != customer_id) or rule.field.startswith("line.") != line:
            continue
        hit = _search(rule, values(rule.field), timeout)
        if hit:
            hits.append(hit)
    return hits


def order_hits(order: Order, rules: RuleSet, customer_id: str | None) -> list[RuleHit]:
    """Order-level rules that match (customer rules run before the customer is known)."""
    return _hits(rules, customer_id, False, lambda field: order_values(order, field))


def line_hits(line: OrderLine, rules: RuleSet, customer_id: str | None) -> list[RuleHit]:
    return _hits(rules, customer_id, True, lambda field: line_values(line, field))
