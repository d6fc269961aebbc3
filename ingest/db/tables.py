"""Tables: one schema for SQLite and PostgreSQL. Alembic migrations in ``migrations/`` create it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


UNDELIVERED = "delivered_at IS NULL AND source IS NOT NULL"
"""The acknowledgments still to deliver: the predicate of ``ix_acknowledgments_undelivered``."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC on PostgreSQL; text on SQLite, whose NUMERIC goes through binary floats."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(20, 6, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return format(value, "f")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).normalize() if not isinstance(value, Decimal) else value.normalize()


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored with their zone and always read back as aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class RawBlob(Base):
    """The raw bytes of every received document, content-addressed by SHA-256."""

    __tablename__ = "raw_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("raw_blobs.sha256"), index=True)
    # Equal to sha256 for the first receipt of some bytes, NULL for a repeat: the unique constraint
    # makes "first receipt" a database fact even when two receipts race.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(100))
    source_ref: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(200))
    sender_email: Mapped[str | None] = mapped_column(String(320))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    format: Mapped[str | None] = mapped_column(String(16))
    error_kind: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_location: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("document_id", "order_index"),
        Index("ix_orders_customer_po", "customer_id", "po_number"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    order_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    customer_confidence: Mapped[float] = mapped_column(Float)
    customer_reason: Mapped[str] = mapped_column(Text)
    po_number: Mapped[str | None] = mapped_column(String(100))
    po_date: Mapped[Any] = mapped_column(Date, nullable=True)
    purpose: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3))
    total_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    reasons: Mapped[list[str]] = mapped_column(Json)
    order_json: Mapped[dict[str, Any]] = mapped_column(Json)
    version: Mapped[int] = mapped_column(Integer, default=1)
    original_order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # What the matcher said; ``customer_id`` holds the final (clerk-approved) customer.
    matched_customer_id: Mapped[str | None] = mapped_column(String(64))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    # The customer's ship-to location the matcher resolved (``ship_to_reason`` NULL: the customer has
    # no locations on file); ``ship_to_location_id`` holds the final one, a clerk's correction included.
    ship_to_location_id: Mapped[str | None] = mapped_column(String(64))
    matched_ship_to_location_id: Mapped[str | None] = mapped_column(String(64))
    ship_to_confidence: Mapped[float | None] = mapped_column(Float)
    ship_to_reason: Mapped[str | None] = mapped_column(Text)


class OrderLineRow(Base):
    """One line: ``quantity``, ``uom``, ``unit_price`` and ``sku`` hold the final values (a clerk's
    corrections included); ``matched_sku`` is what the matcher said, the order JSON what was read."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_index"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_index: Mapped[int] = mapped_column(Integer)
    line_number: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    uom: Mapped[str | None] = mapped_column(String(8))
    unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    sku: Mapped[str | None] = mapped_column(String(64), index=True)
    buyer_part_number: Mapped[str | None] = mapped_column(String(100))
    vendor_part_number: Mapped[str | None] = mapped_column(String(100))
    upc: Mapped[str | None] = mapped_column(String(14))
    description: Mapped[str | None] = mapped_column(Text)
    match_confidence: Mapped[float] = mapped_column(Float)
    match_reason: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(8))
    matched_sku: Mapped[str | None] = mapped_column(String(64))
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    # the matcher's best candidates (sku, confidence, reason), best first: the runner-ups a clerk sees
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(Json, nullable=True)


class CustomerRow(Base):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_edi", "edi_id", "edi_qualifier"),)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    email_domains: Mapped[list[str]] = mapped_column(Json)
    edi_qualifier: Mapped[str | None] = mapped_column(String(4))
    edi_id: Mapped[str | None] = mapped_column(String(35))
    address1: Mapped[str | None] = mapped_column(Text)
    address2: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(50))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CustomerDomainRow(Base):
    """Email domains of customers, one row each, for lookup by a sender's domain."""

    __tablename__ = "customer_email_domains"
    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class ProductRow(Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku_key: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(Text)
    upc: Mapped[str | None] = mapped_column(String(14))
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    uom: Mapped[str | None] = mapped_column(String(8))
    pack_size: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CustomerItemRow(Base):
    __tablename__ = "customer_items"
    __table_args__ = (Index("ix_customer_items_key", "customer_id", "part_key"),)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_part_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    part_key: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ShipToLocationRow(Base):
    """A customer's ship-to location (store, DC): its number as the customer writes it, its GLN."""

    __tablename__ = "ship_to_locations"
    __table_args__ = (Index("ix_ship_to_locations_key", "customer_id", "location_key"),)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    gln: Mapped[str | None] = mapped_column(String(13), index=True)
    address1: Mapped[str | None] = mapped_column(Text)
    address2: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(50))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SettingRow(Base):
    """Named JSON settings kept in the database (the vendor profile, later admin rules)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SourceRow(Base):
    __tablename__ = "sources"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    config: Mapped[dict[str, Any]] = mapped_column(Json)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditRow(Base):
    """Who changed what, when, from what to what. Written by every state change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)


class TradingPartnerRow(Base):
    """An EDI trading partner: its interchange sender id, the customer it is, what it wants back."""

    __tablename__ = "trading_partners"
    qualifier: Mapped[str] = mapped_column(String(4), primary_key=True)
    edi_id: Mapped[str] = mapped_column(String(35), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    send_997: Mapped[bool] = mapped_column(Boolean, default=True)
    send_855: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    expected_version: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InterchangeRow(Base):
    """Every interchange received, by sender and ISA13: a repeat is a duplicate interchange."""

    __tablename__ = "interchanges"
    sender_qualifier: Mapped[str] = mapped_column(String(4), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(35), primary_key=True)
    control_number: Mapped[str] = mapped_column(String(9), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AcknowledgmentRow(Base):
    """An acknowledgment (997, TA1) written in the same transaction as the document's outcome and
    delivered afterwards; ``delivered_at`` stays empty until it is in the partner's outbound.

    Those without a source (nowhere to deliver them) stay undelivered for good, so the ones still to
    deliver are found through a partial index that holds only those: every concluded document looks
    for them, and that look must not read every acknowledgment ever written."""

    __tablename__ = "acknowledgments"
    __table_args__ = (
        Index(
            "ix_acknowledgments_undelivered",
            "created_at",
            postgresql_where=text(UNDELIVERED),
            sqlite_where=text(UNDELIVERED),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    control_number: Mapped[str] = mapped_column(String(9))
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivery_ref: Mapped[str | None] = mapped_column(Text)
    delivery_error: Mapped[str | None] = mapped_column(Text)


class ControlNumberRow(Base):
    """Our outbound control numbers (ISA13, GS06), taken under a row lock so workers never share one."""

    __tablename__ = "control_numbers"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class MailboxCursorRow(Base):
    """How far a mailbox folder has been read: (UIDVALIDITY, last UID taken)."""

    __tablename__ = "mailbox_cursors"
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    folder: Mapped[str] = mapped_column(String(200), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MailMessageRow(Base):
    """A message taken from a mailbox: the document it became, and where it was moved after."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        UniqueConstraint("source", "folder", "uidvalidity", "uid"),
        Index("ix_mail_messages_fingerprint", "source", "message_id", "sha256"),
        Index("ix_mail_messages_pending", "source", "moved_to"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    folder: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998))
    sha256: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    decision: Mapped[str] = mapped_column(String(16))  # taken | skipped
    reason: Mapped[str | None] = mapped_column(Text)
    moved_to: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MailboxRuleRow(Base):
    """An administrator's rule: take or skip messages by sender, subject or attachment name."""

    __tablename__ = "mailbox_rules"
    __table_args__ = (Index("ix_mailbox_rules_source", "source", "position"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(8))
    field: Mapped[str] = mapped_column(String(16))
    pattern: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RuleSetRow(Base):
    """One saved version of the matching and decision rules; the highest version is in force."""

    __tablename__ = "rule_sets"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rules: Mapped[dict[str, Any]] = mapped_column(Json)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)


class LearnedItemRow(Base):
    """A cross-reference learned from a clerk's approval: a customer's part number or description
    (``key`` normalized) means a SKU. Revoked ones are kept for the record."""

    __tablename__ = "learned_items"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "key"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    sku: Mapped[str] = mapped_column(String(64))
    learned_by: Mapped[str] = mapped_column(String(100))
    learned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    order_id: Mapped[str | None] = mapped_column(String(36))
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UserRow(Base):
    """A person who signs in to the review UI: a clerk or an admin, with a salted password hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class SignInFailureRow(Base):
    """A failed sign-in to the review UI, kept for the limiter's window. In the database, so that
    every UI process (``--scale ui=N``, several machines) counts the same failures."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    name_key: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    __table_args__ = (Index("ix_sign_in_failures_address", "address", "failed_at"),)


class CustomerSettingRow(Base):
    """What a customer wants from us beyond its master data (kept apart so a master-data load
    cannot reset it): whether emailed orders get a confirmation."""

    __tablename__ = "customer_settings"
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    confirmations: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class MessageTemplateRow(Base):
    """A message template an administrator edits (subject and body); absent rows use the built-in."""

    __tablename__ = "message_templates"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class ExportTargetRow(Base):
    """Where committed orders are exported: a folder (JSON Lines or CSV) or a webhook. ``config``
    holds the folder or URL and where the webhook's secret is (an environment variable or a file),
    never the secret itself; ``mapping`` renames our fields to the ERP's."""

    __tablename__ = "export_targets"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    config: Mapped[dict[str, Any]] = mapped_column(Json)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(Json, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxRow(Base):
    """Something to deliver, written in the same transaction as what caused it (an order's commit)
    and delivered afterwards, retried with backoff until it is ``delivered`` or ``failed``.
    ``dedupe_key`` makes a repeated commit record one entry; ``claim_token`` and ``claimed_until``
    let one worker at a time attempt it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(100))
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    document_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_from: Mapped[int] = mapped_column(Integer, default=0)  # attempts made before the last retry
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivery_ref: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxAttemptRow(Base):
    """The delivery log: every attempt at an outbox entry, its outcome and how long it took."""

    __tablename__ = "outbox_attempts"
    __table_args__ = (UniqueConstraint("entry_id", "attempt"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
