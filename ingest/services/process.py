"""Processing one document: parse, match, decide, then commit or review, in one transaction.

Safe to run twice or on two workers at once: a document already in a terminal state is left alone,
and orders are unique per (document, position), so a race ends with one set of orders.
"""

from __future__ import annotations

import traceback

from ingest.domain.document import DocumentState, RecordedError, StoredDocument
from ingest.domain.order import Order, Sender
from ingest.errors import NotFoundError, TransientError
from ingest.logs import get_logger
from ingest.matching.decision import decide
from ingest.matching.engine import match_order
from ingest.parsers.base import ParseContext, ParseOutcome
from ingest.services.deps import Pipeline

log = get_logger(__name__)


def _sender(doc: StoredDocument) -> Sender:
    channel = doc.channel if doc.channel in ("email", "edi", "file") else "file"
    return Sender(channel=channel, email=doc.sender_email)


def _with_sender(order: Order, sender: Sender) -> Order:
    if order.sender is None:
        return order.model_copy(update={"sender": sender})
    if order.sender.email is None and sender.email:
        return order.model_copy(update={"sender": order.sender.model_copy(update={"email": sender.email})})
    return order


def process_document(pipeline: Pipeline, document_id: str) -> DocumentState:
    """Take a received document to its terminal state and return that state.

    A :class:`TransientError` (database or network) propagates so the caller can retry; any other
    failure is recorded as ``failed`` with its reason, never raised.
    """
    db = pipeline.db
    with db.unit_of_work("pipeline") as uow:
        try:
            doc = uow.documents.get(document_id)
        except NotFoundError:
            log.warning("document not found", document_id=document_id)
            raise
        if doc.state.terminal:
            return doc.state
        content = uow.documents.content(doc.sha256)
        uow.documents.count_attempt(document_id)
        uow.commit()

    bound = log.bind(document_id=document_id, source_ref=doc.source_ref)
    try:
        outcome = pipeline.registry.parse(
            content, ParseContext(filename=doc.filename, content_type=doc.content_type, sender=_sender(doc))
        )
        return _conclude(pipeline, doc, outcome)
    except TransientError:
        raise
    except Exception as exc:
        bound.error("processing failed", error=repr(exc), traceback=traceback.format_exc())
        return _record_failure(pipeline, document_id, exc)


def _record_failure(pipeline: Pipeline, document_id: str, exc: Exception) -> DocumentState:
    error = RecordedError(
        kind="internal_error",
        message=(
            f"{type(exc).__name__}: {exc}; the document is kept: retry it with `ingest retry {document_id}`"
        ),
    )
    with pipeline.db.unit_of_work("pipeline") as uow:
        if uow.documents.get(document_id, lock=True).state.terminal:
            return uow.documents.get(document_id).state
        uow.documents.set_state(document_id, DocumentState.FAILED, error=error)
        uow.commit()
    return DocumentState.FAILED


def _conclude(pipeline: Pipeline, doc: StoredDocument, outcome: ParseOutcome) -> DocumentState:
    bound = log.bind(document_id=doc.id, format=outcome.format)
    with pipeline.db.unit_of_work("pipeline") as uow:
        current = uow.documents.get(doc.id, lock=True)
        if current.state.terminal:  # another worker finished it meanwhile
            return current.state
        if outcome.error is not None:
            err = outcome.error
            uow.documents.set_state(
                doc.id,
                DocumentState.REJECTED,
                format=outcome.format,
                error=RecordedError(kind=err.kind, message=err.message, location=err.location),
            )
            uow.commit()
            bound.info("document rejected", kind=err.kind, message=err.message, location=err.location)
            return DocumentState.REJECTED
        if not outcome.orders:
            uow.documents.set_state(doc.id, DocumentState.NO_ORDER, format=outcome.format)
            uow.commit()
            bound.info("document holds no order")
            return DocumentState.NO_ORDER
        sender = _sender(doc)
        all_committed = True
        seen: dict[tuple[str, str], str] = {}
        for index, raw_order in enumerate(outcome.orders):
            order = _with_sender(raw_order, sender)
            match = match_order(order, uow.masterdata_view)
            duplicate_of = None
            customer_id = match.customer.customer_id
            if customer_id and order.po_number and order.purpose == "original":
                key = (customer_id, order.po_number)
                duplicate_of = seen.get(key) or uow.orders.committed_po(
                    customer_id, order.po_number, exclude_document=doc.id
                )
            decision = decide(order, match, pipeline.rules, duplicate_of=duplicate_of)
            order_id = uow.orders.add(doc.id, index, order, match, decision)
            if customer_id and order.po_number:
                seen.setdefault((customer_id, order.po_number), order_id)
            all_committed = all_committed and decision.commit
            bound.info(
                "order decided",
                order_id=order_id,
                po_number=order.po_number,
                customer_id=customer_id,
                committed=decision.commit,
                reasons=list(decision.reasons),
            )
        state = DocumentState.COMMITTED if all_committed else DocumentState.REVIEW
        uow.documents.set_state(doc.id, state, format=outcome.format)
        uow.commit()
        return state
