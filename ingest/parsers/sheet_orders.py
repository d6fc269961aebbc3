"""From the rows below a header to orders: lines, charges, totals, and one order per PO number.

Rows are grouped by the PO-number column in order of first appearance (a row with an empty PO
cell belongs to the PO above it). Order-level values come from the group's first row that has
them; a later row that disagrees adds a note. A cell that cannot be read never rejects the file:
the field stays empty, its confidence is 0.0 and ``order.notes`` says which row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from ingest.domain.order import (
    Charge,
    ChargeKind,
    Identifier,
    Order,
    OrderLine,
    Party,
    Provenance,
    RowRef,
    Sender,
)
from ingest.parsers.sheet_cells import (
    Habits,
    cell_text,
    confidence_for,
    infer_decimal_comma,
    is_typed,
    read_cell,
    summary_kind,
)
from ingest.parsers.sheet_headers import LINE_FIELDS, ORDER_SYNONYMS, Column, Header, read_labelled
from ingest.parsers.sheet_text import Row
from ingest.parsers.values import currency_of, infer_day_first, parse_decimal

_LINE_MODEL_FIELD = {"delivery_date": "requested_delivery_date"}
_ITEM_FIELDS = ("vendor_part_number", "buyer_part_number", "upc", "description")
_PARTY_FIELDS = {
    "customer_id": ("buyer", "identifiers"),
    "customer_name": ("buyer", "name"),
    "ship_to_name": ("ship_to", "name"),
    "ship_to_address1": ("ship_to", "address1"),
    "ship_to_address2": ("ship_to", "address2"),
    "ship_to_city": ("ship_to", "city"),
    "ship_to_state": ("ship_to", "state"),
    "ship_to_postal_code": ("ship_to", "postal_code"),
    "ship_to_country": ("ship_to", "country"),
}
_ORDER_MODEL_FIELD = {"delivery_date": "requested_delivery_date"}
_PRICE_TOLERANCE = Decimal("0.005")
NO_PO_NUMBER = "no PO number found: add a 'PO Number' column or a 'PO Number: ...' line above the table"


@dataclass(frozen=True)
class Found:
    """A raw order-level value and where it was read."""

    text: str
    ref: RowRef
    confidence: float = 1.0


@dataclass
class Draft:
    """One purchase order being assembled from its rows."""

    key: str | None
    values: dict[str, Found] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lines: list[OrderLine] = field(default_factory=list)
    charges: list[tuple[Charge, RowRef]] = field(default_factory=list)
    total: tuple[Decimal, RowRef] | None = None
    differing: set[str] = field(default_factory=set)
    currency_seen: Found | None = None

    def keep(self, name: str, found: Found, column: str) -> None:
        """Record an order-level value; a different later value adds a note once."""
        if name == "notes":
            if found.text not in self.notes:
                self.notes.append(found.text)
            return
        first = self.values.get(name)
        if first is None:
            self.values[name] = found
        elif first.text.casefold() != found.text.casefold() and name not in self.differing:
            self.differing.add(name)
            po = f"PO {self.key}: " if self.key else ""
            self.notes.append(
                f"{po}column {column!r} differs between rows (row {first.ref.row}: {first.text!r}, "
                f"row {found.ref.row}: {found.text!r}); the first is used"
            )


class SheetReader:
    """Reads the data rows under one header into orders."""

    def __init__(self, header: Header, rows: Sequence[Row], delimiter: str | None) -> None:
        self.header = header
        self.columns = header.columns
        self.data = [r for r in rows[header.position + 1 :] if not r.blank]
        self.preamble = [lab for r in rows[: header.position] for lab in read_labelled(r)]
        self.habits = self._habits(delimiter)

    def _values(self, *names: str) -> list[str]:
        out = [r.cell(c.index) for n in names if (c := self.columns.get(n)) for r in self.data]
        return out + [lab.value for lab in self.preamble if lab.field in names]

    def _habits(self, delimiter: str | None) -> Habits:
        numbers = self._values("quantity", "unit_price", "amount")
        dates = self._values("po_date", "delivery_date", "requested_ship_date")
        return Habits(infer_decimal_comma(numbers, delimiter), infer_day_first(dates))

    def read(self, sender: Sender | None) -> list[Order]:
        drafts: dict[str | None, Draft] = {}
        current: Draft | None = None
        po_column = self.columns.get("po_number")
        for row in self.data:
            kind, label = self._summary(row)
            key = cell_text(row.cell(po_column.index), typed=False) if po_column else ""
            if kind and key == label:
                key = ""  # "Total" written in the PO column
            if key:
                current = drafts.setdefault(key, Draft(key))
            elif current is None:
                current = drafts.setdefault(None, Draft(None))
            if kind:
                self._read_summary(row, kind, label, current)
            else:
                self._read_row(row, current)
        return [self._finish(d, sender) for d in drafts.values()]

    # --- rows ----------------------------------------------------------------------------------

    def _cell(self, row: Row, name: str) -> tuple[str, Column] | None:
        column = self.columns.get(name)
        if column is None:
            return None
        text = cell_text(row.cell(column.index), typed=is_typed(name))
        return (text, column) if text else None

    def _summary(self, row: Row) -> tuple[str | None, str]:
        """A total, subtotal or charge row: the kind and its label. With a part number, the row is a
        charge only when the part number is one ("FREIGHT") or the description is exactly one
        ("Fuel Surcharge"); without, any text cell may label it ("Sales Tax 8%")."""
        idents = [
            c[0] for n in ("vendor_part_number", "buyer_part_number", "upc") if (c := self._cell(row, n))
        ]
        qty = self._cell(row, "quantity")
        several = qty is not None and _number(qty[0]) not in (None, 1)
        if idents:
            description = self._cell(row, "description")
            labels = [(text, summary_kind(text)) for text in idents]
            if description and not several:
                labels.append((description[0], summary_kind(description[0], exact=True)))
        else:
            labels = [(text, summary_kind(text)) for text in row.filled if _number(text) is None]
        for text, kind in labels:
            if kind and (kind in ("total", "subtotal") or idents or not several):
                return kind, text
        return None, ""

    def _read_summary(self, row: Row, kind: str, label: str, draft: Draft) -> None:
        if kind == "subtotal":
            return
        amount, column = self._summary_amount(row, label)
        ref = RowRef(row=row.number, column=column)
        if amount is None:
            if kind != "total":
                draft.notes.append(f"row {row.number}: {label!r} has no amount; it was not read as a charge")
            return
        if kind == "total":
            if draft.total is None:
                draft.total = (amount, ref)
            elif draft.total[0] != amount:
                draft.notes.append(f"row {row.number}: a second total {amount} differs from {draft.total[0]}")
            return
        if kind == "discount":
            amount = -abs(amount)
        draft.charges.append((Charge(kind=cast(ChargeKind, kind), amount=amount, description=label), ref))

    def _summary_amount(self, row: Row, label: str) -> tuple[Decimal | None, str | None]:
        """The amount column; else unit price x quantity (1 when empty); else the last number."""
        qty = self._cell(row, "quantity")
        times = _number(qty[0], self.habits) if qty else None
        for name in ("amount", "unit_price"):
            if (found := self._cell(row, name)) and (value := _number(found[0], self.habits)) is not None:
                if name == "unit_price" and times is not None:
                    value *= times
                return value, found[1].header
        for index in range(len(row.cells) - 1, -1, -1):
            text = row.cells[index]
            if text and text != label and _number(text) is not None:
                return _number(text, self.habits), self._header_at(index)
        return None, None

    def _header_at(self, index: int) -> str | None:
        cells = self.header.row.cells
        return cells[index] if index < len(cells) and cells[index] else None

    def _read_row(self, row: Row, draft: Draft) -> None:
        has_order_values = False
        for name, column in self.columns.items():
            if name in ORDER_SYNONYMS and (found := self._cell(row, name)):
                has_order_values = True
                draft.keep(name, Found(found[0], RowRef(row=row.number, column=column.header)), column.header)
        if any(self._cell(row, n) for n in (*_ITEM_FIELDS, "quantity")):
            draft.lines.append(self._line(row, draft))
        elif not has_order_values:
            pairs = read_labelled(row)
            for lab in pairs:
                draft.keep(lab.field, Found(lab.value, RowRef(row=lab.row, column=lab.label)), lab.label)
            if not pairs:
                draft.notes.append(f"row {row.number} was ignored: {' | '.join(row.filled)!r}")

    def _line(self, row: Row, draft: Draft) -> OrderLine:
        values: dict[str, Any] = {}
        confidence: dict[str, float] = {}
        provenance: dict[str, Provenance] = {}
        amount: tuple[Decimal, Column] | None = None
        for name, column in self.columns.items():
            if name not in LINE_FIELDS or not (found := self._cell(row, name)):
                continue
            text = found[0]
            target = _LINE_MODEL_FIELD.get(name, name)
            try:
                value = read_cell(name, text, self.habits)
            except ValueError as exc:
                draft.notes.append(f"row {row.number}, column {column.header!r}: {exc}")
                if name != "amount":
                    confidence[target] = 0.0
                    provenance[target] = RowRef(row=row.number, column=column.header)
                continue
            if name == "amount":
                amount = (cast(Decimal, value), column)
                continue
            if name == "unit_price" and draft.currency_seen is None and (code := currency_of(text)):
                draft.currency_seen = Found(code, RowRef(row=row.number, column=column.header), 0.8)
            values[target] = value
            confidence[target] = confidence_for(name, text, self.habits, column.confidence)
            provenance[target] = RowRef(row=row.number, column=column.header)
        if amount is not None:
            self._check_amount(row, draft, values, confidence, provenance, amount)
        return OrderLine(**values, confidence=confidence, provenance=provenance)

    def _check_amount(
        self,
        row: Row,
        draft: Draft,
        values: dict[str, Any],
        confidence: dict[str, float],
        provenance: dict[str, Provenance],
        amount: tuple[Decimal, Column],
    ) -> None:
        """Cross-check quantity x unit price against the extended amount; infer a missing price."""
        total, column = amount
        qty: Decimal | None = values.get("quantity")
        price: Decimal | None = values.get("unit_price")
        if qty is None or qty == 0:
            return
        if price is None:
            if "unit_price" not in confidence:  # no price column or an empty cell, not a bad one
                inferred = total / qty
                rounded = inferred.quantize(Decimal("0.0001"))
                values["unit_price"] = inferred if rounded == inferred else rounded
                confidence["unit_price"] = 0.7
                provenance["unit_price"] = RowRef(row=row.number, column=column.header)
            return
        expected = qty * price
        if abs(expected - total) > max(Decimal("0.01"), abs(qty) * _PRICE_TOLERANCE):
            for name in ("quantity", "unit_price"):
                confidence[name] = min(confidence.get(name, 1.0), 0.5)
            draft.notes.append(
                f"row {row.number}: quantity {qty} x unit price {price} = {expected}, "
                f"but column {column.header!r} says {total}"
            )

    # --- orders --------------------------------------------------------------------------------

    def _finish(self, draft: Draft, sender: Sender | None) -> Order:
        found = dict(draft.values)
        draft.notes[:0] = [lab.value for lab in self.preamble if lab.field == "notes"]
        for lab in self.preamble:
            here = Found(lab.value, RowRef(row=lab.row, column=lab.label))
            if lab.field == "notes":
                continue
            if lab.field not in found:
                found[lab.field] = here
            elif found[lab.field].text.casefold() != lab.value.casefold() and lab.field != "po_number":
                draft.notes.append(f"{lab.label!r} above the table says {lab.value!r}; the column says "
                                   f"{found[lab.field].text!r}, which is used")  # fmt: skip
        if "currency" not in found and draft.currency_seen is not None:
            found["currency"] = draft.currency_seen
        customer = found.get("customer_id")
        if customer and "customer_name" not in found and _looks_like_name(customer.text):
            # "Customer: Delta Marine Supply" names the customer rather than giving its number
            found["customer_name"] = Found(customer.text, customer.ref, 0.8)
            del found["customer_id"]
        order: dict[str, Any] = {}
        parties: dict[str, dict[str, Any]] = {"buyer": {}, "ship_to": {}}
        confidence: dict[str, float] = {}
        provenance: dict[str, Provenance] = {}
        for name, item in found.items():
            party = _PARTY_FIELDS.get(name)
            target = ".".join(party) if party else _ORDER_MODEL_FIELD.get(name, name)
            provenance[target] = item.ref
            try:
                value = read_cell(name, item.text, self.habits)
            except ValueError as exc:
                draft.notes.append(f"row {item.ref.row}, column {item.ref.column!r}: {exc}")
                confidence[target] = 0.0
                continue
            confidence[target] = confidence_for(name, item.text, self.habits, item.confidence)
            if party and party[1] == "identifiers":
                parties["buyer"]["identifiers"] = [Identifier(qualifier="customer_id", value=str(value))]
            elif party:
                parties[party[0]][party[1]] = value
            else:
                order[target] = value
        self._roll_up_delivery_date(draft, order, confidence, provenance)
        for i, (_, ref) in enumerate(draft.charges):
            provenance[f"charges[{i}]"] = ref
        if draft.total is not None:
            order["total_amount"], provenance["total_amount"] = draft.total
            confidence["total_amount"] = 1.0
        if not order.get("po_number"):
            draft.notes.append(
                "no PO number found: add a 'PO Number' column or a 'PO Number: ...' line above the table"
            )
        return Order(
            **order,
            buyer=Party(**parties["buyer"]) if parties["buyer"] else None,
            ship_to=Party(**parties["ship_to"]) if parties["ship_to"] else None,
            lines=draft.lines,
            charges=[c for c, _ in draft.charges],
            notes=draft.notes,
            sender=sender,
            confidence=confidence,
            provenance=provenance,
        )

    @staticmethod
    def _roll_up_delivery_date(
        draft: Draft, order: dict[str, Any], confidence: dict[str, float], provenance: dict[str, Provenance]
    ) -> None:
        """The lines' delivery date becomes the order's when every line has the same one."""
        if "requested_delivery_date" in order or not draft.lines:
            return
        dates: set[date | None] = {line.requested_delivery_date for line in draft.lines}
        if len(dates) != 1 or None in dates:
            return
        first = draft.lines[0]
        order["requested_delivery_date"] = first.requested_delivery_date
        confidence["requested_delivery_date"] = min(
            line.confidence.get("requested_delivery_date", 1.0) for line in draft.lines
        )
        provenance["requested_delivery_date"] = cast(RowRef, first.provenance["requested_delivery_date"])


def _looks_like_name(text: str) -> bool:
    """Words without digits ("Delta Marine Supply"), unlike an account number ("C0004", "10023")."""
    return " " in text.strip() and not any(ch.isdigit() for ch in text)


def _number(text: str, habits: Habits | None = None) -> Decimal | None:
    """The number in a cell, or None when it holds none."""
    try:
        return parse_decimal(text, decimal_comma=habits.decimal_comma if habits else None)
    except ValueError:
        return None
