"""The 860 purchase order change as the normalized Order (CONTRACTS §6), versions 003040 to 005010.

The 860 is read by the 850's reader (``po850.OrderDraft``): the header, party and line detail
segments are the same. It differs in its beginning segment, BCH (purpose, PO number, PO date,
change sequence and date), and in its lines, POC, which say what changes on each line (POC02):
the line's ``change`` is add, delete, quantity, price or replace.
"""

from __future__ import annotations

from ingest.domain.order import LineChange, Order
from ingest.parsers.drafts import put
from ingest.parsers.x12.model import FunctionalGroup, Interchange, Issue, Segment, TransactionSet
from ingest.parsers.x12.po850 import LineDraft, OrderDraft
from ingest.parsers.x12.segments_common import codes, missing_beginning, missing_po_number, unsupported

# POC02 (X12 code list 670) -> line change. Codes that change several things at once, or that we
# cannot tell apart from the line alone, are a "replace" with less confidence.
CHANGES: dict[str, LineChange] = {
    "AI": "add",
    "DI": "delete",
    "QI": "quantity",
    "QD": "quantity",
    "PC": "price",
    "RZ": "replace",
}
CHANGE_NAMES = codes(
    "CA=changes to line items; CB=change of date terms; CC=changes to terms;"
    "CE=changes to item level allowance/charges; CF=cancel previously transmitted purchase order;"
    "CT=change of dates; MU=unit price/quantity/reschedule change; PQ=unit price/quantity change;"
    "PR=unit price/reschedule change; RA=replace mode of shipment; RB=replace all dates; RE=replacement item;"
    "RM=replacement item with modifications; RQ=reschedule/quantity change; RS=reschedule; TI=transfer item"
)


def _bch(draft: OrderDraft, seg: Segment) -> None:
    order = draft.order
    draft.set_purpose(seg, 1, "change")
    if seg.el(2):
        put(order, "order_type", seg.el(2), seg)
    if seg.el(3):
        put(order, "po_number", seg.el(3), seg)
    else:
        draft.issues.append(missing_po_number(draft.ts, seg))
    draft.reference("release", seg.el(4))
    draft.reference("change_sequence", seg.el(5))
    when = draft.read_date(seg, 6)
    if when is not None:
        put(order, "po_date", when, seg)
    draft.reference("request_reference", seg.el(7))
    draft.reference("contract", seg.el(8))
    for n, name in ((10, "acknowledgment_date"), (11, "change_date")):
        if (changed := draft.read_date(seg, n)) is not None:
            draft.reference(name, changed.isoformat())


def _poc(draft: OrderDraft, seg: Segment) -> LineDraft:
    """POC01 line, POC02 change, POC03 quantity ordered, POC04 left to receive, POC05 unit,
    POC06 price, POC07 price basis, POC08/POC09 ... product ids."""
    line = draft.start_line(seg, 1, 3, 5, 6, 8)
    code = seg.el(2).upper()
    if code in CHANGES:
        put(line.line, "change", CHANGES[code], seg)
    elif code == "NC":
        line.notes.append("no change (NC)")
    elif code:
        put(line.line, "change", "replace", seg, 0.8)
        line.notes.append(f"change {code}" + (f" ({CHANGE_NAMES[code]})" if code in CHANGE_NAMES else ""))
    else:
        line.line.confidence["change"] = 0.0
        line.notes.append("POC02 change code is missing")
    if seg.el(4):
        line.notes.append(f"quantity left to receive {seg.el(4)}")
    return line


def map_860(
    ts: TransactionSet, group: FunctionalGroup, interchange: Interchange
) -> tuple[Order | None, list[Issue]]:
    """One 860 transaction set -> (the changed order, or None when nothing is readable; its issues)."""
    if ts.id != "860":
        return None, [unsupported(ts, "860")]
    draft = OrderDraft(ts, group, interchange, "POC")
    draft.run("BCH", lambda seg: _bch(draft, seg), lambda seg: _poc(draft, seg))
    if draft.head is None:
        draft.issues.insert(0, missing_beginning(ts, "BCH"))
    return draft.finish()
