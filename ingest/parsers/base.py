"""What a parser is: a plugin that scores raw bytes and turns them into normalized orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ingest.domain.order import Order, Sender
from ingest.errors import DocumentError


@dataclass(frozen=True)
class ParseContext:
    """What is known about a document besides its bytes."""

    filename: str | None = None
    content_type: str | None = None
    sender: Sender | None = None


class Parser(Protocol):
    """A format plugin. ``score`` says how sure it is that it can read the bytes (0 = not at all,
    1 = certain); the registry gives the document to the highest scorer. ``parse`` returns the orders
    found (possibly none) or raises :class:`DocumentError` naming what and where."""

    format: str

    def score(self, content: bytes, filename: str | None) -> float: ...

    def parse(self, content: bytes, context: ParseContext) -> list[Order]: ...


@dataclass
class ParseOutcome:
    """The result of reading one document: its format (None when unrecognized), orders, or error."""

    format: str | None
    orders: list[Order] = field(default_factory=list)
    error: DocumentError | None = None
