"""Shared helpers of the layout reader: phrases (words close together on a line), label matching,
the document's habits (day-first dates, decimal commas), confidences and provenance boxes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from ingest.domain.order import PageBox
from ingest.parsers.pdf.model import Line, Page, PdfDocument, Word
from ingest.parsers.sheet_headers import normalize_label
from ingest.parsers.values import infer_day_first, parse_date, parse_decimal

OCR_CAP = 0.9
_NUMBER = re.compile(r"^[(\-+]?(?:[$€£¥₹]|US\$)?\s?\d[\d.,'\u00a0\u202f]*(?:[$€£¥₹])?\)?-?$")
_CENTS = re.compile(r"\d([.,])\d{2}\D{0,4}$")  # "12,50", "1,234.56 EUR"
_DATE_TOKEN = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")
_LANGUAGE_WORDS = frozenset(
    {
        # German
        "bestellung", "bestellnummer", "bestelldatum", "menge", "preis", "einzelpreis", "datum", "betrag",
        "lieferanschrift", "rechnungsanschrift", "lieferadresse", "gesamt", "gesamtbetrag", "mwst", "stuck",
        "artikel", "bezeichnung", "summe", "netto", "lieferdatum", "liefertermin", "ubertrag",
        "zwischensumme",
        # French
        "commande", "quantite", "prix", "livraison", "facturation", "montant", "tva", "designation", "qte",
        # Spanish
        "pedido", "cantidad", "precio", "fecha", "entrega", "importe", "descripcion", "facturacion",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Phrase(Line):
    """Words of one line with no wide gap between them."""


def height(words: Iterable[Word]) -> float:
    hs = [w.bottom - w.top for w in words]
    return max(sum(hs) / len(hs), 4.0) if hs else 10.0


def phrases(words: Sequence[Word], gap: float | None = None) -> list[Phrase]:
    """Split a line's words where the space between two words is wider than ``gap`` (by default
    about one character height)."""
    if not words:
        return []
    limit = gap if gap is not None else max(height(words) * 0.9, 5.0)
    groups: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word.x0 - groups[-1][-1].x1 > limit:
            groups.append([word])
        else:
            groups[-1].append(word)
    return [Phrase(tuple(g)) for g in groups]


@lru_cache(maxsize=8192)
def _normalized(text: str) -> tuple[str, ...]:
    return tuple(normalize_label(text).split())


def tokens(words: Sequence[Word]) -> list[tuple[str, int]]:
    """Normalized label tokens with the index of the word each comes from."""
    out: list[tuple[str, int]] = []
    for i, word in enumerate(words):
        for tok in _normalized(word.text):
            out.append((tok, i))
    return out


def box(words: Sequence[Word]) -> PageBox:
    return PageBox(
        page=words[0].page,
        bbox=(
            round(min(w.x0 for w in words), 2),
            round(min(w.top for w in words), 2),
            round(max(w.x1 for w in words), 2),
            round(max(w.bottom for w in words), 2),
        ),
    )


def fold(text: str) -> str:
    """Lower case words without accents or punctuation ("MwSt. 19%" -> "mwst 19")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[a-z0-9]+", plain.replace("ß", "ss")))


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


@dataclass
class DocView:
    """A document prepared for reading: lines per page and the document's habits."""

    doc: PdfDocument
    lines: dict[int, list[Line]] = field(default_factory=dict)
    ocr_pages: frozenset[int] = frozenset()
    day_first: bool | None = None
    decimal_comma: bool | None = None
    foreign: bool = False  # German, French or Spanish words: dates are day-first

    @classmethod
    def of(cls, doc: PdfDocument) -> DocView:
        view = cls(doc)
        view.lines = {p.number: p.lines() for p in doc.pages}
        view.ocr_pages = frozenset(p.number for p in doc.pages if p.ocr)
        texts = [w.text for p in doc.pages for w in p.words]
        folded = {t for text in texts for t in fold(text).split()}
        view.foreign = bool(folded & _LANGUAGE_WORDS)
        dates = [t for t in texts if _DATE_TOKEN.match(t)]
        view.day_first = infer_day_first(dates)
        if view.day_first is None and view.foreign:
            view.day_first = True
        money = [m[1] for t in texts if not _DATE_TOKEN.match(t) and (m := _CENTS.search(t))]
        commas, dots = money.count(","), money.count(".")
        if commas > dots:
            view.decimal_comma = True
        elif dots > commas:
            view.decimal_comma = False
        return view

    def page(self, number: int) -> Page:
        return self.doc.pages[number - 1]

    def confidence(self, value: float, words: Sequence[Word]) -> float:
        """``value`` lowered for words read by OCR (times their mean confidence, at most 0.9)."""
        if words and words[0].page in self.ocr_pages:
            mean = sum(w.confidence for w in words) / len(words)
            return round(min(value * mean, OCR_CAP), 3)
        return round(min(max(value, 0.0), 1.0), 3)

    def number(self, text: str) -> Decimal | None:
        try:
            return parse_decimal(text.strip(), decimal_comma=self.decimal_comma)
        except ValueError:
            return None

    def date(self, text: str) -> tuple[date, bool] | None:
        """The first date in ``text`` and whether its day/month order was certain."""
        parts = text.split()
        for end in range(min(len(parts), 4), 0, -1):
            candidate = " ".join(parts[:end]).rstrip(",;")
            try:
                found = parse_date(candidate, self.day_first)
            except ValueError:
                continue
            certain = self.day_first is not None or not _ambiguous(candidate)
            return found, certain
        return None


def _ambiguous(text: str) -> bool:
    m = re.match(r"^(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}", text.strip())
    if m is None:
        return False
    return int(m[1]) <= 12 and int(m[2]) <= 12 and m[1].lstrip("0") != m[2].lstrip("0")
