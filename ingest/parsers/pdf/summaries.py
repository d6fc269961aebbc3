"""Total and charge lines named loosely, in several languages: "Gesamtbetrag netto", "Total TTC",
"Montant total HT", "Importe total", "Total Order Value USD", "Less 2% Discount", "Rabatt 5 %"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.parsers.pdf.geometry import DocView, fold, is_number, phrases
from ingest.parsers.pdf.model import Word
from ingest.parsers.pdf.table import Summary
from ingest.parsers.sheet_cells import summary_kind

# words that qualify a total or charge without changing what it is
_FILLER = frozenset(
    {
        "less", "plus", "minus", "net", "netto", "brutto", "gross", "ht", "ttc", "incl", "inkl", "including",
        "excl", "exkl", "excluding", "usd", "eur", "gbp", "chf", "cad", "amount", "due", "value", "order",
        "po", "the", "of", "a", "payer", "betrag", "en", "de", "du", "del", "la", "le", "des",
        "general", "grand", "final", "zu", "zahlen", "zahlbar", "total", "sum",
    }
)  # fmt: skip
_TOTAL_WORDS = frozenset({"total", "gesamtbetrag", "gesamtsumme", "summe", "gesamt", "montant", "importe",
                          "endsumme", "endbetrag", "sum"})  # fmt: skip
_TAX_WORDS = frozenset({"tax", "vat", "mwst", "ust", "tva", "iva", "gst", "hst", "steuer"})
_INCLUDING = frozenset({"incl", "inkl", "including", "ttc", "brutto", "gross"})
_NET = frozenset({"net", "netto", "ht", "excl", "exkl", "excluding"})
_CURRENCY = frozenset({"$", "€", "£", "¥", "EUR", "USD", "GBP", "CHF", "CAD", "US$"})
_PERCENT = re.compile(r"^\(?[+-]?\d+(?:[.,]\d+)?\s?%\)?$")
_MONEY = re.compile(r"(?:[.,]\d{2,4}\D{0,4}$)|[$€£¥]")


def charge_kind(label: str) -> str | None:
    """'total', 'subtotal', 'freight', 'tax', 'discount' or 'other' for a total or charge label,
    else None."""
    words = [w for w in fold(label.replace("&", " and ")).split() if not w.isdigit()]
    if not words:
        return None
    strict = summary_kind(" ".join(words), exact=True)
    if strict is not None:
        return strict
    has_total = any(w in _TOTAL_WORDS for w in words)
    rest = [w for w in words if w not in _FILLER and w not in _TOTAL_WORDS]
    if has_total and any(w in ("sous", "zwischensumme", "subtotal") for w in words):
        return "subtotal"
    if has_total and rest and all(w in _TAX_WORDS for w in rest):
        return "total" if any(w in _INCLUDING for w in words) else "tax"
    if has_total and not rest:
        return "total"
    if not rest:
        return None
    kind = summary_kind(" ".join(rest), exact=True)
    return kind if kind in ("freight", "tax", "discount", "other") else None


def is_net(label: str) -> bool:
    """A total before tax ("Total HT", "Summe netto")."""
    return bool(set(fold(label).split()) & _NET)


def line_summary(view: DocView, words: Sequence[Word]) -> Summary | None:
    """A total or charge line: a label, then a money amount at the end (a currency sign and
    percentages may stand between)."""
    words = list(words)
    while words and (
        words[-1].text in _CURRENCY or (len(words[-1].text) <= 2 and not words[-1].text.isalnum())
    ):
        words.pop()
    if len(words) < 2:
        return None
    last = words[-1]
    if not is_number(last.text) or view.number(last.text) is None or not _MONEY.search(last.text):
        return None
    label_words: list[Word] = []
    for word in words[:-1]:
        text = word.text
        if text in _CURRENCY or _PERCENT.match(text) or text in ("%", ":", "-", "="):
            continue
        if any(c.isdigit() for c in text) and not text.endswith("%"):
            return None  # a quantity, a date, a part number: an item, not a total
        label_words.append(word)
    if not label_words or len(label_words) > 6:
        return None
    groups = phrases(label_words, gap=60.0)
    for start in range(len(groups) - 1, -1, -1):  # the label nearest the amount first
        label = " ".join(p.text for p in groups[start:])
        kind = charge_kind(label)
        if kind is not None:
            return Summary(kind, label.rstrip(":"), (last,))
    return None


__all__ = ["charge_kind", "is_net", "line_summary"]
