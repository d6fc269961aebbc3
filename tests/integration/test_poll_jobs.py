"""Source polls as jobs: ``ingest run`` (the scheduler) queues one poll job per due source, a
worker polls the source and queues the documents it stored. Real Redis, PostgreSQL and an
``ingest worker`` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from rq import Queue
from rq.job import JobStatus
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from ingest.queue.locks import RedisLocks
from ingest.queue.names import POLLS
from ingest.queue.polls import RqPolls, poll_job_id
from ingest.services.deps import Pipeline
from ingest.services.sources import PollSchedule, add_edi_folder, poll_all, poll_lock_name
from ingest.services.status import document_records

pytestmark = [pytest.mark.redis]

POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


def csv_po(n: int) -> bytes:
    return f"PO Number,Customer,SKU,Qty,UOM,Unit Price\nPJ-{n},C1,A-1,{n + 1},ea,1.25\n".encode()


def feed(tmp_path: Path, p: Pipeline, files: int) -> Path:
    inbound = tmp_path / "in"
    inbound.mkdir()
    for n in range(files):
        (inbound / f"po{n}.csv").write_bytes(csv_po(n))
    add_edi_folder(p.db, "partner-drop", inbound, tmp_path / "out", tmp_path / "archive")
    return inbound


def burst_worker(p: Pipeline, redis_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_DATABASE_URL=p.settings.database_url,
        INGEST_REDIS_URL=redis_url,
        INGEST_DATA_DIR=str(tmp_path / "data"),
        INGEST_LOG_LEVEL="WARNING",
    )
    return subprocess.run(
        [sys.executable, "-m", "ingest", "worker", "--burst", "--no-fork"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@POSTGRES_ONLY
def test_a_due_source_gets_one_poll_job_and_a_worker_polls_it(
    shop: Pipeline, redis_url: str, tmp_path: Path
) -> None:
    inbound = feed(tmp_path, shop, 4)
    conn = redis.Redis.from_url(redis_url)
    polls = RqPolls(conn, timeout=60)
    schedule = PollSchedule(30)

    # the scheduler polls nothing itself: it queues a job for the due source...
    assert poll_all(shop.db, None, schedule, polls.dispatch) == {"partner-drop": []}
    queue = Queue(POLLS, connection=conn, serializer=JSONSerializer)
    assert queue.get_job_ids() == [poll_job_id("partner-drop")]
    assert len(list(inbound.iterdir())) == 4
    # ...and a source already waiting for its poll is not queued twice
    polls.dispatch("partner-drop")
    assert queue.count == 1
    # not due again before its interval
    assert poll_all(shop.db, None, schedule, polls.dispatch) == {}

    # a worker polls it, stores the files and runs the documents they became
    done = burst_worker(shop, redis_url, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(inbound.iterdir()) == []
    records = document_records(shop.db)
    assert sorted(r["status"] for r in records) == ["committed"] * 4
    assert queue.count == 0


@POSTGRES_ONLY
def test_a_poll_job_skips_a_source_another_process_is_polling(
    shop: Pipeline, redis_url: str, tmp_path: Path
) -> None:
    inbound = feed(tmp_path, shop, 2)
    conn = redis.Redis.from_url(redis_url)
    RqPolls(conn, timeout=60).dispatch("partner-drop")
    with RedisLocks(conn, timeout=60).hold(poll_lock_name("partner-drop")) as held:
        assert held
        done = burst_worker(shop, redis_url, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list(inbound.iterdir())) == 2  # left for the process holding the lock
    assert document_records(shop.db) == []


@POSTGRES_ONLY
def test_a_failed_poll_job_does_not_block_the_next_poll(
    shop: Pipeline, redis_url: str, tmp_path: Path
) -> None:
    feed(tmp_path, shop, 1)
    conn = redis.Redis.from_url(redis_url)
    polls = RqPolls(conn, timeout=60)
    polls.dispatch("partner-drop")
    queue = Queue(POLLS, connection=conn, serializer=JSONSerializer)
    job = queue.fetch_job(poll_job_id("partner-drop"))
    assert job is not None
    # as rq leaves a job whose worker died with it: failed, kept for a day
    queue.remove(job.id)
    job.set_status(JobStatus.FAILED)
    FailedJobRegistry(queue=queue).add(job, ttl=3600, exc_string="worker lost")
    polls.dispatch("partner-drop")
    assert queue.get_job_ids() == [poll_job_id("partner-drop")]
