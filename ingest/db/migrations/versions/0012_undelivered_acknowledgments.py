"""A partial index on the acknowledgments still to deliver, which every concluded document looks for,
in place of the index on ``delivered_at`` (which also held every delivered acknowledgment and every
one with nowhere to go, and which nothing else reads).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PREDICATE = "delivered_at IS NULL AND source IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_acknowledgments_undelivered",
        "acknowledgments",
        ["created_at"],
        postgresql_where=sa.text(PREDICATE),
        sqlite_where=sa.text(PREDICATE),
    )
    op.drop_index("ix_acknowledgments_delivered_at", table_name="acknowledgments")


def downgrade() -> None:
    op.create_index("ix_acknowledgments_delivered_at", "acknowledgments", ["delivered_at"])
    op.drop_index("ix_acknowledgments_undelivered", table_name="acknowledgments")
