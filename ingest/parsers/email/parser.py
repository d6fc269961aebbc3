"""The email format plugin: a message in, the orders of its attachments, body or reply out.

Where the order is, in this order of preference:

1. the attachments, each handed to the inner registry (CSV, X12, PDF, XLSX, text...), with the
   effective sender in its context; a part the inner parsers do not recognize (a logo, terms and
   conditions) gives nothing, a part that looks like an order but is broken is a rejected part
   located ``attachment 'po.csv', <inner location>``;
2. when no attachment gave an order or a rejected part, the bodies: an HTML table or a typed
   table (:mod:`ingest.parsers.text_orders`), one version of each ``multipart/alternative``;
3. when the bodies hold no table either, a reply that changes or cancels an order
   (:mod:`ingest.parsers.email.replies`).

The same bytes attached twice are read once, and an order equal to one already found (same
purpose, PO number and lines) is dropped with a note on the first. Every order gets the
effective sender (:mod:`ingest.parsers.email.senders`); EDI ids an X12 attachment set are kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath

from ingest.domain.order import Order, OrderLine, Sender
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext, ParseOutcome, RejectedPart
from ingest.parsers.email.html_body import html_rows
from ingest.parsers.email.mime import Attachment, Limits, Mail, read_mail
from ingest.parsers.email.replies import po_reference, read_change
from ingest.parsers.email.senders import Address, body_texts, effective_sender
from ingest.parsers.registry import ParserRegistry
from ingest.parsers.text_orders import (
    FORWARD_HEADER,
    cell_lines,
    orders_from_lines,
    read_text_orders,
    visible_lines,
    without_po_note,
)

_SCORE_BYTES = 64 * 1024
_HEADER_NAME = re.compile(rb"^([!-9;-~]+)[ \t]*:")
_OTHER_FORMAT = (b"ISA", b"UNA", b"UNB", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"<", b"{", b"[")
_STRONG = frozenset({b"from", b"received", b"message-id", b"mime-version", b"return-path", b"delivered-to",
                     b"dkim-signature", b"content-type", b"x-mailer", b"authentication-results"})  # fmt: skip
_WEAK = frozenset({b"date", b"subject", b"to", b"cc", b"reply-to", b"sender", b"in-reply-to", b"references",
                   b"content-transfer-encoding", b"user-agent", b"thread-topic"})  # fmt: skip
_NOT_AN_ORDER = frozenset({"unrecognized", "empty"})
_ANSWER = re.compile(r"^\s*(?:(?:re|aw|sv|antw|ref)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
SUBJECT_CONFIDENCE = 0.7
BODY = "the text of the email"


def _located(error: DocumentError, label: str) -> DocumentError:
    location = f"{label}, {error.location}" if error.location else label
    return DocumentError(error.kind, error.message, location)


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _line_key(line: OrderLine, numbered: bool) -> tuple[object, ...]:
    number = (line.line_number or "").lstrip("0") if numbered else None
    parts = (line.vendor_part_number, line.buyer_part_number, line.upc)
    return (number, line.change, _number(line.quantity), line.uom, _number(line.unit_price), *parts)


def order_key(order: Order) -> tuple[object, ...]:
    """Orders with equal keys are the same order read twice (a CSV and its copy, a PDF and a CSV)."""
    numbered = order.purpose != "original"
    return (order.purpose, order.po_number, tuple(_line_key(line, numbered) for line in order.lines))


@dataclass
class _Found:
    orders: list[Order] = field(default_factory=list)
    rejected: list[RejectedPart] = field(default_factory=list)
    envelopes: list[object] = field(default_factory=list)
    keys: dict[tuple[object, ...], Order] = field(default_factory=dict)
    digests: set[str] = field(default_factory=set)

    def add(self, order: Order, where: str) -> None:
        key = order_key(order)
        first = self.keys.get(key)
        if first is not None:
            first.notes = [*first.notes, f"the same order is also in {where}; it was read once"]
            return
        self.keys[key] = order
        self.orders.append(order)


def _mails(mail: Mail) -> list[Mail]:
    """The message and every message forwarded in it, outer first."""
    return [mail, *(m for forwarded in mail.forwarded for m in _mails(forwarded))]


class EmailParser:
    """The ``email`` format plugin. ``inner`` reads the attachments; the limits guard against
    messages built to exhaust the service (``too_large``)."""

    format = "email"

    def __init__(
        self,
        inner: ParserRegistry,
        *,
        max_parts: int = Limits.max_parts,
        max_depth: int = Limits.max_depth,
        max_part_bytes: int = Limits.max_part_bytes,
    ) -> None:
        self.inner = inner
        self.limits = Limits(max_parts=max_parts, max_depth=max_depth, max_part_bytes=max_part_bytes)

    def score(self, content: bytes, filename: str | None) -> float:
        """0.95 for a header block with From and other message headers, 0.7-0.9 for one with
        several, at least 0.6 for a ``.eml`` name; 0 for anything else (EDI, PDF, CSV, text)."""
        head = content[:_SCORE_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head or head.startswith(_OTHER_FORMAT):
            return 0.0
        floor = 0.6 if filename and PurePosixPath(filename).suffix.lower() == ".eml" else 0.0
        names = _header_names(head)
        strong = len(names & _STRONG)
        weak = len(names & _WEAK)
        if b"from" in names and strong + weak >= 2:
            return 0.95
        if strong >= 2:
            return max(0.9, floor)
        if strong == 1 and weak >= 1:
            return max(0.7, floor)
        return floor

    def parse(self, content: bytes, context: ParseContext) -> ParseOutcome:
        try:
            mail = read_mail(content, self.limits)
        except DocumentError as exc:
            return ParseOutcome(self.format, error=exc)
        address = effective_sender(mail, context.internal_senders)
        sender = address.sender() if address else context.sender
        found = _Found()
        for each in _mails(mail):
            for attachment in each.attachments:
                self._read_attachment(attachment, context, sender, found)
        if not found.orders and not found.rejected:
            for each in _mails(mail):
                for order in _body_orders(each, sender):
                    found.add(order, BODY)
        if not found.orders and not found.rejected:
            for each in _mails(mail):
                if (change := read_change(_subjects(each), _reply_text(each))) is not None:
                    found.add(change, BODY)
        _finish(found, mail, address)
        return ParseOutcome(
            self.format, orders=found.orders, rejected=found.rejected, envelopes=found.envelopes
        )

    def _read_attachment(
        self, attachment: Attachment, context: ParseContext, sender: Sender | None, found: _Found
    ) -> None:
        if attachment.content is None:
            message = (
                f"{attachment.label} has {attachment.size:,} bytes; the limit for one part is "
                f"{self.limits.max_part_bytes:,} (limit max_part_bytes)"
            )
            found.rejected.append(RejectedPart(DocumentError("too_large", message, attachment.label)))
            return
        digest = hashlib.sha256(attachment.content).hexdigest()
        if digest in found.digests:
            return  # the same file attached twice
        found.digests.add(digest)
        inner = ParseContext(
            filename=attachment.filename,
            content_type=attachment.content_type,
            sender=sender,
            internal_senders=context.internal_senders,
        )
        outcome = self.inner.parse(attachment.content, inner)
        found.envelopes.extend(outcome.envelopes)
        if outcome.error is not None and outcome.error.kind not in _NOT_AN_ORDER:
            found.rejected.append(RejectedPart(_located(outcome.error, attachment.label)))
        elif outcome.error is not None and attachment.content_type == "text/html":
            for order in _html_orders(attachment.content.decode("utf-8", errors="replace"), sender, True):
                found.add(order, attachment.label)
        for part in outcome.rejected:
            found.rejected.append(RejectedPart(_located(part.error, attachment.label), part.order))
        for order in outcome.orders:
            found.add(order, attachment.label)


def _header_names(head: bytes) -> set[bytes]:
    """The field names of the header block at the start, or none when it is not one."""
    names: set[bytes] = set()
    lines = head.split(b"\n", 200)[:200]
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return set()
            continue
        match = _HEADER_NAME.match(line)
        if match is None:
            return set()
        names.add(match.group(1).lower())
    return names


def _html_orders(html: str, sender: Sender | None, keep_original: bool) -> list[Order]:
    rows = html_rows(html)
    shown = visible_lines("\n".join("\t".join(row) for row in rows), keep_original=keep_original)
    kept = [row if line.strip() else [] for row, line in zip(rows, shown, strict=False)]
    return orders_from_lines(cell_lines(kept), sender)


def _body_orders(mail: Mail, sender: Sender | None) -> list[Order]:
    """The orders typed in the message's bodies: for each, the HTML version when it has a table,
    else the plain one, else the HTML one; the first that holds an order is the one read."""
    keep = not _ANSWER.match(mail.subject)
    orders: list[Order] = []
    for body in mail.bodies:
        table = body.html is not None and "<table" in body.html.lower()
        found = _html_orders(body.html, sender, keep) if table and body.html is not None else []
        if not found and body.plain is not None:
            found = read_text_orders(body.plain, sender, keep_original=keep)
        if not found and not table and body.html is not None:
            found = _html_orders(body.html, sender, keep)
        orders += found
    return orders


def _subjects(mail: Mail) -> str:
    """The subject, followed by the subjects of forwarded blocks in the text (for a PO number)."""
    quoted = [
        m.group(2)
        for text in body_texts(mail)
        for line in text.splitlines()
        if (m := FORWARD_HEADER.match(line)) and m.group(1).lower() == "subject"
    ]
    return " ".join([mail.subject, *quoted])


def _reply_text(mail: Mail) -> str:
    keep = not _ANSWER.match(mail.subject)
    return "\n".join("\n".join(visible_lines(text, keep_original=keep)) for text in body_texts(mail))


def _subject_po(mail: Mail) -> str | None:
    for each in _mails(mail):
        if found := po_reference(_subjects(each), subject=True):
            return found
    return None


def _finish(found: _Found, mail: Mail, address: Address | None) -> None:
    """The effective sender on every order; a PO number from the subject where none was read."""
    subject_po = _subject_po(mail)
    for order in [*found.orders, *(p.order for p in found.rejected if p.order is not None)]:
        if address is not None:
            edi = order.sender if order.sender is not None else None
            order.sender = Sender(
                channel="email",
                email=address.email,
                name=address.name,
                edi_qualifier=edi.edi_qualifier if edi else None,
                edi_id=edi.edi_id if edi else None,
            )
        if order.po_number is None and subject_po is not None:
            without_po_note(order)
            order.po_number = subject_po
            order.confidence = {**order.confidence, "po_number": SUBJECT_CONFIDENCE}
            order.notes = [*order.notes, f"the PO number {subject_po} was taken from the email's subject"]
