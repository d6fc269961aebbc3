"""Metrics in the Prometheus text format, read from the database (and Redis) at each scrape.

The database is the source of truth, so every figure is computed from it when asked: nothing is
counted in memory, and any number of processes give the same answer.

- ``ingest_documents{state}``: documents by state (gauge);
- ``ingest_documents_waiting_oldest_seconds``: how long the longest-waiting ``received`` document
  has waited (gauge; 0 when none waits);
- ``ingest_orders{status}``: orders by status (gauge);
- ``ingest_order_lines_total{decision}``: order lines the matcher decided ``auto`` or ``review``;
- ``ingest_document_processing_seconds``: histogram of ``received_at`` → ``processed_at``;
- ``ingest_queue_depth{queue}``, ``ingest_queue_failed_jobs{queue}``, ``ingest_workers``: the rq
  queues, when Redis is configured, and ``ingest_queue_up`` (0 when Redis did not answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from ingest.db import Database
from ingest.db.metrics import DatabaseFigures, database_figures
from ingest.domain.document import DocumentState, OrderStatus

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 86400.0)
LINE_DECISIONS = ("auto", "review")


@dataclass(frozen=True)
class QueueFigures:
    """The rq side: jobs waiting and failed per queue, and the workers registered; ``up`` is
    False when Redis did not answer."""

    up: bool = True
    depth: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    workers: int = 0


@dataclass(frozen=True)
class Snapshot:
    database: DatabaseFigures
    waiting_oldest_seconds: float
    queues: QueueFigures | None


def snapshot(db: Database, queues: QueueFigures | None = None, *, now: datetime | None = None) -> Snapshot:
    now = now or datetime.now(UTC)
    figures = database_figures(db, LATENCY_BUCKETS)
    with db.unit_of_work("metrics") as uow:
        oldest = uow.documents.oldest_received_at()
    waiting = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    return Snapshot(database=figures, waiting_oldest_seconds=waiting, queues=queues)


class _SnapshotCollector(Collector):
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        figures = self.snap.database
        docs = GaugeMetricFamily("ingest_documents", "Documents by state.", labels=["state"])
        for state in DocumentState:
            docs.add_metric([state.value], figures.documents.get(state.value, 0))
        yield docs
        yield GaugeMetricFamily(
            "ingest_documents_waiting_oldest_seconds",
            "Seconds the longest-waiting received document has waited (0 when none waits).",
            value=self.snap.waiting_oldest_seconds,
        )
        orders = GaugeMetricFamily("ingest_orders", "Orders by status.", labels=["status"])
        for status in OrderStatus:
            orders.add_metric([status.value], figures.orders.get(status.value, 0))
        yield orders
        lines = CounterMetricFamily(
            "ingest_order_lines", "Order lines by the matcher's decision.", labels=["decision"]
        )
        for decision in sorted({*LINE_DECISIONS, *figures.line_decisions}):
            lines.add_metric([decision], figures.line_decisions.get(decision, 0))
        yield lines
        latency = figures.latency
        buckets: list[tuple[str, float]] = [(_bound(b), n) for b, n in latency.buckets]
        buckets.append(("+Inf", latency.count))
        yield HistogramMetricFamily(
            "ingest_document_processing_seconds",
            "Seconds from a document's receipt to its final state.",
            buckets=buckets,
            sum_value=latency.total_seconds,
        )
        queues = self.snap.queues
        if queues is None:
            return
        yield GaugeMetricFamily("ingest_queue_up", "1 when Redis answered, else 0.", value=int(queues.up))
        if not queues.up:
            return
        depth = GaugeMetricFamily("ingest_queue_depth", "Jobs waiting per queue.", labels=["queue"])
        for name, n in sorted(queues.depth.items()):
            depth.add_metric([name], n)
        yield depth
        failed = GaugeMetricFamily(
            "ingest_queue_failed_jobs", "Jobs in the failed registry per queue.", labels=["queue"]
        )
        for name, n in sorted(queues.failed.items()):
            failed.add_metric([name], n)
        yield failed
        yield GaugeMetricFamily("ingest_workers", "rq workers registered.", value=queues.workers)


def _bound(value: float) -> str:
    """A bucket bound as Prometheus writes it (``5.0``, ``14400.0``)."""
    return repr(float(value))


def render(snap: Snapshot) -> bytes:
    """The snapshot in the Prometheus text exposition format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snap))
    return generate_latest(registry)


def metrics_text(db: Database, queues: QueueFigures | None = None) -> bytes:
    return render(snapshot(db, queues))
