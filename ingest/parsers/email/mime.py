"""The MIME tree of a message: its bodies, attachments and forwarded messages, within limits.

The stdlib ``email`` package reads the bytes (``policy.default``); this module walks the tree.
``multipart/alternative`` gives one :class:`Body` holding its plain and HTML versions (the reader
takes one of them, never both); ``message/rfc822`` parts and ``.eml`` attachments become
forwarded :class:`Mail`; every other leaf is an :class:`Attachment` with a clean file name,
except images, sound, video and signatures, which never hold an order. The ``email`` package
raises odd exceptions on odd input (IndexError, TypeError, ValueError...), so every call into
it here is guarded: bad input is an ``email_unreadable`` error or a part read as empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from pathlib import PurePosixPath
from typing import TypeVar

from ingest.errors import DocumentError

T = TypeVar("T")
MAX_FILENAME = 120
_HEADER_START = re.compile(rb"^(?:From [^\r\n]*\r?\n)?[!-9;-~]+[ \t]*:")
_BY_EXTENSION = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".x12": "application/edi-x12",
    ".edi": "application/edi-x12",
    ".850": "application/edi-x12",
    ".860": "application/edi-x12",
    ".xml": "application/xml",
    ".htm": "text/html",
    ".html": "text/html",
    ".eml": "message/rfc822",
}
_GENERIC_TYPES = frozenset({"application/octet-stream", "application/x-unknown", "application/unknown"})
_NEVER_ORDERS = ("image/", "audio/", "video/", "font/")
_SKIPPED_TYPES = frozenset(
    {
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
        "application/pgp-signature",
        "application/pgp-keys",
        "application/ms-tnef",
        "text/vcard",
        "text/x-vcard",
        "text/calendar",
        "message/delivery-status",
        "message/disposition-notification",
    }
)
_NESTED_TYPES = frozenset({"message/rfc822", "message/global"})
_NOT_CHARSETS = frozenset(
    {"punycode", "idna", "unicode-escape", "raw-unicode-escape"}
)  # codecs, not charsets


@dataclass(frozen=True)
class Limits:
    """What one message may hold: MIME parts in all, nesting depth, and bytes in one decoded part."""

    max_parts: int = 250
    max_depth: int = 16
    max_part_bytes: int = 25 * 1024 * 1024


@dataclass
class Attachment:
    """A leaf part handed to the inner parsers; ``content`` is None when over the size limit."""

    index: int  # the part's place in the message, counting every part from 1
    filename: str | None
    content_type: str
    content: bytes | None
    size: int

    @property
    def label(self) -> str:
        if self.filename:
            return f"attachment {self.filename!r}"
        return f"attachment {self.index} ({self.content_type})"


@dataclass
class Body:
    """A message text: plain, HTML, or both when they are alternatives of each other."""

    plain: str | None = None
    html: str | None = None


@dataclass
class Mail:
    """One message, the received one or a forwarded one inside it."""

    sender_headers: dict[str, str]  # from, reply-to, sender: decoded header text, "" when absent
    subject: str
    depth: int
    bodies: list[Body] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list[Mail] = field(default_factory=list)


def _guarded(call: Callable[[], T], default: T) -> T:
    """A call into the ``email`` package, whose parsers raise many kinds of errors on bad input."""
    try:
        return call()
    except Exception:  # the stdlib email package has no exception tree of its own for bad input
        return default


def decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded ("=?utf-8?q?M=C3=BCller?=" -> "Müller"), else the text."""
    if "=?" not in text:
        return text
    return _guarded(lambda: str(make_header(decode_header(text))), text)


def clean_filename(name: str | None) -> str | None:
    """A file name safe to show and log: encoded words decoded, no directory part, no control or
    format characters, spaces collapsed, no leading dots, at most ``MAX_FILENAME`` characters
    (keeping the extension)."""
    if not name:
        return None
    name = decode_words(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = " ".join(name.split()).lstrip(". ").rstrip(" ")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        keep = dot and 0 < len(ext) <= 10
        name = stem[: MAX_FILENAME - len(ext) - 1] + "." + ext if keep else name[:MAX_FILENAME]
    return name or None


def _suffix(filename: str | None) -> str:
    return PurePosixPath(filename).suffix.lower() if filename else ""


def effective_type(declared: str, filename: str | None) -> str:
    """The declared content type, or the one the file name tells when the declared is generic."""
    if declared in _GENERIC_TYPES or not declared:
        return _BY_EXTENSION.get(_suffix(filename), declared or "application/octet-stream")
    return declared


def _skipped(content_type: str, filename: str | None) -> bool:
    """Parts that never hold an order: pictures, sound, video, fonts, signatures, calendar entries."""
    if _suffix(filename) in _BY_EXTENSION:
        return False
    return content_type.startswith(_NEVER_ORDERS) or content_type in _SKIPPED_TYPES


def read_message(content: bytes) -> Message:
    """The parsed message; ``email_unreadable`` when the bytes have no header block or cannot be
    parsed as MIME at all."""
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not _HEADER_START.match(head[:1024]):
        raise DocumentError("email_unreadable", "the message does not start with a header block", "headers")
    try:
        message = BytesParser(policy=policy.default).parsebytes(head)
    except RecursionError as exc:
        raise DocumentError(
            "too_large", "the message nests MIME parts too deeply to be read (limit max_depth)"
        ) from exc
    except Exception as exc:  # a stdlib parser bug on malformed input
        raise DocumentError(
            "email_unreadable", f"the message cannot be parsed as MIME: {type(exc).__name__}"
        ) from exc
    if not _guarded(lambda: len(message.keys()) > 0, False):
        raise DocumentError("email_unreadable", "the message has no header fields", "headers")
    return message


def header_text(message: Message, name: str) -> str:
    """A header's decoded text ("" when absent); the raw value when the header cannot be parsed."""
    value = _guarded(lambda: message.get(name), None)
    if value is not None:
        return " ".join(_guarded(lambda: str(value), "").split())
    try:
        items = list(message.raw_items())
    except Exception:  # see _guarded
        return ""
    for key, raw in items:
        if str(key).lower() == name.lower():
            return " ".join(decode_words(str(raw)).split())
    return ""


def _payload(part: Message, *, decode: bool) -> object:
    try:
        return part.get_payload(decode=True) if decode else part.get_payload()
    except Exception:  # see _guarded
        return None


def _decoded(part: Message) -> bytes:
    payload = _payload(part, decode=True)
    return payload if isinstance(payload, bytes) else b""


def part_text(part: Message, content: bytes) -> str:
    """A text part's characters in its declared charset (UTF-8, then Windows-1252, when unknown)."""
    charset = _guarded(lambda: part.get_content_charset(), None) or "utf-8"
    if charset.lower().replace("_", "-") in _NOT_CHARSETS:
        charset = "utf-8"
    try:
        return content.decode(charset)
    except (LookupError, ValueError):  # an unknown charset, a name with a NUL, undecodable bytes
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            return content.decode("cp1252", errors="replace")


def _encoded_size(part: Message) -> int:
    """The size a part will have once decoded, estimated before decoding it."""
    raw = _payload(part, decode=False)
    size = len(raw) if isinstance(raw, str | bytes) else 0
    encoding = str(_guarded(lambda: part.get("Content-Transfer-Encoding", ""), "")).strip().lower()
    return size * 3 // 4 if encoding == "base64" else size


class Walker:
    """Walks one message, counting parts and depth against the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts = 0

    def mail(self, message: Message, depth: int = 0) -> Mail:
        mail = Mail(
            sender_headers={name: header_text(message, name) for name in ("from", "reply-to", "sender")},
            subject=header_text(message, "subject"),
            depth=depth,
        )
        self._walk(message, mail, depth, None)
        return mail

    def _count(self, depth: int) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            raise DocumentError(
                "too_large",
                f"the message has more than {self.limits.max_parts} MIME parts (limit max_parts)",
                location=f"part {self.parts}",
            )
        if depth > self.limits.max_depth:
            raise DocumentError(
                "too_large",
                f"the message nests MIME parts deeper than {self.limits.max_depth} levels (limit max_depth)",
                location=f"part {self.parts}",
            )

    def _walk(self, part: Message, mail: Mail, depth: int, alternative: Body | None) -> None:
        self._count(depth)
        content_type = _guarded(lambda: part.get_content_type(), "application/octet-stream").lower()
        if content_type in _NESTED_TYPES and _guarded(lambda: part.is_multipart(), False):
            for inner in _children(part)[:1]:
                mail.forwarded.append(self.mail(inner, depth + 1))
            return
        if _guarded(lambda: part.is_multipart(), False):
            body = Body() if content_type == "multipart/alternative" else alternative
            for child in _children(part):
                self._walk(child, mail, depth + 1, body)
            if body is not None and body is not alternative and (body.plain or body.html):
                mail.bodies.append(body)
            return
        self._leaf(part, mail, depth, content_type, alternative)

    def _leaf(self, part: Message, mail: Mail, depth: int, content_type: str, alt: Body | None) -> None:
        filename = clean_filename(_guarded(lambda: part.get_filename(), None))
        disposition = _guarded(lambda: part.get_content_disposition(), None)
        kind = effective_type(content_type, filename)
        if _skipped(kind, filename):
            return
        size = _encoded_size(part)
        content = _decoded(part) if size <= self.limits.max_part_bytes else None
        if content is not None and len(content) > self.limits.max_part_bytes:
            size, content = len(content), None
        is_text = content_type in ("text/plain", "text/html")
        if is_text and disposition != "attachment" and filename is None and content is not None:
            self._add_text(mail, alt, content_type, part_text(part, content))
            return
        if content is not None and (kind in _NESTED_TYPES or _suffix(filename) == ".eml"):
            try:
                nested = read_message(content)
            except DocumentError:
                pass  # not a message after all: handed to the inner parsers below
            else:
                mail.forwarded.append(self.mail(nested, depth + 1))
                return
        mail.attachments.append(Attachment(self.parts, filename, kind, content, size))

    @staticmethod
    def _add_text(mail: Mail, alternative: Body | None, content_type: str, text: str) -> None:
        if alternative is None:
            mail.bodies.append(Body(plain=text) if content_type == "text/plain" else Body(html=text))
        elif content_type == "text/plain" and alternative.plain is None:
            alternative.plain = text
        elif content_type == "text/html" and alternative.html is None:
            alternative.html = text
        # a second plain or HTML version inside one alternative is the same text again: skipped


def _children(part: Message) -> list[Message]:
    payload = _payload(part, decode=False)
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def read_mail(content: bytes, limits: Limits) -> Mail:
    """The message tree of ``content``; raises ``email_unreadable`` or ``too_large``."""
    message = read_message(content)
    try:
        return Walker(limits).mail(message)
    except RecursionError as exc:
        raise DocumentError("too_large", "the message nests too deeply to be read (limit max_depth)") from exc
