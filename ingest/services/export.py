"""Exporting committed orders as JSON Lines or CSV (one row per line)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from ingest.db import Database

CSV_COLUMNS = (
    "order_id",
    "document_id",
    "customer_id",
    "po_number",
    "po_date",
    "currency",
    "committed_at",
    "line_number",
    "sku",
    "quantity",
    "uom",
    "unit_price",
    "buyer_part_number",
    "vendor_part_number",
    "upc",
    "description",
    "requested_delivery_date",
)


def committed_orders(db: Database, since: datetime | None = None) -> list[dict[str, Any]]:
    with db.unit_of_work() as uow:
        return uow.orders.committed(since)


def csv_rows(orders: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for order in orders:
        for line in order["lines"]:
            row = {c: order.get(c) for c in CSV_COLUMNS}
            row.update({c: line.get(c) for c in CSV_COLUMNS if c in line})
            row["requested_delivery_date"] = line.get("requested_delivery_date") or order.get(
                "requested_delivery_date"
            )
            yield row


def write_export(orders: list[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write the orders to ``out``; returns the number of records written."""
    if fmt == "jsonl":
        for order in orders:
            out.write(json.dumps(order, ensure_ascii=False) + "\n")
        return len(orders)
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in csv_rows(orders):
        writer.writerow(row)
        n += 1
    return n
