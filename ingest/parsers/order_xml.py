"""Order-X / Cross Industry Order XML sent on its own (an attachment or a file), not inside a PDF."""

from __future__ import annotations

import re

from ingest.domain.order import Order
from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext
from ingest.parsers.pdf.orderx import ORDER_ROOTS, read_order_x

_ROOT = re.compile(rb"<(?:[\w.-]+:)?(" + b"|".join(r.encode() for r in sorted(ORDER_ROOTS)) + rb")[\s>]")


class OrderXmlParser:
    format = "xml"

    def score(self, content: bytes, filename: str | None) -> float:
        head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<"):
            return 0.0
        return 0.95 if _ROOT.search(head) else 0.0

    def parse(self, content: bytes, context: ParseContext) -> list[Order]:
        try:
            orders = read_order_x(content)
        except DocumentError as exc:
            if exc.kind != "pdf_unreadable":
                raise
            message = exc.message.replace("the embedded order XML", "the order XML").replace("embedded ", "")
            raise DocumentError("xml_unreadable", message, exc.location) from exc
        return [o.model_copy(update={"sender": o.sender or context.sender}) for o in orders]
