"""The matching engine: the customer first, then every line against that customer's
cross-references and the catalog; then the decision."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.domain.matching import Decision, OrderMatch
from ingest.domain.order import Order
from ingest.domain.rules import RuleSet
from ingest.matching.customers import match_customer
from ingest.matching.decision import decide
from ingest.matching.descriptions import synonyms_for
from ingest.matching.locations import resolve_ship_to
from ingest.matching.masterdata import MasterDataView
from ingest.matching.products import match_line
from ingest.matching.regex_rules import order_hits

DEFAULT_RULES = RuleSet()


def _order_problems(order: Order, customer_id: str | None, rules: RuleSet) -> list[str]:
    problems = [
        hit.reason
        for hit in order_hits(order, rules, customer_id)
        if hit.rule.action == "review" or hit.timed_out
    ]
    if rules.price_list_currency and order.currency and order.currency != rules.price_list_currency:
        problems.append(
            f"currency {order.currency} is not the price list's {rules.price_list_currency}: "
            "prices need a look"
        )
    return problems


def match_order(order: Order, data: MasterDataView, rules: RuleSet = DEFAULT_RULES) -> OrderMatch:
    customer = match_customer(order, data, rules)
    index = None
    if any(line.description for line in order.lines):
        index = data.description_index(synonyms_for(rules.synonyms))
    lines = tuple(match_line(line, customer.customer_id, data, rules, index) for line in order.lines)
    problems = tuple(_order_problems(order, customer.customer_id, rules))
    locations = data.locations(customer.customer_id) if customer.customer_id else []
    ship_to = resolve_ship_to(order, customer.customer_id, locations)
    return OrderMatch(customer=customer, lines=lines, problems=problems, ship_to=ship_to)


def evaluate(
    order: Order,
    data: MasterDataView,
    rules: RuleSet = DEFAULT_RULES,
    *,
    duplicate_of: str | None = None,
    extra_reasons: Sequence[str] = (),
) -> tuple[OrderMatch, Decision]:
    """Match and decide one order: what the pipeline stores and what a dry run compares."""
    match = match_order(order, data, rules)
    return match, decide(order, match, rules, duplicate_of=duplicate_of, extra_reasons=extra_reasons)
