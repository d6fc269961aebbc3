"""Words and drawn rules of a PDF page read straight from pdfium (pypdfium2), the fast path of
:mod:`ingest.parsers.pdf.extract`.

The words are grouped the way pdfplumber's ``extract_words`` groups pdfminer's characters (so the
layout reader sees the same words either way): characters are clustered into lines by their top
(chained within ``y_tolerance``), sorted left to right, and a word ends at a blank, at a gap wider
than ``x_tolerance``, when the next character starts left of the previous one, or when its top
differs by more than ``y_tolerance``. Character boxes are pdfium's "loose" boxes: from the origin
to the advance width across, and one font size high around the baseline, like pdfminer's.
Coordinates are PDF points from the top-left of the (unrotated) page, as in pdfplumber.

Rules come from the page's path objects: every segment between consecutive end points of a
subpath (plus the closing segment), the edges pdfplumber derives from lines, rectangles and curves.

A page pdfium cannot read this way (rotated page, rotated or vertical characters) gives ``None``
and the caller falls back to pdfplumber.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium_c

from ingest.parsers.pdf.model import Word

Matrix = tuple[float, float, float, float, float, float]
Edge = tuple[float, float, float, float]  # x0, top, x1, bottom

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_SKEW = 1e-3  # a character matrix with a larger b or c is not upright


@dataclass(frozen=True)
class PageText:
    """What pdfium read from one page: its words and edges, in points from the top-left."""

    words: list[Word]
    edges: list[Edge]


def _chars(
    textpage: pypdfium2.PdfTextPage, height: float
) -> list[tuple[str, float, float, float, float]] | None:
    """(text, x0, top, x1, bottom) of every character pdfium did not generate itself, in text order;
    ``None`` when a character is not upright."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP (surrogate pairs): read them one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    is_generated = pdfium_c.FPDFText_IsGenerated
    matrix = pdfium_c.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    matrix_of = pdfium_c.FPDFText_GetMatrix
    font_size = pdfium_c.FPDFText_GetFontSize
    text_object = pdfium_c.FPDFText_GetTextObject
    cast, c_void_p = ctypes.cast, ctypes.c_void_p
    chars: list[tuple[str, float, float, float, float]] = []
    last_object: int | None = -1
    size = 0.0
    for index, char in enumerate(text):
        if (char.isspace() or not char.isprintable()) and (char in "\r\n" or is_generated(raw, index) == 1):
            continue  # line breaks and spaces pdfium inserted
        if not loose_box(raw, index, rect_ref):
            continue
        obj = cast(text_object(raw, index), c_void_p).value
        if obj is None or obj != last_object:  # the matrix and size are the text object's
            last_object = obj
            if not matrix_of(raw, index, matrix_ref):
                return None
            if abs(matrix.b) > _SKEW or abs(matrix.c) > _SKEW or matrix.a <= 0 or matrix.d <= 0:
                return None  # rotated, mirrored or vertical: pdfplumber reads those
            size = font_size(raw, index) * matrix.d
        # pdfminer's box: one (scaled) font size high, from the font's descent below the baseline
        bottom = height - rect.bottom
        chars.append((char, rect.left, bottom - size, rect.right, bottom))
    return chars


def _lines(
    chars: list[tuple[str, float, float, float, float]], y_tolerance: float
) -> Iterator[list[tuple[str, float, float, float, float]]]:
    """Characters clustered by top like pdfplumber's ``cluster_objects`` (chained gaps), each line
    sorted by (x0, top)."""
    tops = sorted(set(c[2] for c in chars))
    cluster_of: dict[float, int] = {}
    cluster = 0
    last = tops[0]
    for top in tops:
        if top > last + y_tolerance:
            cluster += 1
        cluster_of[top] = cluster
        last = top
    lines: list[list[tuple[str, float, float, float, float]]] = [[] for _ in range(cluster + 1)]
    for char in chars:
        lines[cluster_of[char[2]]].append(char)
    for line in lines:
        if line:
            line.sort(key=lambda c: (c[1], c[2]))
            yield line


def words_of(
    chars: list[tuple[str, float, float, float, float]],
    number: int,
    *,
    x_tolerance: float,
    y_tolerance: float,
) -> list[Word]:
    """Characters grouped into words as pdfplumber's ``extract_words`` does (no blank characters
    kept, no text flow)."""
    if not chars:
        return []
    words: list[Word] = []

    def emit(current: list[tuple[str, float, float, float, float]]) -> None:
        texts, x0s, tops, x1s, bottoms = zip(*current, strict=True)
        text = "".join(texts).strip()
        if text:
            words.append(Word(text, min(x0s), min(tops), max(x1s), max(bottoms), number))

    for line in _lines(chars, y_tolerance):
        current: list[tuple[str, float, float, float, float]] = []
        for char in line:
            if char[0].isspace():
                if current:
                    emit(current)
                current = []
                continue
            if current:
                prev = current[-1]
                if (
                    char[1] < prev[1]
                    or char[1] > prev[3] + x_tolerance
                    or abs(char[2] - prev[2]) > y_tolerance
                ):
                    emit(current)
                    current = []
            current.append(char)
        if current:
            emit(current)
    return words


def _multiply(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _matrix(obj: ctypes.c_void_p) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _path_edges(obj: ctypes.c_void_p, matrix: Matrix, height: float, out: list[Edge]) -> None:
    fill = ctypes.c_int(0)
    stroke = ctypes.c_int(0)
    if pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)) and not (
        fill.value or stroke.value
    ):
        return  # neither filled nor stroked: nothing is drawn
    a, b, c, d, e, f = matrix
    x = ctypes.c_float(0)
    y = ctypes.c_float(0)
    xr, yr = ctypes.byref(x), ctypes.byref(y)
    points: list[tuple[float, float]] = []
    bezier = 0

    def flush() -> None:
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            out.append((min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1)))

    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, xr, yr):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        px, py = x.value, y.value
        point = (a * px + c * py + e, b * px + d * py + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            flush()
            points = [point]
            bezier = 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            # pdfminer keeps only a curve's end point; pdfium lists both control points first
            bezier += 1
            if bezier % 3 == 0:
                points.append(point)
        else:
            bezier = 0
            points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and points:
            points.append(points[0])
    flush()


def _edges(
    objects: Iterator[ctypes.c_void_p], matrix: Matrix, height: float, out: list[Edge], depth: int = 0
) -> None:
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path_edges(obj, _multiply(_matrix(obj), matrix), height, out)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            form_matrix = _multiply(_matrix(obj), matrix)
            count = pdfium_c.FPDFFormObj_CountObjects(obj)
            children = (pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(count))
            _edges(children, form_matrix, height, out, depth + 1)


def _mediabox(page: pypdfium2.PdfPage) -> tuple[float, float, float, float] | None:
    box = page.get_mediabox(fallback_ok=False)
    if box is None:  # inherited from the page tree, which pdfium's box getters do not follow
        if page.get_cropbox(fallback_ok=False) is not None:
            return None  # the bounding box would be the crop box, not the media box
        box = page.get_bbox()
    x0, x1 = sorted((float(box[0]), float(box[2])))
    y0, y1 = sorted((float(box[1]), float(box[3])))
    return (x0, y0, x1, y1)


def page_size(page: pypdfium2.PdfPage) -> tuple[float, float] | None:
    """Width and height as pdfplumber gives them (the media box, turned by the page rotation)."""
    box = _mediabox(page)
    if box is None:
        return None
    width, height = box[2] - box[0], box[3] - box[1]
    return (height, width) if page.get_rotation() % 180 else (width, height)


def read_page(
    page: pypdfium2.PdfPage, number: int, *, x_tolerance: float, y_tolerance: float
) -> PageText | None:
    """The words and edges of one page, or ``None`` when pdfplumber has to read it."""
    box = _mediabox(page)
    if box is None or page.get_rotation() % 360:
        return None
    height = box[3]  # pdfplumber: x as in the file, top = media box top - y
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage, height)
    finally:
        textpage.close()
    if chars is None:
        return None
    words = words_of(chars, number, x_tolerance=x_tolerance, y_tolerance=y_tolerance)
    raw = page.raw
    count = pdfium_c.FPDFPage_CountObjects(raw)
    edges: list[Edge] = []
    _edges((pdfium_c.FPDFPage_GetObject(raw, i) for i in range(count)), _IDENTITY, height, edges)
    return PageText(words, edges)
