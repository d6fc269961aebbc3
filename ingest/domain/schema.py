"""The JSON Schema of the normalized order, kept in the repository as ``schemas/order.schema.json``.

Regenerate it deliberately with ``python -m ingest.domain.schema > schemas/order.schema.json``.
"""

from __future__ import annotations

import json
import sys

from ingest.domain.order import Order


def order_schema_json() -> str:
    schema = Order.model_json_schema(mode="serialization")
    schema["$id"] = "https://po-ingest.example/schemas/order.schema.json"
    schema["title"] = "Normalized purchase order"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(order_schema_json())
