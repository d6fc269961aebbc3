"""Documents and their raw bytes: store first, dedupe by SHA-256, record every state change."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import DocumentRow, RawBlob
from ingest.domain.document import DocumentState, Receipt, RecordedError, StoredDocument
from ingest.errors import NotFoundError

CHUNK = 500


def states_query(document_ids: Sequence[str]) -> Select[str, str]:
    """The state of each of these documents (those that exist)."""
    return select(DocumentRow.id, DocumentRow.state).where(DocumentRow.id.in_(list(document_ids)))


def _view(row: DocumentRow, size: int) -> StoredDocument:
    error = (
        RecordedError(kind=row.error_kind, message=row.error_message or "", location=row.error_location)
        if row.error_kind
        else None
    )
    return StoredDocument(
        id=row.id,
        sha256=row.sha256,
        size=size,
        channel=row.channel,
        source=row.source,
        source_ref=row.source_ref,
        filename=row.filename,
        content_type=row.content_type,
        sender_email=row.sender_email,
        received_at=row.received_at,
        state=DocumentState(row.state),
        format=row.format,
        error=error,
        duplicate_of=row.duplicate_of,
        attempts=row.attempts,
    )


class DocumentRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self._held: dict[str, DocumentRow] = {}  # rows read here: the session only holds them weakly

    def store(self, receipt: Receipt) -> StoredDocument:
        """Keep the raw bytes and a document row. A repeat of bytes already received becomes a
        document in state ``duplicate`` pointing at the first one; the bytes are kept once."""
        sha = hashlib.sha256(receipt.content).hexdigest()
        if self.session.get(RawBlob, sha) is None:
            try:
                with self.session.begin_nested():
                    self.session.add(RawBlob(sha256=sha, size=len(receipt.content), content=receipt.content))
            except IntegrityError:
                pass  # stored by a concurrent receipt of the same bytes
        row = DocumentRow(
            id=str(uuid.uuid4()),
            sha256=sha,
            dedupe_key=sha,
            channel=receipt.channel,
            source=receipt.source,
            source_ref=receipt.source_ref,
            filename=receipt.filename,
            content_type=receipt.content_type,
            sender_email=receipt.sender_email,
            received_at=receipt.received_at or datetime.now(UTC),
            state=DocumentState.RECEIVED.value,
            attempts=0,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            first = self.session.scalars(select(DocumentRow.id).where(DocumentRow.dedupe_key == sha)).one()
            row = DocumentRow(
                **{
                    c: getattr(row, c)
                    for c in (
                        "id",
                        "sha256",
                        "channel",
                        "source",
                        "source_ref",
                        "filename",
                        "content_type",
                        "sender_email",
                        "received_at",
                        "attempts",
                    )
                },
                dedupe_key=None,
                duplicate_of=first,
                state=DocumentState.DUPLICATE.value,
                processed_at=datetime.now(UTC),
            )
            self.session.add(row)
            self.session.flush()
            record(
                self.session,
                self.actor,
                "document.duplicate",
                "document",
                row.id,
                None,
                {"state": row.state, "duplicate_of": first, "source_ref": row.source_ref},
            )
            return _view(row, len(receipt.content))
        record(
            self.session,
            self.actor,
            "document.received",
            "document",
            row.id,
            None,
            {"state": row.state, "sha256": sha, "source": row.source, "source_ref": row.source_ref},
        )
        return _view(row, len(receipt.content))

    def _row(self, document_id: str) -> DocumentRow:
        """The row as this transaction knows it: read once, then kept (and locked, when ``get``
        took it with ``lock``) until the transaction ends."""
        row = self._held.get(document_id) or self.session.get(DocumentRow, document_id)
        if row is None:
            raise NotFoundError(f"no document {document_id}")
        return row

    def get(self, document_id: str, *, lock: bool = False) -> StoredDocument:
        """The document with the size of its stored bytes, read in one statement."""
        stmt = (
            select(DocumentRow, RawBlob.size)
            .outerjoin(RawBlob, RawBlob.sha256 == DocumentRow.sha256)
            .where(DocumentRow.id == document_id)
        )
        if lock:
            stmt = stmt.with_for_update(of=DocumentRow)
        found = self.session.execute(stmt).one_or_none()
        if found is None:
            raise NotFoundError(f"no document {document_id}")
        row, size = found
        self._held[document_id] = row
        return _view(row, size or 0)

    def content(self, sha256: str) -> bytes:
        blob = self.session.get(RawBlob, sha256)
        if blob is None:
            raise NotFoundError(f"no stored content {sha256}")
        return blob.content

    def set_state(
        self,
        document_id: str,
        state: DocumentState,
        *,
        format: str | None = None,
        error: RecordedError | None = None,
    ) -> None:
        """Move a document to ``state`` and write the audit record of the change."""
        row = self._row(document_id)
        before = {"state": row.state, "error_kind": row.error_kind}
        row.state = state.value
        row.format = format if format is not None else row.format
        row.error_kind = error.kind if error else None
        row.error_message = error.message if error else None
        row.error_location = error.location if error else None
        row.updated_at = datetime.now(UTC)
        if state.terminal:
            row.processed_at = row.updated_at
        record(
            self.session,
            self.actor,
            f"document.{state.value}",
            "document",
            document_id,
            before,
            {
                "state": row.state,
                "format": row.format,
                "error_kind": row.error_kind,
                "error_message": row.error_message,
            },
        )

    def count_attempt(self, document_id: str) -> int:
        stmt = (
            update(DocumentRow)
            .where(DocumentRow.id == document_id)
            .values(attempts=DocumentRow.attempts + 1)
            .returning(DocumentRow.attempts)
        )
        return self.session.scalar(stmt) or 0

    def find(
        self,
        state: DocumentState | None = None,
        limit: int = 1000,
        *,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[StoredDocument]:
        order = (
            (DocumentRow.received_at.desc(), DocumentRow.id.desc())
            if newest_first
            else (DocumentRow.received_at, DocumentRow.id)
        )
        stmt = (
            select(DocumentRow, RawBlob.size)
            .join(RawBlob, RawBlob.sha256 == DocumentRow.sha256)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
        if state is not None:
            stmt = stmt.where(DocumentRow.state == state.value)
        return [_view(row, size) for row, size in self.session.execute(stmt)]

    def get_many(self, document_ids: Sequence[str]) -> list[StoredDocument]:
        """The documents with these ids, in the order asked (unknown ids are left out)."""
        found: dict[str, StoredDocument] = {}
        for start in range(0, len(document_ids), CHUNK):
            chunk = list(document_ids[start : start + CHUNK])
            stmt = (
                select(DocumentRow, RawBlob.size)
                .join(RawBlob, RawBlob.sha256 == DocumentRow.sha256)
                .where(DocumentRow.id.in_(chunk))
            )
            found.update((row.id, _view(row, size)) for row, size in self.session.execute(stmt))
        return [found[i] for i in document_ids if i in found]

    def states(self, document_ids: Sequence[str]) -> dict[str, DocumentState]:
        out: dict[str, DocumentState] = {}
        for start in range(0, len(document_ids), CHUNK):
            stmt = states_query(document_ids[start : start + CHUNK])
            out.update((doc_id, DocumentState(state)) for doc_id, state in self.session.execute(stmt))
        return out

    def ids_in_state(self, state: DocumentState, limit: int = 10_000) -> list[str]:
        stmt = (
            select(DocumentRow.id).where(DocumentRow.state == state.value).order_by(DocumentRow.received_at)
        )
        return list(self.session.scalars(stmt.limit(limit)))

    def count_by_state(self) -> dict[str, int]:
        stmt = select(DocumentRow.state, func.count()).group_by(DocumentRow.state)
        return {state: count for state, count in self.session.execute(stmt)}

    def received_before(self, cutoff: datetime, limit: int = 10_000) -> list[str]:
        """Documents still ``received`` whose last change is older than ``cutoff``, oldest first:
        the work a killed worker or an emptied queue left behind."""
        stmt = (
            select(DocumentRow.id)
            .where(DocumentRow.state == DocumentState.RECEIVED.value, DocumentRow.updated_at < cutoff)
            .order_by(DocumentRow.updated_at, DocumentRow.id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def failures(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Documents in state ``failed``, oldest failure first, with the reason, the number of
        attempts and when they were received and last changed."""
        stmt = (
            select(DocumentRow)
            .where(DocumentRow.state == DocumentState.FAILED.value)
            .order_by(DocumentRow.updated_at, DocumentRow.id)
            .limit(limit)
        )
        return [
            {
                "document_id": row.id,
                "file": row.filename,
                "source": row.source,
                "source_ref": row.source_ref,
                "error": (
                    {"kind": row.error_kind, "message": row.error_message, "location": row.error_location}
                    if row.error_kind
                    else None
                ),
                "attempts": row.attempts,
                "received_at": row.received_at,
                "failed_at": row.updated_at,
            }
            for row in self.session.scalars(stmt)
        ]

    def oldest_received_at(self) -> datetime | None:
        """When the longest-waiting ``received`` document last changed (None when none waits)."""
        stmt = select(func.min(DocumentRow.updated_at)).where(
            DocumentRow.state == DocumentState.RECEIVED.value
        )
        value: datetime | None = self.session.scalar(stmt)
        return value
