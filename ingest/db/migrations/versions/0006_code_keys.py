"""Part-number keys without leading zeros: '0004512' and '4512' are one all-digit part number.

Recomputes the lookup keys of products, customer cross-references and learned part numbers with
the current ``normalize_code``; the data itself is unchanged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 03:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ingest.domain.identifiers import normalize_code

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_KEYS = (
    ("products", "sku", "sku_key", ("sku",), None),
    ("customer_items", "customer_part_number", "part_key", ("customer_id", "customer_part_number"), None),
    ("learned_items", "text", "key", ("id", "customer_id"), "part"),
)


def upgrade() -> None:
    bind = op.get_bind()
    for table_name, source, key, ids, kind in _KEYS:
        table = sa.table(
            table_name, *(sa.column(c) for c in {source, key, *ids, "kind"} if c != "kind" or kind)
        )
        query = sa.select(*(table.c[c] for c in (*ids, source, key)))
        if kind is not None:
            query = query.where(table.c.kind == kind)
        # only all-digit keys with a leading zero change
        query = query.where(table.c[key].like("0%"))
        for row in bind.execute(query).mappings().all():
            new = normalize_code(row[source])
            if kind is not None:  # learned keys are unique per customer: keep an older twin as it is
                twin = sa.select(table.c.id).where(
                    table.c.customer_id == row["customer_id"], table.c.kind == kind, table.c[key] == new
                )
                if bind.execute(twin).first() is not None:
                    continue
            if new != row[key]:
                where = sa.and_(*(table.c[c] == row[c] for c in ids))
                bind.execute(sa.update(table).where(where).values({key: new}))


def downgrade() -> None:
    """Keys with leading zeros are not restored: lookups keep working with the shorter keys."""
