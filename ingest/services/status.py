"""Counts for `ingest status` and the documents listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ingest.db import Database
from ingest.domain.document import DocumentState, OrderStatus


def counts(db: Database) -> dict[str, dict[str, int]]:
    with db.unit_of_work() as uow:
        documents = {s.value: 0 for s in DocumentState}
        documents.update(uow.documents.count_by_state())
        orders = {s.value: 0 for s in OrderStatus}
        orders.update(uow.orders.count_by_status())
        return {"documents": documents, "orders": orders}


def document_records(
    db: Database,
    state: DocumentState | None = None,
    limit: int = 1000,
    *,
    ids: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Documents as CONTRACTS §4 shows them: state, source reference, error and orders. With
    ``ids``, those documents in that order; otherwise the oldest ``limit`` (in ``state``)."""
    with db.unit_of_work() as uow:
        out = []
        docs = uow.documents.get_many(ids) if ids is not None else uow.documents.find(state, limit=limit)
        for doc in docs:
            out.append(
                {
                    "file": doc.filename,
                    "document_id": doc.id,
                    "source": doc.source,
                    "source_ref": doc.source_ref,
                    "received_at": doc.received_at.isoformat(),
                    "status": doc.state.value,
                    "format": doc.format,
                    "error": doc.error.model_dump() if doc.error else None,
                    "duplicate_of": doc.duplicate_of,
                    "acknowledgment": "".join(
                        a.content for a in uow.edi.acknowledgments_for(doc.id) if a.kind in ("997", "TA1")
                    )
                    or None,
                    "orders": uow.orders.for_document(doc.id),
                }
            )
        return out
