"""What the senders hear back: 855 acknowledgments per trading partner, email confirmations per
customer (opt-out), and the message templates an administrator edits.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingest.db.tables

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trading_partners") as batch:
        batch.add_column(sa.Column("send_855", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "customer_settings",
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("confirmations", sa.Boolean(), nullable=False),
        sa.Column("updated_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_settings")),
    )
    op.create_table(
        "message_templates",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_message_templates")),
    )


def downgrade() -> None:
    op.drop_table("message_templates")
    op.drop_table("customer_settings")
    with op.batch_alter_table("trading_partners") as batch:
        batch.drop_column("send_855")
