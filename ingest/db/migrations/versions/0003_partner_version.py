"""Trading partners: the X12 version agreed with each.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:04:21.320113
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("trading_partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_version", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trading_partners", schema=None) as batch_op:
        batch_op.drop_column("expected_version")
