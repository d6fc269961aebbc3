"""Customers' ship-to locations (stores, distribution centres) and the location each order resolved to.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 06:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingest.db.tables

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ship_to_locations",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("location_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("gln", sa.String(length=13), nullable=True),
        sa.Column("address1", sa.Text(), nullable=True),
        sa.Column("address2", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=50), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=50), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "location_id", name=op.f("pk_ship_to_locations")),
    )
    op.create_index("ix_ship_to_locations_key", "ship_to_locations", ["customer_id", "location_key"])
    op.create_index(op.f("ix_ship_to_locations_gln"), "ship_to_locations", ["gln"])
    # Plain ADD/DROP COLUMN (SQLite 3.35+ has both): batch mode would copy and drop ``orders``, and
    # with foreign keys on, dropping it would delete every order line with it.
    op.add_column("orders", sa.Column("ship_to_location_id", sa.String(length=64), nullable=True))
    op.add_column("orders", sa.Column("matched_ship_to_location_id", sa.String(length=64), nullable=True))
    op.add_column("orders", sa.Column("ship_to_confidence", sa.Float(), nullable=True))
    op.add_column("orders", sa.Column("ship_to_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in (
        "ship_to_reason",
        "ship_to_confidence",
        "matched_ship_to_location_id",
        "ship_to_location_id",
    ):
        op.drop_column("orders", column)
    op.drop_index(op.f("ix_ship_to_locations_gln"), table_name="ship_to_locations")
    op.drop_index("ix_ship_to_locations_key", table_name="ship_to_locations")
    op.drop_table("ship_to_locations")
