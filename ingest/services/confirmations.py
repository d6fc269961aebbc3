"""Email confirmations: a reply to the customer's purchase-order email once its document is
settled; the order summary when committed, a polite rejection saying what is missing otherwise.

Two steps, so that nothing is sent inside a database transaction:

- :func:`confirmation_for` (inside the transaction that settles the document, or any time after)
  decides whether a reply is due and renders it into a JSON-able payload: recipient, subject,
  threading headers and text. None when no reply is due: not an emailed document, not settled,
  a robot's message, an unknown sender (no customer: no backscatter), one of our own people
  forwarding, or a customer who opted out.
- :func:`send_confirmation` composes the message from the payload and hands it to the SMTP
  server; smtplib's errors arrive as :class:`TransientError` (retry later) or
  :class:`DeliveryError` / :class:`ConfigError` (retrying will not help).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from ingest.config import Settings
from ingest.db import Database, UnitOfWork
from ingest.db.outbox import OutboxEntry
from ingest.db.review import ReviewOrder
from ingest.domain.document import DocumentState, OrderStatus, StoredDocument
from ingest.errors import ConfigError, DeliveryError, NotFoundError, TransientError
from ingest.logs import get_logger
from ingest.mailout.compose import (
    compose,
    order_summary,
    read_original,
    reply_subject,
    thread_headers,
)
from ingest.mailout.smtp import SmtpSettings, parse_smtp_url, send_message
from ingest.mailout.templates import CONFIRMATION, DEFAULTS, REJECTION, MessageTemplate, render
from ingest.services.outbox import Attempt, DeliveryContext

log = get_logger(__name__)

_FRIENDLY_ERRORS = {
    "empty": "The message had no content we could read as an order.",
    "unrecognized": "We found no purchase order in a form we can read (a PDF, a spreadsheet, "
    "an EDI file, or a table in the message itself).",
    "too_large": "The document was larger than we can accept.",
    "pdf_unreadable": "The PDF could not be opened (it may be damaged or password-protected).",
    "sheet_unreadable": "The spreadsheet could not be read.",
    "email_unreadable": "The message could not be read.",
    "xml_unreadable": "The XML order could not be read.",
}
_off_logged = False


# --- settings -----------------------------------------------------------------------------------


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    """The SMTP server of the settings, or None when confirmations are not configured."""
    if not settings.smtp_url or not settings.mail_from:
        return None
    password = settings.smtp_password
    if password is None and settings.smtp_password_file is not None:
        try:
            password = settings.smtp_password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read INGEST_SMTP_PASSWORD_FILE: {exc.strerror}") from exc
    found = parse_smtp_url(
        settings.smtp_url,
        starttls=settings.smtp_starttls,
        username=settings.smtp_user,
        password=password,
        timeout=settings.smtp_timeout_seconds,
    )
    return replace(found, ca_file=settings.smtp_ca_file) if settings.smtp_ca_file else found


def confirmations_enabled(settings: Settings) -> bool:
    """Whether confirmations can be sent; says once in the log when they cannot."""
    global _off_logged
    if settings.smtp_url and settings.mail_from:
        return True
    if not _off_logged:
        _off_logged = True
        log.info("email confirmations are off: set INGEST_SMTP_URL and INGEST_MAIL_FROM to send them")
    return False


# --- recording ----------------------------------------------------------------------------------


def _template(uow: UnitOfWork, name: str) -> MessageTemplate:
    stored = uow.messages.template(name)
    if stored is None:
        return DEFAULTS[name]
    return MessageTemplate(name, stored.subject, stored.body, custom=True)


def _customer_id(uow: UnitOfWork, orders: list[ReviewOrder], address: str) -> str | None:
    ids = [o.customer_id for o in orders if o.customer_id and o.status == OrderStatus.COMMITTED.value]
    ids += [o.customer_id for o in orders if o.customer_id]
    if ids:
        return ids[0]
    by_domain = uow.masterdata_view.customers_by_domain(address.rpartition("@")[2].lower())
    return by_domain[0].customer_id if len(by_domain) == 1 else None


def _internal(uow: UnitOfWork, address: str) -> bool:
    vendor = uow.masterdata_view.vendor()
    if vendor is None:
        return False
    domain = address.rpartition("@")[2].lower()
    ours = {d.lower() for d in vendor.domains}
    addresses = {a.lower() for a in [vendor.order_desk, *(r.email for r in vendor.sales_reps)] if a}
    return address.lower() in addresses or any(domain == d or domain.endswith("." + d) for d in ours)


def _summary(uow: UnitOfWork, order: ReviewOrder) -> dict[str, Any]:
    sent = list(order.order_json.get("lines") or [])
    lines = []
    for line in order.lines:
        description = line.description
        if not description and line.sku and (product := uow.masterdata_view.product(line.sku)):
            description = product.description
        lines.append(
            {
                "position": line.position,
                "sku": line.sku,
                "description": description or (sent[line.position - 1].get("description") if sent else None),
                "quantity": line.quantity,
                "uom": line.uom,
                "unit_price": line.unit_price,
            }
        )
    return {
        "order_id": order.order_id,
        "po_number": order.po_number,
        "lines": lines,
        "ship_date": order.order_json.get("requested_ship_date"),
    }


def _reasons(doc: StoredDocument, rejected: list[ReviewOrder]) -> list[str]:
    reasons = []
    for order in rejected:
        po = f"PO {order.po_number}: " if order.po_number and len(rejected) > 1 else ""
        why = order.review_note or "; ".join(order.reasons) or "it could not be accepted"
        reasons.append(f"{po}{why}")
    if doc.error is not None and doc.error.kind != "rejected_in_review":
        friendly = _FRIENDLY_ERRORS.get(doc.error.kind)
        detail = doc.error.message + (f" ({doc.error.location})" if doc.error.location else "")
        reasons.append(f"{friendly} {detail}" if friendly else detail)
    return reasons or ["The order could not be read completely."]


def confirmation_for(uow: UnitOfWork, document_id: str) -> dict[str, Any] | None:
    """The reply due for an emailed document now settled, as a JSON-able payload, or None."""
    doc = uow.documents.get(document_id)
    if doc.channel != "email" or doc.state not in (DocumentState.COMMITTED, DocumentState.REJECTED):
        return None
    original = read_original(uow.documents.content(doc.sha256))
    address = original.reply_to
    bound = log.bind(document_id=document_id)
    if original.automatic or address is None or _internal(uow, address):
        bound.info("no confirmation: automatic, unanswerable or internal sender", to=address)
        return None
    orders = [uow.review.get(i) for i in uow.orders.existing_ids(doc.id)]
    customer_id = _customer_id(uow, orders, address)
    if customer_id is None:
        bound.info("no confirmation: the sender is no known customer", to=address)
        return None
    if not uow.messages.confirmations(customer_id):
        bound.info("no confirmation: the customer opted out", customer_id=customer_id)
        return None
    committed = [o for o in orders if o.status == OrderStatus.COMMITTED.value]
    rejected = [o for o in orders if o.status == OrderStatus.REJECTED.value]
    customer = uow.masterdata_view.customer(customer_id)
    vendor = uow.masterdata_view.vendor()
    named = committed or orders
    values = {
        "reply_subject": reply_subject(original.subject),
        "original_subject": original.subject,
        "customer_name": customer.name if customer else customer_id,
        "customer_id": customer_id,
        "po_number": ", ".join(o.po_number for o in named if o.po_number) or "in your message",
        "company": vendor.name if vendor else "",
    }
    if committed:
        name = CONFIRMATION
        summaries = [_summary(uow, o) for o in committed]
        values["order_id"] = ", ".join(o.order_id for o in committed)
        values["summary"] = "\n".join(order_summary(s) for s in summaries)
        values["ship_date"] = next((str(s["ship_date"]) for s in summaries if s["ship_date"]), "")
        values["not_accepted"] = "".join(
            f"We could not accept PO {o.po_number or '(no number)'}: {r}\n"
            for o in rejected
            for r in _reasons(doc, [o])[:1]
        )
    else:
        name = REJECTION
        values["reasons"] = "\n".join(f"- {r}" for r in _reasons(doc, rejected))
    subject, text = render(_template(uow, name), values)
    in_reply_to, references = thread_headers(original)
    return {
        "kind": name,
        "key": f"confirmation:{doc.id}",
        "document_id": doc.id,
        "order_ids": [o.order_id for o in (committed or rejected)],
        "customer_id": customer_id,
        "to": address,
        "subject": subject,
        "in_reply_to": in_reply_to,
        "references": references,
        "text": text,
    }


# --- sending ------------------------------------------------------------------------------------


def send_confirmation(settings: Settings, payload: dict[str, Any], now: datetime | None = None) -> str:
    """Send a recorded confirmation; returns its Message-ID (the same for the same document, so
    that a repeat after a crash is recognisable as one message)."""
    smtp = smtp_settings(settings)
    if smtp is None or not settings.mail_from:
        raise ConfigError("email confirmations are off: set INGEST_SMTP_URL and INGEST_MAIL_FROM")
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    document_id = str(payload.get("document_id") or "")
    kind = str(payload.get("kind") or "confirmation").replace("_", "-")
    message_id = f"<{kind}.{document_id}@{domain}>" if document_id.isascii() and document_id else make_msgid()
    try:
        message = compose(payload, settings.mail_from, message_id, now or datetime.now(UTC))
    except ValueError as exc:
        raise ConfigError(f"the confirmation cannot be composed: {exc}") from exc
    send_message(smtp, message)
    return message_id


# --- customers' choice --------------------------------------------------------------------------


def set_customer_confirmations(db: Database, customer_id: str, enabled: bool, actor: str = "cli") -> None:
    """Turn a customer's email confirmations on or off."""
    with db.unit_of_work(actor) as uow:
        if uow.masterdata_view.customer(customer_id) is None:
            raise NotFoundError(f"no customer {customer_id!r} in the master data")
        uow.messages.set_confirmations(customer_id, enabled)
        uow.commit()


def customer_confirmations(db: Database, customer_id: str) -> bool:
    with db.unit_of_work() as uow:
        return uow.messages.confirmations(customer_id)


def opted_out_customers(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return uow.messages.opted_out()


__all__ = [
    "confirmation_for",
    "confirmations_enabled",
    "send_confirmation",
    "set_customer_confirmations",
    "smtp_settings",
]


# --- through the outbox -------------------------------------------------------------------------

CONFIRMATION_KIND = "confirmation"


def record_confirmation(uow: UnitOfWork, document_id: str, now: datetime | None = None) -> str | None:
    """Inside the transaction that settles an emailed document: the reply due, as an outbox entry
    (once per document, whatever repeats). Returns the entry id, or None when no reply is due.
    Callers check :func:`confirmations_enabled` first."""
    payload = confirmation_for(uow, document_id)
    if payload is None:
        return None
    return uow.outbox.add(
        CONFIRMATION_KIND,
        str(payload["key"]),
        payload,
        now=now or datetime.now(UTC),
        order_id=(payload.get("order_ids") or [None])[0],
        document_id=document_id,
    )


def deliver_confirmation(entry: OutboxEntry, context: DeliveryContext) -> Attempt:
    """The outbox's deliverer of confirmations: one SMTP hand-over."""
    try:
        message_id = send_confirmation(context.settings, entry.payload, context.now())
    except TransientError as exc:
        return Attempt(False, error=str(exc))
    except (DeliveryError, ConfigError) as exc:
        return Attempt(False, error=str(exc), final=True)
    return Attempt(True, ref=message_id)
