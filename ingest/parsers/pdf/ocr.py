"""OCR for scanned PDF pages: pypdfium2 renders, tesseract (through pytesseract) reads words.

Tesseract runs with page segmentation mode 4 (one column of text of variable sizes), which read
both ruled and unruled order tables on this machine kind, and with ``OMP_THREAD_LIMIT=1`` (its
OpenMP threads make it 5-7x slower on 2 cores). Word boxes come back in pixels and are turned into
PDF points from the top-left of the page, like the text layer's words, with tesseract's own
confidence (0..1) on each word.
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

from ingest.errors import DocumentError
from ingest.parsers.pdf.model import Page, Word

PSM = 4
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


def _words(data: dict[str, list[Any]], number: int, scale: float) -> list[Word]:
    words: list[Word] = []
    for i, raw in enumerate(data.get("text", [])):
        text = str(raw).strip()
        if not text:
            continue
        try:
            conf = float(data["conf"][i])
            left, top = float(data["left"][i]), float(data["top"][i])
            width, height = float(data["width"][i]), float(data["height"][i])
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        if conf < 0:  # a block/line row, not a word
            continue
        words.append(
            Word(
                text=text,
                x0=round(left / scale, 2),
                top=round(top / scale, 2),
                x1=round((left + width) / scale, 2),
                bottom=round((top + height) / scale, 2),
                page=number,
                confidence=round(min(conf, 100.0) / 100.0, 4),
            )
        )
    return words


def ocr_pages(content: bytes, page_numbers: list[int], *, dpi: int = 200, lang: str = "eng") -> list[Page]:
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
            try:
                with _single_thread():
                    data = pytesseract.image_to_data(
                        image, lang=lang, config=f"--psm {PSM}", output_type=pytesseract.Output.DICT
                    )
            except pytesseract.TesseractNotFoundError as exc:
                raise DocumentError("pdf_unreadable", NOT_INSTALLED, location=f"page {number}") from exc
            except (pytesseract.TesseractError, RuntimeError, OSError) as exc:
                raise DocumentError(
                    "pdf_unreadable", f"OCR failed on page {number}: {exc}", location=f"page {number}"
                ) from exc
            pages.append(
                Page(
                    number=number,
                    width=float(width),
                    height=float(height),
                    words=_words(data, number, scale),
                    ocr=True,
                )
            )
    finally:
        pdf.close()
    return pages
