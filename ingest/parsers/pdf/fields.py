"""Order header fields found by their label, the value to the right of the label or below it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.parsers.pdf.geometry import DocView, Phrase, fold, height, phrases, tokens
from ingest.parsers.pdf.model import Line, Word
from ingest.parsers.pdf.ocr_cleanup import fix_identifier
from ingest.parsers.sheet_headers import normalize_label

# field -> label variants (compared after normalize_label: "P.O. #" == "po no").
LABELS: dict[str, tuple[str, ...]] = {
    "po_number": ("po", "po no", "purchase order", "purchase order no", "order no", "po id", "customer po",
                  "customer po no", "your po", "your order", "your order no", "your reference", "po ref",
                  "purchase order id", "bestellnummer", "bestell no", "bestellung", "bestellung no",
                  "ihre bestellung", "auftragsnummer", "auftrag no", "no de commande", "commande no",
                  "no commande", "bon de commande", "bon de commande no", "commande", "no de pedido",
                  "pedido no", "orden de compra", "orden de compra no", "quotation no", "quote no",
                  "sales order no", "order", "po number"),
    "po_date": ("po date", "order date", "date ordered", "date", "purchase order date", "document date",
                "quotation date", "issue date", "datum", "bestelldatum", "auftragsdatum", "date de commande",
                "date commande", "date de la commande", "fecha", "fecha de pedido", "fecha pedido",
                "fecha del pedido", "dated", "issued", "issued on", "date issued", "order placed"),
    "requested_delivery_date": ("delivery date", "requested delivery date", "required date", "required by",
                                "need by", "need by date", "deliver by", "due date", "liefertermin",
                                "lieferdatum", "wunschtermin", "date de livraison", "date livraison",
                                "fecha de entrega", "fecha entrega"),
    "requested_ship_date": ("ship date", "requested ship date", "ship by", "versanddatum",
                            "date d expedition", "fecha de envio"),
    "payment_terms": ("payment terms", "payment term", "terms", "terms of payment", "zahlungsbedingungen",
                      "zahlungsziel", "conditions de paiement", "condiciones de pago", "forma de pago"),
    "ship_via": ("ship via", "carrier", "shipping method", "ship method", "shipped via", "versandart",
                 "spediteur", "transporteur", "transportista"),
    "currency": ("currency", "wahrung", "devise", "moneda", "divisa"),
}  # fmt: skip
_DATE_FIELDS = ("po_date", "requested_delivery_date", "requested_ship_date")
_TEXT_FIELDS = ("payment_terms", "ship_via")
_LABEL_TABLE: dict[tuple[str, ...], str] = {
    tuple(normalize_label(label).split()): name for name, labels in LABELS.items() for label in labels
}
_LONGEST = max(len(k) for k in _LABEL_TABLE)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.\-]*$")
_ISO = re.compile(r"^[A-Z]{3}$")
_PREFIX = re.compile(r"^(?:P\.?O\.?|No\.?|Nr\.?|N°|#)$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    name: str
    value: object
    words: tuple[Word, ...]
    confidence: float
    label_words: tuple[Word, ...]


@dataclass(frozen=True)
class LabelHit:
    name: str
    words: tuple[Word, ...]  # the label's words
    rest: tuple[Word, ...]  # words after the label in the same phrase


def label_hits(line: Line, table: dict[tuple[str, ...], str] | None = None) -> list[LabelHit]:
    """Labels that start a phrase of ``line`` (longest match wins)."""
    table = table if table is not None else _LABEL_TABLE
    longest = max(len(k) for k in table)
    hits: list[LabelHit] = []
    for phrase in phrases(line.words, gap=max(height(line.words) * 2.5, 12.0)):
        toks = tokens(phrase.words)
        for n in range(min(longest, len(toks)), 0, -1):
            key = tuple(t for t, _ in toks[:n])
            if key not in table:
                continue
            last = toks[n - 1][1]
            if n < len(toks) and toks[n][1] == last:
                continue  # the label ends inside a word ("PO123")
            rest = phrase.words[last + 1 :]
            label_words = phrase.words[: last + 1]
            colon = label_words[-1].text.endswith(":") or (rest and rest[0].text in (":", "#"))
            if rest and rest[0].text in (":",):
                rest = rest[1:]
            hits.append(LabelHit(table[key], label_words, rest if rest or colon else ()))
            if rest and not colon and not _tight(label_words[-1], rest[0]):
                hits[-1] = LabelHit(table[key], label_words, ())
            break
    return hits


def _tight(a: Word, b: Word) -> bool:
    return b.x0 - a.x1 <= max((a.bottom - a.top) * 2.5, 12.0)


def _right_of(line: Line, hit: LabelHit) -> tuple[Word, ...]:
    """The phrase to the right of a label on its line, unless it is itself a label."""
    end = hit.words[-1].x1
    after = [w for w in line.words if w.x0 > end + 0.5]
    while after and after[0].text in (":", "#", "-"):
        end = after.pop(0).x1
    if not after:
        return ()
    first = phrases(after)[0]
    if first.x0 - end > 260:
        return ()
    probe = Line(first.words)
    if label_hits(probe) and label_hits(probe)[0].words[0] is first.words[0]:
        return ()
    return first.words


def _column(line: Line, hit: LabelHit) -> tuple[float, float]:
    """The horizontal band a label owns on its line: from the end of the phrase before it to the
    start of the phrase after it."""
    first, last = hit.words[0], hit.words[-1]
    before = [p.x1 for p in phrases(line.words) if p.x1 < first.x0 - 1]
    after = [p.x0 for p in phrases(line.words) if p.x0 > last.x1 + 1]
    return (max(before) + 2 if before else -1e9, min(after) - 2 if after else 1e9)


def _vertical(lines: Sequence[Line], index: int, hit: LabelHit, step: int) -> tuple[tuple[Word, ...], float]:
    """The phrase straight above (``step`` -1) or below (+1) a label, within two line heights, and
    how far it is from the label (vertical gap plus the offset of the centres)."""
    line = lines[index]
    lo, hi = _column(line, hit)
    x0, x1 = hit.words[0].x0, hit.words[-1].x1
    centre = (x0 + x1) / 2
    h = height(hit.words)
    near = lines[index + 1 : index + 3] if step > 0 else lines[max(0, index - 2) : index][::-1]
    for other in near:
        gap = other.top - line.bottom if step > 0 else line.top - other.bottom
        if gap > 2.5 * h:
            break
        candidates = [
            p
            for p in phrases(other.words)
            if p.x1 > lo and p.x0 < hi and min(p.x1, x1 + 6) > max(p.x0, x0 - 6) - 0.5 * h
        ]
        candidates = [p for p in candidates if not _starts_label(p)]
        if step > 0:  # the value under a label starts at its left edge (or is centred on it)
            candidates = [p for p in candidates if p.x0 >= x0 - 6 or abs((p.x0 + p.x1) / 2 - centre) < 12]
        if candidates:
            best = min(candidates, key=lambda p: abs((p.x0 + p.x1) / 2 - centre))
            return best.words, max(gap, 0.0) + 0.25 * abs((best.x0 + best.x1) / 2 - centre)
    return (), 0.0


def _starts_label(phrase: Phrase) -> bool:
    hits = label_hits(Line(phrase.words))
    return bool(hits) and hits[0].words[0] is phrase.words[0] and not hits[0].rest


def _below(lines: Sequence[Line], index: int, hit: LabelHit) -> tuple[Word, ...]:
    return _vertical(lines, index, hit, 1)[0]


def _candidates(lines: Sequence[Line], index: int, hit: LabelHit) -> list[tuple[Word, ...]]:
    """Where the value of a label may be, nearest first: after it, to its right, then below or
    above it (a box with the value over a small label), whichever is closer."""
    line = lines[index]
    if hit.rest:
        return [hit.rest]
    out = [_right_of(line, hit)]
    below, d_below = _vertical(lines, index, hit, 1)
    above, d_above = _vertical(lines, index, hit, -1)
    vertical = [(d_below, 0, below), (d_above + 2.0, 1, above)]
    out.extend(words for _, _, words in sorted(vertical, key=lambda t: (t[0], t[1])) if words)
    return out


def _interpret(view: DocView, name: str, words: tuple[Word, ...]) -> tuple[object, float] | None:
    text = " ".join(w.text for w in words).strip()
    if not text:
        return None
    if name == "po_number":
        found = _po_number(view, text)
        if found is not None and isinstance(found[0], str) and all(w.page in view.ocr_pages for w in words):
            return fix_identifier(found[0]), found[1]  # "POO00022" read from a scan
        return found
    if name in _DATE_FIELDS:
        found = view.date(text)
        if found is None:
            return None
        return found[0], 0.9 if found[1] else 0.6
    if name == "currency":
        code = text.split()[0].upper()
        return (code, 0.9) if _ISO.match(code) else None
    return text, 0.8


def _po_number(view: DocView, text: str) -> tuple[object, float] | None:
    parts = text.split()
    if len(parts) >= 2 and _PREFIX.match(parts[0]) and any(c.isdigit() for c in parts[1]):
        # "PO 60071": the number printed with its prefix; "No. 4711", "# 4711": only the number
        keep = fold(parts[0]) in ("po", "p o")
        parts = [f"{parts[0]} {parts[1]}" if keep else parts[1], *parts[2:]]
    value = parts[0].strip(":#")
    if len(parts) > 2 or not _ID.match(value.replace(" ", "")) or not any(c.isdigit() for c in value):
        return None
    if view.date(value) is not None:
        return None
    return value, 0.9


# "PO # 4500123", "our order 4500123", "Bestellung Nr. 4711" inside running text (a printed email)
_PO_IN_TEXT = re.compile(
    r"(?:\bP\.?\s?O\.?|\bpurchase\s+order|\border|\bbestellung|\bcommande|\bpedido)"
    r"\s*(?:no\.?|nr\.?|number|n°|#)?\s*[:#]?\s*([A-Z0-9][A-Z0-9/_.\-]*)",
    re.IGNORECASE,
)
_DATED = re.compile(r"\b(?:dated|date[d]?\s+of|vom|du|del)\s+(.{6,30})", re.IGNORECASE)


def _po_from_text(view: DocView) -> Found | None:
    """A PO number named in running text (a subject line, "please enter our PO# 4500123")."""
    for lines in view.lines.values():
        for line in lines:
            for m in _PO_IN_TEXT.finditer(line.text):
                value = m[1].rstrip(".,;:")
                if not any(c.isdigit() for c in value) or view.date(value) is not None:
                    continue
                if not re.search(r"\d{3}", value):
                    continue  # "PO 1" is a line, "order 2 boxes" a quantity
                words = tuple(w for w in line.words if value in w.text)[:1]
                if words:
                    return Found("po_number", value, words, 0.7, ())
    return None


def _date_from_text(view: DocView) -> Found | None:
    """An order date named in running text ("please enter our PO 4711 dated 4/5/2026")."""
    for lines in view.lines.values():
        for line in lines:
            for m in _DATED.finditer(line.text):
                found = view.date(m[1])
                if found is None:
                    continue
                first = m[1].split()[0]
                words = tuple(w for w in line.words if w.text == first)[:1]
                if words:
                    return Found("po_date", found[0], words, 0.7 if found[1] else 0.5, ())
    return None


def header_fields(view: DocView) -> dict[str, Found]:
    """The first readable value of each header field, page by page, top to bottom."""
    found: dict[str, Found] = {}
    for lines in view.lines.values():
        for index, line in enumerate(lines):
            for hit in label_hits(line):
                if hit.name in found:
                    continue
                for words in _candidates(lines, index, hit):
                    if not words:
                        continue
                    read = _interpret(view, hit.name, words)
                    if read is None:
                        continue
                    value, conf = read
                    used = words if hit.name in _TEXT_FIELDS else words[:1]
                    if hit.name in _DATE_FIELDS:
                        used = words[: max(1, min(len(words), 3))]
                        used = tuple(w for w in used if any(c.isdigit() for c in w.text)) or words[:1]
                    found[hit.name] = Found(hit.name, value, tuple(used), conf, hit.words)
                    break
    if "po_number" not in found and (po := _po_from_text(view)) is not None:
        found["po_number"] = po
    if "po_date" not in found and (dated := _date_from_text(view)) is not None:
        found["po_date"] = dated
    return found


def is_label_line(line: Line) -> bool:
    return bool(label_hits(line))


__all__ = ["LABELS", "Found", "LabelHit", "Phrase", "header_fields", "is_label_line", "label_hits"]
