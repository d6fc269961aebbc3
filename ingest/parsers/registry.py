"""The parser registry: every format plugin scores a document and the highest scorer reads it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ingest.errors import DocumentError
from ingest.parsers.base import ParseContext, ParseOutcome, Parser

if TYPE_CHECKING:
    from ingest.parsers.pdf.templates import Template

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class ParserRegistry:
    """Holds the parsers; adding a format is ``register(parser)``, never an edit of the pipeline."""

    def __init__(self, parsers: Iterable[Parser] = (), *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._parsers: list[Parser] = list(parsers)
        self.max_bytes = max_bytes

    def register(self, parser: Parser) -> None:
        self._parsers.append(parser)

    @property
    def parsers(self) -> tuple[Parser, ...]:
        return tuple(self._parsers)

    def detect(self, content: bytes, filename: str | None = None) -> Parser | None:
        """The parser with the highest positive score, or None. Ties go to the first registered."""
        best: Parser | None = None
        best_score = 0.0
        for parser in self._parsers:
            score = parser.score(content, filename)
            if score > best_score:
                best, best_score = parser, score
        return best

    def parse(self, content: bytes, context: ParseContext | None = None) -> ParseOutcome:
        """Read a document. Never raises for bad input: the error is in the outcome."""
        context = context or ParseContext()
        if not content.strip():
            return ParseOutcome(None, error=DocumentError("empty", "the document is empty"))
        if len(content) > self.max_bytes:
            return ParseOutcome(
                None,
                error=DocumentError(
                    "too_large",
                    f"the document has {len(content):,} bytes; the limit is {self.max_bytes:,}",
                ),
            )
        parser = self.detect(content, context.filename)
        if parser is None:
            return ParseOutcome(
                None,
                error=DocumentError(
                    "unrecognized",
                    "no parser recognizes this content"
                    + (f" ({context.filename})" if context.filename else "")
                    + "; supported: "
                    + ", ".join(sorted({p.format for p in self._parsers})),
                ),
            )
        try:
            result = parser.parse(content, context)
        except DocumentError as exc:
            return ParseOutcome(parser.format, error=exc)
        if isinstance(result, ParseOutcome):
            return result
        return ParseOutcome(parser.format, orders=result)


def default_registry(
    *, max_bytes: int = DEFAULT_MAX_BYTES, templates: Sequence[Template] = ()
) -> ParserRegistry:
    """The registry with every parser the service ships. ``templates`` are customer PDF templates,
    tried before the generic PDF reader."""
    from ingest.parsers.edifact.parser import EdifactParser
    from ingest.parsers.email import EmailParser
    from ingest.parsers.order_xml import OrderXmlParser
    from ingest.parsers.pdf.layout import read_order
    from ingest.parsers.pdf.ocr import ocr_pages
    from ingest.parsers.pdf.orderx import embedded_orders
    from ingest.parsers.pdf.parser import PdfParser
    from ingest.parsers.pdf.templates import template_reader
    from ingest.parsers.sheets import CsvOrderParser
    from ingest.parsers.text_orders import TextOrderParser
    from ingest.parsers.x12.parser import X12Parser
    from ingest.parsers.xlsx import XlsxOrderParser

    pdf = PdfParser(
        ocr=ocr_pages,
        embedded_orders=embedded_orders,
        templates=template_reader(templates, read_order) if templates else None,
    )
    # What an email's attachments and bodies are read with; attached messages are the email
    # parser's own business.
    inner = ParserRegistry(
        [
            X12Parser(),
            EdifactParser(),
            CsvOrderParser(),
            XlsxOrderParser(),
            pdf,
            OrderXmlParser(),
            TextOrderParser(),
        ],
        max_bytes=max_bytes,
    )
    return ParserRegistry([*inner.parsers, EmailParser(inner=inner)], max_bytes=max_bytes)
