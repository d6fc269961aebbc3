"""A trading partner's EDI folder end to end: 850 in, order committed, 997 out; broken and
repeated interchanges rejected precisely; an 860 changes the committed order through review."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.services.acknowledgments import deliver_pending
from ingest.services.deps import Pipeline
from ingest.services.partners import add_partner
from ingest.services.process import process_document
from ingest.services.sources import add_edi_folder, poll_source
from ingest.services.status import document_records

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "documents"


def segments(text: str) -> list[list[str]]:
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


@pytest.fixture
def feed(loaded_pipeline: Pipeline, tmp_path: Path) -> tuple[Pipeline, Path, Path]:
    inbound, outbound = tmp_path / "in", tmp_path / "out"
    inbound.mkdir()
    add_edi_folder(loaded_pipeline.db, "acme-edi", inbound, outbound)
    add_partner(loaded_pipeline.db, "ZZ", "ACMEHW", "C0001", "Acme Hardware", send_997=True)
    return loaded_pipeline, inbound, outbound


def drop_and_run(p: Pipeline, inbound: Path, name: str, content: bytes) -> dict:
    (inbound / name).write_bytes(content)
    [doc_id] = poll_source(p.db, "acme-edi")
    process_document(p, doc_id)
    [record] = document_records(p.db, ids=[doc_id])
    return record


def outbound_files(outbound: Path) -> list[Path]:
    return sorted(outbound.iterdir(), key=lambda p: p.name)


def test_850_committed_and_acknowledged(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, outbound = feed
    rec = drop_and_run(p, inbound, "po.x12", (FIXTURES / "acme_850_4500200.x12").read_bytes())
    assert rec["status"] == "committed" and rec["format"] == "x12"
    [order] = rec["orders"]
    assert order["po_number"] == "4500200" and order["customer_id"] == "C0001"
    assert "trading partner ZZ/ACMEHW" in order["customer_reason"] or "EDI sender" in order["customer_reason"]
    assert [line["sku"] for line in order["lines"]] == ["FAS-10003-ZP", "HTL-20001", "FAS-10002-SS"]
    [ack_file] = outbound_files(outbound)
    segs = segments(ack_file.read_text())
    assert ["AK1", "PO", "501"] in segs and ["AK2", "850", "0001"] in segs and ["AK5", "A"] in segs
    assert ["AK9", "A", "1", "1", "1"] in segs
    assert segs[0][6].strip() == "NORTHWINDSUP" and segs[0][8].strip() == "ACMEHW"
    assert rec["acknowledgment"] == ack_file.read_text()
    assert not list(inbound.glob("*.x12"))  # moved to .processed after it was stored


def test_broken_interchange_rejected_with_a_rejecting_997(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, outbound = feed
    rec = drop_and_run(p, inbound, "bad.x12", (FIXTURES / "acme_850_bad_segment_count.x12").read_bytes())
    assert rec["status"] == "rejected"
    assert rec["error"]["kind"] == "x12_segment_count" and "ST 0001" in rec["error"]["location"]
    [ack_file] = outbound_files(outbound)
    segs = segments(ack_file.read_text())
    assert ["AK5", "R", "4"] in segs and ["AK9", "R", "1", "1", "0"] in segs


def test_repeated_interchange_is_not_processed_twice(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, _ = feed
    content = (FIXTURES / "acme_850_4500200.x12").read_bytes()
    first = drop_and_run(p, inbound, "po.x12", content)
    again = drop_and_run(p, inbound, "po-resent.x12", content.replace(b"~\nGS*", b"~\r\nGS*"))  # other bytes
    assert first["status"] == "committed"
    assert again["status"] == "rejected" and again["error"]["kind"] == "duplicate_interchange"
    assert first["document_id"] in again["error"]["message"]


def test_860_change_goes_to_review_with_the_difference(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, _ = feed
    original = drop_and_run(p, inbound, "po.x12", (FIXTURES / "acme_850_4500200.x12").read_bytes())
    change = drop_and_run(p, inbound, "chg.x12", (FIXTURES / "acme_860_4500200.x12").read_bytes())
    assert change["status"] == "review"
    [order] = change["orders"]
    assert order["purpose"] == "change" and order["original_order_id"] == original["orders"][0]["order_id"]
    assert any("quantity 20 → 40" in r for r in order["reasons"])
    assert any("line 2: delete" in r for r in order["reasons"])


def test_undelivered_acknowledgments_are_retried(feed: tuple[Pipeline, Path, Path]) -> None:
    p, inbound, outbound = feed
    outbound.rmdir()
    outbound.write_text("a file where the folder should be")  # delivery fails
    rec = drop_and_run(p, inbound, "po.x12", (FIXTURES / "acme_850_4500200.x12").read_bytes())
    assert rec["status"] == "committed" and rec["acknowledgment"]
    outbound.unlink()
    assert deliver_pending(p.db) == 1
    assert len(outbound_files(outbound)) == 1
    assert deliver_pending(p.db) == 0


def test_a_partner_sending_another_version_than_agreed_goes_to_review(
    loaded_pipeline: Pipeline, tmp_path: Path
) -> None:
    p = loaded_pipeline
    inbound = tmp_path / "in"
    inbound.mkdir()
    add_edi_folder(p.db, "acme-edi", inbound, tmp_path / "out")
    add_partner(p.db, "ZZ", "ACMEHW", "C0001", "Acme", send_997=True, expected_version="005010")
    rec = drop_and_run(p, inbound, "po.x12", (FIXTURES / "acme_850_4500200.x12").read_bytes())
    assert rec["status"] == "review"
    assert any("agreed on version 005010 but sent 004010" in r for r in rec["orders"][0]["reasons"])
