"""Running the service: the sweeper, failed documents and jobs, one poll per source at a time, the
metrics and the worker health check, on SQLite and PostgreSQL (and the real Redis)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import structlog
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue, Worker
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from samples import CLEAN, UNKNOWN_PART

from ingest.db.locks import DatabaseLocks
from ingest.domain.document import DocumentState, Receipt, RecordedError
from ingest.errors import ConfigError, NotFoundError
from ingest.queue.locks import RedisLocks
from ingest.queue.names import DOCUMENTS, process_job_id
from ingest.queue.runners import InProcessRunner, RqRunner
from ingest.queue.sweep import PeriodicSweep
from ingest.queue.worker import run_worker
from ingest.services.deps import Pipeline, Progress
from ingest.services.failures import failed_documents
from ingest.services.intake import receive
from ingest.services.process import process_document
from ingest.services.sources import Locks, add_edi_folder, list_sources, poll_source_locked, set_poll_interval
from ingest.services.sweeper import sweep
from review_ui import create_app

REPO = Path(__file__).resolve().parents[2]


def store(p: Pipeline, content: bytes, name: str) -> str:
    return receive(
        p.db, Receipt(content=content, channel="file", source="t", source_ref=name, filename=name)
    ).id


def state(p: Pipeline, doc_id: str) -> DocumentState:
    with p.db.unit_of_work() as uow:
        return uow.documents.get(doc_id).state


def with_redis(p: Pipeline, redis_url: str) -> Pipeline:
    return replace(p, settings=p.settings.model_copy(update={"redis_url": redis_url}))


class RecordingRunner:
    name = "recording"

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, document_ids: Sequence[str]) -> None:
        self.submitted += document_ids

    def wait(self, document_ids: Sequence[str], timeout: float, progress: Progress | None = None) -> None:
        return None


def ingest(
    p: Pipeline, tmp_path: Path, *args: str, redis_url: str | None = None, ok: bool | None = True
) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_DATABASE_URL=p.settings.database_url, INGEST_DATA_DIR=str(tmp_path / "data"), COLUMNS="200"
    )
    if redis_url:
        env["INGEST_REDIS_URL"] = redis_url
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    if ok is not None:
        assert (proc.returncode == 0) == ok, f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- the sweeper --------------------------------------------------------------------------------


def test_the_sweeper_takes_only_documents_stuck_longer_than_the_grace_period(shop: Pipeline) -> None:
    stuck = store(shop, CLEAN, "a.csv")
    done = store(shop, UNKNOWN_PART, "b.csv")
    process_document(shop, done)
    runner = RecordingRunner()

    assert sweep(shop.db, runner, older_than=300).resubmitted == []  # received a moment ago
    later = datetime.now(UTC) + timedelta(minutes=6)
    report = sweep(shop.db, runner, older_than=300, now=later)
    assert report.resubmitted == [stuck] and runner.submitted == [stuck]  # the concluded one is left alone
    assert report.as_record()["resubmitted"] == 1

    # the grace period runs from the last change, not from a date the sender wrote: an email dated
    # yesterday, received now, is not stuck
    yesterday = datetime.now(UTC) - timedelta(days=1)
    mail = receive(
        shop.db,
        Receipt(
            content=b"po,qty\nPO-7,1\n", channel="email", source="m", source_ref="m:1", received_at=yesterday
        ),
    ).id
    assert mail not in sweep(shop.db, RecordingRunner(), older_than=300).resubmitted


def test_the_sweeper_runs_stuck_documents_in_process_without_redis(shop: Pipeline) -> None:
    doc_id = store(shop, CLEAN, "a.csv")
    sweep(shop.db, InProcessRunner(shop), older_than=0)
    assert state(shop, doc_id) is DocumentState.COMMITTED


def test_ingest_sweep_command(shop: Pipeline, tmp_path: Path) -> None:
    doc_id = store(shop, CLEAN, "a.csv")
    assert (
        json_lines(ingest(shop, tmp_path, "sweep", "--json"))[0]["resubmitted"] == 0
    )  # within the grace period
    record = json_lines(ingest(shop, tmp_path, "sweep", "--older-than", "0", "--json"))[0]
    assert record["document_ids"] == [doc_id] and record["runner"] == "in-process"
    assert state(shop, doc_id) is DocumentState.COMMITTED


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(proc.stdout)


def test_a_job_is_replaced_only_when_the_worker_running_it_is_gone(shop: Pipeline, redis_url: str) -> None:
    p = with_redis(shop, redis_url)
    conn = redis.Redis.from_url(redis_url)
    runner = RqRunner(p, conn)
    doc_id = store(p, CLEAN, "a.csv")
    runner.submit([doc_id])
    queue = Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer)

    # a worker takes the job: off the queue, an execution recorded, the job started
    worker = Worker([queue], connection=conn, serializer=JSONSerializer, name="taker")
    worker.register_birth()
    job = Job.fetch(process_job_id(doc_id), connection=conn, serializer=JSONSerializer)
    queue.remove(job)
    with conn.pipeline() as pipe:
        Execution.create(job, 90, pipeline=pipe, worker_name=worker.name)
        job.prepare_for_execution(worker.name, pipeline=pipe)
        pipe.execute()
    assert job.get_status() == JobStatus.STARTED

    runner.submit([doc_id])  # its worker (this process) is alive: the job is left alone
    assert queue.job_ids == [] and job.get_status() == JobStatus.STARTED

    conn.hset(worker.key, "pid", _dead_pid())  # now its process is gone
    runner.submit([doc_id])
    assert queue.job_ids == [process_job_id(doc_id)]
    assert (
        Job.fetch(process_job_id(doc_id), connection=conn, serializer=JSONSerializer).get_status()
        == JobStatus.QUEUED
    )


# --- failed documents and failed jobs -----------------------------------------------------------


def _fail(p: Pipeline, doc_id: str, message: str) -> None:
    with p.db.unit_of_work() as uow:
        uow.documents.count_attempt(doc_id)
        uow.documents.set_state(
            doc_id, DocumentState.FAILED, error=RecordedError(kind="internal_error", message=message)
        )
        uow.commit()


def test_failed_documents_are_listed_and_retried(shop: Pipeline, tmp_path: Path) -> None:
    failed = store(shop, CLEAN, "a.csv")
    other = store(shop, UNKNOWN_PART, "b.csv")
    _fail(shop, failed, "KeyError: 'qty'")
    process_document(shop, other)

    [record] = json_lines(ingest(shop, tmp_path, "failed", "list", "--json"))
    assert record["type"] == "document" and record["document_id"] == failed and record["file"] == "a.csv"
    assert record["error"]["message"] == "KeyError: 'qty'" and record["attempts"] == 1
    assert 0 <= record["age_seconds"] < 120

    [done] = json_lines(ingest(shop, tmp_path, "failed", "retry", failed, other, "--json"))
    assert done["document_id"] == failed and done["status"] == "committed"  # the concluded one is left
    assert failed_documents(shop.db) == []
    assert "nothing to retry" in ingest(shop, tmp_path, "failed", "retry", "--all")


def test_failed_jobs_are_listed_and_retried_on_redis(shop: Pipeline, redis_url: str, tmp_path: Path) -> None:
    p = with_redis(shop, redis_url)
    conn = redis.Redis.from_url(redis_url)
    queue = Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer)
    stuck = store(p, CLEAN, "a.csv")  # its job fails (a wrong call): the document stays received
    queue.enqueue("ingest.queue.jobs.process_document_job", stuck, "extra", job_id=process_job_id(stuck))
    failed = store(p, UNKNOWN_PART, "b.csv")
    _fail(p, failed, "ValueError: bad")
    run_worker(p, conn, burst=True, fork=False)
    assert queue.failed_job_registry.count == 1

    records = json_lines(ingest(p, tmp_path, "failed", "list", "--json", redis_url=redis_url))
    by_type = {r["type"]: r for r in records}
    assert by_type["document"]["document_id"] == failed
    job = by_type["job"]
    assert (
        job["queue"] == DOCUMENTS and job["document_id"] == stuck and job["job_id"] == process_job_id(stuck)
    )
    assert "TypeError" in job["error"] and job["age_seconds"] is not None

    out = json_lines(
        ingest(p, tmp_path, "failed", "retry", "--all", "--no-wait", "--json", redis_url=redis_url)
    )
    assert sorted(r["document_id"] for r in out) == sorted([stuck, failed])
    assert queue.failed_job_registry.count == 0  # the dead job was replaced
    assert sorted(queue.job_ids) == sorted([process_job_id(stuck), process_job_id(failed)])
    run_worker(p, conn, burst=True, fork=False)
    assert state(p, stuck) is DocumentState.COMMITTED and state(p, failed) is DocumentState.REVIEW


# --- one poll per source at a time --------------------------------------------------------------


class PausingLocks:
    """Real locks; a holder stops inside until released, so that a second poll meets it."""

    def __init__(self, inner: Locks) -> None:
        self.inner = inner
        self.inside = threading.Event()
        self.release = threading.Event()

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        with self.inner.hold(name) as held:
            if held:
                self.inside.set()
                self.release.wait(30)
            yield held


def _edi_source(p: Pipeline, tmp_path: Path) -> Path:
    inbound = tmp_path / "in"
    inbound.mkdir()
    add_edi_folder(p.db, "acme", inbound, tmp_path / "out")
    (inbound / "po1.csv").write_bytes(CLEAN)
    (inbound / "po2.csv").write_bytes(UNKNOWN_PART)
    return inbound


def _two_polls_at_once(
    p: Pipeline, first: Locks, second: Locks
) -> tuple[list[str] | None, list[str] | None, list]:
    pausing = PausingLocks(first)
    result: dict[str, list[str] | None] = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("a", poll_source_locked(p.db, "acme", pausing))
    )
    thread.start()
    assert pausing.inside.wait(30)
    with structlog.testing.capture_logs() as logs:
        other = poll_source_locked(p.db, "acme", second)
    pausing.release.set()
    thread.join(30)
    return result["a"], other, logs


def test_two_polls_of_one_source_at_once_poll_once_with_database_locks(
    shop: Pipeline, tmp_path: Path
) -> None:
    inbound = _edi_source(shop, tmp_path)
    polled, skipped, logs = _two_polls_at_once(shop, DatabaseLocks(shop.db), DatabaseLocks(shop.db))
    assert skipped is None
    assert polled is not None and len(polled) == 2
    assert any(e["event"].startswith("poll skipped") and e["source"] == "acme" for e in logs)
    assert not [f for f in inbound.iterdir() if f.is_file()]
    assert poll_source_locked(shop.db, "acme", DatabaseLocks(shop.db)) == []  # the lock was freed


def test_two_polls_of_one_source_at_once_poll_once_with_redis_locks(
    shop: Pipeline, tmp_path: Path, redis_url: str
) -> None:
    _edi_source(shop, tmp_path)
    conn = redis.Redis.from_url(redis_url)
    polled, skipped, logs = _two_polls_at_once(
        shop, RedisLocks(conn, timeout=60), RedisLocks(conn, timeout=60)
    )
    assert skipped is None and polled is not None and len(polled) == 2
    assert any(e["event"].startswith("poll skipped") for e in logs)
    assert conn.keys("ingest:lock:*") == []  # released


HOLD_LOCK = """
import sys, time
from ingest.db import Database
from ingest.db.locks import DatabaseLocks
with DatabaseLocks(Database(sys.argv[1])).hold("poll:acme") as held:
    print("held" if held else "busy", flush=True)
    time.sleep(60)
"""


def test_a_database_lock_is_shared_between_processes_and_freed_when_its_holder_dies(
    shop: Pipeline, tmp_path: Path
) -> None:
    _edi_source(shop, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, shop.settings.database_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with structlog.testing.capture_logs() as logs:
            assert poll_source_locked(shop.db, "acme", DatabaseLocks(shop.db)) is None
        assert [e["event"] for e in logs] == ["poll skipped: another process is polling this source"]
    finally:
        holder.kill()
        holder.wait(10)
    found = poll_source_locked(shop.db, "acme", DatabaseLocks(shop.db))
    assert found is not None and len(found) == 2


def test_a_redis_lock_expires_after_its_timeout(redis_url: str) -> None:
    conn = redis.Redis.from_url(redis_url)
    # taken and never released, as by a process killed in the middle of a poll
    assert conn.lock("ingest:lock:poll:x", timeout=0.3).acquire(blocking=False)
    with RedisLocks(conn).hold("poll:x") as held:
        assert held is False
    time.sleep(0.5)
    with RedisLocks(conn).hold("poll:x") as held:
        assert held is True


def test_a_source_gets_its_own_poll_interval(shop: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    add_edi_folder(shop.db, "acme", tmp_path / "in", tmp_path / "out")
    ingest(shop, tmp_path, "source", "interval", "acme", "120")
    assert json_lines(ingest(shop, tmp_path, "source", "list", "--json"))[0]["poll_interval"] == 120
    set_poll_interval(shop.db, "acme", None)
    assert "poll_interval" not in list_sources(shop.db)[0]
    with pytest.raises(ConfigError):
        set_poll_interval(shop.db, "acme", 0)
    with pytest.raises(NotFoundError):
        set_poll_interval(shop.db, "nope", 60)


# --- metrics and worker health ------------------------------------------------------------------


def _families(text: str) -> dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
    found: dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]] = {}
    for family in text_string_to_metric_families(text):
        found[family.name] = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}
    return found


def test_metrics_from_the_database(shop: Pipeline, tmp_path: Path) -> None:
    committed = store(shop, CLEAN, "a.csv")
    review = store(shop, UNKNOWN_PART, "b.csv")
    store(shop, b"PO Number,SKU\n", "c.csv")  # waits in received
    for doc_id in (committed, review):
        process_document(shop, doc_id)

    m = _families(ingest(shop, tmp_path, "metrics"))
    docs = m["ingest_documents"]
    assert docs[("ingest_documents", (("state", "committed"),))] == 1
    assert docs[("ingest_documents", (("state", "review"),))] == 1
    assert docs[("ingest_documents", (("state", "received"),))] == 1
    assert m["ingest_orders"][("ingest_orders", (("status", "committed"),))] == 1
    assert m["ingest_orders"][("ingest_orders", (("status", "review"),))] == 1
    lines = m["ingest_order_lines"]
    assert lines[("ingest_order_lines_total", (("decision", "auto"),))] == 3  # 2 + the matched one of b.csv
    assert lines[("ingest_order_lines_total", (("decision", "review"),))] == 1
    latency = m["ingest_document_processing_seconds"]
    assert latency[("ingest_document_processing_seconds_count", ())] == 2
    assert latency[("ingest_document_processing_seconds_bucket", (("le", "+Inf"),))] == 2
    assert latency[("ingest_document_processing_seconds_bucket", (("le", "300.0"),))] == 2
    assert m["ingest_documents_waiting_oldest_seconds"][("ingest_documents_waiting_oldest_seconds", ())] >= 0
    assert "ingest_queue_depth" not in m  # no Redis configured


def test_metrics_and_worker_health_in_the_review_ui(shop: Pipeline, redis_url: str, tmp_path: Path) -> None:
    process_document(shop, store(shop, CLEAN, "a.csv"))
    app = create_app(shop.settings, shop.db)
    client = app.test_client()
    response = client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    assert (
        _families(response.get_data(as_text=True))["ingest_documents"][
            ("ingest_documents", (("state", "committed"),))
        ]
        == 1
    )
    assert client.get("/healthz/workers").get_json()["redis"] == "not configured"

    p = with_redis(shop, redis_url)
    conn = redis.Redis.from_url(redis_url)
    RqRunner(p, conn).submit([store(p, UNKNOWN_PART, "b.csv")])
    client = create_app(p.settings, p.db).test_client()
    m = _families(client.get("/metrics").get_data(as_text=True))
    assert m["ingest_queue_depth"][("ingest_queue_depth", (("queue", DOCUMENTS),))] == 1
    assert m["ingest_queue_up"][("ingest_queue_up", ())] == 1
    assert m["ingest_workers"][("ingest_workers", ())] == 0

    down = client.get("/healthz/workers")
    assert down.status_code == 503 and down.get_json()["alive"] == 0
    worker = Worker([Queue(DOCUMENTS, connection=conn)], connection=conn, name="w1")
    worker.register_birth()
    worker.heartbeat()
    up = client.get("/healthz/workers")
    body = up.get_json()
    assert up.status_code == 200 and body["alive"] == 1
    assert body["workers"][0]["name"] == "w1" and body["workers"][0]["last_heartbeat"] is not None

    [record] = json_lines(ingest(p, tmp_path, "worker-health", "--json", redis_url=redis_url))
    assert record["alive"] is True and record["heartbeat_age_seconds"] < 60 and record["pid"] == os.getpid()
    worker.register_death()
    ingest(p, tmp_path, "worker-health", redis_url=redis_url, ok=False)  # no live worker: exit 1
    ingest(p, tmp_path, "worker-health", ok=False)  # no Redis configured


def test_metrics_say_when_redis_does_not_answer(shop: Pipeline, tmp_path: Path) -> None:
    p = with_redis(shop, "redis://127.0.0.1:1/0")
    m = _families(create_app(p.settings, p.db).test_client().get("/metrics").get_data(as_text=True))
    assert m["ingest_queue_up"][("ingest_queue_up", ())] == 0
    assert "ingest_documents" in m


def test_periodic_sweeps_take_turns_across_processes(shop: Pipeline, redis_url: str) -> None:
    p = with_redis(shop, redis_url)
    conn = redis.Redis.from_url(redis_url)
    doc_id = store(p, CLEAN, "a.csv")
    first = PeriodicSweep(p, conn, every=60, older_than=0)
    second = PeriodicSweep(p, redis.Redis.from_url(redis_url), every=60, older_than=0)
    report = first.run_once()
    assert report is not None and report.resubmitted == [doc_id]
    assert second.run_once() is None  # this period's sweep is done
    assert Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer).job_ids == [process_job_id(doc_id)]


def test_a_job_taken_off_the_queue_by_a_worker_that_died_at_once_is_replaced(
    shop: Pipeline, redis_url: str
) -> None:
    p = with_redis(shop, redis_url)
    conn = redis.Redis.from_url(redis_url)
    runner = RqRunner(p, conn)
    doc_id = store(p, CLEAN, "a.csv")
    runner.submit([doc_id])
    queue = Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer)
    # a worker moves the id off the queue (the first half of taking a job) and dies before it
    # records the execution
    conn.lmove(queue.key, queue.intermediate_queue_key, "LEFT", "RIGHT")
    assert queue.job_ids == []
    started = time.monotonic()
    runner.submit([doc_id])
    assert time.monotonic() - started >= 1.0  # it gave a live worker the time to claim the job
    assert queue.job_ids == [process_job_id(doc_id)]
    assert conn.lrange(queue.intermediate_queue_key, 0, -1) == []  # no trace left for rq to trip on
