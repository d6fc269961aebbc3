"""The metrics exposition: valid Prometheus text, every state present, a cumulative histogram."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from ingest.db.metrics import DatabaseFigures, LatencyFigures
from ingest.services.metrics import QueueFigures, Snapshot, render


def figures() -> DatabaseFigures:
    return DatabaseFigures(
        documents={"committed": 7, "received": 2},
        orders={"review": 3},
        line_decisions={"auto": 40, "review": 5},
        latency=LatencyFigures(buckets=((1.0, 4), (5.0, 6), (60.0, 7)), count=8, total_seconds=123.5),
    )


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_render_without_queues() -> None:
    text = render(Snapshot(database=figures(), waiting_oldest_seconds=42.0, queues=None)).decode()
    s = samples(text)
    assert s[("ingest_documents", (("state", "committed"),))] == 7
    assert s[("ingest_documents", (("state", "failed"),))] == 0  # every state, even when none
    assert s[("ingest_orders", (("status", "committed"),))] == 0
    assert s[("ingest_order_lines_total", (("decision", "review"),))] == 5
    assert s[("ingest_document_processing_seconds_bucket", (("le", "5.0"),))] == 6
    assert s[("ingest_document_processing_seconds_bucket", (("le", "+Inf"),))] == 8
    assert s[("ingest_document_processing_seconds_sum", ())] == 123.5
    assert s[("ingest_documents_waiting_oldest_seconds", ())] == 42
    assert "# TYPE ingest_document_processing_seconds histogram" in text
    assert not any(name.startswith("ingest_queue") for name, _ in s)


def test_render_with_queues_up_and_down() -> None:
    up = QueueFigures(depth={"documents": 3, "polls": 0}, failed={"documents": 1}, workers=2)
    s = samples(render(Snapshot(database=figures(), waiting_oldest_seconds=0, queues=up)).decode())
    assert s[("ingest_queue_depth", (("queue", "documents"),))] == 3
    assert s[("ingest_queue_failed_jobs", (("queue", "documents"),))] == 1
    assert s[("ingest_workers", ())] == 2 and s[("ingest_queue_up", ())] == 1
    down = samples(
        render(Snapshot(database=figures(), waiting_oldest_seconds=0, queues=QueueFigures(up=False))).decode()
    )
    assert down[("ingest_queue_up", ())] == 0 and ("ingest_workers", ()) not in down
