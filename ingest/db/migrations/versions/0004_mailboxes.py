"""Mailboxes: read cursors, the messages taken and where they went, administrators' rules.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 01:05:23.367896
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ingest.db.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_cursors",
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "folder", name=op.f("pk_mailbox_cursors")),
    )
    op.create_table(
        "mailbox_rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("pattern", sa.String(length=500), nullable=False),
        sa.Column("created_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_rules")),
    )
    with op.batch_alter_table("mailbox_rules", schema=None) as batch_op:
        batch_op.create_index("ix_mailbox_rules_source", ["source", "position"], unique=False)

    op.create_table(
        "mail_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("moved_to", sa.String(length=200), nullable=True),
        sa.Column("received_at", ingest.db.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_mail_messages_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint("source", "folder", "uidvalidity", "uid", name=op.f("uq_mail_messages_source")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_messages_fingerprint", ["source", "message_id", "sha256"], unique=False
        )
        batch_op.create_index("ix_mail_messages_pending", ["source", "moved_to"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_messages_pending")
        batch_op.drop_index("ix_mail_messages_fingerprint")

    op.drop_table("mail_messages")
    with op.batch_alter_table("mailbox_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_mailbox_rules_source")

    op.drop_table("mailbox_rules")
    op.drop_table("mailbox_cursors")
