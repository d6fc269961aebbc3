"""Who sent a message: its author, or, when one of our own people forwarded it, the customer.

The author is the From address, the Reply-To when From is a no-reply robot, and the Sender
header when there is no From. When the author is internal (an exact address of
``ParseContext.internal_senders`` or a domain written ``@northwind-supply.example``, subdomains
included), the forwarded message is looked through: an attached ``message/rfc822``'s author,
else the ``From:`` line of a "---------- Forwarded message ---------" or "-----Original
Message-----" block (or of Outlook's bare 'From: / Sent:' block) in the text; the first one that
is not internal is the sender.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import getaddresses

from ingest.domain.order import Sender
from ingest.parsers.email.html_body import html_rows, rows_text
from ingest.parsers.email.mime import Mail, decode_words
from ingest.parsers.text_orders import FORWARD_HEADER, forward_starts

_NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|bounces?|notifications?)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_FORWARD_HEADER_LINES = 12


@dataclass(frozen=True)
class Address:
    email: str
    name: str | None = None

    def sender(self) -> Sender:
        return Sender(channel="email", email=self.email, name=self.name)


def parse_addresses(value: str) -> list[Address]:
    """The addresses in a header value; entries without a usable address are left out."""
    out: list[Address] = []
    try:
        pairs = getaddresses([decode_words(value)])
    except Exception:  # getaddresses raises on some malformed input (stdlib bugs)
        pairs = []
    for name, email in pairs:
        if _EMAIL.fullmatch(email.strip()):
            out.append(Address(email.strip().lower(), " ".join(name.split()) or None))
    if not out and (found := _EMAIL.search(value)):
        out.append(Address(found.group().lower(), None))
    return out


def from_line(value: str) -> Address | None:
    """The address of a quoted 'From:' line: "Jane Miller <j@x.example>", "Miller, Jane
    [mailto:j@x.example]", "j@x.example"."""
    found = _EMAIL.search(value)
    if found is None:
        return None
    before = value[: found.start()].replace("[mailto:", "").replace("<mailto:", "")
    name = " ".join(before.strip().strip("<[(\"' ").split()).strip("\"'")
    return Address(found.group().lower(), name or None)


def is_internal(email: str, internal: frozenset[str]) -> bool:
    """True for one of our own addresses: exact, or by ``@domain`` (and its subdomains)."""
    email = email.lower()
    domain = email.rpartition("@")[2]
    for entry in internal:
        entry = entry.strip().lower()
        if entry.startswith("@"):
            if domain == entry[1:] or domain.endswith("." + entry[1:]):
                return True
        elif entry == email:
            return True
    return False


def author(mail: Mail) -> Address | None:
    """From, or Reply-To when From is a no-reply address; Sender (else Reply-To) without a From."""
    sender_of = {name: parse_addresses(value) for name, value in mail.sender_headers.items()}
    first = sender_of["from"][0] if sender_of["from"] else None
    if first is not None and _NO_REPLY.match(first.email) and sender_of["reply-to"]:
        return sender_of["reply-to"][0]
    if first is None:
        return next(iter(sender_of["sender"] + sender_of["reply-to"]), None)
    return first


def body_texts(mail: Mail) -> list[str]:
    """The message's texts, the plain version of each body when there is one."""
    out = []
    for body in mail.bodies:
        if body.plain is not None:
            out.append(body.plain)
        elif body.html is not None:
            out.append(rows_text(html_rows(body.html)))
    return out


def forwarded_authors(text: str) -> list[Address]:
    """The From lines of the forwarded-message blocks in a text, in order."""
    lines = text.splitlines()
    found: list[Address] = []
    for start in forward_starts(lines):
        for following in lines[start : start + _FORWARD_HEADER_LINES]:
            header = FORWARD_HEADER.match(following)
            if header and header.group(1).lower() == "from":
                if address := from_line(header.group(2)):
                    found.append(address)
                break
    return found


def _originals(mail: Mail) -> Iterator[Address]:
    """Authors of what this message forwards: attached messages (and theirs), then inline blocks."""
    for forwarded in mail.forwarded:
        if (found := author(forwarded)) is not None:
            yield found
        yield from _originals(forwarded)
    for text in body_texts(mail):
        yield from forwarded_authors(text)


def effective_sender(mail: Mail, internal: frozenset[str]) -> Address | None:
    """The author, or the first outside author of what an internal author forwarded."""
    first = author(mail)
    if first is None or not is_internal(first.email, internal):
        return first
    return next((a for a in _originals(mail) if not is_internal(a.email, internal)), first)
