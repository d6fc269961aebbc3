"""The one exception tree of the service.

::

    IngestError                      anything the service reports on purpose
    ├── DocumentError                a received document cannot be read (kind from CONTRACTS §7)
    ├── TemplateError                a customer layout template is broken (not the document)
    ├── MasterDataError              a master-data file is rejected (file, row, column)
    ├── ConfigError                  settings or a source definition are wrong
    ├── NotFoundError                an id or name that does not exist
    ├── ConflictError                the record changed meanwhile or is in another state (kind)
    ├── CorrectionError              a clerk's correction is not valid (names the line)
    ├── SchemaError                  the database schema is missing or out of date
    ├── DeliveryError                a mail server refused a message for good (a 5xx reply)
    └── TransientError               database, Redis or network trouble: retry later

Library exceptions are translated at the boundary (``raise DocumentError(...) from exc``) so that
callers see only these classes. ``DocumentError.kind`` is one of the stable strings of
:data:`DOCUMENT_ERROR_KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass

DOCUMENT_ERROR_KINDS = frozenset(
    {
        "empty",
        "unrecognized",
        "too_large",
        "x12_envelope",
        "x12_control_number",
        "x12_segment_count",
        "x12_truncated",
        "x12_syntax",
        "x12_unsupported_transaction",
        "duplicate_interchange",
        "edifact_syntax",
        "pdf_unreadable",
        "sheet_unreadable",
        "email_unreadable",
        "xml_unreadable",
    }
)


class IngestError(Exception):
    """Base class: an error the service reports with a message meant for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentError(IngestError):
    """A document cannot be read. ``location`` says where (page, row, segment) when known."""

    def __init__(self, kind: str, message: str, location: str | None = None) -> None:
        if kind not in DOCUMENT_ERROR_KINDS:
            raise ValueError(f"unknown document error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.location = location

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "message": self.message, "location": self.location}


class TemplateError(IngestError):
    """A customer template is invalid; the fault is in the template, not the document."""


@dataclass(frozen=True)
class MasterDataProblem:
    """One bad cell or row in a master-data file."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class MasterDataError(IngestError):
    """A master-data file was rejected whole; ``problems`` names file, row and column."""

    def __init__(self, problems: list[MasterDataProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(shown + more)


class ConfigError(IngestError):
    """A setting, source definition or command-line value is wrong."""


class NotFoundError(IngestError):
    """Something asked for by id or name does not exist."""


CONFLICT_KINDS = frozenset({"stale_version", "wrong_status", "rules_version_taken", "not_reprocessable"})


class ConflictError(IngestError):
    """The action met a record that changed meanwhile or is in a state that does not allow it.

    ``kind``: ``stale_version`` (someone else changed the order since it was read: reload it),
    ``wrong_status`` (the order is not waiting for review), ``rules_version_taken`` (another rule
    change was saved at the same moment: save again), ``not_reprocessable`` (a document with a
    committed order, or an EDI interchange already acknowledged, is not read again)."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in CONFLICT_KINDS:
            raise ValueError(f"unknown conflict kind {kind!r}")
        super().__init__(message)
        self.kind = kind


class CorrectionError(IngestError):
    """A clerk's correction cannot be applied: an unknown customer or SKU, a bad quantity, unit or
    price. ``line`` is the 1-based line position when the problem is on a line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class SchemaError(IngestError):
    """The database has no schema or an old one."""


class DeliveryError(IngestError):
    """A message we send was refused for good (the recipient or the message); retrying will not
    help. Passing refusals (4xx, no connection) are :class:`TransientError`."""


class TransientError(IngestError):
    """A passing fault of the database, Redis or network: the work may be retried."""
