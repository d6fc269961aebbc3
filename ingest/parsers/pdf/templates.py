"""Customer templates: data that pins fields for a layout the generic reader gets wrong.

A template is a TOML file, validated at load (a broken template is a :class:`TemplateError`,
never a document error)::

    name = "Acme Hardware purchase order"
    customer_id = "C0001"                      # optional; noted on the order
    [match]                                    # every condition given must hold
    sender_domains = ["acme-hardware.example"]
    keywords = ["ACME HARDWARE", "PURCHASE ORDER"]   # all on page 1 (case-insensitive)
    [fields.po_number]
    anchor = "Order Ref:"                      # the value right of (or below) this label
    [fields.po_date]
    regex = 'Dated\\s+(\\d{2}/\\d{2}/\\d{4})'   # the first group, on the page text
    day_first = true
    [fields.total_amount]
    area = [400, 700, 580, 720]                # words inside [x0, top, x1, bottom] on `page`
    page = 1
    [lines]                                    # optional: else the generic reader's lines
    pattern = '^(?P<vendor_part_number>\\S+) (?P<description>.+?) (?P<quantity>[\\d.,]+)$'
    start_after = "Description"                # the table lies between these labels
    stop_at = "Total"

Regular expressions come from administrators: they run with a time limit, so a bad one cannot
stall a worker.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.domain.order import Identifier, Order, OrderLine, PageBox, Party
from ingest.errors import TemplateError
from ingest.parsers.base import ParseContext
from ingest.parsers.pdf.model import Line, Page, PdfDocument, Word
from ingest.parsers.values import parse_date, parse_decimal

REGEX_SECONDS = 0.5
TEMPLATE_CONFIDENCE = 0.95
HEADER_FIELDS = (
    "po_number",
    "po_date",
    "currency",
    "total_amount",
    "payment_terms",
    "ship_via",
    "requested_delivery_date",
    "buyer_name",
    "customer_number",
)
LINE_GROUPS = (
    "line_number",
    "quantity",
    "uom",
    "unit_price",
    "buyer_part_number",
    "vendor_part_number",
    "upc",
    "description",
)


def _compile(pattern: str) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern, regex.IGNORECASE | regex.MULTILINE)
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc


class FieldRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    anchor: str | None = None
    regex_: str | None = Field(default=None, alias="regex")
    area: tuple[float, float, float, float] | None = None
    page: int = Field(default=1, ge=1)
    day_first: bool | None = None

    @field_validator("regex_")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None and _compile(value).groups < 1:
            raise ValueError("the regex needs a group around the value, e.g. 'PO\\s*#\\s*(\\S+)'")
        return value

    @model_validator(mode="after")
    def _one_way(self) -> FieldRule:
        ways = [w for w in (self.anchor, self.regex_, self.area) if w is not None]
        if len(ways) != 1:
            raise ValueError("give exactly one of anchor, regex or area")
        return self


class LinesRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str
    start_after: str | None = None
    stop_at: str | None = None

    @field_validator("pattern")
    @classmethod
    def _valid_pattern(cls, value: str) -> str:
        names = set(_compile(value).groupindex)
        unknown = names - set(LINE_GROUPS)
        if unknown:
            raise ValueError(f"unknown group names {sorted(unknown)}; use {', '.join(LINE_GROUPS)}")
        if "quantity" not in names:
            raise ValueError("the line pattern needs a (?P<quantity>...) group")
        return value


class MatchRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sender_domains: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    customer_id: str | None = None
    match: MatchRule = MatchRule()
    fields: dict[str, FieldRule] = Field(default_factory=dict)
    lines: LinesRule | None = None

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldRule]) -> dict[str, FieldRule]:
        unknown = set(value) - set(HEADER_FIELDS)
        if unknown:
            raise ValueError(
                f"unknown fields {sorted(unknown)}; templates can set {', '.join(HEADER_FIELDS)}"
            )
        return value

    @model_validator(mode="after")
    def _selects_something(self) -> Template:
        if not self.match.sender_domains and not self.match.keywords:
            raise ValueError(
                "[match] needs sender_domains or keywords, else the template would apply to everything"
            )
        return self


def load_template(text: str, source: str) -> Template:
    """A template from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template {source}: not valid TOML: {exc}") from exc
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise TemplateError(f"template {source}: {problems}") from exc


# --- applying a template ---------------------------------------------------------------------


def _page_text(page: Page) -> str:
    return "\n".join(line.text for line in page.lines())


def applies(template: Template, doc: PdfDocument, context: ParseContext) -> bool:
    if not doc.pages:
        return False
    if template.match.sender_domains:
        email = (context.sender.email or "") if context.sender else ""
        domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
        if domain not in {d.lower() for d in template.match.sender_domains}:
            return False
    text = _page_text(doc.pages[0]).lower()
    return all(k.lower() in text for k in template.match.keywords)


def _search(pattern: str, text: str) -> regex.Match[str] | None:
    try:
        return _compile(pattern).search(text, timeout=REGEX_SECONDS)
    except TimeoutError:
        return None


def _box(words: Sequence[Word]) -> tuple[float, float, float, float]:
    return (
        min(w.x0 for w in words),
        min(w.top for w in words),
        max(w.x1 for w in words),
        max(w.bottom for w in words),
    )


def _by_anchor(page: Page, anchor: str) -> tuple[str, PageBox | None] | None:
    lines = page.lines()
    target = anchor.lower().split()
    for i, line in enumerate(lines):
        texts = [w.text.lower() for w in line.words]
        for start in range(len(texts) - len(target) + 1):
            if texts[start : start + len(target)] == target:
                after = list(line.words[start + len(target) :])
                if not after and i + 1 < len(lines):  # the value below the label
                    label_x0 = line.words[start].x0
                    after = [w for w in lines[i + 1].words if w.x1 >= label_x0]
                if after:
                    return " ".join(w.text for w in after), PageBox(page=page.number, bbox=_box(after))
    return None


def _by_area(page: Page, area: tuple[float, float, float, float]) -> tuple[str, PageBox | None] | None:
    x0, top, x1, bottom = area
    inside = [w for w in page.words if w.x0 >= x0 and w.x1 <= x1 and w.top >= top and w.bottom <= bottom]
    if not inside:
        return None
    inside.sort(key=lambda w: (round(w.middle), w.x0))
    return " ".join(w.text for w in inside), PageBox(page=page.number, bbox=_box(inside))


def _value(rule: FieldRule, doc: PdfDocument) -> tuple[str, PageBox | None] | None:
    if rule.page > len(doc.pages):
        return None
    page = doc.pages[rule.page - 1]
    if rule.anchor is not None:
        return _by_anchor(page, rule.anchor)
    if rule.area is not None:
        return _by_area(page, rule.area)
    assert rule.regex_ is not None
    found = _search(rule.regex_, _page_text(page))
    return (found.group(1).strip(), None) if found and found.group(1) else None


def _typed(name: str, text: str, rule: FieldRule) -> Any:
    if name in ("po_date", "requested_delivery_date"):
        return parse_date(text, rule.day_first)
    if name == "total_amount":
        return parse_decimal(text)
    if name == "currency":
        return text.strip().upper()[:3]
    return text.strip()


def _table_lines(doc: PdfDocument, rule: LinesRule) -> list[tuple[Line, Page]]:
    found: list[tuple[Line, Page]] = []
    inside = rule.start_after is None
    for page in doc.pages:
        for line in page.lines():
            text = line.text.lower()
            if not inside:
                inside = rule.start_after is not None and rule.start_after.lower() in text
                continue
            if rule.stop_at and rule.stop_at.lower() in text:
                return found
            found.append((line, page))
    return found


def _read_lines(doc: PdfDocument, rule: LinesRule, notes: list[str]) -> list[OrderLine]:
    out: list[OrderLine] = []
    for line, page in _table_lines(doc, rule):
        found = _search(rule.pattern, line.text)
        if not found:
            continue
        values: dict[str, Any] = {}
        for group, text in found.groupdict().items():
            if text is None or not text.strip():
                continue
            try:
                values[group] = parse_decimal(text) if group in ("quantity", "unit_price") else text.strip()
            except ValueError:
                notes.append(f"page {page.number}: {group} {text!r} is not a number (template line)")
        box = PageBox(page=page.number, bbox=_box(line.words))
        try:
            confidence = dict.fromkeys(values, TEMPLATE_CONFIDENCE)
            out.append(OrderLine(**values, confidence=confidence, provenance=dict.fromkeys(values, box)))
        except ValidationError as exc:
            notes.append(f"page {page.number}: line {line.text!r} skipped: {exc.errors()[0]['msg']}")
    return out


def apply_template(template: Template, doc: PdfDocument, fallback: list[Order]) -> Order:
    """The order as the template reads it; what the template does not pin comes from ``fallback``
    (the generic reader's first order), so a template can fix just the fields it names."""
    base = fallback[0] if fallback else Order()
    values: dict[str, Any] = {}
    confidence = dict(base.confidence)
    provenance = dict(base.provenance)
    notes = [*base.notes, f"read with template {template.name!r}"]
    for name, rule in template.fields.items():
        got = _value(rule, doc)
        if got is None:
            notes.append(f"template {template.name!r}: {name} not found")
            confidence[name] = 0.0
            continue
        text, box = got
        try:
            value = _typed(name, text, rule)
        except ValueError as exc:
            notes.append(f"template {template.name!r}: {name} {text!r}: {exc}")
            confidence[name] = 0.0
            continue
        values[name] = value
        confidence[name] = TEMPLATE_CONFIDENCE
        if box is not None:
            provenance[name] = box
    buyer = base.buyer
    if "buyer_name" in values or "customer_number" in values or template.customer_id:
        buyer = (buyer or Party()).model_copy()
        if "buyer_name" in values:
            buyer.name = values.pop("buyer_name")
        number = values.pop("customer_number", None) or template.customer_id
        if number:
            buyer.identifiers = [*buyer.identifiers, Identifier(qualifier="customer_id", value=number)]
    lines = _read_lines(doc, template.lines, notes) if template.lines else list(base.lines)
    total = values.pop("total_amount", base.total_amount)
    update = {
        **values,
        "buyer": buyer,
        "lines": lines,
        "total_amount": Decimal(total) if total is not None else None,
        "confidence": confidence,
        "provenance": provenance,
        "notes": notes,
    }
    return base.model_copy(update=update)


def template_reader(
    templates: Sequence[Template], generic: Callable[[PdfDocument], list[Order]]
) -> Callable[[PdfDocument, ParseContext], list[Order] | None]:
    """The hook PdfParser calls: the first template that applies reads the document."""

    def read(doc: PdfDocument, context: ParseContext) -> list[Order] | None:
        for template in templates:
            if applies(template, doc, context):
                return [Order.model_validate(apply_template(template, doc, generic(doc)).model_dump())]
        return None

    return read
