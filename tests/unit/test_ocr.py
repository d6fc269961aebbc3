"""OCR of an image-only PDF: a text PDF is drawn with fpdf2, rendered to an image with pypdfium2,
placed alone on a page of a new PDF (no text layer), and read back with tesseract."""

from __future__ import annotations

import io
import os
import time

import pypdfium2 as pdfium
import pytesseract
import pytest
from fpdf import FPDF

from ingest.errors import DocumentError
from ingest.parsers.pdf.ocr import ocr_pages, tesseract_available

WORDS = [  # text, x (pt), y (pt, baseline-ish top of the cell)
    ("PURCHASE", 72.0, 72.0),
    ("ORDER", 200.0, 72.0),
    ("Widget", 72.0, 200.0),
    ("12", 300.0, 200.0),
    ("4711", 400.0, 300.0),
]
FONT_SIZE = 20


def _need_tesseract() -> None:
    if tesseract_available():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("tesseract is required in CI: apt-get install -y --no-install-recommends tesseract-ocr")
    pytest.skip("tesseract is not installed (apt-get install tesseract-ocr)")


def _text_pdf() -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=FONT_SIZE)
    for text, x, y in WORDS:
        pdf.set_xy(x, y)
        pdf.cell(text=text)
    return bytes(pdf.output())


def _image_only_pdf(source: bytes, dpi: int = 200) -> bytes:
    document = pdfium.PdfDocument(source)
    page = document[0]
    width, height = page.get_size()
    image = page.render(scale=dpi / 72).to_pil()
    page.close()
    document.close()
    png = io.BytesIO()
    image.save(png, format="PNG")
    out = FPDF(unit="pt", format=(width, height))
    out.add_page()
    out.image(io.BytesIO(png.getvalue()), x=0, y=0, w=width, h=height)
    return bytes(out.output())


def _text_boxes(source: bytes) -> dict[str, tuple[float, float, float, float]]:
    """The words' boxes in the original text PDF (points from the top-left), via pdfium."""
    document = pdfium.PdfDocument(source)
    page = document[0]
    height = page.get_height()
    textpage = page.get_textpage()
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for text, _, _ in WORDS:
        searcher = textpage.search(text, match_case=True, match_whole_word=True)
        found = searcher.get_next()
        assert found is not None, text
        chars = [textpage.get_charbox(i, loose=False) for i in range(found[0], found[0] + found[1])]
        left, right = min(c[0] for c in chars), max(c[2] for c in chars)
        bottom, top = min(c[1] for c in chars), max(c[3] for c in chars)
        boxes[text] = (left, height - top, right, height - bottom)
        searcher.close()
    textpage.close()
    page.close()
    document.close()
    return boxes


def test_image_only_pdf_has_no_text_layer() -> None:
    scanned = _image_only_pdf(_text_pdf())
    document = pdfium.PdfDocument(scanned)
    textpage = document[0].get_textpage()
    assert textpage.get_text_range().strip() == ""
    document.close()


def test_ocr_reads_words_at_their_positions_in_points() -> None:
    _need_tesseract()
    source = _text_pdf()
    scanned = _image_only_pdf(source)
    expected = _text_boxes(source)
    started = time.perf_counter()
    (page,) = ocr_pages(scanned, [1], dpi=200)
    elapsed = time.perf_counter() - started
    print(f"OCR: {elapsed * 1000:.0f} ms for one page at 200 dpi")
    assert page.ocr is True and page.number == 1
    assert page.width == pytest.approx(612, abs=0.5) and page.height == pytest.approx(792, abs=0.5)
    by_text = {w.text: w for w in page.words}
    for text, (x0, top, x1, bottom) in expected.items():
        assert text in by_text, f"{text!r} not read; got {sorted(by_text)}"
        word = by_text[text]
        assert word.page == 1
        assert 0.5 < word.confidence <= 1.0
        # within 3 points (about 8 pixels at 200 dpi) of the glyph boxes in the text PDF
        assert word.x0 == pytest.approx(x0, abs=3)
        assert word.x1 == pytest.approx(x1, abs=3)
        assert word.top == pytest.approx(top, abs=3)
        assert word.bottom == pytest.approx(bottom, abs=3)
    assert [line.text for line in page.lines()][:1] == ["PURCHASE ORDER"]


def test_missing_tesseract_is_a_clear_pdf_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    assert tesseract_available() is False
    with pytest.raises(DocumentError) as err:
        ocr_pages(_image_only_pdf(_text_pdf()), [1])
    assert err.value.kind == "pdf_unreadable"
    assert "apt-get install tesseract-ocr" in err.value.message


def test_corrupt_pdf_and_missing_page_are_pdf_unreadable() -> None:
    _need_tesseract()
    with pytest.raises(DocumentError) as corrupt:
        ocr_pages(b"%PDF-1.7 this is not a pdf", [1])
    assert corrupt.value.kind == "pdf_unreadable"
    with pytest.raises(DocumentError) as missing:
        ocr_pages(_image_only_pdf(_text_pdf()), [2])
    assert missing.value.kind == "pdf_unreadable" and "page 2" in missing.value.message
