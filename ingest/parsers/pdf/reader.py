"""The generic layout reader: header fields, parties and the item table of a PDF page model turned
into an :class:`~ingest.domain.order.Order`, with a confidence and a page box for every field and
cross-checks (quantity x price = amount, lines + charges = total, consecutive line numbers)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise

from ingest.domain.order import Charge, Order, OrderLine, PageBox, Party
from ingest.domain.uom import canonical_uom
from ingest.parsers.pdf.fields import header_fields
from ingest.parsers.pdf.geometry import DocView, box, is_number
from ingest.parsers.pdf.model import PdfDocument, Word
from ingest.parsers.pdf.ocr_repair import lookalike_uom, misread_prices, misread_quantity
from ingest.parsers.pdf.parties import block_texts, find_blocks, split_party
from ingest.parsers.pdf.summaries import charge_kind, is_net, line_summary
from ingest.parsers.pdf.table import Row, Summary, read_table, summary_label
from ingest.parsers.pdf.textlines import read_text_lines
from ingest.parsers.sheet_cells import summary_kind
from ingest.parsers.values import currency_of

_BRACKET_PART = re.compile(r"^\s*\[([^\]\s]{1,40})\]\s*(.*)$")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "US$": "USD"}
_CODES = frozenset({"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN", "MXN"})
_CENT = Decimal("0.01")


def read_order(doc: PdfDocument) -> list[Order]:
    """The order a PDF's pages show, or ``[]`` when they show none (no item table and no PO
    number: terms and conditions, a letter)."""
    view = DocView.of(doc)
    found = header_fields(view)
    table = read_table(view)
    notes: list[str] = []
    lines: list[OrderLine] = []
    charges: list[tuple[Charge, Sequence[Word]]] = []
    amounts: list[Decimal | None] = []
    rows, found_summaries = _summary_rows(view, table.rows)
    summaries = [*table.summaries, *found_summaries]
    summaries += _loose_summaries(view, rows, summaries)
    for row in rows:
        line, extra = _line(view, row, notes, any(c.field == "quantity" for c in table.header))
        if isinstance(line, Charge):
            assert not isinstance(extra, Decimal) and extra is not None
            charges.append((line, extra))
            continue
        amount = extra if isinstance(extra, Decimal) else None
        lines.append(line)
        amounts.append(amount)
    if not lines:
        for text_line, text_amount in read_text_lines(view):
            lines.append(text_line)
            amounts.append(text_amount)
    if not lines and "po_number" not in found:
        return []
    order = Order(notes=notes)
    for name, hit in found.items():
        setattr(order, name, hit.value)
        order.confidence[name] = view.confidence(hit.confidence, hit.words)
        order.provenance[name] = box(hit.words)
    _parties(view, order)
    _line_numbers(lines, order.notes)
    order.lines = lines
    totals = _summaries(view, summaries, charges)
    order.charges = [c for c, _ in charges]
    for charge, words in charges:
        order.provenance.setdefault(f"charge_{charge.kind}", box(words))
    _totals(view, order, totals, amounts)
    misread_prices(view, order, amounts, sum((_signed(c) for c in order.charges), Decimal(0)))
    if order.currency is None:
        _currency(view, order)
    return [order]


def _words_amount(view: DocView, words: Sequence[Word], last: bool = False) -> tuple[Decimal, Word] | None:
    nums = [w for w in words if is_number(w.text) and view.number(w.text) is not None]
    if not nums:
        return None
    word = nums[-1] if last else nums[0]
    value = view.number(word.text)
    assert value is not None
    return value, word


def _uom(texts: Sequence[str], ocr: bool = False) -> str | None:
    """The unit of measure among ``texts``; on a scanned page also a unit with one letter read as
    a look-alike ("pes" for "pcs")."""
    for text in texts:
        candidate = re.sub(r"\(s\)$|\.$", "", text.strip())
        try:
            return canonical_uom(candidate)
        except ValueError:
            continue
    return lookalike_uom(texts) if ocr else None


def _line(
    view: DocView, row: Row, notes: list[str], quantity_column: bool = False
) -> tuple[OrderLine, Decimal | None] | tuple[Charge, Sequence[Word]]:
    line = OrderLine()
    conf: dict[str, float] = {}
    prov: dict[str, PageBox] = {}

    def put(name: str, value: object, words: Sequence[Word], c: float) -> None:
        setattr(line, name, value)
        conf[name] = view.confidence(c, words)
        prov[name] = box(words)

    qty = _words_amount(view, row.cells.get("quantity", []))
    if qty is not None and qty[0] >= 0:
        put("quantity", qty[0], [qty[1]], 0.95)
    price = _words_amount(view, row.cells.get("unit_price", []))
    if price is not None:
        put("unit_price", price[0], [price[1]], 0.95)
    total = _words_amount(view, row.cells.get("amount", []), last=True)
    uom_words = [w for w in row.cells.get("quantity", []) if not is_number(w.text)] + row.cells.get("uom", [])
    scanned = bool(uom_words) and all(w.page in view.ocr_pages for w in uom_words)
    uom = _uom([w.text for w in uom_words] + [" ".join(w.text for w in uom_words)], scanned)
    if uom is not None:
        put("uom", uom, uom_words, 0.85)
    desc_words = row.cells.get("description") or row.cells.get("", [])
    description = " ".join(w.text for w in desc_words).strip()
    for name in ("vendor_part_number", "buyer_part_number"):
        words = row.cells.get(name, [])
        if words:
            put(name, " ".join(w.text for w in words), words, 0.9)
    if m := _BRACKET_PART.match(description):
        if line.vendor_part_number is None:
            put("vendor_part_number", m[1], desc_words[:1], 0.9)
        description = m[2].strip()
    if description:
        put("description", description, desc_words, 0.9)
    charge = _charge_row(line, description, total, price, qty)
    if charge is not None:
        return charge, desc_words + ([total[1]] if total else [])
    number_words = row.cells.get("line_number", [])
    if number_words and re.fullmatch(r"\d{1,4}\.?", number_words[0].text):
        put("line_number", number_words[0].text.rstrip("."), number_words[:1], 0.95)
    elif number_words and line.vendor_part_number is None:  # "Item No." holding part numbers
        put("vendor_part_number", " ".join(w.text for w in number_words), number_words, 0.85)
    upc_words = [w for w in row.cells.get("upc", []) if re.fullmatch(r"\d{8}|\d{12,14}", w.text)]
    if upc_words:
        put("upc", upc_words[0].text, upc_words[:1], 0.9)
    date_words = row.cells.get("delivery_date", [])
    if date_words and (d := view.date(" ".join(w.text for w in date_words))) is not None:
        put("requested_delivery_date", d[0], date_words, 0.9 if d[1] else 0.6)
    amount = total[0] if total else None
    if total is not None:
        conf["amount"] = view.confidence(0.95, [total[1]])
        prov["amount"] = box([total[1]])
    qty_words = row.cells.get("quantity", [])
    row_words = [w for words in row.cells.values() for w in words]
    scanned_row = bool(row_words) and all(w.page in view.ocr_pages for w in row_words)
    if qty is None and scanned_row and (qty_words or quantity_column) and total is not None:
        misread_quantity(line, amount, conf, prov, qty_words)
    _check_amount(line, amount, conf, notes)
    line.confidence = conf
    line.provenance = dict(prov)
    if amount is None and line.amount is not None:
        amount = line.amount
    return line, amount


def _charge_row(
    line: OrderLine,
    description: str,
    total: tuple[Decimal, Word] | None,
    price: tuple[Decimal, Word] | None,
    qty: tuple[Decimal, Word] | None,
) -> Charge | None:
    if not description or line.vendor_part_number or line.buyer_part_number:
        return None
    kind = summary_label(description) or charge_kind(description)
    if kind is None and (qty is None or qty[0] == 1):
        kind = summary_kind(description.lower())
    if kind not in ("freight", "tax", "discount", "other"):
        return None
    value = total[0] if total else price[0] if price else None
    if value is None:
        return None
    if kind == "discount":
        value = -abs(value)
    return Charge(kind=kind, amount=value, description=description)


def _check_amount(line: OrderLine, amount: Decimal | None, conf: dict[str, float], notes: list[str]) -> None:
    if line.quantity is None or amount is None:
        return
    if line.unit_price is None:
        if line.quantity:
            line.unit_price = (amount / line.quantity).quantize(Decimal("0.0001")).normalize()
            conf["unit_price"] = 0.6
        return
    expected = line.quantity * line.unit_price
    if abs(expected - amount) <= max(_CENT, abs(amount) * Decimal("0.0005")):
        return
    for name in ("quantity", "unit_price"):
        conf[name] = min(conf.get(name, 0.5), 0.5)
    what = line.description or line.vendor_part_number or line.line_number or "?"
    notes.append(
        f"line {what!s}: quantity {line.quantity} x unit price {line.unit_price} = {expected}, "
        f"but the amount printed is {amount}"
    )


def _line_numbers(lines: list[OrderLine], notes: list[str]) -> None:
    numbers = [ln.line_number for ln in lines]
    if not numbers or any(n is None or not n.isdigit() for n in numbers):
        return
    values = [int(n) for n in numbers if n is not None]
    steps = {b - a for a, b in pairwise(values)}
    if steps and (len(steps) > 1 or min(steps) <= 0):
        notes.append(f"line numbers are not consecutive: {', '.join(map(str, values))}")
        for ln in lines:
            ln.confidence = {**ln.confidence, "line_number": 0.5}


def _summaries(
    view: DocView, summaries: list[Summary], charges: list[tuple[Charge, Sequence[Word]]]
) -> dict[str, tuple[Decimal, Sequence[Word]]]:
    totals: dict[str, tuple[Decimal, Sequence[Word]]] = {}
    labels: dict[str, str] = {}
    for s in summaries:
        value = view.number(s.amount_words[-1].text)
        if value is None:
            continue
        if s.kind in ("total", "subtotal"):
            if s.kind in totals and _net(s.label) and not _net(labels[s.kind]):
                continue  # "Total HT" under... keep the gross total ("Total TTC", "Gesamtbetrag")
            totals[s.kind] = (value, s.amount_words)
            labels[s.kind] = s.label
        elif value != 0:
            if s.kind == "discount":
                value = -abs(value)
            charges.append((Charge(kind=s.kind, amount=value, description=s.label or None), s.amount_words))
    return totals


def _net(label: str | None) -> bool:
    return is_net(label or "")


def _summary_rows(view: DocView, rows: Sequence[Row]) -> tuple[list[Row], list[Summary]]:
    """Rows the table took for items that are total or charge lines ("Gesamtbetrag netto" spread
    over the quantity and price columns, "Total Order Value USD 33,987.32")."""
    kept: list[Row] = []
    found: list[Summary] = []
    for row in rows:
        if any(_has_digit(row.cells.get(n, [])) for n in ("vendor_part_number", "buyer_part_number", "upc")):
            kept.append(row)
            continue
        words = sorted((w for ws in row.cells.values() for w in ws), key=lambda w: (w.page, w.x0))
        summary = line_summary(view, words)
        if summary is None:
            kept.append(row)
        else:
            found.append(summary)
    return kept, found


def _has_digit(words: Sequence[Word]) -> bool:
    return any(c.isdigit() for w in words for c in w.text)


def _loose_summaries(view: DocView, rows: Sequence[Row], known: Sequence[Summary]) -> list[Summary]:
    """Total and charge lines the table reader passed over ("Less 2% Discount  -467.37", "Total:
    $715.22" under lines written as text), each amount once."""
    used = {w for s in known for w in s.amount_words}
    used |= {w for row in rows for ws in row.cells.values() for w in ws}
    out: list[Summary] = []
    for lines in view.lines.values():
        for line in lines:
            summary = line_summary(view, list(line.words))
            if summary is None or any(w in used for w in summary.amount_words):
                continue
            used.update(summary.amount_words)
            out.append(summary)
    return out


def _signed(charge: Charge) -> Decimal:
    return -abs(charge.amount) if charge.kind == "discount" else charge.amount


def _totals(
    view: DocView,
    order: Order,
    totals: dict[str, tuple[Decimal, Sequence[Word]]],
    amounts: list[Decimal | None],
) -> None:
    lines_sum = sum((a for a in amounts if a is not None), Decimal(0))
    complete = bool(amounts) and all(a is not None for a in amounts)
    if "subtotal" in totals and complete and totals["subtotal"][0] != lines_sum:
        order.notes.append(
            f"the lines add up to {lines_sum}, the subtotal printed is {totals['subtotal'][0]}"
        )
    if "total" not in totals:
        return
    value, words = totals["total"]
    order.total_amount = value
    order.provenance["total_amount"] = box(words)
    expected = lines_sum + sum((_signed(c) for c in order.charges), Decimal(0))
    if complete and abs(expected - value) <= _CENT:
        order.confidence["total_amount"] = view.confidence(0.95, words)
        return
    order.confidence["total_amount"] = view.confidence(0.4, words)
    if complete:
        order.notes.append(f"lines and charges add up to {expected}, the total printed is {value}")


def _currency(view: DocView, order: Order) -> None:
    votes: Counter[str] = Counter()
    where: dict[str, Word] = {}
    for page in view.doc.pages:
        for word in page.words:
            code = _SYMBOLS.get(word.text) or (word.text if word.text in _CODES else None)
            if code is None and is_number(word.text) and not word.text[-1].isdigit():
                code = currency_of(word.text)
            if code is None and word.text[:1] in _SYMBOLS and is_number(word.text):
                code = currency_of(word.text)
            if code:
                votes[code] += 1
                where.setdefault(code, word)
    if votes:
        code, _ = votes.most_common(1)[0]
        order.currency = code
        order.confidence["currency"] = view.confidence(0.8, [where[code]])
        order.provenance["currency"] = box([where[code]])


def _parties(view: DocView, order: Order) -> None:
    for block in find_blocks(view):
        roles = ("bill_to", "ship_to") if block.role == "both" else (block.role,)
        party: Party = split_party(block_texts(block))
        words = [w for line in block.lines for w in line]
        for role in roles:
            if getattr(order, role) is None and party.name:
                setattr(order, role, party)
                order.confidence[role] = view.confidence(0.8, words)
                order.provenance[role] = box(words)
