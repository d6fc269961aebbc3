"""Read a PDF's text layer into the page model (:mod:`ingest.parsers.pdf.model`).

pypdfium2 opens the document: it is fast, tells corrupt and password-protected files apart, lists
the embedded files (Order-X / ZUGFeRD XML), says which pages have no text layer at all (those are
left empty for OCR) and reads the words and drawn rules of the others in a few milliseconds a page
(:mod:`ingest.parsers.pdf.pdfium_words`, grouped as pdfplumber's ``extract_words`` does). Only a
page pdfium cannot read that way (rotated text, rotated page) is read by pdfplumber, which is 5-20
times slower. Every library exception is translated here into
:class:`~ingest.errors.DocumentError` ``pdf_unreadable`` (or ``too_large``).
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pypdfium2
import pypdfium2.raw as pdfium_c

from ingest.errors import DocumentError
from ingest.parsers.pdf import pdfium_words
from ingest.parsers.pdf.model import Page, PdfDocument, Rule, Word

DEFAULT_MAX_PAGES = 200
_X_TOLERANCE = 1.5  # points between letters that still join into one word
_Y_TOLERANCE = 3.0
_MIN_RULE = 4.0  # shorter strokes are glyph parts or bullets, not table rulings


def _open_pdfium(content: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError as exc:
        text = str(exc)
        if "password" in text.lower():
            raise DocumentError("pdf_unreadable", "the PDF is encrypted with a password") from exc
        raise DocumentError("pdf_unreadable", f"the PDF is corrupt or truncated ({text})") from exc
    except Exception as exc:  # pragma: no cover - pdfium raises PdfiumError for bad input
        raise DocumentError("pdf_unreadable", f"the PDF cannot be opened ({exc})") from exc


def _attachments(pdf: pypdfium2.PdfDocument) -> dict[str, bytes]:
    """Embedded files (the /EmbeddedFiles name tree and file attachment annotations)."""
    found: dict[str, bytes] = {}
    try:
        count = pdf.count_attachments()
    except pypdfium2.PdfiumError:  # pragma: no cover - defensive
        return found
    for index in range(count):
        try:
            attachment = pdf.get_attachment(index)
            name = attachment.get_name() or f"attachment-{index + 1}"
            found.setdefault(name, bytes(attachment.get_data()))
        except (pypdfium2.PdfiumError, ValueError, OSError):
            continue  # one unreadable attachment does not spoil the document
    return found


def _page_error(index: int, exc: Exception) -> DocumentError:
    return DocumentError(
        "pdf_unreadable", f"page {index + 1} cannot be read ({exc})", location=f"page {index + 1}"
    )


def _read_pdfium_page(pdf: pypdfium2.PdfDocument, index: int) -> Page | None:
    """One page read by pdfium: words and rules if it has text, only its size if not; ``None``
    when pdfplumber has to read it (rotated text or page, page size inherited with a crop box)."""
    number = index + 1
    try:
        page = pdf[index]
        try:
            size = pdfium_words.page_size(page)
            if size is None:
                return None
            width, height = size
            textpage = page.get_textpage()
            try:
                has_text = bool(textpage.get_text_range().strip())
            finally:
                textpage.close()
            if not has_text:
                return Page(number, width, height, [], [])
            text = pdfium_words.read_page(page, number, x_tolerance=_X_TOLERANCE, y_tolerance=_Y_TOLERANCE)
            if text is None:
                return None
            return Page(number, width, height, text.words, _rules_of(text.edges))
        finally:
            page.close()
    except pypdfium2.PdfiumError as exc:
        raise _page_error(index, exc) from exc


def _rules(page: Any) -> list[Rule]:
    """pdfplumber's edges as rules."""
    return _rules_of(
        [(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"])) for e in page.edges]
    )


def _rules_of(edges: list[tuple[float, float, float, float]]) -> list[Rule]:
    """Horizontal and vertical strokes (lines and rectangle edges) as rules."""
    rules: list[Rule] = []
    seen: set[tuple[int, int, int, int]] = set()
    for x0, top, x1, bottom in edges:
        horizontal = bottom - top < 1.5 and x1 - x0 >= _MIN_RULE
        vertical = x1 - x0 < 1.5 and bottom - top >= _MIN_RULE
        if not (horizontal or vertical):
            continue
        key = (round(x0), round(top), round(x1), round(bottom))
        if key not in seen:
            seen.add(key)
            rules.append(Rule(x0, top, x1, bottom))
    return rules


def _words(page: Any, number: int) -> list[Word]:
    words = page.extract_words(
        x_tolerance=_X_TOLERANCE, y_tolerance=_Y_TOLERANCE, keep_blank_chars=False, use_text_flow=False
    )
    result: list[Word] = []
    for w in words:
        text = str(w["text"]).strip()
        if text:
            result.append(
                Word(text, float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]), number)
            )
    return result


def read_pdf(content: bytes, *, max_pages: int = DEFAULT_MAX_PAGES) -> PdfDocument:
    """The pages (words, rules, sizes) and embedded files of a PDF given as bytes."""
    if not content.strip():
        raise DocumentError("empty", "the PDF file is empty")
    pdf = _open_pdfium(content)
    try:
        count = len(pdf)
        if count > max_pages:
            raise DocumentError("too_large", f"the PDF has {count} pages; at most {max_pages} are read")
        if count == 0:
            raise DocumentError("pdf_unreadable", "the PDF has no pages")
        encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1
        attachments = _attachments(pdf)
        read: list[Page | None] = [_read_pdfium_page(pdf, i) for i in range(count)]
    finally:
        pdf.close()
    missing = {i for i, page in enumerate(read) if page is None}
    if missing:
        plumbed = _read_pages(content, missing)
        read = [plumbed.get(i) if page is None else page for i, page in enumerate(read)]
    pages = [page for page in read if page is not None]
    return PdfDocument(pages=pages, attachments=attachments, encrypted=encrypted)


def _read_pages(content: bytes, indexes: set[int]) -> dict[int, Page]:
    """The pages pdfium could not read as pdfplumber would (by 0-based index), read by pdfplumber."""
    pages: dict[int, Page] = {}
    number = 0
    try:
        with pdfplumber.open(io.BytesIO(content)) as plumber:
            for index in sorted(indexes):
                if index >= len(plumber.pages):
                    break
                number = index + 1
                page = plumber.pages[index]
                words = _words(page, number)
                rules = _rules(page) if words or page.chars else []
                pages[index] = Page(number, float(page.width), float(page.height), words, rules)
    except DocumentError:  # pragma: no cover - nothing below raises it
        raise
    except Exception as exc:  # pdfminer raises many unrelated classes for broken files
        where = f"page {number}" if number else None
        raise DocumentError("pdf_unreadable", f"the PDF cannot be read ({exc})", location=where) from exc
    return pages
