"""The line-item table: the header row found by column synonyms, column edges from the header
words (or from drawn vertical rules), rows from text lines (or from drawn horizontal rules), rows
that wrap, tables that continue on the next pages, and the summary lines under the table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from ingest.parsers.pdf.columns import Column, assign, clean_ocr, join_groups, overlap, owner_field, settle
from ingest.parsers.pdf.geometry import DocView, fold, height, is_number, phrases, tokens
from ingest.parsers.pdf.model import Line, Page, Word
from ingest.parsers.sheet_cells import summary_kind
from ingest.parsers.sheet_headers import LINE_FIELDS, field_for, normalize_label

_EXTRA_HEADERS: dict[str, str] = {
    "taxes": "tax", "tax": "tax", "vat": "tax", "mwst": "tax", "ust": "tax", "tva": "tax", "iva": "tax",
    "tax rate": "tax", "disc": "discount", "discount": "discount", "rabatt": "discount", "remise": "discount",
    "descuento": "discount", "no": "line_number", "item no": "line_number", "pos no": "line_number",
    "stk": "quantity", "qty ord": "quantity", "menge stk": "quantity", "e preis": "unit_price",
    "unit price eur": "unit_price", "ges preis": "amount", "gesamt": "amount", "ext": "amount",
    "unite": "uom", "um": "uom", "part no": "vendor_part_number", "part": "vendor_part_number",
    "item": "vendor_part_number", "artikel no": "vendor_part_number", "reference": "vendor_part_number",
    "ref": "vendor_part_number", "sku": "vendor_part_number", "total": "amount", "ext price": "amount",
    "extension": "amount", "extended": "amount", "codigo": "vendor_part_number",
    "code": "vendor_part_number", "cod": "vendor_part_number", "catalog": "vendor_part_number",
    "catalog no": "vendor_part_number", "cantidad": "quantity", "importe": "amount",
    "each": "unit_price", "net": "amount",
}  # fmt: skip
_MONEY_FIELDS = ("quantity", "unit_price", "amount")
_CONTINUED = re.compile(
    r"^(?:continued|cont(?:inued)? on next page|carried forward|brought forward|ubertrag|fortsetzung|"
    r"report|a reporter|suite|page \d+(?: of \d+)?|seite \d+(?: von \d+)?)\b"
)
# A page footer or header anywhere in a short line: "Page 2 of 3", "Seite 1/2", "-- continued --",
# "PO 4711   2/3".
_PAGE_MARK = re.compile(
    r"\b(?:(?:page|seite|pagina|pag)\s+\d+(?:\s*(?:of|von|de|sur|/)\s*\d+)?|continued|continues|"
    r"fortsetzung|suite|continua|(?:^|\s)\d{1,3}\s*/\s*\d{1,3}$)"
)
# Totals under the table in the languages of the orders: the words of a total line, with the words
# that say which total it is (net / gross) and words that do not change the meaning.
_TOTAL_WORDS = frozenset(
    {
        "total",
        "totals",
        "gesamt",
        "gesamtsumme",
        "gesamtbetrag",
        "endsumme",
        "summe",
        "montant",
        "importe",
        "grand",
        "general",
        "sum",
        "totale",
        "totaal",
    }
)
_SUBTOTAL_WORDS = frozenset({"subtotal", "zwischensumme", "sous", "sub", "subtotale", "teilsumme"})
_NET_WORDS = frozenset(
    {"net", "netto", "ht", "excl", "excluding", "exkl", "hors", "untaxed", "before", "sin", "without", "ohne"}
)
_TAX_WORDS = frozenset({"tax", "taxe", "steuer", "impuestos", "iva", "vat", "tva", "mwst", "ust", "gst"})
_GROSS_WORDS = frozenset(
    {"ttc", "brutto", "gross", "incl", "including", "inkl", "con", "with", "due", "payable", "a", "pagar"}
)
_FILLER_WORDS = frozenset(
    {
        "amount",
        "order",
        "po",
        "value",
        "betrag",
        "wert",
        "de",
        "du",
        "la",
        "le",
        "des",
        "del",
        "el",
        "der",
        "die",
        "the",
        "of",
        "en",
        "in",
        "eur",
        "usd",
        "gbp",
        "chf",
        "cad",
        "aud",
        "mxn",
        "bestellung",
        "bestellwert",
        "commande",
        "pedido",
        "purchase",
        "all",
        "items",
        "lines",
        "general",
        "final",
    }
)
_SUBTOTAL_PREFIXES = ("total without", "total excl", "total excluding", "total net", "net total",
                      "untaxed amount", "total untaxed", "summe netto", "nettobetrag", "netto", "total ht",
                      "montant ht", "warenwert", "total before tax")  # fmt: skip
_CHARGE_KINDS = ("freight", "tax", "discount", "other")


@dataclass
class Row:
    cells: dict[str, list[Word]] = field(default_factory=dict)
    lines: int = 0
    band: int = -1  # the band between drawn horizontal rules the row starts in

    def text(self, name: str) -> str:
        return " ".join(w.text for w in self.cells.get(name, []))

    def add(self, cells: dict[str, list[Word]]) -> None:
        for name, words in cells.items():
            self.cells.setdefault(name, []).extend(words)
        self.lines += 1


@dataclass
class Summary:
    kind: str  # total, subtotal, freight, tax, discount, other
    label: str
    amount_words: tuple[Word, ...]


@dataclass
class TableRead:
    rows: list[Row] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    header: list[Column] = field(default_factory=list)
    header_words: tuple[Word, ...] = ()


@lru_cache(maxsize=4096)
def _header_field(key: str) -> str | None:
    owner = owner_field(key)
    if owner is not None:
        return owner
    if key in _EXTRA_HEADERS:
        return _EXTRA_HEADERS[key]
    found = field_for(key)
    if found in LINE_FIELDS:
        return found
    return None


def find_header(line: Line) -> list[Column] | None:
    """Columns when ``line`` is a table header row (two or more column synonyms, a quantity or
    price among them, and few other words)."""
    toks = tokens(line.words)
    h = height(line.words)
    columns: list[Column] = []
    ours: list[int] = []  # columns headed "Our Part", "Our Ref"
    matched_words: set[int] = set()
    i = 0
    while i < len(toks):
        for n in range(min(4, len(toks) - i), 0, -1):
            first, last = toks[i][1], toks[i + n - 1][1]
            words = line.words[first : last + 1]
            if any(b.x0 - a.x1 > max(0.8 * h, 4.0) for a, b in pairwise(words)):
                continue
            key = " ".join(t for t, _ in toks[i : i + n])
            name = _header_field(key)
            if name is None or (i + n < len(toks) and toks[i + n][1] == last):
                continue
            if name == "vendor_part_number" and toks[i][0] in ("our", "unsere", "notre", "nuestra"):
                ours.append(len(columns))
            columns.append(Column(name, words[0].x0, words[-1].x1))
            matched_words.update(range(first, last + 1))
            i += n
            break
        else:
            i += 1
    if ours and sum(c.field == "vendor_part_number" for c in columns) > len(ours):
        # "Our Part No." beside "Your Part No." / "Vendor Item": the buyer who wrote the order.
        for k in ours:
            columns[k] = Column("buyer_part_number", columns[k].x0, columns[k].x1)
    names = [c.field for c in columns]
    if not set(names) & set(_MONEY_FIELDS) or len(set(names)) < 2:
        return None
    if len(matched_words) < 0.6 * len(line.words) or any(is_number(w.text) for w in line.words):
        return None
    # A second "price" right of the unit price is the extended amount (Odoo: "Unit Price ... Price").
    out: list[Column] = []
    for col in columns:
        if col.field == "unit_price" and any(c.field == "unit_price" for c in out):
            col = Column("amount", col.x0, col.x1)
        if any(c.field == col.field for c in out) and col.field not in ("tax", "discount", ""):
            col = Column(f"~{col.field}", col.x0, col.x1)  # settled by its values (see settle)
        out.append(col)
    return out


def _header_at(lines: Sequence[Line]) -> tuple[Line, int, list[Column]] | None:
    """The header row of the table: one line, or two stacked lines ("Unit" over "Price")."""
    for index, line in enumerate(lines):
        single = find_header(line)
        stacked = _stacked(line, lines[index + 1]) if index + 1 < len(lines) else None
        both = find_header(stacked) if stacked is not None else None
        if stacked is not None and both is not None:
            alone = find_header(lines[index + 1])
            if len(both) > max(len(single or ()), len(alone or ())):
                return stacked, index + 1, both
        if single is not None:
            return line, index, single
    return None


def _stacked(upper: Line, lower: Line) -> Line | None:
    """Two header lines merged column by column into one line of synthetic words."""
    h = height(upper.words)
    if (
        lower.top - upper.bottom > 0.8 * h
        or len(upper.words) > 12
        or any(is_number(w.text) for w in lower.words)
    ):
        return None
    below = phrases(lower.words)
    used: set[int] = set()
    merged: list[Word] = []
    for phrase in phrases(upper.words):
        under = [i for i, q in enumerate(below) if overlap(phrase.x0, phrase.x1, q.x0, q.x1) > 0]
        used.update(under)
        parts = [phrase, *(below[i] for i in under)]
        text = " ".join(p.text for p in parts)
        x0, x1 = min(p.x0 for p in parts), max(p.x1 for p in parts)
        merged.append(Word(text, x0, upper.top, x1, max(p.bottom for p in parts), phrase.words[0].page))
    merged += [
        Word(q.text, q.x0, q.top, q.x1, q.bottom, q.words[0].page)
        for i, q in enumerate(below)
        if i not in used
    ]
    if not used:
        return None
    return Line(tuple(sorted(merged, key=lambda w: w.x0)))


def _ruled(columns: list[Column], page: Page, top: float) -> list[Column]:
    """Column edges from vertical rules that cross the header row, when drawn."""
    xs = sorted(
        {round((r.x0 + r.x1) / 2, 1) for r in page.rules if r.x1 - r.x0 < 2 and r.top <= top + 2 < r.bottom}
    )
    if len(xs) < 2:
        return columns
    out = []
    for col in columns:
        mid = (col.x0 + col.x1) / 2
        left = max((x for x in xs if x <= mid), default=None)
        right = min((x for x in xs if x >= mid), default=None)
        out.append(Column(col.field, col.x0, col.x1, left, right))
    if len({(c.left, c.right) for c in out}) < len(out) or any(
        c.left is None or c.right is None for c in out
    ):
        return columns  # a frame around the header, not column rulings
    return out


def summary_of(view: DocView, line: Line) -> Summary | None:
    """A total, subtotal or charge line ("Freight  25.00", "Total Without Taxes 91545.00 €")."""
    words = join_groups(line.words)
    while (
        words and not is_number(words[-1].text) and len(words[-1].text) <= 3 and not words[-1].text.isalpha()
    ):
        words.pop()  # a trailing currency sign
    if words and words[-1].text.isalpha() and len(words[-1].text) == 3 and words[-1].text.isupper():
        words.pop()  # "EUR"
    if len(words) < 2 or not is_number(words[-1].text) or view.number(words[-1].text) is None:
        return None
    amount = [words[-1]]
    if len(words) >= 3 and words[-2].text in ("$", "€", "£", "EUR", "USD"):
        amount.insert(0, words[-2])
    label_words = [w for w in words[: len(words) - len(amount)] if not is_number(w.text)]
    label = " ".join(w.text for w in label_words)
    kind = summary_label(label)
    if kind is None:
        return None
    return Summary(kind, label, tuple(amount))


def summary_label(label: str) -> str | None:
    norm = fold(label)
    norm = re.sub(r"\btaxes\b", "tax", norm)
    norm = re.sub(r"\b(\d+ )+\d+\b", "", norm).strip()
    if not norm:
        return None
    if any(norm.startswith(p) for p in _SUBTOTAL_PREFIXES):
        return "subtotal"
    return summary_kind(norm, exact=True) or _total_kind(norm)


def _total_kind(norm: str) -> str | None:
    """ "total" or "subtotal" for a total line worded with qualifiers ("Gesamtbetrag netto",
    "Total Order Value USD", "Montant total HT", "Importe total (EUR)"); None when any word is
    not one of a total's."""
    words = [w for w in norm.split() if w not in _FILLER_WORDS]
    known = _TOTAL_WORDS | _SUBTOTAL_WORDS | _NET_WORDS | _GROSS_WORDS | _TAX_WORDS
    found = set(words)
    if not words or not found <= known:
        return None
    if found & _SUBTOTAL_WORDS:
        return "subtotal"
    if not found & _TOTAL_WORDS:
        return None
    if found & _NET_WORDS and not found & _GROSS_WORDS:
        return "subtotal"  # "Gesamtbetrag netto", "Total excl. VAT"
    if found & _TAX_WORDS and not found & _GROSS_WORDS:
        return "tax"  # "Total VAT", "Total MwSt."
    return "total"


def _numbers(view: DocView, cells: dict[str, list[Word]]) -> bool:
    for name in _MONEY_FIELDS:
        words = cells.get(name, [])
        if words and any(is_number(w.text) and view.number(w.text) is not None for w in words):
            return True
    return False


def _full_item(view: DocView, cells: dict[str, list[Word]]) -> bool:
    """A quantity and a price or amount: a row of a table continued without its header."""

    def has(name: str) -> bool:
        return any(view.number(w.text) is not None for w in cells.get(name, []))

    return has("quantity") and (has("unit_price") or has("amount"))


def _continued(line: Line) -> bool:
    """A "continued" or page-number line (header or footer of a page), not a row."""
    text = normalize_label(line.text)
    if _CONTINUED.match(text):
        return True
    if len(line.words) > 6 or not _PAGE_MARK.search(line.text.lower()):
        return False
    return not any(re.search(r"\d[.,]\d{2}\b", w.text) for w in line.words)


@dataclass
class _State:
    columns: list[Column] | None = None
    ended: bool = False
    last: Row | None = None
    pending: list[dict[str, list[Word]]] = field(default_factory=list)


def read_table(view: DocView) -> TableRead:
    """Rows and summary lines of the order's item table, across pages."""
    result = TableRead()
    state = _State()
    for number, page_lines in view.lines.items():
        page = view.page(number)
        lines = page_lines
        if page.ocr:
            lines = [Line(tuple(ws)) for line in page_lines if (ws := clean_ocr(line.words))]
        start = 0
        header = _header_at(lines)
        if header is not None and not state.ended:
            header_line, last, cols = header
            state.columns = _ruled(cols, page, (header_line.top + header_line.bottom) / 2)
            if not result.header:
                result.header = state.columns
                result.header_words = header_line.words
            start = last + 1
        elif state.columns is None or state.ended:
            if state.columns is not None:
                _summaries(view, lines, result)
            continue
        assert state.columns is not None
        end = _read_rows(view, page, lines, start, state, result)
        _summaries(view, lines[end:], result)
    settle([row.cells for row in result.rows])
    kinds = [s.kind for s in result.summaries]
    if "total" not in kinds and "subtotal" in kinds:
        # The only total printed is the net one ("Total HT", "Gesamtbetrag netto"): the order's total.
        last = max(i for i, k in enumerate(kinds) if k == "subtotal")
        if not any(k in _CHARGE_KINDS for k in kinds[last:]):
            result.summaries[last].kind = "total"
    return result


def _read_rows(
    view: DocView, page: Page, lines: list[Line], start: int, state: _State, result: TableRead
) -> int:
    columns = state.columns
    assert columns is not None
    x_lo = min(c.x0 for c in columns) - 40
    x_hi = max(c.x1 for c in columns) + 40
    hrules = sorted(
        (r.top + r.bottom) / 2
        for r in page.rules
        if r.bottom - r.top < 2 and overlap(r.x0, r.x1, x_lo, x_hi) > 0.6 * (x_hi - x_lo - 80)
    )
    prev_bottom = lines[start - 1].bottom if start else 0.0
    state.last = None if start else state.last
    seen_rows = False
    index = start
    for index in range(start, len(lines)):
        line = lines[index]
        h = height(line.words)
        if find_header(line) or _continued(line):
            prev_bottom = line.bottom
            continue
        summary = summary_of(view, line)
        cells = assign(line.words, columns)
        item = _numbers(view, cells)
        if item and start == 0 and not seen_rows:
            item = _full_item(view, cells)
        if summary is not None and (not item or summary.kind in ("total", "subtotal")):
            if summary.kind in ("total", "subtotal"):
                state.ended = True
                return index
            result.summaries.append(summary)
            prev_bottom = line.bottom
            continue
        gap = line.top - prev_bottom
        if line.x1 < x_lo or line.x0 > x_hi:
            continue
        if seen_rows and not item and gap > 2.2 * h:
            return index
        if not item and not seen_rows and gap > 4 * h and start == 0:
            continue  # page header above a continued table
        band = sum(1 for y in hrules if y < line.top + 1)
        if item:
            row = Row()
            for cell in state.pending:
                row.add(cell)
            state.pending = []
            row.add(cells)
            row.band = band
            result.rows.append(row)
            state.last = row
            seen_rows = True
        elif state.last is not None and ((state.last.band == band and len(hrules) >= 2) or gap <= 1.6 * h):
            if state.last.lines >= 4:
                return index
            state.last.add(_text_only(cells))
        elif not seen_rows:
            if start > 0:
                state.pending.append(_text_only(cells))
        else:
            return index
        prev_bottom = line.bottom
    return len(lines) if index >= len(lines) - 1 else index


def _text_only(cells: dict[str, list[Word]]) -> dict[str, list[Word]]:
    return {k: v for k, v in cells.items() if k not in _MONEY_FIELDS}


def _summaries(view: DocView, lines: Sequence[Line], result: TableRead) -> None:
    for line in lines:
        found = summary_of(view, line)
        if found is not None:
            result.summaries.append(found)


__all__ = ["Column", "Row", "Summary", "TableRead", "assign", "find_header", "read_table", "summary_of"]
