"""The pipeline's rq workers keep rq's books in fewer round trips and leave Redis exactly as rq's
own worker would (on the real Redis)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from redis import Connection, ConnectionPool, Redis
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.executions import Execution
from rq.serializers import JSONSerializer

from ingest.queue.bookkeeping import LeanBookkeeping
from ingest.queue.worker import InProcessWorker, QuickStop

MODULE = __name__


def succeed(n: int) -> None:
    return None


def fail(n: int) -> None:
    raise ValueError(f"document {n} is not an order")


def note_registration(n: int) -> None:
    """Writes down how long the worker running it stays registered."""
    job = get_current_job()
    assert job is not None
    conn = job.connection
    conn.set(f"observed:{n}", conn.ttl(f"rq:worker:{job.worker_name}"))


class CountingConnection(Connection):
    """Counts what goes to Redis in one write: a command, or a whole pipeline."""

    sends = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        type(self).sends += 1
        super().send_packed_command(command, check_health)


@pytest.fixture
def counting(redis_url: str) -> Iterator[Redis]:
    CountingConnection.sends = 0
    pool = ConnectionPool.from_url(redis_url, connection_class=CountingConnection)
    yield Redis(connection_pool=pool)
    pool.disconnect()


class RqWorker(QuickStop, SimpleWorker):
    """rq's own worker, for comparison (stopping as promptly as ours: rq's listener can hold a
    stopping worker for up to a minute, by which time its registration has expired)."""


def enqueue_mix(conn: Redis) -> None:
    """Jobs ending every way a pipeline job can: done (nothing kept), done with a result kept,
    failed for good, failed and scheduled for a retry."""
    q = Queue("documents", connection=conn, serializer=JSONSerializer)
    for n in range(3):
        q.enqueue(f"{MODULE}.succeed", n, job_id=f"process-ok{n}", result_ttl=0, failure_ttl=3600)
    q.enqueue(f"{MODULE}.succeed", 9, job_id="process-kept", result_ttl=600)
    q.enqueue(f"{MODULE}.fail", 1, job_id="process-bad", result_ttl=0, failure_ttl=3600)
    q.enqueue(
        f"{MODULE}.fail",
        2,
        job_id="process-retry",
        result_ttl=0,
        failure_ttl=3600,
        retry=Retry(max=1, interval=60),
    )


HEX = re.compile(rb"[0-9a-f]{32}")
COMPARED_FIELDS = {
    b"status",
    b"successful_job_count",
    b"failed_job_count",
    b"state",
    b"origin",
    b"retries_left",
}


def snapshot(conn: Redis) -> dict[bytes, object]:
    """Every key (worker names and execution ids masked) with its type and what it holds, times
    left out."""
    out: dict[bytes, object] = {}
    for key in conn.scan_iter():
        kind = conn.type(key)
        held: object
        if kind == b"hash":
            held = {f: (v if f in COMPARED_FIELDS else b"") for f, v in conn.hgetall(key).items()}
        elif kind == b"zset":
            held = sorted(HEX.sub(b"X", m) for m in conn.zrange(key, 0, -1))
        elif kind == b"set":
            held = sorted(HEX.sub(b"X", m) for m in conn.smembers(key))
        elif kind == b"list":
            held = [HEX.sub(b"X", m) for m in conn.lrange(key, 0, -1)]
        else:
            held = kind
        out[HEX.sub(b"X", key)] = held
    return out


def run(worker_class: type[SimpleWorker], conn: Redis) -> None:
    q = Queue("documents", connection=conn, serializer=JSONSerializer)
    worker_class([q], connection=conn, serializer=JSONSerializer).work(burst=True, logging_level="WARNING")


def test_redis_is_left_as_rqs_own_worker_leaves_it(redis_url: str) -> None:
    conn = Redis.from_url(redis_url)
    enqueue_mix(conn)
    run(RqWorker, conn)
    theirs = snapshot(conn)
    conn.flushdb()
    enqueue_mix(conn)
    run(InProcessWorker, conn)
    ours = snapshot(conn)
    assert ours == theirs
    # and it is what a pipeline needs: nothing left of the finished jobs, the failed one on record
    assert not [k for k in ours if k.startswith(b"rq:job:process-ok")]
    assert ours[b"rq:failed:documents"] == [b"process-bad"]
    assert ours[b"rq:scheduled:documents"] == [b"process-retry"]


@pytest.mark.parametrize("record", ["kept", "expired"])
def test_an_earlier_execution_left_by_a_dead_worker_is_removed_with_the_job(
    redis_url: str, record: str
) -> None:
    """A worker killed mid-job leaves its execution on record; when the job runs again and
    succeeds, nothing of either execution stays behind, even once the dead one's own record has
    expired (rq's own finishing fails on that one)."""
    conn = Redis.from_url(redis_url)
    q = Queue("documents", connection=conn, serializer=JSONSerializer)
    job = q.enqueue(f"{MODULE}.succeed", 1, job_id="process-again", result_ttl=0)
    with conn.pipeline() as pipe:
        dead = Execution.create(job, ttl=600, pipeline=pipe, worker_name="gone")
        pipe.execute()
    if record == "expired":
        conn.delete(dead.key)
    run(InProcessWorker, conn)
    assert conn.keys("rq:job:process-again*") == [] and conn.keys("rq:execution*") == []
    assert conn.zcard("rq:wip:documents") == 0 and conn.zcard("rq:failed:documents") == 0
    if record == "kept":  # an expired record no longer names the dead worker, whose index expires with it
        assert conn.scard(dead.worker_executions_key) == 0


def test_a_job_costs_a_handful_of_round_trips(counting: Redis) -> None:
    jobs = 40
    q = Queue("documents", connection=counting, serializer=JSONSerializer)
    for n in range(jobs):
        q.enqueue(f"{MODULE}.succeed", n, job_id=f"process-n{n}", result_ttl=0)
    CountingConnection.sends = 0
    run(RqWorker, counting)
    theirs = CountingConnection.sends / jobs
    for n in range(jobs):
        q.enqueue(f"{MODULE}.succeed", n, job_id=f"process-n{n}", result_ttl=0)
    CountingConnection.sends = 0
    run(InProcessWorker, counting)
    ours = CountingConnection.sends / jobs
    # taking the job (3), starting it (2), finishing it (2), with start-up and shut-down spread over
    assert ours <= 8, f"{ours:.1f} round trips per job (rq's own worker: {theirs:.1f})"
    assert theirs > ours


def test_the_worker_stays_registered_while_it_works(redis_url: str) -> None:
    conn = Redis.from_url(redis_url)
    q = Queue("documents", connection=conn, serializer=JSONSerializer)
    for n in range(3):
        q.enqueue(f"{MODULE}.note_registration", n, job_id=f"process-w{n}", result_ttl=0, job_timeout=600)
    run(InProcessWorker, conn)
    # registered for the job's timeout and a minute more, every time
    assert [int(conn.get(f"observed:{n}") or 0) for n in range(3)] == [pytest.approx(660, abs=5)] * 3


class Beating(LeanBookkeeping, SimpleWorker):
    pass


def test_a_heartbeat_right_after_another_is_not_sent_unless_it_reaches_further(counting: Redis) -> None:
    q = Queue("documents", connection=counting, serializer=JSONSerializer)
    worker = Beating([q], connection=counting, serializer=JSONSerializer)
    worker.register_birth()
    CountingConnection.sends = 0
    worker.heartbeat()
    assert CountingConnection.sends == 1  # three commands, one round trip
    worker.heartbeat()
    assert CountingConnection.sends == 1  # a moment later: already registered as long
    worker.heartbeat(worker.worker_ttl + 600)
    assert CountingConnection.sends == 2  # asked to stay registered longer: sent
    assert counting.ttl(worker.key) > worker.worker_ttl + 500
    worker.register_death()
