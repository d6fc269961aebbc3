"""The whole pipeline on SQLite and PostgreSQL: store, parse, match, decide, commit or review."""

from __future__ import annotations

import io
import json
import threading
from dataclasses import replace
from pathlib import Path

from samples import BY_UPC_FROM_EMAIL, CLEAN, UNKNOWN_PART

from ingest.domain.document import DocumentState, Receipt
from ingest.domain.order import Order
from ingest.parsers.base import ParseContext
from ingest.parsers.registry import ParserRegistry, default_registry
from ingest.services.deps import Pipeline
from ingest.services.export import committed_orders, write_export
from ingest.services.intake import receive, reset_for_retry
from ingest.services.process import process_document
from ingest.services.status import counts, document_records


def run(p: Pipeline, content: bytes, name: str = "po.csv", **kw: str) -> tuple[str, DocumentState]:
    doc = receive(
        p.db,
        Receipt(
            content=content,
            channel=kw.get("channel", "file"),
            source="test",
            source_ref=name,
            filename=name,
            sender_email=kw.get("sender"),
        ),
    )
    if doc.state is DocumentState.DUPLICATE:
        return doc.id, doc.state
    return doc.id, process_document(p, doc.id)


def record(p: Pipeline, doc_id: str) -> dict:
    [rec] = [r for r in document_records(p.db) if r["document_id"] == doc_id]
    return rec


def test_clean_order_is_committed_with_reasons_per_line(shop: Pipeline) -> None:
    doc_id, state = run(shop, CLEAN)
    assert state is DocumentState.COMMITTED
    [order] = record(shop, doc_id)["orders"]
    assert order["status"] == "committed" and order["customer_id"] == "C1" and order["reasons"] == []
    assert [line["sku"] for line in order["lines"]] == ["A-1", "B-2"]
    assert "cross-reference" in order["lines"][1]["match_reason"]
    assert all(line["decision"] == "auto" for line in order["lines"])
    assert order["lines"][0]["unit_price"] == "1.25"


def test_doubtful_order_goes_to_review_with_every_reason(shop: Pipeline) -> None:
    doc_id, state = run(shop, UNKNOWN_PART)
    assert state is DocumentState.REVIEW
    [order] = record(shop, doc_id)["orders"]
    assert order["status"] == "review"
    assert any("ZZ-404" in r for r in order["reasons"])
    assert [line["decision"] for line in order["lines"]] == ["auto", "review"]


def test_customer_from_sender_email_domain(shop: Pipeline) -> None:
    doc_id, state = run(shop, BY_UPC_FROM_EMAIL, "mail.csv", channel="email", sender="buyer@brb.example")
    assert state is DocumentState.COMMITTED
    [order] = record(shop, doc_id)["orders"]
    assert order["customer_id"] == "C2" and order["sender"]["email"] == "buyer@brb.example"
    assert order["lines"][0]["sku"] == "B-2"


def test_unknown_sender_goes_to_review(shop: Pipeline) -> None:
    _, state = run(shop, BY_UPC_FROM_EMAIL, "anon.csv", channel="email", sender="someone@gmail.com")
    assert state is DocumentState.REVIEW


def test_bad_documents_are_rejected_with_a_reason(shop: Pipeline) -> None:
    empty_id, empty = run(shop, b"  \n", "empty.csv")
    junk_id, junk = run(shop, b"\x00\x01\x02\x03binary", "blob.bin")
    noqty_id, noqty = run(shop, b"PO,SKU,Colour\n1,A-1,red\n", "noqty.csv")
    assert (empty, junk, noqty) == (DocumentState.REJECTED,) * 3
    assert record(shop, empty_id)["error"]["kind"] == "empty"
    assert record(shop, junk_id)["error"]["kind"] == "unrecognized"
    err = record(shop, noqty_id)["error"]
    assert err["kind"] == "sheet_unreadable" and "quantity" in err["message"].lower()


def test_same_bytes_again_is_a_duplicate_and_same_po_again_is_reviewed(shop: Pipeline) -> None:
    first_id, _ = run(shop, CLEAN)
    again_id, again = run(shop, CLEAN, "again.csv")
    assert again is DocumentState.DUPLICATE and record(shop, again_id)["duplicate_of"] == first_id
    _, resent = run(shop, CLEAN + b"\n", "resent.csv")  # different bytes, same customer and PO
    assert resent is DocumentState.REVIEW


def test_every_document_ends_in_exactly_one_visible_state(shop: Pipeline) -> None:
    for n, content in enumerate([CLEAN, UNKNOWN_PART, b"", b"%PDF-1.4 nonsense", BY_UPC_FROM_EMAIL, CLEAN]):
        run(shop, content, f"doc{n}.csv")
    states = counts(shop.db)["documents"]
    assert states["received"] == 0
    assert sum(states.values()) == 6


class ExplodingParser:
    format = "csv"

    def score(self, content: bytes, filename: str | None) -> float:
        return 1.0

    def parse(self, content: bytes, context: ParseContext) -> list[Order]:
        raise RuntimeError("parser bug")


def test_a_parser_crash_is_recorded_as_failed_and_can_be_retried(shop: Pipeline) -> None:
    broken = replace(shop, registry=ParserRegistry([ExplodingParser()]))
    doc_id, state = run(broken, CLEAN)
    assert state is DocumentState.FAILED
    err = record(shop, doc_id)["error"]
    assert (
        err["kind"] == "internal_error"
        and "parser bug" in err["message"]
        and "ingest retry" in err["message"]
    )
    assert reset_for_retry(shop.db, [doc_id]) == [doc_id]
    assert process_document(shop, doc_id) is DocumentState.COMMITTED


def test_processing_twice_at_once_commits_once(shop: Pipeline) -> None:
    doc = receive(shop.db, Receipt(content=CLEAN, channel="file", source="t", source_ref="race.csv"))
    barrier = threading.Barrier(2)
    states: list[DocumentState] = []

    def work() -> None:
        barrier.wait()
        states.append(process_document(shop, doc.id))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert states == [DocumentState.COMMITTED, DocumentState.COMMITTED]
    assert len(record(shop, doc.id)["orders"]) == 1
    assert process_document(shop, doc.id) is DocumentState.COMMITTED  # a third run changes nothing
    assert len(record(shop, doc.id)["orders"]) == 1


def test_export_of_committed_orders(shop: Pipeline) -> None:
    run(shop, CLEAN)
    run(shop, UNKNOWN_PART)
    orders = committed_orders(shop.db)
    assert [o["po_number"] for o in orders] == ["PO-1"]
    buf = io.StringIO()
    assert write_export(orders, "jsonl", buf) == 1
    assert json.loads(buf.getvalue())["lines"][1]["sku"] == "B-2"
    buf = io.StringIO()
    assert write_export(orders, "csv", buf) == 2
    header, first, _ = buf.getvalue().splitlines()
    assert header.startswith("order_id,") and ",A-1,5,EA,1.25," in first


def test_default_registry_is_what_the_pipeline_uses(shop: Pipeline) -> None:
    assert {p.format for p in shop.registry.parsers} >= {p.format for p in default_registry().parsers}


def test_an_emailed_reply_changing_an_order_is_linked_and_reviewed(loaded_pipeline: Pipeline) -> None:
    emails = Path(__file__).resolve().parents[2] / "fixtures" / "email"
    p = loaded_pipeline
    first = receive(
        p.db,
        Receipt(
            content=(emails / "acme_po_csv_attachment.eml").read_bytes(),
            channel="email",
            source="mail",
            source_ref="1",
            filename="1.eml",
        ),
    )
    assert process_document(p, first.id) is DocumentState.COMMITTED
    reply = receive(
        p.db,
        Receipt(
            content=(emails / "reply_change_line.eml").read_bytes(),
            channel="email",
            source="mail",
            source_ref="2",
            filename="2.eml",
        ),
    )
    assert process_document(p, reply.id) is DocumentState.REVIEW
    [change] = record(p, reply.id)["orders"]
    [original] = record(p, first.id)["orders"]
    assert change["purpose"] == "change" and change["original_order_id"] == original["order_id"]
    assert any("line 2" in r and "→" in r for r in change["reasons"]), change["reasons"]
