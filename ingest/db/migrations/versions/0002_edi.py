"""EDI: trading partners, interchanges received, acknowledgments, control numbers; change-order links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:35:14.251418
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingest.db.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "control_numbers",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_control_numbers")),
    )
    op.create_table(
        "trading_partners",
        sa.Column("qualifier", sa.String(length=4), nullable=False),
        sa.Column("edi_id", sa.String(length=35), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("send_997", sa.Boolean(), nullable=False),
        sa.Column("created_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("qualifier", "edi_id", name=op.f("pk_trading_partners")),
    )
    op.create_table(
        "acknowledgments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("control_number", sa.String(length=9), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("created_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("delivery_ref", sa.Text(), nullable=True),
        sa.Column("delivery_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_acknowledgments_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgments")),
    )
    with op.batch_alter_table("acknowledgments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acknowledgments_delivered_at"), ["delivered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_acknowledgments_document_id"), ["document_id"], unique=False)

    op.create_table(
        "interchanges",
        sa.Column("sender_qualifier", sa.String(length=4), nullable=False),
        sa.Column("sender_id", sa.String(length=35), nullable=False),
        sa.Column("control_number", sa.String(length=9), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_interchanges_document_id_documents")
        ),
        sa.PrimaryKeyConstraint(
            "sender_qualifier", "sender_id", "control_number", name=op.f("pk_interchanges")
        ),
    )
    with op.batch_alter_table("interchanges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interchanges_document_id"), ["document_id"], unique=False)

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_order_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_orders_original_order_id"), ["original_order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_original_order_id"))
        batch_op.drop_column("original_order_id")

    with op.batch_alter_table("interchanges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interchanges_document_id"))

    op.drop_table("interchanges")
    with op.batch_alter_table("acknowledgments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acknowledgments_document_id"))
        batch_op.drop_index(batch_op.f("ix_acknowledgments_delivered_at"))

    op.drop_table("acknowledgments")
    op.drop_table("trading_partners")
    op.drop_table("control_numbers")
