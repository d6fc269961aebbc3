"""Processing one document: parse, match, decide, then commit or review, in one transaction.

Safe to run twice or on two workers at once: a document already in a terminal state is left alone,
and orders are unique per (document, position), so a race ends with one set of orders.
"""

from __future__ import annotations

import traceback

from ingest.db import UnitOfWork
from ingest.domain.document import DocumentState, RecordedError, StoredDocument
from ingest.domain.order import Order, Sender
from ingest.domain.rules import RuleSet
from ingest.errors import DocumentError, NotFoundError, TransientError
from ingest.logs import get_logger
from ingest.matching.changes import describe_change
from ingest.matching.decision import decide
from ingest.matching.descriptions import synonyms_for
from ingest.matching.engine import match_order
from ingest.parsers.base import ParseContext, ParseOutcome, RejectedPart
from ingest.parsers.x12.model import Interchange
from ingest.services.acknowledgments import deliver_pending, write_acknowledgments
from ingest.services.confirmations import confirmations_enabled, record_confirmation
from ingest.services.deps import Pipeline
from ingest.services.order_acks import write_order_acknowledgments
from ingest.services.outbox import dispatcher_for, hand_over, record_commit

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


def _internal_senders(uow: UnitOfWork) -> frozenset[str]:
    """Our own addresses and @domains (vendor profile, mailbox forwarders): mail from them is
    looked through to the customer who wrote it."""
    found: set[str] = set()
    vendor = uow.masterdata_view.vendor()
    if vendor is not None:
        found.update(f"@{d.lower()}" for d in vendor.domains)
        found.update(a.lower() for a in [vendor.order_desk, *(r.email for r in vendor.sales_reps)] if a)
    for _name, kind, config, _enabled in uow.sources.all():
        if kind == "imap":
            found.update(str(f).lower() for f in config.get("forwarders", []))
    return frozenset(found)


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
        internal = _internal_senders(uow) if doc.channel == "email" else frozenset()
        uow.documents.count_attempt(document_id)
        uow.commit()

    bound = log.bind(document_id=document_id, source_ref=doc.source_ref)
    try:
        context = ParseContext(
            filename=doc.filename,
            content_type=doc.content_type,
            sender=_sender(doc),
            internal_senders=internal,
        )
        outcome = pipeline.registry.parse(content, context)
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


def _interchange_key(order: Order) -> tuple[str, str, str] | None:
    sender, control = order.sender, order.reference("interchange")
    if sender is None or not sender.edi_id or control is None:
        return None
    return ((sender.edi_qualifier or "").strip(), sender.edi_id.strip(), control.strip())


def _split_duplicate_interchanges(
    uow: UnitOfWork, doc: StoredDocument, outcome: ParseOutcome
) -> tuple[list[Order], list[RejectedPart], list[Interchange]]:
    """Orders of interchanges received in an earlier document (same sender and ISA13) become
    rejected parts; returns the orders kept, all rejected parts, and the interchanges to answer."""
    interchanges = [e for e in outcome.envelopes if isinstance(e, Interchange)]
    duplicates: dict[tuple[str, str, str], str] = {}
    fresh: list[Interchange] = []
    for ic in interchanges:
        if ic.rejected:  # a repeat inside this very file is already rejected by the parser
            continue
        key = (ic.sender_qualifier.strip(), ic.sender_id.strip(), ic.control_number.strip())
        first = uow.edi.record_interchange(*key, doc.id)
        if first:
            duplicates[key] = f"document {first}"
        else:
            fresh.append(ic)
    kept: list[Order] = []
    rejected = list(outcome.rejected)
    for order in outcome.orders:
        okey = _interchange_key(order)
        if okey is not None and okey in duplicates:
            error = DocumentError(
                "duplicate_interchange",
                f"interchange {okey[2]} from {okey[0]}/{okey[1]} was received before, in {duplicates[okey]}; "
                "its orders are not processed again",
                f"ISA {okey[2]}",
            )
            rejected.append(RejectedPart(error, order))
        else:
            kept.append(order)
    return kept, rejected, fresh


def _group_versions(interchanges: list[Interchange]) -> dict[tuple[str, str, str], set[str]]:
    """The GS08 versions of each interchange (sender qualifier, sender id, ISA13)."""
    return {
        (ic.sender_qualifier.strip(), ic.sender_id.strip(), ic.control_number.strip()): {
            g.version for g in ic.groups if g.functional_id != "FA"
        }
        for ic in interchanges
    }


def _version_reasons(
    uow: UnitOfWork, order: Order, versions: dict[tuple[str, str, str], set[str]]
) -> list[str]:
    """A partner that agreed on one X12 version and sent another: its orders are looked at."""
    key = _interchange_key(order)
    if key is None:
        return []
    partner = uow.edi.partner(key[0], key[1])
    if partner is None or not partner.expected_version:
        return []
    sent = sorted(v for v in versions.get(key, set()) if not v.startswith(partner.expected_version))
    if not sent:
        return []
    agreed = partner.expected_version
    return [f"trading partner {key[0]}/{key[1]} agreed on version {agreed} but sent {', '.join(sent)}"]


def _decide_order(
    pipeline: Pipeline,
    uow: UnitOfWork,
    doc: StoredDocument,
    index: int,
    order: Order,
    seen: dict[tuple[str, str], str],
    extra: list[str],
    rules: RuleSet,
) -> bool:
    """Match, decide and store one order; returns whether it was committed."""
    match = match_order(order, uow.masterdata_view, rules)
    customer_id = match.customer.customer_id
    duplicate_of = original_id = None
    if customer_id and order.po_number and order.purpose == "original":
        duplicate_of = seen.get((customer_id, order.po_number)) or uow.orders.committed_po(
            customer_id, order.po_number, exclude_document=doc.id
        )
    elif customer_id and order.po_number:
        original = uow.orders.original_of(customer_id, order.po_number, exclude_document=doc.id)
        if original is None:
            extra.append(f"{order.purpose} of PO {order.po_number}, which was never received")
        else:
            original_id, status, original_order = original
            changes = describe_change(original_order, order) or ["no line differs"]
            extra += [
                f"{order.purpose} of PO {order.po_number} ({status} order {original_id}): {c}"
                for c in changes
            ]
    decision = decide(order, match, rules, duplicate_of=duplicate_of, extra_reasons=extra)
    order_id = uow.orders.add(doc.id, index, order, match, decision, original_order_id=original_id)
    if decision.commit:
        record_commit(uow, order_id)  # its exports, in this same transaction
    if customer_id and order.po_number:
        seen.setdefault((customer_id, order.po_number), order_id)
    log.info(
        "order decided",
        document_id=doc.id,
        order_id=order_id,
        po_number=order.po_number,
        customer_id=customer_id,
        committed=decision.commit,
        reasons=list(decision.reasons),
    )
    return decision.commit


def _conclude(pipeline: Pipeline, doc: StoredDocument, outcome: ParseOutcome) -> DocumentState:
    bound = log.bind(document_id=doc.id, format=outcome.format)
    with pipeline.db.unit_of_work("pipeline") as uow:
        current = uow.documents.get(doc.id, lock=True)
        if current.state.terminal:  # another worker finished it meanwhile
            return current.state
        if outcome.error is not None:
            state = _reject(uow, doc.id, outcome.format, outcome.error)
            _confirm(pipeline, uow, doc)
            uow.commit()
            bound.info(
                "document rejected",
                kind=outcome.error.kind,
                message=outcome.error.message,
                location=outcome.error.location,
            )
            return state
        sender = _sender(doc)
        orders, rejected, interchanges = _split_duplicate_interchanges(uow, doc, outcome)
        orders = [_with_sender(o, sender) for o in orders]
        seen: dict[tuple[str, str], str] = {}
        versions = _group_versions(interchanges)
        rules = pipeline.active_rules(uow)
        committed = [
            _decide_order(pipeline, uow, doc, i, order, seen, _version_reasons(uow, order, versions), rules)
            for i, order in enumerate(orders)
        ]
        for index, part in enumerate(rejected, start=len(orders)):
            err = part.error
            where = f" ({err.location})" if err.location else ""
            uow.orders.add_rejected(doc.id, index, part.order, f"{err.kind}: {err.message}{where}")
        acknowledgments = write_acknowledgments(uow, doc, interchanges)
        acknowledgments += write_order_acknowledgments(uow, doc, interchanges)
        if not orders and not rejected:
            state = DocumentState.NO_ORDER
            uow.documents.set_state(doc.id, state, format=outcome.format)
        elif not orders:
            state = _reject(uow, doc.id, outcome.format, rejected[0].error)
        else:
            state = DocumentState.COMMITTED if all(committed) and not rejected else DocumentState.REVIEW
            uow.documents.set_state(doc.id, state, format=outcome.format)
        _confirm(pipeline, uow, doc)
        uow.commit()
    bound.info("document concluded", state=state.value, orders=len(orders), rejected_parts=len(rejected))
    hand_over(dispatcher_for(pipeline), uow.outbox.added)
    if acknowledgments:
        deliver_pending(pipeline.db)
    return state


def _confirm(pipeline: Pipeline, uow: UnitOfWork, doc: StoredDocument) -> None:
    """The reply to an emailed document that is now settled (committed or rejected), recorded in
    the outbox with the outcome; sent after the commit."""
    if doc.channel == "email" and confirmations_enabled(pipeline.settings):
        record_confirmation(uow, doc.id)


def _reject(uow: UnitOfWork, document_id: str, fmt: str | None, err: DocumentError) -> DocumentState:
    uow.documents.set_state(
        document_id,
        DocumentState.REJECTED,
        format=fmt,
        error=RecordedError(kind=err.kind, message=err.message, location=err.location),
    )
    return DocumentState.REJECTED


def warm_indexes(pipeline: Pipeline) -> None:
    """Build (or check the freshness of) the catalog and customer indexes in this process, so that
    work forked from it starts with them built."""
    with pipeline.db.unit_of_work("pipeline") as uow:
        rules = pipeline.active_rules(uow)
        uow.masterdata_view.description_index(synonyms_for(rules.synonyms))
        uow.masterdata_view.customer_index()
