"""Faults the queue must survive, on real rq workers (``python -m ingest worker`` processes), the
real Redis and the real PostgreSQL: a worker killed mid-batch, Redis emptied, the database
connection cut during a job, and the same document run by two workers at once.

The promise checked after each: every document ends ``committed`` or ``review`` exactly once (one
order with all its lines, one audit record of the conclusion), none is left ``received``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import func, select, text

from ingest.db.tables import AuditRow, DocumentRow, OrderLineRow, OrderRow
from ingest.domain.document import DocumentState, Receipt
from ingest.queue.names import DOCUMENTS, process_job_id
from ingest.queue.runners import RqRunner
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.sweeper import sweep

pytestmark = [pytest.mark.redis, pytest.mark.slow]

POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
CONCLUDED = {DocumentState.COMMITTED.value, DocumentState.REVIEW.value}
LINES_PER_ORDER = 2


# --- documents and checks -----------------------------------------------------------------------


def csv_order(n: int, tag: str) -> bytes:
    """A small purchase order: one PO with two lines. Every fifth names an unknown part (review);
    the others match fully (committed)."""
    po = f"PO-{tag}-{n:04d}"
    second = f"{po},C1,ZZ-404,3,ea,2.00,\n" if n % 5 == 0 else f"{po},C1,,2,ea,3.00,77-1\n"
    return (
        f"PO Number,Customer,SKU,Qty,UOM,Unit Price,Customer Part\n{po},C1,A-1,{n + 1},ea,1.25,\n" + second
    ).encode()


def store_batch(p: Pipeline, count: int, tag: str) -> list[str]:
    ids = []
    for n in range(count):
        receipt = Receipt(
            content=csv_order(n, tag),
            channel="file",
            source="fault",
            source_ref=f"{tag}-{n}.csv",
            filename=f"{tag}-{n}.csv",
        )
        ids.append(receive(p.db, receipt).id)
    return ids


def states(p: Pipeline, ids: list[str]) -> dict[str, str]:
    with p.db.unit_of_work() as uow:
        return {i: s.value for i, s in uow.documents.states(ids).items()}


def concluded(p: Pipeline, ids: list[str]) -> int:
    return sum(1 for s in states(p, ids).values() if s != DocumentState.RECEIVED.value)


def wait_until(check: Callable[[], bool], timeout: float, what: str, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


def wait_until_settled(p: Pipeline, ids: list[str], quiet: float = 1.5) -> None:
    """Until no document has concluded for ``quiet`` seconds."""
    before = -1
    while (now := concluded(p, ids)) != before:
        before = now
        time.sleep(quiet)


def wait_all_concluded(p: Pipeline, ids: list[str], timeout: float) -> None:
    wait_until(lambda: concluded(p, ids) == len(ids), timeout, f"{len(ids)} documents to conclude")


def assert_each_concluded_once(p: Pipeline, ids: list[str]) -> None:
    """Every document committed or review, with exactly one order of all its lines and exactly
    one recorded conclusion."""
    with p.db.unit_of_work() as uow:
        s = uow.session
        doc_states = dict(
            s.execute(select(DocumentRow.id, DocumentRow.state).where(DocumentRow.id.in_(ids))).all()
        )
        orders = dict(
            s.execute(
                select(OrderRow.document_id, func.count())
                .where(OrderRow.document_id.in_(ids))
                .group_by(OrderRow.document_id)
            ).all()
        )
        lines = dict(
            s.execute(
                select(OrderRow.document_id, func.count(OrderLineRow.id))
                .join(OrderLineRow, OrderLineRow.order_id == OrderRow.id)
                .where(OrderRow.document_id.in_(ids))
                .group_by(OrderRow.document_id)
            ).all()
        )
        conclusions = dict(
            s.execute(
                select(AuditRow.entity_id, func.count())
                .where(
                    AuditRow.entity_type == "document",
                    AuditRow.entity_id.in_(ids),
                    AuditRow.action.in_([f"document.{state}" for state in CONCLUDED]),
                )
                .group_by(AuditRow.entity_id)
            ).all()
        )
    wrong_state = {i: doc_states.get(i) for i in ids if doc_states.get(i) not in CONCLUDED}
    assert not wrong_state, (
        f"{len(wrong_state)} documents not committed or review: {list(wrong_state.items())[:5]}"
    )
    wrong_orders = {i: orders.get(i, 0) for i in ids if orders.get(i, 0) != 1}
    assert not wrong_orders, f"documents without exactly one order: {list(wrong_orders.items())[:5]}"
    partial = {i: lines.get(i, 0) for i in ids if lines.get(i, 0) != LINES_PER_ORDER}
    assert not partial, f"orders without all their lines: {list(partial.items())[:5]}"
    twice = {i: conclusions.get(i, 0) for i in ids if conclusions.get(i, 0) != 1}
    assert not twice, f"documents not concluded exactly once: {list(twice.items())[:5]}"
    review = sum(1 for i in ids if doc_states[i] == DocumentState.REVIEW.value)
    assert review == len([n for n in range(len(ids)) if n % 5 == 0])  # the unknown parts, no more


# --- worker processes ---------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """The processes under ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Workers:
    """``python -m ingest worker`` processes, each in its own process group (the worker, its
    work-horse and its scheduler), stopped at the end of the test whatever happens."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, database_url: str, redis_url: str, *args: str) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
        env.update(
            INGEST_DATABASE_URL=database_url,
            INGEST_REDIS_URL=redis_url,
            INGEST_DATA_DIR=str(self.tmp_path / "data"),
            INGEST_LOG_LEVEL="WARNING",
        )
        log = (self.tmp_path / f"worker-{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "ingest", "worker", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def log(self, index: int) -> str:
        return (self.tmp_path / f"worker-{index}.log").read_text(errors="replace")

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        """``kill -9`` the worker and every process it started (the work-horse runs in a process
        group of its own), as when its machine is lost: nothing gets to clean up."""
        for pid in [*_descendants(proc.pid), proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.kill(proc)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    w = Workers(tmp_path)
    try:
        yield w
    finally:
        w.stop_all()
        for n in range(len(w.procs)):  # shown by pytest when the test failed
            print(f"--- worker {n} (exit {w.procs[n].returncode}) ---\n{w.log(n)[-3000:]}")


def with_redis(p: Pipeline, redis_url: str) -> Pipeline:
    return replace(p, settings=p.settings.model_copy(update={"redis_url": redis_url}))


def runner_for(p: Pipeline, redis_url: str) -> RqRunner:
    return RqRunner(p, redis.Redis.from_url(redis_url))


def started_documents(redis_url: str) -> list[str]:
    """Documents whose job rq has as started (running, or abandoned by a dead worker)."""
    registry = StartedJobRegistry(
        DOCUMENTS, connection=redis.Redis.from_url(redis_url), serializer=JSONSerializer
    )
    return [job_id.removeprefix("process-") for job_id in registry.get_job_ids(cleanup=False)]


def holder_pids(redis_url: str, document_id: str) -> set[int]:
    """The pids of the workers rq has running the job of ``document_id``."""
    conn = redis.Redis.from_url(redis_url)
    try:
        job = Job.fetch(process_job_id(document_id), connection=conn, serializer=JSONSerializer)
        names = {e.worker_name for e in job.get_executions()}
    except (NoSuchJobError, ValueError):
        return set()
    found = (
        Worker.find_by_key(Worker.redis_worker_namespace_prefix + n, connection=conn) for n in names if n
    )
    return {w.pid for w in found if w is not None and w.pid}


def running_received(p: Pipeline, redis_url: str) -> bool:
    """Whether a job is running for a document that is still received."""
    running = started_documents(redis_url)
    return bool(running) and DocumentState.RECEIVED.value in states(p, running).values()


# --- a private Redis server -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[str]:
    """A redis-server of this test's own on a free port: the one test that empties Redis must not
    touch the shared server."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "redis-server is not installed (CI=true, so this is a failure, not a skip)", pytrace=False
            )
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, 10, "the private redis-server to answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- the faults ---------------------------------------------------------------------------------


@POSTGRES_ONLY
def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(
    shop: Pipeline, redis_url: str, workers: Workers
) -> None:
    p = with_redis(shop, redis_url)
    ids = store_batch(p, 200, "kill")
    runner_for(p, redis_url).submit(ids)
    pool = [workers.start(p.settings.database_url, redis_url) for _ in range(2)]
    wait_until(lambda: concluded(p, ids) >= 30, 60, "the batch to get going")

    # kill -9 one of the two workers (and its work-horse) while it is running a job
    abandoned: list[str] = []
    for _attempt in range(10):
        wait_until(lambda: running_received(p, redis_url), 30, "a job to be running", poll=0.005)
        victim = next(
            (w for d in started_documents(redis_url) for w in pool if w.pid in holder_pids(redis_url, d)),
            None,
        )
        if victim is None:  # that job ended meanwhile
            continue
        Workers.kill(victim)
        pool.remove(victim)
        left = states(p, ids)
        abandoned = [
            d
            for d in started_documents(redis_url)
            if left[d] == "received" and victim.pid in holder_pids(redis_url, d)
        ]
        pool.append(workers.start(p.settings.database_url, redis_url))  # restart a worker
        if abandoned:
            break
    assert abandoned, "could not kill a worker in the middle of a job"
    assert concluded(p, ids) < len(ids) - 20, "the batch was nearly done before the worker was killed"

    # the workers take the rest of the queue, but not the job the dead one held: rq still has it
    # as taken, and would for many minutes
    queue = Queue(DOCUMENTS, connection=redis.Redis.from_url(redis_url), serializer=JSONSerializer)
    wait_until(lambda: queue.count == 0, 120, "the queue to drain")
    wait_until_settled(p, ids)
    left = {d for d, s in states(p, ids).items() if s == DocumentState.RECEIVED.value}
    assert set(abandoned) <= left
    # (the dead worker may also have taken the next job off the queue without starting it)
    assert len(left) <= len(abandoned) + 1

    # the sweeper finds them, sees that their worker is gone, and hands them over again
    report = sweep(p.db, runner_for(p, redis_url), older_than=0)
    assert set(report.resubmitted) == left
    wait_all_concluded(p, ids, 60)
    assert_each_concluded_once(p, ids)


def rq_worker_pids(redis_url: str) -> set[int]:
    return {w.pid for w in Worker.all(connection=redis.Redis.from_url(redis_url)) if w.pid}


@POSTGRES_ONLY
def test_a_pool_process_killed_mid_batch_is_replaced_and_nothing_is_lost_or_doubled(
    shop: Pipeline, redis_url: str, workers: Workers
) -> None:
    p = with_redis(shop, redis_url)
    ids = store_batch(p, 150, "pool")
    runner_for(p, redis_url).submit(ids)
    supervisor = workers.start(p.settings.database_url, redis_url, "--processes", "2")
    wait_until(lambda: len(rq_worker_pids(redis_url)) == 2, 60, "the pool's two workers")
    processes = rq_worker_pids(redis_url)
    assert processes <= set(_descendants(supervisor.pid))
    wait_until(lambda: concluded(p, ids) >= 20, 60, "the batch to get going")

    # kill -9 the pool process running a job; the supervisor starts another in its place
    # (a process killed just after its job concluded abandons nothing: then another is tried)
    abandoned: list[str] = []
    victim = 0
    killed: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(killed) < 10:
        wait_until(lambda: running_received(p, redis_url), 30, "a job to be running", poll=0.005)
        live = set(_descendants(supervisor.pid)) - killed
        running = started_documents(redis_url)
        victim = next((pid for d in running for pid in holder_pids(redis_url, d) if pid in live), 0)
        if not victim:  # only jobs of processes killed before: wait for their replacements
            time.sleep(0.005)
            continue
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        killed.add(victim)
        left = states(p, ids)
        abandoned = [d for d in running if left[d] == "received" and victim in holder_pids(redis_url, d)]
        if abandoned:
            break
    assert abandoned, "could not kill a pool process in the middle of a job"
    wait_until(
        lambda: victim not in _descendants(supervisor.pid) and len(set(_descendants(supervisor.pid))) >= 2,
        30,
        "the supervisor to replace the killed process",
    )
    assert supervisor.poll() is None, "the supervisor died with its process:\n" + workers.log(0)

    queue = Queue(DOCUMENTS, connection=redis.Redis.from_url(redis_url), serializer=JSONSerializer)
    wait_until(lambda: queue.count == 0, 120, "the queue to drain")
    wait_until_settled(p, ids)
    left = {d for d, s in states(p, ids).items() if s == DocumentState.RECEIVED.value}
    assert set(abandoned) <= left
    report = sweep(p.db, runner_for(p, redis_url), older_than=0)
    assert set(report.resubmitted) == left
    wait_all_concluded(p, ids, 60)
    assert_each_concluded_once(p, ids)

    # SIGTERM stops the pool promptly: every process finishes, the supervisor exits cleanly, and
    # nothing it ever started is left running (not even beside the process that was killed)
    children = _descendants(supervisor.pid)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0, workers.log(0)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists() and _alive(pid)]
    wait_until(lambda: not _session_members(supervisor.pid), 10, "every process of the pool to end")


def _session_members(session: int) -> list[int]:
    """The live processes of the session ``session`` (the supervisor was started as its leader)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@POSTGRES_ONLY
def test_redis_emptied_mid_batch_the_sweeper_recovers_every_document(
    shop: Pipeline, private_redis: str, workers: Workers
) -> None:
    p = with_redis(shop, private_redis)
    ids = store_batch(p, 120, "flush")
    runner_for(p, private_redis).submit(ids)
    pool = [workers.start(p.settings.database_url, private_redis) for _ in range(2)]
    wait_until(lambda: concluded(p, ids) >= 20, 60, "the batch to get going")
    redis.Redis.from_url(private_redis).flushall()

    # the queue is gone: once the jobs running at the flush end, nothing more happens
    wait_until_settled(p, ids)
    lost = [d for d, s in states(p, ids).items() if s == DocumentState.RECEIVED.value]
    assert lost, "the flush came too late to lose anything"
    for n, worker in enumerate(pool):
        assert worker.poll() is None, "a worker died when Redis was emptied:\n" + workers.log(n)

    # a grace period keeps the sweeper away from documents that have just been received...
    assert sweep(p.db, runner_for(p, private_redis), older_than=3600).resubmitted == []
    # ...and past it, every lost document is handed to the (still running) workers again
    report = sweep(p.db, runner_for(p, private_redis), older_than=0)
    assert sorted(report.resubmitted) == sorted(lost)
    wait_all_concluded(p, ids, 90)
    assert_each_concluded_once(p, ids)


TERMINATE_MID_WRITE = text(
    """
    SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE application_name = :app AND state IN ('active', 'idle in transaction')
      AND query ~* 'insert into (orders|order_lines|audit_log)'
    """
)


@POSTGRES_ONLY
def test_database_connection_cut_during_jobs_is_retried_without_partial_orders(
    shop: Pipeline, redis_url: str, workers: Workers, postgres_url: str
) -> None:
    p = with_redis(shop, redis_url)
    ids = store_batch(p, 60, "cut")
    runner_for(p, redis_url).submit(ids)
    app_name = f"ingest-fault-{os.getpid()}"
    sep = "&" if "?" in p.settings.database_url else "?"
    workers.start(f"{p.settings.database_url}{sep}application_name={app_name}", redis_url)

    # cut the worker's connection while it is writing an order, three times
    killed: list[int] = []
    deadline = time.monotonic() + 60
    with p.db.engine.connect() as admin:
        while len(killed) < 3 and time.monotonic() < deadline and concluded(p, ids) < len(ids):
            rows = admin.execute(TERMINATE_MID_WRITE, {"app": app_name}).all()
            admin.commit()
            if any(ok for _, ok in rows):
                killed += [pid for pid, ok in rows if ok]
                time.sleep(0.5)  # let the next jobs run; the cut one comes back after its retry delay
            else:
                time.sleep(0.002)
    assert len(killed) >= 1, "never caught the worker writing an order"

    wait_all_concluded(p, ids, 90)
    assert_each_concluded_once(p, ids)  # nothing written twice, no order without its lines
    with p.db.unit_of_work() as uow:
        failed = uow.documents.ids_in_state(DocumentState.FAILED)
        attempts = uow.session.scalar(select(func.sum(DocumentRow.attempts)).where(DocumentRow.id.in_(ids)))
    assert failed == []  # a cut connection is a transient fault, never a failed document
    assert attempts is not None and attempts >= len(ids) + 1  # and the cut jobs did run again


@pytest.mark.parametrize("database_url", ["postgres", "sqlite"], indirect=True)
def test_the_same_document_run_by_two_workers_at_once_gives_one_set_of_orders(
    shop: Pipeline, redis_url: str, workers: Workers
) -> None:
    p = with_redis(shop, redis_url)
    ids = store_batch(p, 40, "twin")
    conn = redis.Redis.from_url(redis_url)

    # submitted twice at the same moment through the runner: one job per document
    runners = [runner_for(p, redis_url), runner_for(p, redis_url)]
    threads = [threading.Thread(target=r.submit, args=(ids,)) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue = Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer)
    assert sorted(queue.job_ids) == sorted(process_job_id(i) for i in ids)

    # and even when two jobs for one document do exist (enqueued by hand, side by side), two
    # workers running them at once conclude each document once
    queue.empty()
    workers.start(p.settings.database_url, redis_url)
    workers.start(p.settings.database_url, redis_url)
    wait_until(lambda: Worker.count(connection=conn) == 2, 60, "both workers to listen")
    with conn.pipeline() as pipe:  # all at once, so that both idle workers take a twin each
        for doc_id in ids:
            for twin in ("a", "b"):
                queue.enqueue(
                    "ingest.queue.jobs.process_document_job",
                    doc_id,
                    job_id=f"twin-{twin}-{doc_id}",
                    result_ttl=0,
                    pipeline=pipe,
                )
        pipe.execute()
    wait_all_concluded(p, ids, 90)
    wait_until(lambda: queue.count == 0 and not started_documents(redis_url), 60, "both workers to finish")
    assert_each_concluded_once(p, ids)
    assert queue.failed_job_registry.count == 0
    assert all(Job.exists(f"twin-{t}-{i}", connection=conn) is False for t in "ab" for i in ids)
    with p.db.unit_of_work() as uow:
        raced = uow.session.scalar(
            select(func.count()).where(DocumentRow.id.in_(ids), DocumentRow.attempts > 1)
        )
    # twins did run side by side: both started on a document before either concluded it
    assert raced, "the two workers never ran one document at the same time"
