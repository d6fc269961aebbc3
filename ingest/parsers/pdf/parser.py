"""The PDF format plugin: text layer (or OCR for pages without one), then embedded Order-X /
ZUGFeRD orders, customer templates, and the generic layout reader, in that order."""

from __future__ import annotations

from collections.abc import Callable

from ingest.domain.order import Order
from ingest.parsers.base import ParseContext
from ingest.parsers.pdf.extract import DEFAULT_MAX_PAGES, read_pdf
from ingest.parsers.pdf.layout import read_order
from ingest.parsers.pdf.model import Page, PdfDocument

OcrFunction = Callable[[bytes, list[int]], list[Page]]
TemplateFunction = Callable[[PdfDocument, ParseContext], list[Order] | None]
EmbeddedFunction = Callable[[PdfDocument], list[Order] | None]


class PdfParser:
    """Reads PDF purchase orders.

    ``ocr(content, page_numbers)`` reads the pages that have no text layer (1-based numbers) and
    returns them as pages with words; ``embedded_orders(doc)`` reads an order from the files
    embedded in the PDF (Order-X / ZUGFeRD XML) and is asked first; ``templates(doc, context)``
    applies a customer's layout template; when both give None the generic layout reader runs.
    """

    format = "pdf"

    def __init__(
        self,
        ocr: OcrFunction | None = None,
        templates: TemplateFunction | None = None,
        embedded_orders: EmbeddedFunction | None = None,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self.ocr = ocr
        self.templates = templates
        self.embedded_orders = embedded_orders
        self.max_pages = max_pages

    def score(self, content: bytes, filename: str | None) -> float:
        return 1.0 if b"%PDF" in content[:1024] else 0.0

    def read(self, content: bytes) -> PdfDocument:
        """The page model, with OCR'd pages in place of pages that have no text layer."""
        doc = read_pdf(content, max_pages=self.max_pages)
        blank = [page.number for page in doc.pages if not page.words]
        if self.ocr is not None and blank:
            read = {page.number: page for page in self.ocr(content, blank)}
            doc.pages = [read.get(page.number, page) for page in doc.pages]
        return doc

    def parse(self, content: bytes, context: ParseContext) -> list[Order]:
        doc = self.read(content)
        orders: list[Order] | None = None
        if self.embedded_orders is not None:
            orders = self.embedded_orders(doc)
        if not orders and self.templates is not None:
            orders = self.templates(doc, context)
        if not orders:
            orders = read_order(doc)
        for order in orders:
            order.sender = context.sender
        return orders


__all__ = ["EmbeddedFunction", "OcrFunction", "PdfParser", "TemplateFunction"]
