"""855 purchase order acknowledgments to trading partners who want them (``send_855``).

Written in the transaction that decides an EDI order: when the pipeline commits it, or when a clerk
approves or rejects it. Stored beside the 997s and delivered the same way, to the source's
outbound folder, by :func:`ingest.services.acknowledgments.deliver_pending` (right after the
pipeline concludes a document, and at every `ingest run` poll).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ingest.db import UnitOfWork
from ingest.db.review import ReviewOrder
from ingest.domain.document import OrderStatus, StoredDocument
from ingest.logs import get_logger
from ingest.parsers.x12.ack import ControlNumbers
from ingest.parsers.x12.envelope import read_interchanges
from ingest.parsers.x12.model import FunctionalGroup, Interchange, TransactionSet
from ingest.parsers.x12.po_ack import LineAck, LineTerms, OrderAck, build_855

log = get_logger(__name__)

OUTBOUND_KINDS = ("edi-folder", "sftp")  # sources with an outbound folder


def write_order_acknowledgments(
    uow: UnitOfWork, doc: StoredDocument, interchanges: list[Interchange] | None = None
) -> int:
    """An 855 for every EDI order of ``doc`` the pipeline committed (inside the caller's
    transaction); returns how many were written."""
    if doc.channel != "edi":
        return 0
    if interchanges is not None and not any(
        (partner := uow.edi.partner(ic.sender_qualifier, ic.sender_id)) is not None and partner.send_855
        for ic in interchanges
    ):
        return 0  # no sender here wants one: the orders need not be read back
    written = 0
    for order_id in uow.orders.existing_ids(doc.id):
        order = uow.review.get(order_id)
        if order.status == OrderStatus.COMMITTED.value:
            written += _acknowledge(uow, doc, order, interchanges)
    return written


def write_order_acknowledgment(uow: UnitOfWork, order_id: str) -> bool:
    """The 855 for one order a clerk has just approved or rejected (inside the verdict's
    transaction); False when the order's partner wants none or it is no EDI purchase order."""
    order = uow.review.get(order_id)
    if order.channel != "edi" or order.status not in (OrderStatus.COMMITTED, OrderStatus.REJECTED):
        return False
    return bool(_acknowledge(uow, uow.documents.get(order.document_id), order, None))


def _acknowledge(
    uow: UnitOfWork, doc: StoredDocument, order: ReviewOrder, interchanges: list[Interchange] | None
) -> int:
    if order.purpose != "original" or not order.po_number:
        return 0
    sender = order.order_json.get("sender") or {}
    refs = {r.get("qualifier"): r.get("value") for r in order.order_json.get("references") or []}
    qualifier, edi_id = (sender.get("edi_qualifier") or "").strip(), (sender.get("edi_id") or "").strip()
    partner = uow.edi.partner(qualifier, edi_id) if edi_id else None
    if partner is None or not partner.send_855:
        return 0
    if interchanges is None:
        interchanges = read_interchanges(uow.documents.content(doc.sha256))
    found = _transaction(interchanges, qualifier, edi_id, refs)
    if found is None:
        log.warning("no 850 found for the order; no 855 written", order_id=order.order_id)
        return 0
    ic, group, ts = found
    ours = f"{ic.receiver_qualifier.strip()}/{ic.receiver_id.strip()}"
    numbers = ControlNumbers(
        interchange=uow.edi.next_control_number(f"isa:{ours}"),
        group=uow.edi.next_control_number(f"gs:{ours}"),
    )
    ack = build_855(ic, group, order_ack(order, ts), numbers, datetime.now(UTC))
    uow.edi.add_acknowledgment(doc.id, "855", f"{numbers.interchange:09d}", ack.text, _deliver_to(uow, doc))
    log.info(
        "855 written",
        order_id=order.order_id,
        partner=f"{qualifier}/{edi_id}",
        acknowledgment_type=ack.acknowledgment_type,
        lines=list(ack.line_statuses),
    )
    return 1


def _deliver_to(uow: UnitOfWork, doc: StoredDocument) -> str | None:
    if not uow.sources.exists(doc.source):
        return None
    kind, _config = uow.sources.get(doc.source)
    return doc.source if kind in OUTBOUND_KINDS else None


def _transaction(
    interchanges: list[Interchange], qualifier: str, edi_id: str, refs: dict[Any, Any]
) -> tuple[Interchange, FunctionalGroup, TransactionSet] | None:
    for ic in interchanges:
        if (ic.sender_qualifier.strip(), ic.sender_id.strip(), ic.control_number.strip()) != (
            qualifier,
            edi_id,
            (refs.get("interchange") or "").strip(),
        ):
            continue
        for group in ic.groups:
            if group.control_number.strip() != (refs.get("group") or "").strip():
                continue
            for ts in group.transactions:
                if ts.id == "850" and ts.control_number.strip() == (refs.get("transaction") or "").strip():
                    return ic, group, ts
    return None


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def order_ack(order: ReviewOrder, ts: TransactionSet) -> OrderAck:
    """What the partner sent (the order as read, its PO1 segments) against what was decided."""
    sent_lines = list(order.order_json.get("lines") or [])
    po1s = [s for s in ts.segments if s.tag == "PO1"]
    rejected = order.status == OrderStatus.REJECTED.value
    ship_date = _date(order.order_json.get("requested_ship_date"))
    lines = []
    for index, line in enumerate(order.lines):
        sent = sent_lines[index] if index < len(sent_lines) else {}
        ordered = LineTerms(
            _decimal(sent.get("quantity")),
            sent.get("uom"),
            _decimal(sent.get("unit_price")),
            sent.get("vendor_part_number"),
        )
        committed = None if rejected else LineTerms(line.quantity, line.uom, line.unit_price, line.sku)
        lines.append(
            LineAck(
                ordered=ordered,
                committed=committed,
                po1=po1s[index] if len(po1s) == len(order.lines) else None,
                line_number=line.line_number,
                ship_date=ship_date,
            )
        )
    return OrderAck(
        po_number=order.po_number or "",
        po_date=_date(order.order_json.get("po_date")),
        order_ref=order.order_id,
        lines=tuple(lines),
        rejected=rejected,
    )
