"""The reply to a customer's purchase-order email, threaded to it. Pure: bytes and values in,
an :class:`~email.message.EmailMessage` out.

Threading follows RFC 5322 §3.6.4: ``In-Reply-To`` is the original's Message-ID, ``References``
the original's References followed by its Message-ID. Every header value that comes from a
customer's message or our database goes through :func:`clean_header` (control characters, CR and
LF removed), addresses through :func:`clean_address` and message ids through
:func:`clean_message_id`, so that nothing read from a document can add a header or a recipient.
The message says ``Auto-Submitted: auto-replied`` (RFC 3834), and no reply is made to a message
that is itself automatic.
"""

from __future__ import annotations

import email.policy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import format_datetime, getaddresses
from typing import Any

from ingest.parsers.email.mime import decode_words

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f]{1,250}>")
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|antw|r)\s*:", re.IGNORECASE)
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
MAX_HEADER = 900
MAX_REFERENCES = 20


def clean_header(value: str | None, limit: int = MAX_HEADER) -> str:
    """One line of printable text: control characters (CR and LF among them) become spaces."""
    return " ".join(_CONTROL.sub(" ", value or "").split())[:limit]


def clean_address(value: str | None) -> str | None:
    """The bare address of a header value, when it is one plausible address; else None."""
    text = _CONTROL.sub(" ", value or "")
    pairs = [addr.strip() for _name, addr in getaddresses([text]) if addr.strip()]
    if len(pairs) != 1 or not _ADDRESS.fullmatch(pairs[0]):
        return None
    return pairs[0]


def clean_message_id(value: str | None) -> str | None:
    found = _MESSAGE_ID.search(value or "")
    return found.group() if found else None


@dataclass(frozen=True)
class OriginalMessage:
    """What a reply needs from the customer's message."""

    message_id: str | None
    references: tuple[str, ...]
    subject: str
    reply_to: str | None  # Reply-To, else From
    automatic: bool  # sent by a robot (Auto-Submitted, Precedence bulk/list/junk): never answered


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    return decode_words(str(value)) if value is not None else ""


def read_original(raw: bytes) -> OriginalMessage:
    """The headers of a stored message (only the header block is read)."""
    msg = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    references = tuple(
        dict.fromkeys(m.group() for m in _MESSAGE_ID.finditer(" ".join(msg.get_all("References") or [])))
    )
    auto = _header(msg, "Auto-Submitted").strip().lower()
    precedence = _header(msg, "Precedence").strip().lower()
    reply_to = clean_address(_header(msg, "Reply-To")) or clean_address(_header(msg, "From"))
    return OriginalMessage(
        message_id=clean_message_id(_header(msg, "Message-ID")),
        references=references,
        subject=clean_header(_header(msg, "Subject")),
        reply_to=reply_to,
        automatic=(bool(auto) and auto != "no") or precedence in _AUTOMATIC_PRECEDENCE,
    )


def reply_subject(subject: str, fallback: str = "your purchase order") -> str:
    subject = clean_header(subject)
    if not subject:
        return f"Re: {fallback}"
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


def thread_headers(original: OriginalMessage) -> tuple[str | None, list[str]]:
    """(In-Reply-To, References) of a reply to ``original``."""
    if original.message_id is None:
        return None, list(original.references[-MAX_REFERENCES:])
    chain = [r for r in original.references if r != original.message_id] + [original.message_id]
    if len(chain) > MAX_REFERENCES:  # keep the thread's root and the newest ones
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return original.message_id, chain


# --- the order summary ------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return clean_header(str(value), 200)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def order_summary(order: Mapping[str, Any]) -> str:
    """One order as text: our order id, the PO number, a table of the lines, the ship date."""
    head = f"Order {order['order_id']}, your PO {_text(order.get('po_number')) or '(no number)'}"
    rows = [["Line", "Our SKU", "Description", "Quantity", "Unit", "Price"]]
    for line in order.get("lines") or []:
        description = _text(line.get("description"))
        rows.append(
            [
                _text(line.get("position")),
                _text(line.get("sku")),
                description if len(description) <= 40 else description[:39] + "…",
                _text(line.get("quantity")),
                _text(line.get("uom")),
                _text(line.get("unit_price")),
            ]
        )
    parts = [head, *_table(rows)]
    if order.get("ship_date"):
        parts.append(f"  Expected ship date: {_text(order['ship_date'])}")
    return "\n".join(parts) + "\n"


# --- the message ------------------------------------------------------------------------------


def compose(payload: Mapping[str, Any], sender: str, message_id: str, now: datetime) -> EmailMessage:
    """The message for a recorded confirmation (see ``ingest.services.confirmations``)."""
    to = clean_address(str(payload.get("to") or ""))
    if to is None:
        raise ValueError(f"not one plausible address: {payload.get('to')!r}")
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = clean_header(sender)
    msg["To"] = to
    msg["Subject"] = clean_header(str(payload.get("subject") or "")) or "Re: your purchase order"
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = clean_message_id(message_id) or message_id
    in_reply_to = clean_message_id(payload.get("in_reply_to"))
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    references = [r for r in (clean_message_id(v) for v in payload.get("references") or []) if r]
    if references:
        msg["References"] = " ".join(references)
    msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(str(payload.get("text") or ""))
    return msg
