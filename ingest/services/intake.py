"""Intake: keep the raw bytes and a document record before anything else happens."""

from __future__ import annotations

from ingest.db import Database
from ingest.domain.document import Receipt, StoredDocument
from ingest.logs import get_logger

log = get_logger(__name__)


def receive(db: Database, receipt: Receipt, actor: str = "intake") -> StoredDocument:
    """Store a receipt durably (committed when this returns). A repeat of known bytes is recorded
    as a ``duplicate`` document that points at the first."""
    with db.unit_of_work(actor) as uow:
        doc = uow.documents.store(receipt)
        uow.commit()
    log.info(
        "document received",
        document_id=doc.id,
        state=doc.state.value,
        source=doc.source,
        source_ref=doc.source_ref,
        size=doc.size,
    )
    return doc


def channel_for(filename: str, content: bytes) -> str:
    """How a file handed to `ingest process` counts: .eml as email, X12/EDIFACT as EDI, else a file."""
    if filename.lower().endswith(".eml"):
        return "email"
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:3] in (b"ISA", b"UNA", b"UNB"):
        return "edi"
    return "file"


def reset_for_retry(db: Database, document_ids: list[str], actor: str = "cli") -> list[str]:
    """Put failed documents back to ``received`` so that they are processed again."""
    from ingest.domain.document import DocumentState

    reset = []
    with db.unit_of_work(actor) as uow:
        for doc_id in document_ids:
            doc = uow.documents.get(doc_id, lock=True)
            if doc.state in (DocumentState.FAILED, DocumentState.RECEIVED):
                uow.documents.set_state(doc_id, DocumentState.RECEIVED)
                reset.append(doc_id)
        uow.commit()
    return reset
