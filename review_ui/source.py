"""The source of an order as the order screen shows it beside the normalized order: PDF pages as
images with the boxes values were read from, X12 as numbered segments, an email's headers and
text, or the text of anything else (``content.raw_view``)."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from review_ui.content import RawView, is_binary, raw_view

MAX_PAGES = 30
MAX_SEGMENTS = 5000
RENDER_SCALE = 1.5
_EMAIL_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")


@dataclass(frozen=True)
class Box:
    """A highlighted box on a page, in PDF points from the top left."""

    x: float
    y: float
    width: float
    height: float
    target: str  # "line-2", "field-po_number"


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class Segment:
    index: int
    text: str
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceView:
    kind: str  # pdf | x12 | email | text | binary
    raw: RawView | None = None
    pages: tuple[Page, ...] = ()
    segments: tuple[Segment, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    attachments: tuple[str, ...] = field(default=())


def _targets(order_json: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """Every provenance of the order with what it belongs to: a header field or a line."""
    if not order_json:
        return []
    found: list[tuple[str, dict[str, Any]]] = []
    for name, where in (order_json.get("provenance") or {}).items():
        if isinstance(where, dict):
            found.append((f"field-{name}", where))
    for position, line in enumerate(order_json.get("lines") or [], start=1):
        for where in (line.get("provenance") or {}).values():
            if isinstance(where, dict):
                found.append((f"line-{position}", where))
    return found


def page_count(content: bytes) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(content)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _pdf(content: bytes, order_json: dict[str, Any] | None) -> SourceView:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError:
        return SourceView(kind="binary", raw=raw_view(content))
    try:
        sizes = [pdf[i].get_size() for i in range(min(len(pdf), MAX_PAGES))]
    finally:
        pdf.close()
    boxes: dict[int, list[Box]] = {}
    for target, where in _targets(order_json):
        page, bbox = where.get("page"), where.get("bbox")
        if isinstance(page, int) and isinstance(bbox, list | tuple) and len(bbox) == 4:
            x0, top, x1, bottom = (float(v) for v in bbox)
            boxes.setdefault(page, []).append(Box(x0 - 1, top - 1, x1 - x0 + 2, bottom - top + 2, target))
    pages = tuple(
        Page(number=i + 1, width=w, height=h, boxes=tuple(boxes.get(i + 1, ())))
        for i, (w, h) in enumerate(sizes)
    )
    return SourceView(kind="pdf", pages=pages)


def render_page(content: bytes, number: int) -> bytes:
    """Page ``number`` (1-based) as a PNG."""
    import io

    import pypdfium2

    pdf = pypdfium2.PdfDocument(content)
    try:
        if not 1 <= number <= min(len(pdf), MAX_PAGES):
            raise IndexError(number)
        image = pdf[number - 1].render(scale=RENDER_SCALE).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        pdf.close()


def _x12(text: str, order_json: dict[str, Any] | None) -> SourceView | None:
    start = text.find("ISA")
    if start < 0 or len(text) < start + 106:
        return None
    terminator = text[start + 105]
    if terminator.isalnum():
        return None
    marks: dict[int, list[str]] = {}
    for target, where in _targets(order_json):
        if isinstance(where.get("segment"), int):
            marks.setdefault(where["segment"], []).append(target)
    pieces = [p.strip("\r\n") for p in text[start:].split(terminator)]
    segments = tuple(
        Segment(i, piece, tuple(marks.get(i, ()))) for i, piece in enumerate(p for p in pieces if p)
    )
    return SourceView(kind="x12", segments=segments[:MAX_SEGMENTS])


def _email(content: bytes) -> SourceView | None:
    head = content[:4096]
    if b"\nFrom:" not in b"\n" + head or (b"\nSubject:" not in head and b"\nDate:" not in head):
        return None
    message = email.message_from_bytes(content, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not message.get("From"):
        return None
    headers = tuple((name, str(message.get(name))) for name in _EMAIL_HEADERS if message.get(name))
    part = message.get_body(preferencelist=("plain", "html"))
    body = None
    if part is not None:
        try:
            body = part.get_content()
        except (LookupError, ValueError):
            body = None
    attachments = tuple(a.get_filename() or "(unnamed)" for a in message.iter_attachments())
    return SourceView(kind="email", headers=headers, body=body, attachments=attachments)


def source_view(content: bytes, order_json: dict[str, Any] | None = None) -> SourceView:
    if content.startswith(b"%PDF"):
        return _pdf(content, order_json)
    if not is_binary(content):
        mail = _email(content)
        if mail is not None:
            return mail
        view = raw_view(content)
        x12 = _x12(view.text or "", order_json)
        if x12 is not None:
            return x12
        return SourceView(kind="text", raw=view)
    return SourceView(kind="binary", raw=raw_view(content))
