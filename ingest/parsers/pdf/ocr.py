"""OCR for scanned PDF pages: pypdfium2 renders, tesseract (through pytesseract) reads words.

Tesseract runs with page segmentation mode 4 (one column of text of variable sizes), which read
both ruled and unruled order tables on this machine kind, and with ``OMP_THREAD_LIMIT=1`` (its
OpenMP threads make it 5-7x slower on 2 cores). Word boxes come back in pixels and are turned into
PDF points from the top-left of the page, like the text layer's words, with tesseract's own
confidence (0..1) on each word.

One page: :mod:`.ocr_image` straightens it and erases the rulings, tesseract reads the whole page,
:mod:`.ocr_words` fits the word boxes to their lines, :mod:`.ocr_reread` has the unsure words read
again alone in a second tesseract run over one sheet of crops, an unsure identifier with round
glyphs side by side ("POQ000021") is read once more glyph by glyph to drop a glyph read twice, and
:mod:`.ocr_cleanup` fixes the tokens by shape.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from ingest.errors import DocumentError
from ingest.parsers.pdf.model import Page, Word
from ingest.parsers.pdf.ocr_cleanup import clean_page_words
from ingest.parsers.pdf.ocr_image import prepare
from ingest.parsers.pdf.ocr_reread import PSM as REREAD_PSM
from ingest.parsers.pdf.ocr_reread import apply, plan, recount, recount_plan, sheet
from ingest.parsers.pdf.ocr_words import boxes, fit_to_lines, to_words

PSM = 4
WORD_PSM = 7  # a word read again alone, glyph by glyph: one text line
DPI = 300
MAX_PAGES = 50
NOT_INSTALLED = "this PDF is scanned and OCR is not installed: apt-get install tesseract-ocr"
_ENV_LOCK = threading.Lock()


def tesseract_available() -> bool:
    """True when the tesseract binary can be run."""
    command = pytesseract.pytesseract.tesseract_cmd
    if shutil.which(command) is None and not Path(command).is_file():
        return False
    try:
        pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError, ValueError):
        return False
    return True


@contextmanager
def _single_thread() -> Iterator[None]:
    """OMP_THREAD_LIMIT=1 in the environment the tesseract child process inherits."""
    with _ENV_LOCK:
        before = os.environ.get("OMP_THREAD_LIMIT")
        os.environ["OMP_THREAD_LIMIT"] = "1"
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("OMP_THREAD_LIMIT", None)
            else:
                os.environ["OMP_THREAD_LIMIT"] = before


def _read(image: Image.Image, number: int, lang: str, psm: int) -> dict[str, list[Any]]:
    """Tesseract's word table for ``image``; its failures as :class:`DocumentError`."""
    with _tesseract(number):
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            image, lang=lang, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
        )
    return data


@contextmanager
def _tesseract(number: int) -> Iterator[None]:
    """One tesseract run on page ``number``, single-threaded; its failures as DocumentError."""
    try:
        with _single_thread():
            yield
    except pytesseract.TesseractNotFoundError as exc:
        raise DocumentError("pdf_unreadable", NOT_INSTALLED, location=f"page {number}") from exc
    except (pytesseract.TesseractError, RuntimeError, OSError) as exc:
        raise DocumentError(
            "pdf_unreadable", f"OCR failed on page {number}: {exc}", location=f"page {number}"
        ) from exc


def read_page(
    image: Image.Image, number: int, scale: float, *, dpi: int = DPI, lang: str = "eng"
) -> list[Word]:
    """The words of one rendered page (``scale`` pixels per point): the whole page read once, the
    unsure words read again alone, then cleaned by shape."""
    prepared = prepare(image, dpi)
    found = fit_to_lines(boxes(_read(prepared.binary, number, lang, PSM)))
    crops = plan(found, prepared.grey.width, prepared.grey.height)
    if crops:
        sheet_image, rows = sheet(prepared.grey, crops)
        found = apply(found, crops, rows, _read(sheet_image, number, lang, REREAD_PSM))
    recounts = recount_plan(found, prepared.binary.width, prepared.binary.height)
    if recounts:
        glyphs = [
            _glyphs(prepared.binary.crop((c.left, c.top, c.right, c.bottom)), number, lang) for c in recounts
        ]
        found = recount(found, recounts, glyphs)
    return clean_page_words(to_words(found, number, scale))


def _glyphs(image: Image.Image, number: int, lang: str) -> list[tuple[str, int, int]]:
    """One word read alone (one text line), glyph by glyph: (glyph, left, right) in pixels."""
    with _tesseract(number):
        table: str = pytesseract.image_to_boxes(image, lang=lang, config=f"--psm {WORD_PSM}")
    out: list[tuple[str, int, int]] = []
    for row in table.splitlines():
        parts = row.split()
        if len(parts) >= 5 and parts[1].lstrip("-").isdigit() and parts[3].lstrip("-").isdigit():
            out.append((parts[0], int(parts[1]), int(parts[3])))
    return out


def ocr_pages(content: bytes, page_numbers: list[int], *, dpi: int = DPI, lang: str = "eng") -> list[Page]:
    """OCR the given 1-based pages of a PDF into :class:`Page` objects with ``ocr=True``."""
    if not tesseract_available():
        raise DocumentError("pdf_unreadable", NOT_INSTALLED, location="file")
    if len(page_numbers) > MAX_PAGES:
        raise DocumentError(
            "too_large",
            f"{len(page_numbers)} scanned pages to OCR; the limit is {MAX_PAGES}",
            location="file",
        )
    scale = dpi / 72
    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        raise DocumentError(
            "pdf_unreadable", f"the PDF cannot be opened for OCR: {exc}", location="file"
        ) from exc
    pages: list[Page] = []
    try:
        count = len(pdf)
        for number in page_numbers:
            if not 1 <= number <= count:
                raise DocumentError(
                    "pdf_unreadable",
                    f"page {number} does not exist (the PDF has {count})",
                    location=f"page {number}",
                )
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                image = page.render(scale=scale, grayscale=True).to_pil()
            except pdfium.PdfiumError as exc:
                raise DocumentError(
                    "pdf_unreadable", f"page {number} cannot be rendered: {exc}", location=f"page {number}"
                ) from exc
            finally:
                page.close()
            words = read_page(image, number, scale, dpi=dpi, lang=lang)
            pages.append(Page(number=number, width=float(width), height=float(height), words=words, ocr=True))
    finally:
        pdf.close()
    return pages
