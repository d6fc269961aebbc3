"""Order header fields found by their label, the value to the right of the label or below it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.parsers.pdf.geometry import DocView, Phrase, height, phrases, tokens
from ingest.parsers.pdf.model import Line, Word
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
                "fecha del pedido"),
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


def _below(lines: Sequence[Line], index: int, hit: LabelHit) -> tuple[Word, ...]:
    """Words under a label: in its column (from the label's left edge to the next phrase on the
    label's line), on the next line within two line heights."""
    line = lines[index]
    x0 = hit.words[0].x0
    later = [p.x0 for p in phrases(line.words) if p.x0 > hit.words[-1].x1 + 1]
    x1 = min(later) - 2 if later else float("inf")
    h = height(line.words)
    for nxt in lines[index + 1 : index + 3]:
        if nxt.top - line.bottom > 2.5 * h:
            break
        words = tuple(w for w in nxt.words if x0 - 6 <= w.x0 < x1)
        if words:
            return phrases(words)[0].words
    return ()


def _interpret(view: DocView, name: str, words: tuple[Word, ...]) -> tuple[object, float] | None:
    text = " ".join(w.text for w in words).strip()
    if not text:
        return None
    if name == "po_number":
        value = text.split()[0].strip(":#")
        if len(text.split()) > 2 or not _ID.match(value) or not any(c.isdigit() for c in value):
            return None
        if view.date(value) is not None:
            return None
        return value, 0.9
    if name in _DATE_FIELDS:
        found = view.date(text)
        if found is None:
            return None
        return found[0], 0.9 if found[1] else 0.6
    if name == "currency":
        code = text.split()[0].upper()
        return (code, 0.9) if _ISO.match(code) else None
    return text, 0.8


def header_fields(view: DocView) -> dict[str, Found]:
    """The first readable value of each header field, page by page, top to bottom."""
    found: dict[str, Found] = {}
    for lines in view.lines.values():
        for index, line in enumerate(lines):
            for hit in label_hits(line):
                if hit.name in found:
                    continue
                candidates = [hit.rest] if hit.rest else [_right_of(line, hit), _below(lines, index, hit)]
                for words in candidates:
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
    return found


def is_label_line(line: Line) -> bool:
    return bool(label_hits(line))


__all__ = ["LABELS", "Found", "LabelHit", "Phrase", "header_fields", "is_label_line", "label_hits"]
