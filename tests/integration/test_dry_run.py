"""Dry runs of proposed rules over stored orders, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from samples import CLEAN

from ingest.domain.document import DocumentState, Receipt
from ingest.domain.rules import RuleSet
from ingest.services.deps import Pipeline
from ingest.services.dryrun import dry_run
from ingest.services.intake import receive
from ingest.services.learned import learned_items, revoke_learned
from ingest.services.process import process_document
from ingest.services.review import LineCorrection, approve, list_review
from ingest.services.rule_changes import set_rule

BY_NAME = b"PO Number,Customer Name,SKU,Qty\nPO-8,Acme Hardware,A-1,2\n"  # customer by name: 0.85
# the customer's part number is our SKU written without the dash: a guess (weight buyer_part_is_sku, 0.9)
PART_LIKE_SKU = b"PO Number,Customer,Customer Part,Qty,UOM\nPO-9,C1,A1,1,ea\n"


def run(p: Pipeline, content: bytes, name: str) -> DocumentState:
    doc = receive(
        p.db, Receipt(content=content, channel="file", source="test", source_ref=name, filename=name)
    )
    return process_document(p, doc.id)


def waiting(p: Pipeline, po_number: str) -> str:
    [order] = [o for o in list_review(p.db) if o.po_number == po_number]
    return order.order_id


def test_a_lower_customer_threshold_flips_an_order_and_would_commit_it_wrongly(shop: Pipeline) -> None:
    assert run(shop, CLEAN, "clean.csv") is DocumentState.COMMITTED
    assert run(shop, BY_NAME, "by_name.csv") is DocumentState.REVIEW
    order_id = waiting(shop, "PO-8")
    approve(shop.db, order_id, "ann", expected_version=1, customer_id="C2")  # the clerk knew better
    # a part rejected while reading is not replayed
    doc = receive(shop.db, Receipt(content=b"x", channel="edi", source="test", source_ref="bad.x12"))
    with shop.db.unit_of_work() as uow:
        uow.orders.add_rejected(doc.id, 0, None, "x12_syntax: a broken transaction set")
        uow.commit()

    calls: list[tuple[int, int]] = []
    proposed = set_rule(RuleSet(), "thresholds.customer", "0.8")
    report = dry_run(shop.db, proposed, days=30, progress=lambda done, total: calls.append((done, total)))

    assert report.orders_replayed == 2 and report.active_version == 0
    assert (report.committed_now, report.committed_proposed) == (1, 2)
    assert (report.touchless_rate_now, report.touchless_rate_proposed) == (0.5, 1.0)
    [flip] = report.flips
    assert (flip.order_id, flip.po_number, flip.customer_id) == (order_id, "PO-8", "C1")
    assert (flip.now, flip.proposed, flip.reasons) == ("review", "committed", [])
    assert report.wrong_commits_now == []
    [wrong] = report.wrong_commits_proposed
    assert wrong.order_id == order_id and wrong.customer_id == "C2"
    assert wrong.problems == ["customer C1 where the clerk approved C2"]
    assert calls[-1] == (2, 2)
    json.dumps(report.model_dump(mode="json"))  # the report is JSON

    later = dry_run(shop.db, proposed, days=30, now=datetime.now(UTC) + timedelta(days=31))
    assert later.orders_replayed == 0 and later.touchless_rate_now == 0.0 and later.flips == []


def test_a_corrected_line_is_a_wrong_commit_once_its_lesson_is_revoked(shop: Pipeline) -> None:
    assert run(shop, PART_LIKE_SKU, "part.csv") is DocumentState.REVIEW
    order_id = waiting(shop, "PO-9")
    verdict = approve(shop.db, order_id, "ann", expected_version=1, lines={1: LineCorrection(sku="B-2")})
    [learned] = verdict.learned
    assert (learned.kind, learned.text, learned.sku) == ("part", "A1", "B-2")
    lower = set_rule(RuleSet(), "thresholds.line", "0.85")

    # while what the clerk taught stands, the matcher no longer commits A-1 for the part number
    report = dry_run(shop.db, lower, days=30)
    assert report.wrong_commits_now == report.wrong_commits_proposed == []

    assert learned.id is not None
    revoke_learned(shop.db, learned.id, "bob")
    assert learned_items(shop.db) == []
    report = dry_run(shop.db, lower, days=30)
    assert (report.committed_now, report.committed_proposed) == (0, 1)
    [flip] = report.flips
    assert flip.order_id == order_id and (flip.now, flip.proposed) == ("review", "committed")
    assert report.wrong_commits_now == []
    [wrong] = report.wrong_commits_proposed
    assert wrong.order_id == order_id and wrong.problems == ["line 1: SKU A-1 where the clerk approved B-2"]


def test_a_repeated_po_stays_a_repeat_in_the_replay(shop: Pipeline) -> None:
    assert run(shop, CLEAN, "first.csv") is DocumentState.COMMITTED
    assert run(shop, CLEAN + b"\n", "again.csv") is DocumentState.REVIEW  # same PO, other bytes
    report = dry_run(shop.db, set_rule(RuleSet(), "automation", "always"), days=30)
    assert report.orders_replayed == 2 and report.committed_now == report.committed_proposed == 1
    assert report.flips == []
