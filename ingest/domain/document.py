"""A received document and its life cycle."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class DocumentState(StrEnum):
    """Where a document is. The last six are terminal: every document ends in exactly one of them."""

    RECEIVED = "received"
    COMMITTED = "committed"
    REVIEW = "review"
    REJECTED = "rejected"
    NO_ORDER = "no_order"
    DUPLICATE = "duplicate"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self is not DocumentState.RECEIVED


class OrderStatus(StrEnum):
    """``review`` and ``held`` orders wait for a clerk; ``held`` ones were put aside on purpose."""

    COMMITTED = "committed"
    REVIEW = "review"
    REJECTED = "rejected"
    HELD = "held"

    @property
    def waiting(self) -> bool:
        return self in (OrderStatus.REVIEW, OrderStatus.HELD)


class Receipt(BaseModel):
    """What a source hands to intake: the raw bytes and where they came from."""

    model_config = ConfigDict(frozen=True)

    content: bytes
    channel: str  # email | edi | file
    source: str  # source name, or "cli" / "upload"
    source_ref: str  # mailbox+UID, file name, ...
    filename: str | None = None
    content_type: str | None = None
    sender_email: str | None = None
    received_at: datetime | None = None


class RecordedError(BaseModel):
    """A recorded error: stable kind, message, and where in the document."""

    model_config = ConfigDict(frozen=True)

    kind: str
    message: str
    location: str | None = None


class StoredDocument(BaseModel):
    """A document as the database knows it."""

    model_config = ConfigDict(frozen=True)

    id: str
    sha256: str
    size: int
    channel: str
    source: str
    source_ref: str
    filename: str | None
    content_type: str | None
    sender_email: str | None
    received_at: datetime
    state: DocumentState
    format: str | None
    error: RecordedError | None
    duplicate_of: str | None
    attempts: int
