"""Exports of committed orders through the outbox, in this process, on SQLite and PostgreSQL: a
webhook receiver started by the test, folders of JSON Lines and CSV files, rollbacks, retries."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from samples import CLEAN, UNKNOWN_PART
from webhook_receiver import webhook_receiver

from ingest.bootstrap import build_outbox_dispatcher, build_runner
from ingest.domain.document import Receipt
from ingest.services.deps import Pipeline
from ingest.services.export_delivery import deliver_export
from ingest.services.export_targets import add_target, set_target_enabled, target_config
from ingest.services.intake import receive
from ingest.services.outbox import (
    deliver,
    deliver_due,
    delivery_context,
    dispatcher_for,
    list_entries,
    record_commit,
    retry,
    show_entry,
)
from ingest.services.outbox_policy import verify_signature
from ingest.services.review import LineCorrection, approve, list_review
from ingest.services.sweeper import sweep

SECRET = "s3cret-for-tests"


def tuned(p: Pipeline, **settings: object) -> Pipeline:
    """The pipeline with other outbox settings (and a dispatcher that uses them)."""
    s = p.settings.model_copy(update=settings)
    return replace(p, settings=s, outbox=build_outbox_dispatcher(s, p.db))


@pytest.fixture
def quick(shop: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    """The small shop, retrying at once (no backoff), the webhook secret in HOOK_SECRET."""
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    return tuned(shop, outbox_backoff_seconds=0.0, outbox_timeout_seconds=5.0)


def process(p: Pipeline, content: bytes, name: str) -> str:
    doc = receive(p.db, Receipt(content=content, channel="file", source="t", source_ref=name, filename=name))
    build_runner(p).submit([doc.id])
    with p.db.unit_of_work() as uow:
        return uow.orders.existing_ids(doc.id)[0]


def add_webhook(p: Pipeline, url: str, mapping: dict[str, object] | None = None) -> None:
    add_target(
        p.db, "erp", "webhook", target_config("webhook", url=url, secret_env="HOOK_SECRET"), mapping, "t"
    )


def test_a_committed_order_reaches_the_webhook_once_after_two_failures(quick: Pipeline) -> None:
    with webhook_receiver(500, 503) as receiver:
        add_webhook(quick, receiver.url, {"fields": {"po_number": "PONumber", "lines.sku": "ItemCode"}})
        order_id = process(quick, CLEAN, "a.csv")  # the first attempt, right after the commit
        context = delivery_context(quick.settings, quick.db)
        deliver_due(context)
        deliver_due(context)
        assert deliver_due(context) == []  # delivered: nothing more is sent
    assert [r.answered for r in receiver.requests] == [500, 503, 200]
    [accepted] = receiver.accepted
    body = json.loads(accepted.body)
    assert body["PONumber"] == "PO-1" and body["order_id"] == order_id
    assert [line["ItemCode"] for line in body["lines"]] == ["A-1", "B-2"]
    assert body["lines"][0]["quantity"] == "5" and body["lines"][0]["unit_price"] == "1.25"
    keys = {r.headers["Idempotency-Key"] for r in receiver.requests}
    assert keys == {f"export:erp:{order_id}"}
    assert verify_signature(
        SECRET.encode(),
        accepted.headers["X-Ingest-Timestamp"],
        accepted.body,
        accepted.headers["X-Ingest-Signature"],
        now=datetime.now(UTC),
    )
    assert not verify_signature(
        b"wrong", accepted.headers["X-Ingest-Timestamp"], accepted.body,
        accepted.headers["X-Ingest-Signature"], now=datetime.now(UTC),
    )  # fmt: skip
    [entry] = list_entries(quick.db)
    entry, log = show_entry(quick.db, entry.id)
    assert entry.state == "delivered" and entry.attempts == 3
    assert [(a.attempt, a.outcome, a.http_status) for a in log] == [
        (1, "error", 500),
        (2, "error", 503),
        (3, "delivered", 200),
    ]


def test_an_unreachable_webhook_is_retried_then_failed_and_retryable(quick: Pipeline) -> None:
    p = tuned(quick, outbox_max_attempts=2)
    add_webhook(p, "http://127.0.0.1:9/nobody-listens")
    process(p, CLEAN, "a.csv")
    deliver_due(delivery_context(p.settings, p.db))
    [entry] = list_entries(p.db)
    assert entry.state == "failed" and entry.attempts == 2 and "127.0.0.1:9" in (entry.last_error or "")
    assert deliver_due(delivery_context(p.settings, p.db)) == []  # failed entries wait for a person
    with webhook_receiver() as receiver:
        with p.db.unit_of_work() as uow:
            target = uow.export_targets.get("erp")
        with p.db.unit_of_work() as uow:
            uow.export_targets.remove("erp")
            uow.export_targets.add("erp", "webhook", {**target.config, "url": receiver.url}, None)
            uow.commit()
        assert retry(p.db, [], "t", all_failed=True) == [entry.id]
        settled = deliver(delivery_context(p.settings, p.db), entry.id)
    assert settled is not None and settled.state == "delivered" and settled.attempts == 3
    assert len(receiver.accepted) == 1


def test_file_targets_write_one_file_per_order_even_when_delivered_twice(
    quick: Pipeline, tmp_path: Path
) -> None:
    out = tmp_path / "erp"
    add_target(quick.db, "lines", "jsonl", target_config("jsonl", folder=out), None, "t")
    mapping = {"fields": {"po_number": "PO", "lines.sku": "Item"}, "drop_unmapped": True,
               "constants": {"Company": "NW"}}  # fmt: skip
    add_target(quick.db, "sheet", "csv", target_config("csv", folder=out), mapping, "t")
    order_id = process(quick, CLEAN, "a.csv")
    entries = {e.target: e for e in list_entries(quick.db)}
    assert {e.state for e in entries.values()} == {"delivered"}
    context = delivery_context(quick.settings, quick.db)
    for entry in entries.values():  # a repeated delivery (a crash before it was recorded)
        assert deliver_export(entry, context).delivered
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"order_{order_id}.csv", f"order_{order_id}.jsonl"]
    [record] = [json.loads(line) for line in (out / f"order_{order_id}.jsonl").read_text().splitlines()]
    assert record["order_id"] == order_id and record["po_number"] == "PO-1"
    rows = list(csv.DictReader(io.StringIO((out / f"order_{order_id}.csv").read_text())))
    assert rows == [
        {"PO": "PO-1", "Item": "A-1", "Company": "NW"},
        {"PO": "PO-1", "Item": "B-2", "Company": "NW"},
    ]


def test_a_rolled_back_commit_leaves_no_entry_and_a_repeat_records_one(
    quick: Pipeline, tmp_path: Path
) -> None:
    order_id = process(quick, CLEAN, "a.csv")  # committed before any target existed
    add_target(quick.db, "lines", "jsonl", target_config("jsonl", folder=tmp_path / "o"), None, "t")
    with quick.db.unit_of_work() as uow:
        assert len(record_commit(uow, order_id)) == 1
        uow.rollback()
    assert list_entries(quick.db) == []
    for _ in range(2):
        with quick.db.unit_of_work() as uow:
            record_commit(uow, order_id)
            uow.commit()
    assert len(list_entries(quick.db)) == 1


def test_an_approved_order_is_exported_with_the_clerks_corrections(quick: Pipeline, tmp_path: Path) -> None:
    add_target(quick.db, "lines", "jsonl", target_config("jsonl", folder=tmp_path / "o"), None, "t")
    process(quick, UNKNOWN_PART, "b.csv")
    assert list_entries(quick.db) == []  # waiting for review: nothing exported
    [order] = list_review(quick.db)
    approve(quick.db, order.order_id, "clerk", expected_version=order.version,
            lines={2: LineCorrection(sku="C-3")}, outbox=quick.outbox)  # fmt: skip
    [entry] = list_entries(quick.db)
    assert entry.state == "delivered"
    record = json.loads((tmp_path / "o" / f"order_{order.order_id}.jsonl").read_text())
    assert [line["sku"] for line in record["lines"]] == ["A-1", "C-3"]


def test_a_disabled_target_gets_nothing_new_and_its_entries_wait(quick: Pipeline, tmp_path: Path) -> None:
    out = tmp_path / "o"
    with webhook_receiver(500) as receiver:
        add_webhook(quick, receiver.url)
        add_target(quick.db, "lines", "jsonl", target_config("jsonl", folder=out), None, "t")
        process(quick, CLEAN, "a.csv")  # the webhook failed once; the file is written
        set_target_enabled(quick.db, "erp", False, "t")
        assert deliver_due(delivery_context(quick.settings, quick.db)) == []
        set_target_enabled(quick.db, "erp", True, "t")
        [settled] = deliver_due(delivery_context(quick.settings, quick.db))
    assert settled.state == "delivered" and len(receiver.requests) == 2


def test_one_claim_at_a_time(quick: Pipeline, tmp_path: Path) -> None:
    order_id = process(quick, CLEAN, "a.csv")
    add_target(quick.db, "lines", "jsonl", target_config("jsonl", folder=tmp_path / "o"), None, "t")
    with quick.db.unit_of_work() as uow:  # recorded, not handed to delivery
        record_commit(uow, order_id)
        uow.commit()
    [entry] = list_entries(quick.db)
    now = datetime.now(UTC)
    later = now.replace(year=now.year + 1)
    with quick.db.unit_of_work() as uow:
        assert uow.outbox.claim(entry.id, "a", now, later)
        uow.commit()
    with quick.db.unit_of_work() as uow:
        assert not uow.outbox.claim(entry.id, "b", now, later)
    assert deliver(delivery_context(quick.settings, quick.db), entry.id) is None  # held by "a"
    assert not (tmp_path / "o").exists()


def test_a_sweep_delivers_entries_nobody_handed_over(quick: Pipeline, tmp_path: Path) -> None:
    """What `ingest run` does at every pass and `ingest sweep` without Redis: due entries go."""
    order_id = process(quick, CLEAN, "a.csv")
    add_target(quick.db, "lines", "jsonl", target_config("jsonl", folder=tmp_path / "o"), None, "t")
    with quick.db.unit_of_work() as uow:  # recorded, never handed over (a crash right after commit)
        [entry_id] = record_commit(uow, order_id)
        uow.commit()
    report = sweep(quick.db, build_runner(quick), older_than=0, outbox=dispatcher_for(quick))
    assert report.outbox == [entry_id] and report.as_record()["outbox_entries"] == 1
    assert [e.state for e in list_entries(quick.db)] == ["delivered"]
    assert (tmp_path / "o" / f"order_{order_id}.jsonl").exists()
