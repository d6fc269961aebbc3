"""A clerk's work on orders waiting for review: list, look, approve (with corrections), reject, hold.

Every verdict names the version the clerk read; a stale one is refused so that two clerks never
overwrite each other. Approving teaches the matcher: a line the clerk had to fix or confirm becomes
a learned cross-reference for the customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ingest.db import Database, UnitOfWork
from ingest.db.learned import learned_key
from ingest.db.review import LineValues, ReviewLine, ReviewOrder
from ingest.domain.document import DocumentState, OrderStatus, RecordedError
from ingest.domain.masterdata import LearnedItem
from ingest.domain.uom import canonical_uom
from ingest.errors import ConflictError, CorrectionError
from ingest.services.confirmations import record_confirmation
from ingest.services.deps import OutboxDispatcher
from ingest.services.order_acks import write_order_acknowledgment
from ingest.services.outbox import hand_over, record_commit

__all__ = [
    "LineCorrection",
    "ReviewOrder",
    "Verdict",
    "age",
    "approve",
    "hold",
    "line_json",
    "list_review",
    "order_json",
    "reject",
    "reprocess",
    "show_order",
]

SETTLED = (DocumentState.COMMITTED, DocumentState.REJECTED)  # an emailed document then gets its reply


@dataclass(frozen=True)
class LineCorrection:
    """What a clerk changes on one line; None keeps the value."""

    sku: str | None = None
    quantity: Decimal | None = None
    uom: str | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of approve, reject or hold."""

    order_id: str
    status: str
    version: int
    document_id: str
    document_state: str
    corrected_lines: tuple[int, ...] = ()
    learned: tuple[LearnedItem, ...] = field(default=())


def list_review(
    db: Database,
    customer: str | None = None,
    channel: str | None = None,
    reason: str | None = None,
    *,
    include_held: bool = True,
) -> list[ReviewOrder]:
    """Orders waiting for a clerk, oldest first; ``reason`` keeps those with a reason containing it."""
    statuses = (OrderStatus.REVIEW, OrderStatus.HELD) if include_held else (OrderStatus.REVIEW,)
    with db.unit_of_work() as uow:
        orders = uow.review.waiting(customer_id=customer, channel=channel, statuses=statuses)
    if reason:
        needle = reason.casefold()
        orders = [o for o in orders if any(needle in r.casefold() for r in o.reasons)]
    return orders


def show_order(db: Database, order_id: str) -> ReviewOrder:
    with db.unit_of_work() as uow:
        return uow.review.get(order_id)


def age(order: ReviewOrder, now: datetime | None = None) -> timedelta:
    """How long the order has waited since its document was received."""
    return (now or datetime.now(UTC)) - order.received_at


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def line_json(line: ReviewLine) -> dict[str, Any]:
    return {
        "position": line.position,
        "line_number": line.line_number,
        "quantity": _decimal_text(line.quantity),
        "uom": line.uom,
        "unit_price": _decimal_text(line.unit_price),
        "sku": line.sku,
        "matched_sku": line.matched_sku,
        "buyer_part_number": line.buyer_part_number,
        "vendor_part_number": line.vendor_part_number,
        "upc": line.upc,
        "description": line.description,
        "match_confidence": line.match_confidence,
        "match_reason": line.match_reason,
        "decision": line.decision,
        "corrected": line.corrected,
        "candidates": list(line.candidates),
    }


def order_json(order: ReviewOrder, now: datetime | None = None) -> dict[str, Any]:
    """The order as `ingest review list/show --json` print it."""
    return {
        "order_id": order.order_id,
        "document_id": order.document_id,
        "status": order.status,
        "version": order.version,
        "po_number": order.po_number,
        "purpose": order.purpose,
        "customer_id": order.customer_id,
        "matched_customer_id": order.matched_customer_id,
        "customer_confidence": order.customer_confidence,
        "customer_reason": order.customer_reason,
        "ship_to_location": order.ship_to_location,
        "reasons": list(order.reasons),
        "channel": order.channel,
        "source_ref": order.source_ref,
        "received_at": order.received_at.isoformat(),
        "age_seconds": int(age(order, now).total_seconds()),
        "reviewed_by": order.reviewed_by,
        "reviewed_at": order.reviewed_at.isoformat() if order.reviewed_at else None,
        "review_note": order.review_note,
        "lines": [line_json(line) for line in order.lines],
    }


def _waiting_order(uow: UnitOfWork, order_id: str, expected_version: int | None, action: str) -> ReviewOrder:
    order = uow.review.get(order_id, lock=True)
    if not OrderStatus(order.status).waiting:
        raise ConflictError(
            "wrong_status",
            f"order {order_id} is {order.status}, not waiting for review: it cannot be {action}",
        )
    if expected_version is not None and expected_version != order.version:
        raise ConflictError(
            "stale_version",
            f"order {order_id} is at version {order.version}, you looked at version {expected_version}: "
            "someone changed it meanwhile; reload it (`ingest review show`) and decide again",
        )
    return order


def _settle_document(uow: UnitOfWork, document_id: str, reason: str | None) -> DocumentState:
    """A document waiting for review is committed once none of its orders waits (rejected when a
    clerk rejected all of them)."""
    doc = uow.documents.get(document_id, lock=True)
    statuses = uow.review.document_statuses(document_id)
    if doc.state is not DocumentState.REVIEW or any(OrderStatus(s).waiting for s in statuses):
        return doc.state
    if OrderStatus.COMMITTED.value in statuses:
        uow.documents.set_state(document_id, DocumentState.COMMITTED)
        return DocumentState.COMMITTED
    error = RecordedError(
        kind="rejected_in_review", message=f"rejected by {uow.actor}: {reason or 'no reason'}"
    )
    uow.documents.set_state(document_id, DocumentState.REJECTED, error=error)
    return DocumentState.REJECTED


def _final_lines(
    uow: UnitOfWork, order: ReviewOrder, corrections: dict[int, LineCorrection]
) -> dict[int, LineValues]:
    """Every line's final values, the corrections checked: positions, SKUs, numbers, units."""
    count = len(order.lines)
    for position in corrections:
        if not 1 <= position <= count:
            raise CorrectionError(f"the order has lines 1 to {count}; there is no line {position}", position)
    final: dict[int, LineValues] = {}
    for line in order.lines:
        fix = corrections.get(line.position, LineCorrection())
        sku = line.sku
        if fix.sku is not None:
            sku = uow.review.resolve_sku(fix.sku.strip())
            if sku is None:
                raise CorrectionError(f"line {line.position}: no product with SKU {fix.sku!r}", line.position)
        if sku is None:
            raise CorrectionError(f"line {line.position} has no product: give its SKU", line.position)
        quantity, unit_price = _number(fix.quantity, line, "quantity"), _number(fix.unit_price, line, "price")
        uom = line.uom
        if fix.uom is not None:
            try:
                uom = canonical_uom(fix.uom)
            except ValueError as exc:
                raise CorrectionError(f"line {line.position}: {exc}", line.position) from exc
        final[line.position] = LineValues(
            sku=sku,
            quantity=line.quantity if quantity is None else quantity,
            uom=uom,
            unit_price=line.unit_price if unit_price is None else unit_price,
        )
    return final


def _number(value: Decimal | None, line: ReviewLine, what: str) -> Decimal | None:
    if value is None:
        return None
    try:
        ok = value.is_finite() and (value > 0 if what == "quantity" else value >= 0)
    except InvalidOperation:
        ok = False
    if not ok:
        must = "more than zero" if what == "quantity" else "zero or more"
        raise CorrectionError(
            f"line {line.position}: the {what} must be a number {must}, not {value}", line.position
        )
    return value


def _changed(line: ReviewLine, final: LineValues) -> bool:
    return (line.sku, line.quantity, line.uom, line.unit_price) != (
        final.sku,
        final.quantity,
        final.uom,
        final.unit_price,
    )


def _learn(
    uow: UnitOfWork, order: ReviewOrder, customer_id: str, final: dict[int, LineValues]
) -> list[LearnedItem]:
    """Learn the lines the matcher got wrong or was unsure of: the customer's part number (or the
    description, when there is none) means the approved SKU."""
    _, rules = uow.rules.active()
    threshold = rules.line_threshold(customer_id)
    learned = []
    for line in order.lines:
        sku = final[line.position].sku
        unsure = line.matched_sku is None or line.match_confidence < threshold
        if sku == line.matched_sku and not unsure:
            continue
        if line.buyer_part_number and line.buyer_part_number.strip():
            kind, text = "part", line.buyer_part_number.strip()
        elif line.description and line.description.strip():
            kind, text = "description", line.description.strip()
        else:
            continue
        if learned_key(kind, text):
            learned.append(uow.learned.learn(customer_id, kind, text, sku, order.order_id))
    return learned


def _final_ship_to(uow: UnitOfWork, order: ReviewOrder, customer: str, given: str | None) -> str | None:
    """The ship-to location a clerk chose ('' when a customer correction leaves the matcher's
    location behind), or None to keep the matcher's."""
    chosen = (given or "").strip()
    if chosen:
        if not any(
            loc.location_id == chosen and loc.active for loc in uow.masterdata_view.locations(customer)
        ):
            raise CorrectionError(f"customer {customer} has no active ship-to location {chosen!r}")
        return chosen
    matched = order.ship_to_location
    if customer != order.customer_id and matched and matched.get("location_id"):
        return ""
    return None


def approve(
    db: Database,
    order_id: str,
    actor: str,
    *,
    expected_version: int | None,
    customer_id: str | None = None,
    lines: dict[int, LineCorrection] | None = None,
    note: str | None = None,
    outbox: OutboxDispatcher | None = None,
    ship_to_location_id: str | None = None,
    confirm: bool = False,
) -> Verdict:
    """Commit an order waiting for review, with the clerk's corrections (customer; ship-to location;
    SKU, quantity, unit, price by 1-based line position), and learn from them. The order's exports
    are recorded with the commit and handed to ``outbox`` after it (None: the next `ingest run`
    pass sends them); with ``confirm``, so is the customer's email confirmation once the document
    is settled."""
    with db.unit_of_work(actor) as uow:
        order = _waiting_order(uow, order_id, expected_version, "approved")
        customer = customer_id.strip() if customer_id else order.customer_id
        if customer is None:
            raise CorrectionError(f"order {order_id} has no customer: give its customer id")
        if not uow.review.customer_exists(customer):
            raise CorrectionError(f"no customer {customer!r} in the master data")
        final = _final_lines(uow, order, lines or {})
        version = uow.review.conclude(
            order_id,
            order.version,
            OrderStatus.COMMITTED,
            note=note,
            customer_id=customer,
            lines=final,
            ship_to_location_id=_final_ship_to(uow, order, customer, ship_to_location_id),
        )
        learned = _learn(uow, order, customer, final)
        state = _settle_document(uow, order.document_id, None)
        write_order_acknowledgment(uow, order_id)
        record_commit(uow, order_id)  # its exports, in this same transaction
        if confirm and state in SETTLED:
            record_confirmation(uow, order.document_id)
        corrected = tuple(line.position for line in order.lines if _changed(line, final[line.position]))
        uow.commit()
    hand_over(outbox, uow.outbox.added)
    return Verdict(
        order_id,
        OrderStatus.COMMITTED.value,
        version,
        order.document_id,
        state.value,
        corrected,
        tuple(learned),
    )


def reject(
    db: Database,
    order_id: str,
    actor: str,
    reason: str,
    expected_version: int | None = None,
    *,
    outbox: OutboxDispatcher | None = None,
    confirm: bool = False,
) -> Verdict:
    """Reject an order waiting for review; the reason is kept as the review note. With
    ``confirm``, the customer's email reply (saying why) is recorded once the document is settled
    and handed to ``outbox`` after the commit."""
    if not reason.strip():
        raise CorrectionError("say why the order is rejected (--reason)")
    with db.unit_of_work(actor) as uow:
        order = _waiting_order(uow, order_id, expected_version, "rejected")
        version = uow.review.conclude(order_id, order.version, OrderStatus.REJECTED, note=reason.strip())
        state = _settle_document(uow, order.document_id, reason.strip())
        write_order_acknowledgment(uow, order_id)
        if confirm and state in SETTLED:
            record_confirmation(uow, order.document_id)
        uow.commit()
    hand_over(outbox, uow.outbox.added)
    return Verdict(order_id, OrderStatus.REJECTED.value, version, order.document_id, state.value)


def hold(
    db: Database, order_id: str, actor: str, note: str | None = None, expected_version: int | None = None
) -> Verdict:
    """Put an order aside (waiting for the customer, say); it stays waiting, marked held."""
    with db.unit_of_work(actor) as uow:
        order = _waiting_order(uow, order_id, expected_version, "held")
        version = uow.review.conclude(order_id, order.version, OrderStatus.HELD, note=note)
        state = uow.documents.get(order.document_id).state
        uow.commit()
    return Verdict(order_id, OrderStatus.HELD.value, version, order.document_id, state.value)


def reprocess(db: Database, order_id: str, actor: str, *, expected_version: int | None = None) -> str:
    """Read an order's document again from its stored bytes (after the master data, the rules or a
    template changed): its waiting orders are discarded and the document goes back to ``received``.
    Returns the document id, for the caller to submit to the runner. A document with a committed
    order, or an EDI interchange (already answered with a 997), is refused."""
    with db.unit_of_work(actor) as uow:
        order = _waiting_order(uow, order_id, expected_version, "reprocessed")
        doc = uow.documents.get(order.document_id, lock=True)
        if doc.channel == "edi":
            raise ConflictError(
                "not_reprocessable",
                f"document {doc.id} is an EDI interchange the partner was already answered for; "
                "correct its orders here instead",
            )
        if OrderStatus.COMMITTED.value in uow.review.document_statuses(doc.id):
            raise ConflictError(
                "not_reprocessable",
                f"document {doc.id} has an order already committed; correct this order here instead",
            )
        uow.orders.discard(doc.id)
        uow.documents.set_state(doc.id, DocumentState.RECEIVED)
        uow.commit()
    return doc.id
