"""The matching engine: customer first, then every line against that customer's cross-references."""

from __future__ import annotations

from ingest.domain.matching import OrderMatch
from ingest.domain.order import Order
from ingest.matching.customers import match_customer
from ingest.matching.masterdata import MasterDataView
from ingest.matching.products import match_line


def match_order(order: Order, data: MasterDataView) -> OrderMatch:
    customer = match_customer(order, data)
    lines = tuple(match_line(line, customer.customer_id, data) for line in order.lines)
    return OrderMatch(customer=customer, lines=lines)
