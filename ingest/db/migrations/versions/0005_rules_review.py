"""Rules as versioned data, cross-references learned from clerks, review of orders.

Orders keep what the matcher said (``matched_customer_id``, ``matched_sku``) beside the final,
clerk-approved values, and who reviewed them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:12:41.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ingest.db.tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_sets",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_rule_sets")),
    )
    op.create_table(
        "learned_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("learned_by", sa.String(length=100), nullable=False),
        sa.Column("learned_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.Column("revoked_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_items")),
        sa.UniqueConstraint("customer_id", "kind", "key", name=op.f("uq_learned_items_customer_id")),
    )
    with op.batch_alter_table("learned_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learned_items_customer_id"), ["customer_id"], unique=False)

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("matched_customer_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("reviewed_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("matched_sku", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("corrected", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Orders stored before this revision were never corrected: the matcher's word is the final one.
    op.execute("UPDATE orders SET matched_customer_id = customer_id")
    op.execute("UPDATE order_lines SET matched_sku = sku")


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ has it): batch mode would copy and drop ``orders``, and
    # with foreign keys on, dropping it would delete every order line with it.
    for table, column in (
        ("order_lines", "corrected"),
        ("order_lines", "matched_sku"),
        ("orders", "review_note"),
        ("orders", "reviewed_at"),
        ("orders", "reviewed_by"),
        ("orders", "matched_customer_id"),
    ):
        op.drop_column(table, column)
    op.drop_index(op.f("ix_learned_items_customer_id"), table_name="learned_items")
    op.drop_table("learned_items")
    op.drop_table("rule_sets")
