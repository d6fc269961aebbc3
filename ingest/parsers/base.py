"""What a parser is: a plugin that scores raw bytes and turns them into normalized orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ingest.domain.order import Order, Sender
from ingest.errors import DocumentError


@dataclass(frozen=True)
class ParseContext:
    """What is known about a document besides its bytes.

    ``internal_senders`` are our own addresses and domains (``@northwind.example``, the order desk,
    sales reps, configured forwarders): mail from them is looked through to the original sender.
    """

    filename: str | None = None
    content_type: str | None = None
    sender: Sender | None = None
    internal_senders: frozenset[str] = frozenset()


@dataclass
class RejectedPart:
    """A part of a document that could not be read (an X12 transaction set with a syntax error)
    while the rest could. ``order`` holds what was read of it, for the clerk, when anything was."""

    error: DocumentError
    order: Order | None = None


@dataclass
class ParseOutcome:
    """The result of reading one document: its format (None when unrecognized), the orders, the
    parts rejected, or an error for the whole document. ``envelopes`` carries format-specific
    envelope data (X12 interchanges) that acknowledgments are built from."""

    format: str | None
    orders: list[Order] = field(default_factory=list)
    error: DocumentError | None = None
    rejected: list[RejectedPart] = field(default_factory=list)
    envelopes: list[object] = field(default_factory=list)

    @property
    def first_error(self) -> DocumentError | None:
        """The document's error, or else the first rejected part's."""
        return self.error or (self.rejected[0].error if self.rejected else None)

    def as_record(self, file: str) -> dict[str, Any]:
        """The JSON object `ingest parse --json` prints for one file (CONTRACTS §3)."""
        error = self.first_error
        record: dict[str, Any] = {
            "file": file,
            "format": self.format,
            "orders": [order.model_dump(mode="json") for order in self.orders],
            "error": error.as_dict() if error else None,
        }
        if self.rejected:
            record["rejected"] = [part.error.as_dict() for part in self.rejected]
        return record


class Parser(Protocol):
    """A format plugin. ``score`` says how sure it is that it can read the bytes (0 = not at all,
    1 = certain); the registry gives the document to the highest scorer. ``parse`` returns the orders
    found (possibly none), or a full :class:`ParseOutcome` when parts were rejected, or raises
    :class:`DocumentError` naming what and where."""

    format: str

    def score(self, content: bytes, filename: str | None) -> float: ...

    def parse(self, content: bytes, context: ParseContext) -> list[Order] | ParseOutcome: ...
