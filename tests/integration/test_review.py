"""A clerk's review on SQLite and PostgreSQL: approve with corrections, learn, reject, hold, and
the optimistic version check."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from samples import BY_UPC_FROM_EMAIL

from ingest.db.audit import history
from ingest.domain.document import DocumentState, Receipt
from ingest.errors import ConflictError, CorrectionError, IngestError, NotFoundError, TransientError
from ingest.services.deps import Pipeline
from ingest.services.export import committed_orders
from ingest.services.intake import receive
from ingest.services.learned import learned_items
from ingest.services.process import process_document
from ingest.services.review import LineCorrection, approve, hold, list_review, reject, show_order

# line 1 is found by its description; line 2's customer part number is unknown: review
UNKNOWN_CUSTOMER_PART = (
    b"PO Number,Customer,Customer Part,Description,Qty,UOM,Unit Price\n"
    b"PO-7,C1,,Hex bolt,5,ea,1.25\n"
    b"PO-7,C1,QQ-77,Blue widget,3,ea,2.00\n"
)
# the customer is known by name only: review
BY_NAME = b"PO Number,Customer Name,SKU,Qty\nPO-8,Acme Hardware,A-1,2\n"
TWO_DOUBTFUL_ORDERS = b"PO Number,Customer,SKU,Qty\nPO-11,C1,ZZ-1,1\nPO-12,C1,ZZ-2,1\n"


def run(p: Pipeline, content: bytes, name: str) -> tuple[str, DocumentState]:
    doc = receive(
        p.db, Receipt(content=content, channel="file", source="test", source_ref=name, filename=name)
    )
    return doc.id, process_document(p, doc.id)


def only_order(p: Pipeline, po_number: str) -> str:
    [order] = [o for o in list_review(p.db) if o.po_number == po_number]
    return order.order_id


def document_state(p: Pipeline, document_id: str) -> DocumentState:
    with p.db.unit_of_work() as uow:
        return uow.documents.get(document_id).state


def test_approve_with_corrections_commits_learns_and_settles_the_document(shop: Pipeline) -> None:
    doc_id, state = run(shop, UNKNOWN_CUSTOMER_PART, "po7.csv")
    assert state is DocumentState.REVIEW
    order_id = only_order(shop, "PO-7")
    before = show_order(shop.db, order_id)
    assert before.version == 1 and before.status == "review" and before.lines[1].sku is None
    assert before.lines[1].buyer_part_number == "QQ-77"

    verdict = approve(
        shop.db,
        order_id,
        "ann",
        expected_version=1,
        lines={2: LineCorrection(sku="b2", quantity=Decimal("4"), uom="case", unit_price=Decimal("2.50"))},
        note="called the buyer",
    )
    assert verdict.status == "committed" and verdict.version == 2 and verdict.document_state == "committed"
    assert verdict.corrected_lines == (2,)
    [learned] = verdict.learned
    assert (learned.customer_id, learned.kind, learned.text, learned.sku) == ("C1", "part", "QQ-77", "B-2")
    assert learned.learned_by == "ann" and learned.order_id == order_id

    after = show_order(shop.db, order_id)
    assert after.status == "committed" and after.version == 2 and after.committed_at is not None
    assert after.reviewed_by == "ann" and after.review_note == "called the buyer"
    line = after.lines[1]
    assert (line.sku, line.matched_sku, line.quantity, line.uom, line.unit_price, line.corrected) == (
        "B-2",
        None,
        Decimal("4"),
        "CA",
        Decimal("2.5"),
        True,
    )
    assert not after.lines[0].corrected and after.lines[0].sku == after.lines[0].matched_sku
    assert after.order_json == before.order_json  # the order as read is never changed
    assert after.order_json["lines"][1]["quantity"] == "3"
    assert document_state(shop, doc_id) is DocumentState.COMMITTED
    assert list_review(shop.db) == []
    assert [(i.customer_id, i.sku) for i in learned_items(shop.db)] == [("C1", "B-2")]

    [exported] = [o for o in committed_orders(shop.db) if o["order_id"] == order_id]
    assert exported["lines"][1]["sku"] == "B-2" and exported["lines"][1]["quantity"] == "4"
    assert exported["lines"][1]["uom"] == "CA" and exported["lines"][1]["unit_price"] == "2.5"

    with shop.db.unit_of_work() as uow:
        trail = history(uow.session, "order", order_id)
    review = trail[-1]
    assert review["action"] == "order.review.committed" and review["actor"] == "ann"
    assert review["before"]["status"] == "review" and review["after"]["status"] == "committed"
    assert review["before"]["lines"][1]["sku"] is None and review["after"]["lines"][1]["sku"] == "B-2"

    # the next order with the customer's part number is matched by what was learned
    _, state = run(shop, UNKNOWN_CUSTOMER_PART.replace(b"PO-7", b"PO-70"), "po70.csv")
    with shop.db.unit_of_work() as uow:
        [doc] = [d for d in uow.documents.find() if d.source_ref == "po70.csv"]
        [order] = uow.orders.for_document(doc.id)
    assert order["lines"][1]["sku"] == "B-2" and "learned" in order["lines"][1]["match_reason"]
    assert state is DocumentState.COMMITTED and order["status"] == "committed"


def test_hold_then_a_stale_version_is_refused(shop: Pipeline) -> None:
    doc_id, _ = run(shop, BY_NAME, "po8.csv")
    order_id = only_order(shop, "PO-8")
    held = hold(shop.db, order_id, "ann", "asked Acme which account", expected_version=1)
    assert held.status == "held" and held.version == 2 and held.document_state == "review"
    [waiting] = list_review(shop.db)
    assert waiting.status == "held" and waiting.review_note == "asked Acme which account"
    assert list_review(shop.db, include_held=False) == []

    with pytest.raises(ConflictError) as caught:
        approve(shop.db, order_id, "bob", expected_version=1, customer_id="C2")
    assert caught.value.kind == "stale_version" and "reload" in caught.value.message
    assert show_order(shop.db, order_id).status == "held"

    verdict = approve(shop.db, order_id, "bob", expected_version=2, customer_id="C2")
    assert verdict.version == 3 and verdict.learned == () and verdict.document_state == "committed"
    order = show_order(shop.db, order_id)
    assert (order.customer_id, order.matched_customer_id, order.reviewed_by) == ("C2", "C1", "bob")
    assert document_state(shop, doc_id) is DocumentState.COMMITTED

    with pytest.raises(ConflictError) as again:
        approve(shop.db, order_id, "bob", expected_version=None)
    assert again.value.kind == "wrong_status" and "committed" in again.value.message
    with pytest.raises(NotFoundError):
        approve(shop.db, "no-such-order", "bob", expected_version=None)


def test_reject_keeps_the_reason_and_settles_the_document(shop: Pipeline) -> None:
    doc_id, _ = run(shop, BY_NAME, "po8.csv")
    order_id = only_order(shop, "PO-8")
    with pytest.raises(CorrectionError, match="say why"):
        reject(shop.db, order_id, "ann", "  ")
    verdict = reject(shop.db, order_id, "ann", "a test order from their new system", expected_version=1)
    assert verdict.status == "rejected" and verdict.version == 2 and verdict.document_state == "rejected"
    order = show_order(shop.db, order_id)
    assert order.status == "rejected" and order.review_note == "a test order from their new system"
    with shop.db.unit_of_work() as uow:
        doc = uow.documents.get(doc_id)
    assert doc.state is DocumentState.REJECTED and doc.error is not None
    assert doc.error.kind == "rejected_in_review" and "a test order" in doc.error.message
    with pytest.raises(ConflictError, match="not waiting for review"):
        hold(shop.db, order_id, "ann")


def test_a_document_is_settled_when_its_last_order_is(shop: Pipeline) -> None:
    doc_id, _ = run(shop, TWO_DOUBTFUL_ORDERS, "two.csv")
    first, second = only_order(shop, "PO-11"), only_order(shop, "PO-12")
    verdict = approve(shop.db, first, "ann", expected_version=1, lines={1: LineCorrection(sku="A-1")})
    assert verdict.document_state == "review"
    verdict = reject(shop.db, second, "ann", "sent twice by mistake")
    assert verdict.document_state == "committed"
    assert document_state(shop, doc_id) is DocumentState.COMMITTED


def test_corrections_are_checked_before_anything_is_written(shop: Pipeline) -> None:
    run(shop, UNKNOWN_CUSTOMER_PART, "po7.csv")
    order_id = only_order(shop, "PO-7")
    bad: list[tuple[dict[str, object], str]] = [
        ({}, "line 2 has no product: give its SKU"),
        ({"lines": {2: LineCorrection(sku="NOPE-1")}}, "line 2: no product with SKU 'NOPE-1'"),
        ({"lines": {5: LineCorrection(sku="A-1")}}, "lines 1 to 2; there is no line 5"),
        ({"customer_id": "C9", "lines": {2: LineCorrection(sku="A-1")}}, "no customer 'C9'"),
        ({"lines": {2: LineCorrection(sku="A-1", quantity=Decimal(0))}}, "line 2: the quantity must be"),
        ({"lines": {2: LineCorrection(sku="A-1", unit_price=Decimal(-1))}}, "line 2: the price must be"),
        ({"lines": {2: LineCorrection(sku="A-1", uom="furlong")}}, "line 2: unknown unit of measure"),
    ]
    for kwargs, message in bad:
        with pytest.raises(CorrectionError) as caught:
            approve(shop.db, order_id, "ann", expected_version=1, **kwargs)  # type: ignore[arg-type]
        assert message in caught.value.message
    order = show_order(shop.db, order_id)
    assert order.status == "review" and order.version == 1 and learned_items(shop.db) == []


def test_two_clerks_approving_at_once_commit_once(shop: Pipeline) -> None:
    run(shop, BY_NAME, "po8.csv")
    order_id = only_order(shop, "PO-8")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def go(clerk: str) -> None:
        barrier.wait()
        try:
            outcomes.append(approve(shop.db, order_id, clerk, expected_version=1))
        except IngestError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=go, args=(c,)) for c in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refused = [o for o in outcomes if isinstance(o, IngestError)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert isinstance(refused[0], ConflictError | TransientError)
    order = show_order(shop.db, order_id)
    assert order.status == "committed" and order.version == 2


def test_an_order_without_a_customer_needs_one(shop: Pipeline) -> None:
    doc = receive(
        shop.db,
        Receipt(content=BY_UPC_FROM_EMAIL, channel="email", source="test", source_ref="m1", filename="po.csv",
                sender_email="someone@gmail.com"),
    )  # fmt: skip
    assert process_document(shop, doc.id) is DocumentState.REVIEW
    [order] = list_review(shop.db)
    assert order.customer_id is None and order.channel == "email"
    with pytest.raises(CorrectionError, match="has no customer"):
        approve(shop.db, order.order_id, "ann", expected_version=1)
    verdict = approve(shop.db, order.order_id, "ann", expected_version=1, customer_id="C2")
    assert verdict.status == "committed" and show_order(shop.db, order.order_id).customer_id == "C2"
