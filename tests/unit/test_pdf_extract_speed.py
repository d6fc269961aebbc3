"""The fast text layer reader (pdfium, :mod:`ingest.parsers.pdf.pdfium_words`) gives the words and
rules pdfplumber gives, on every family PDF (fixtures/pdf/families) and every corpus PDF: the same
text on every line, word boxes within a point, the same rules; pages it cannot read the same way
(rotated) still come out as pdfplumber reads them."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from ingest.parsers.pdf import extract, pdfium_words
from ingest.parsers.pdf.extract import read_pdf
from ingest.parsers.pdf.model import Page, Rule, Word

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
PDFS = sorted((ROOT / "fixtures" / "pdf" / "families").rglob("*.pdf")) + sorted(CORPUS.glob("*.pdf"))
TOLERANCE = 1.0  # points
# pdfminer knows no width for these glyphs in fpdf2's core fonts (the box ends where it starts);
# pdfium measures them, so the right edge of a word ending in one differs by the glyph's width
NO_WIDTH_IN_PDFMINER = "€"


def _plumber(content: bytes) -> list[tuple[list[Word], list[Rule], float, float]]:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [
            (extract._words(page, n), extract._rules(page), float(page.width), float(page.height))
            for n, page in enumerate(pdf.pages, 1)
        ]


def _pdfium(content: bytes) -> list[tuple[list[Word], list[Rule], float, float] | None]:
    document = pypdfium2.PdfDocument(content)
    out: list[tuple[list[Word], list[Rule], float, float] | None] = []
    try:
        for index in range(len(document)):
            page = document[index]
            size = pdfium_words.page_size(page)
            text = pdfium_words.read_page(page, index + 1, x_tolerance=1.5, y_tolerance=3.0)
            page.close()
            if size is None or text is None:
                out.append(None)
            else:
                out.append((text.words, extract._rules_of(text.edges), *size))
    finally:
        document.close()
    return out


def _rule_keys(rules: list[Rule]) -> set[tuple[int, int, int, int]]:
    return {(round(r.x0), round(r.top), round(r.x1), round(r.bottom)) for r in rules}


def assert_same_words(expected: list[Word], actual: list[Word], where: str) -> None:
    want = Page(1, 0, 0, expected).lines()
    got = Page(1, 0, 0, actual).lines()
    assert [line.text for line in got] == [line.text for line in want], where
    for want_line, got_line in zip(want, got, strict=True):
        for a, b in zip(want_line.words, got_line.words, strict=True):
            assert a.text == b.text, where
            assert abs(a.x0 - b.x0) <= TOLERANCE, (where, a, b)
            assert abs(a.top - b.top) <= TOLERANCE, (where, a, b)
            assert abs(a.bottom - b.bottom) <= TOLERANCE, (where, a, b)
            if not a.text.endswith(tuple(NO_WIDTH_IN_PDFMINER)):
                assert abs(a.x1 - b.x1) <= TOLERANCE, (where, a, b)


def test_there_are_pdfs_to_compare() -> None:
    assert len(PDFS) >= 30


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pdfium_words_and_rules_match_pdfplumber(path: Path) -> None:
    content = path.read_bytes()
    plumber = _plumber(content)
    fast = _pdfium(content)
    assert len(fast) == len(plumber)
    for number, (want, got) in enumerate(zip(plumber, fast, strict=True), 1):
        where = f"{path.name} page {number}"
        assert got is not None, f"{where} fell back to pdfplumber"
        words, rules, width, height = want
        assert got[2:] == pytest.approx((width, height), abs=0.01), where
        assert_same_words(words, got[0], where)
        # a slightly slanted line can round to another key on one side: allow one in a hundred
        differ = _rule_keys(rules) ^ _rule_keys(got[1])
        assert len(differ) <= max(1, len(rules) // 50), (where, sorted(differ)[:10])


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_read_pdf_pages_match_pdfplumber(path: Path) -> None:
    content = path.read_bytes()
    document = read_pdf(content)
    plumber = _plumber(content)
    assert len(document.pages) == len(plumber)
    for page, (words, _rules, width, height) in zip(document.pages, plumber, strict=True):
        assert (page.width, page.height) == pytest.approx((width, height), abs=0.01)
        if page.words:  # pages without a text layer are left empty for OCR, as before
            assert_same_words(words, page.words, f"{path.name} page {page.number}")
        assert all(w.page == page.number for w in page.words)


def _drawn(rotate_text: bool = False) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.text(50, 100, "Purchase Order PO-4711")
    pdf.text(50, 120, "Qty 12 Widget 3.50")
    pdf.line(50, 130, 400, 130)
    if rotate_text:
        with pdf.rotation(90, 300, 300):
            pdf.text(300, 300, "DRAFT copy")
    return bytes(pdf.output())


def _rotated_page(content: bytes) -> bytes:
    document = pypdfium2.PdfDocument(content)
    document[0].set_rotation(90)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


@pytest.mark.parametrize("content", [_drawn(rotate_text=True), _rotated_page(_drawn())], ids=["text", "page"])
def test_rotated_pages_fall_back_to_pdfplumber(content: bytes) -> None:
    assert _pdfium(content) == [None]
    page = read_pdf(content).pages[0]
    words, rules, width, height = _plumber(content)[0]
    assert page.words == words
    assert page.rules == rules
    assert (page.width, page.height) == (width, height)


def test_pdfium_reads_a_page_much_faster_than_pdfplumber() -> None:
    content = next(p for p in PDFS if p.name == "multipage_continued_1.pdf").read_bytes()
    start = time.perf_counter()
    for _ in range(3):
        _plumber(content)
    slow = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(3):
        read_pdf(content)
    fast = time.perf_counter() - start
    assert fast < slow / 2
