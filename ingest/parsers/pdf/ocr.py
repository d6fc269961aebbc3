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
from PIL import Image, ImageChops, ImageFilter

from ingest.errors import DocumentError
from ingest.parsers.pdf.model import Page, Word
from ingest.parsers.pdf.ocr_cleanup import clean_page_words

PSM = 4
DPI = 300
THRESHOLD = 170  # grey level (0..255) above which a pixel is paper
MAX_SKEW = 2.0  # degrees either way that a page is straightened by
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


def _ink_table(threshold: int) -> list[int]:
    return [255 if v < threshold else 0 for v in range(256)]


def _row_spread(ink: Image.Image, angle: float) -> float:
    """How much the ink's row sums vary with the image turned by ``angle``: text lines and rules
    lined up with the rows give sharp peaks and empty gaps, the most variance."""
    turned = ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
    rows = list(turned.resize((1, turned.height), Image.Resampling.BOX).convert("L").tobytes())
    mean = sum(rows) / len(rows)
    return float(sum((v - mean) ** 2 for v in rows))


def skew_angle(image: Image.Image, limit: float = MAX_SKEW) -> float:
    """The angle (degrees, counter-clockwise) that straightens a page scanned slightly askew,
    found by maximizing the row projection variance over +-``limit`` degrees (0.25 then 0.05 steps)
    on a copy of about 75 pixels per inch."""
    factor = max(1, image.width // 640)
    small = image.reduce(factor) if factor > 1 else image
    ink = small.point(_ink_table(THRESHOLD))
    best, best_spread = 0.0, _row_spread(ink, 0.0)
    coarse = [step * 0.25 for step in range(-int(limit * 4), int(limit * 4) + 1)]
    for angle in coarse:
        spread = _row_spread(ink, angle)
        if spread > best_spread:
            best, best_spread = angle, spread
    for angle in [best + step * 0.05 for step in (-4, -3, -2, -1, 1, 2, 3, 4)]:
        spread = _row_spread(ink, angle)
        if spread > best_spread:
            best, best_spread = angle, spread
    return round(best, 2)


def _shift(image: Image.Image, dx: int) -> Image.Image:
    """``image`` moved ``dx`` pixels right (left when negative), blank where nothing comes in."""
    moved = Image.new("L", image.size, 0)
    moved.paste(image.crop((max(0, -dx), 0, image.width - max(0, dx), image.height)), (max(0, dx), 0))
    return moved


def _reach(blocks: Image.Image) -> Image.Image:
    """Runs of at least two blocks, reaching two blocks further each way: the ends of a long
    horizontal ruling (only partly inside a block) are masked too, a short dark run in text is not."""
    core = ImageChops.darker(blocks, _shift(blocks, 1))
    core = ImageChops.lighter(core, _shift(core, -1))
    out = core
    for dx in (-2, -1, 1, 2):
        out = ImageChops.lighter(out, _shift(core, dx))
    return out


def _long_strokes(ink: Image.Image, run: int, *, vertical: bool) -> Image.Image:
    """A mask of ink strokes at least ``run`` pixels long in one direction (table rulings): the
    ink averaged over blocks of ``run`` pixels, four times with the blocks shifted by a quarter."""
    width, height = ink.size
    mask = Image.new("L", ink.size, 0)
    keep = [255 if v > 200 else 0 for v in range(256)]
    for shift in (0, run // 4, run // 2, 3 * run // 4):
        if vertical:
            part = ink.crop((0, shift, width, height))
            small = part.resize((width, max(1, part.height // run)), Image.Resampling.BOX).point(keep)
            big = small.resize((width, small.height * run), Image.Resampling.NEAREST)
            offset = (0, shift)
        else:
            part = ink.crop((shift, 0, width, height))
            small = part.resize((max(1, part.width // run), height), Image.Resampling.BOX).point(keep)
            small = _reach(small)
            big = small.resize((small.width * run, height), Image.Resampling.NEAREST)
            offset = (shift, 0)
        layer = Image.new("L", ink.size, 0)
        layer.paste(big, offset)
        mask = ImageChops.lighter(mask, layer)
    return mask


def prepare(image: Image.Image, dpi: int) -> Image.Image:
    """A rendered page made easy for tesseract: straightened, specks taken out (median filter),
    black on white (threshold), and table rulings erased (they read as "|", "[" and "_")."""
    image = image.convert("L")
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.MedianFilter(3))
    paper = image.point([0 if v < THRESHOLD else 255 for v in range(256)])
    ink = ImageChops.invert(paper)
    run = max(20, dpi // 3)  # a third of an inch: longer than any glyph's stroke
    rules = ImageChops.lighter(
        _long_strokes(ink, run, vertical=True), _long_strokes(ink, run, vertical=False)
    )
    return ImageChops.lighter(paper, rules.filter(ImageFilter.MaxFilter(3)))


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
                image = prepare(image, dpi)
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
                    words=clean_page_words(_words(data, number, scale)),
                    ocr=True,
                )
            )
    finally:
        pdf.close()
    return pages
