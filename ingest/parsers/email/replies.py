"""Replies that change an earlier order, read from prose.

"please make line 2 forty cases", "change line 3 from 10 to 12 each", "we need 12 cases on
line 5", "cancel line 4", "lines 6 and 7 can be removed", "cancel PO 4500123": each sentence
(or each part of one joined by "and") is one statement. Quantities are digits or words (one to
twenty, thirty ... ninety, hundred, thousand: "twenty-five", "a hundred"); the unit is the word
after the quantity when it is one ("cases" -> CA, "each" -> EA). Everything is read at
confidence :data:`PROSE_CONFIDENCE`; sentences that mention the order but are not understood go
to ``order.notes`` for the clerk (a change always goes to review anyway).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ingest.domain.order import Order, OrderLine
from ingest.domain.uom import canonical_uom, known_uom
from ingest.parsers.text_orders import PO_REFERENCE

PROSE_CONFIDENCE = 0.7
REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|ref|fw|fwd|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_SUBJECT_ORDER = re.compile(
    r"\border\s+#?\s*((?=[A-Z0-9/-]{4,})(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]*)\b", re.I
)
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen"]  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {**{w: i for i, w in enumerate(_UNITS)}, **_TENS}
_SCALES = {"hundred": 100, "thousand": 1000}
_VERBS = (
    r"make|change|update|set|increase|decrease|reduce|bump|adjust|revise|raise|lower|cancel|delete|"
    r"remove|drop|void"
)
_SPLIT = re.compile(
    rf"(?<=[.!?;])\s+|\s*,?\s+(?:and|also|then)\s+(?=(?:please\s+)?(?:{_VERBS}|line)\b)"
    rf"|\s*,\s+(?=(?:please\s+)?(?:{_VERBS})\b)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[a-z]+|[,&]", re.IGNORECASE)
_DELETE = frozenset({"cancel", "cancelled", "canceled", "delete", "deleted", "remove", "removed", "drop",
                     "dropped", "void", "voided", "strike"})  # fmt: skip
_CHANGE = frozenset({"make", "change", "changed", "update", "set", "increase", "decrease", "reduce",
                     "bump", "adjust", "revise", "raise", "lower", "should", "need", "needs", "want",
                     "to"})  # fmt: skip
_LINE = frozenset({"line", "lines", "item", "items", "ln", "pos", "position"})
_ORDER = frozenset({"po", "order", "purchase"})
_MENTIONS = (
    _DELETE
    | _CHANGE
    | _LINE
    | _ORDER
    | frozenset(
        {"qty", "quantity", "price", "ship", "deliver", "delivery", "date", "add", "instead", "cases", "each"}
    )
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|thanks|thank\s+you|many\s+thanks|"
    r"regards|best|cheers|sincerely|kind\s+regards|best\s+regards|br)\b.{0,40}$",
    re.IGNORECASE,
)
_PO_PLACEHOLDER = "the PO"


def number_value(words: list[str]) -> Decimal | None:
    """'forty' -> 40, 'twenty five' -> 25, 'a hundred' -> 100, 'two hundred fifty' -> 250, '1,200' -> 1200."""
    if len(words) == 1 and words[0][:1].isdigit():
        try:
            return Decimal(words[0].replace(",", ""))
        except InvalidOperation:
            return None
    total = current = 0
    seen = False
    for i, word in enumerate(words):
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if word == "thousand":
                total, current = total + current, 0
        elif (word in ("a", "an") and i == 0 and len(words) > 1 and words[1] in _SCALES) or (
            word == "and" and seen
        ):
            continue
        else:
            return None
        seen = True
    return Decimal(total + current) if seen else None


def _is_number_word(token: str) -> bool:
    return token[:1].isdigit() or token in NUMBER_WORDS or token in _SCALES


def _quantity_at(tokens: list[str], i: int) -> tuple[Decimal, str | None, int] | None:
    """The quantity starting at token i, its unit when the next word is one, and the index after."""
    j = i
    if tokens[j][:1].isdigit():
        j += 1
    else:
        while j < len(tokens) and (
            _is_number_word(tokens[j])
            or (tokens[j] in ("a", "an") and j == i)
            or (tokens[j] == "and" and j > i and j + 1 < len(tokens) and _is_number_word(tokens[j + 1]))
        ):
            j += 1
    value = number_value(tokens[i:j]) if j > i else None
    if value is None:
        return None
    uom = None
    if j < len(tokens) and len(tokens[j]) > 1 and known_uom(tokens[j]) and tokens[j] not in ("to", "on"):
        uom, j = canonical_uom(tokens[j]), j + 1
    return value, uom, j


def _line_numbers(tokens: list[str]) -> tuple[list[str], set[int]]:
    """The line numbers referred to ('line 2', 'lines 3 and 4', 'line #5') and their token positions."""
    numbers: list[str] = []
    used: set[int] = set()
    for i, token in enumerate(tokens):
        if token not in _LINE:
            continue
        separators = ("&", "and", "or", ",") if token in ("lines", "items") else ("&", "and", "or")
        j = i + 1
        while j < len(tokens) and tokens[j].isdigit():  # "line 3", "lines 3, 4 and 5", "line 3 and 4"
            numbers.append(str(int(tokens[j])))
            used.add(j)
            k = j + 1
            while k < len(tokens) and tokens[k] in separators:
                k += 1
            if k == j + 1:
                break
            j = k
    return numbers, used


def _target_quantity(tokens: list[str], skip: set[int]) -> tuple[Decimal, str | None] | None:
    """The new quantity: after the last 'to' when there is one, else the first not after
    'from', 'of' ('instead of 10') or 'was'."""
    starts = [i for i, t in enumerate(tokens) if i not in skip and _is_number_word(t)]
    starts = [i for i in starts if i == 0 or not _is_number_word(tokens[i - 1]) or i - 1 in skip]
    after_to = [i for i in starts if i > 0 and tokens[i - 1] == "to"]
    plain = [i for i in starts if i == 0 or tokens[i - 1] not in ("from", "of", "was", "is")]
    for i in after_to[-1:] + plain:
        if (found := _quantity_at(tokens, i)) is not None:
            return found[0], found[1]
    return None


class ChangeReader:
    """Reads the statements of one reply into a change or cancellation order."""

    def __init__(self) -> None:
        self.lines: dict[str, OrderLine] = {}
        self.cancel_all = False
        self.notes: list[str] = []

    def statement(self, clause: str) -> None:
        tokens = [t.lower() for t in _TOKEN.findall(clause)]
        if not tokens:
            return
        numbers, used = _line_numbers(tokens)
        verbs = set(tokens)
        if not numbers:
            if verbs & {"cancel", "void"} and verbs & _ORDER:
                self.cancel_all = True
            elif _mentions_order(clause, tokens):
                self.notes.append(f"not understood in the email: {clause.strip()!r}")
            return
        if verbs & _DELETE:
            for number in numbers:
                self._put(OrderLine(line_number=number, change="delete",
                                    confidence={"line_number": PROSE_CONFIDENCE}))  # fmt: skip
            return
        target = _target_quantity(tokens, used) if verbs & _CHANGE or len(numbers) == 1 else None
        if target is None:
            self.notes.append(f"not understood in the email: {clause.strip()!r}")
            return
        value, uom = target
        read = {"line_number": PROSE_CONFIDENCE}
        for number in numbers:
            if "price" in verbs or "$" in clause:
                line = OrderLine(line_number=number, unit_price=value, change="price",
                                 confidence={**read, "unit_price": PROSE_CONFIDENCE})  # fmt: skip
            else:
                confidence = {**read, "quantity": PROSE_CONFIDENCE}
                if uom:
                    confidence["uom"] = PROSE_CONFIDENCE
                line = OrderLine(line_number=number, quantity=value, uom=uom, change="quantity",
                                 confidence=confidence)  # fmt: skip
            self._put(line)

    def _put(self, line: OrderLine) -> None:
        key = line.line_number or ""
        if key in self.lines:
            self.notes.append(f"line {key} is changed more than once in the email; the last change is used")
        self.lines[key] = line

    def order(self, po_number: str | None) -> Order | None:
        if not self.lines and not self.cancel_all:
            return None
        notes = list(self.notes)
        if self.cancel_all and self.lines:
            notes.append("the email cancels the whole PO; its line changes were not taken")
        if po_number is None:
            notes.append("no PO number found in the subject or the text of the email")
        return Order(
            po_number=po_number,
            purpose="cancellation" if self.cancel_all else "change",
            lines=[] if self.cancel_all else list(self.lines.values()),
            notes=notes,
            confidence={"po_number": PROSE_CONFIDENCE, "purpose": PROSE_CONFIDENCE} if po_number else {},
        )


def _mentions_order(clause: str, tokens: list[str]) -> bool:
    """Worth showing the clerk: mentions numbers or order words, and is not a greeting."""
    if _GREETING.match(clause.strip()):
        return False
    return any(ch.isdigit() for ch in clause) or bool(set(tokens) & _MENTIONS)


def po_reference(text: str, *, subject: bool = False) -> str | None:
    """The first PO number named in a text ('PO 4500123', 'P.O. #4500123', 'purchase order
    4500123'; in a subject also 'order 4500123')."""
    found = PO_REFERENCE.search(text) or (_SUBJECT_ORDER.search(text) if subject else None)
    return found.group(1) if found else None


def read_change(subject: str, text: str) -> Order | None:
    """The change or cancellation a reply asks for; None when it asks for none that is understood,
    or when neither its subject (a reply) nor its text ties it to an order."""
    po_number = po_reference(subject, subject=True) or po_reference(text)
    if po_number is None and not REPLY_PREFIX.match(subject):
        return None
    reader = ChangeReader()
    for line in text.splitlines():
        line = PO_REFERENCE.sub(_PO_PLACEHOLDER, line)
        for clause in _SPLIT.split(line):
            if clause and clause.strip():
                reader.statement(clause)
    return reader.order(po_number)
