"""Pages and words with positions: what every PDF reader works on, whether the words come from the
text layer (pdfplumber) or from OCR (tesseract). Coordinates are PDF points from the top-left of
the page: ``x0`` left, ``top`` from the top, ``x1`` right, ``bottom``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int  # 1-based
    confidence: float = 1.0  # 1.0 for the text layer; OCR's own confidence (0..1) otherwise

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    """Words on one visual line, left to right."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)


@dataclass(frozen=True)
class Rule:
    """A drawn horizontal or vertical line or rectangle edge (table rulings)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    ocr: bool = False  # the words were read by OCR from an image

    def lines(self, tolerance: float = 3.0) -> list[Line]:
        """Words grouped into visual lines (tops within ``tolerance``), top to bottom."""
        ordered = sorted(self.words, key=lambda w: (round(w.middle), w.x0))
        lines: list[list[Word]] = []
        for word in ordered:
            if lines and abs(lines[-1][-1].middle - word.middle) <= tolerance:
                lines[-1].append(word)
            else:
                lines.append([word])
        return [Line(tuple(sorted(ws, key=lambda w: w.x0))) for ws in lines]


@dataclass
class PdfDocument:
    """All pages of a PDF, and the files embedded in it (Order-X / ZUGFeRD XML)."""

    pages: list[Page]
    attachments: dict[str, bytes] = field(default_factory=dict)
    encrypted: bool = False
