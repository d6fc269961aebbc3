"""The fixture documents through the whole pipeline: the same outcome on SQLite and PostgreSQL,
in-process and on rq workers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from redis import Redis
from samples import run_worker_process

from ingest.bootstrap import build_runner
from ingest.domain.document import Receipt
from ingest.queue.worker import run_worker
from ingest.services.deps import Pipeline
from ingest.services.intake import channel_for, receive
from ingest.services.status import document_records

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

EXPECTED = {
    "acme_850_4500200.x12": ("committed", None, [("4500200", "C0001", "committed")]),
    "acme_850_bad_segment_count.x12": ("rejected", "x12_segment_count", [(None, None, "rejected")]),
    "acme_860_4500200.x12": ("review", None, [("4500200", "C0001", "review")]),
    "acme_no_quantity_column.csv": ("rejected", "sheet_unreadable", []),
    "acme_po_4500123.csv": ("committed", None, [("4500123", "C0001", "committed")]),
    "blue_ridge_BR-88817.csv": ("committed", None, [("BR-88817", "C0002", "committed")]),
    "cascade_CFM-2026-0415.tsv": ("review", None, [("CFM-2026-0415", "C0003", "review")]),
    "delta_marine_DM-3391.csv": ("review", None, [("DM-3391", "C0004", "review")]),
    "empty.csv": ("rejected", "empty", []),
    "evergreen_two_pos.csv": (
        "committed",
        None,
        [("EVS-PO-7781", "C0005", "committed"), ("EVS-PO-7782", "C0005", "committed")],
    ),
}


def store_fixtures(p: Pipeline) -> list[str]:
    ids = []
    for path in sorted((FIXTURES / "documents").iterdir()):
        content = path.read_bytes()
        doc = receive(
            p.db,
            Receipt(
                content=content,
                channel=channel_for(path.name, content),
                source="test",
                source_ref=path.name,
                filename=path.name,
            ),
        )
        ids.append(doc.id)
    return ids


def outcomes(p: Pipeline) -> dict[str, tuple[str, str | None, list[tuple[str, str, str]]]]:
    got = {}
    for rec in document_records(p.db):
        orders = [(o["po_number"], o["customer_id"], o["status"]) for o in rec["orders"]]
        got[rec["file"]] = (rec["status"], rec["error"]["kind"] if rec["error"] else None, orders)
    return got


def test_fixtures_in_process(loaded_pipeline: Pipeline) -> None:
    ids = store_fixtures(loaded_pipeline)
    runner = build_runner(loaded_pipeline)
    assert runner.name == "in-process"
    runner.submit(ids)
    assert outcomes(loaded_pipeline) == EXPECTED


@pytest.mark.parametrize("worker", ["simple", "forking-cli"])
def test_fixtures_on_rq_workers(
    loaded_pipeline: Pipeline, redis_url: str, tmp_path: Path, worker: str
) -> None:
    p = replace(
        loaded_pipeline, settings=loaded_pipeline.settings.model_copy(update={"redis_url": redis_url})
    )
    runner = build_runner(p)
    assert runner.name == "rq"
    ids = store_fixtures(p)
    runner.submit(ids)
    if worker == "simple":
        run_worker(p, Redis.from_url(redis_url), burst=True, fork=False)
    else:
        run_worker_process(p.settings.database_url, redis_url, tmp_path / "data")
    runner.wait(ids, timeout=60)
    assert outcomes(p) == EXPECTED
