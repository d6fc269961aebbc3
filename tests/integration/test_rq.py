"""The same job functions on real rq workers over the real Redis, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from samples import CLEAN, UNKNOWN_PART, run_worker_process

from ingest.bootstrap import build_runner
from ingest.domain.document import DocumentState, Receipt
from ingest.queue.names import DOCUMENTS, process_job_id
from ingest.queue.runners import BATCH_LOOK, RqRunner
from ingest.queue.worker import run_worker
from ingest.services.deps import Pipeline
from ingest.services.intake import receive
from ingest.services.status import counts


@pytest.fixture
def rq_shop(shop: Pipeline, redis_url: str) -> Pipeline:
    settings = shop.settings.model_copy(update={"redis_url": redis_url})
    return replace(shop, settings=settings)


def store(p: Pipeline, content: bytes, name: str) -> str:
    return receive(
        p.db, Receipt(content=content, channel="file", source="t", source_ref=name, filename=name)
    ).id


def test_runner_is_chosen_by_configuration(rq_shop: Pipeline, shop: Pipeline) -> None:
    assert build_runner(rq_shop).name == "rq"
    assert build_runner(shop).name == "in-process"


def test_jobs_carry_ids_only_with_deterministic_ids(rq_shop: Pipeline, redis_url: str) -> None:
    runner = build_runner(rq_shop)
    assert isinstance(runner, RqRunner)
    doc_id = store(rq_shop, CLEAN, "a.csv")
    runner.submit([doc_id])
    runner.submit([doc_id])  # a repeat is harmless
    queue = Queue(DOCUMENTS, connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    assert queue.job_ids == [process_job_id(doc_id)]
    raw = Redis.from_url(redis_url).hget(f"rq:job:{process_job_id(doc_id)}", "data")
    assert raw is not None
    payload = json.loads(zlib.decompress(raw))
    assert payload[0] == "ingest.queue.jobs.process_document_job" and payload[2] == [doc_id]


def test_in_process_simple_worker_processes_the_queue(rq_shop: Pipeline, redis_url: str) -> None:
    runner = build_runner(rq_shop)
    ids = [store(rq_shop, CLEAN, "a.csv"), store(rq_shop, UNKNOWN_PART, "b.csv")]
    runner.submit(ids)
    run_worker(rq_shop, Redis.from_url(redis_url), burst=True, fork=False)
    runner.wait(ids, timeout=30)
    assert counts(rq_shop.db)["documents"]["committed"] == 1
    assert counts(rq_shop.db)["documents"]["review"] == 1


def test_forking_worker_process_from_the_cli(rq_shop: Pipeline, redis_url: str, tmp_path: Path) -> None:
    runner = build_runner(rq_shop)
    ids = [store(rq_shop, CLEAN, "a.csv"), store(rq_shop, UNKNOWN_PART, "b.csv")]
    runner.submit(ids)
    run_worker_process(rq_shop.settings.database_url, redis_url, tmp_path / "data")
    runner.wait(ids, timeout=30)
    with rq_shop.db.unit_of_work() as uow:
        states = [uow.documents.get(i).state for i in ids]
    assert states == [DocumentState.COMMITTED, DocumentState.REVIEW]


def test_a_dead_job_is_replaced_when_the_document_is_submitted_again(
    rq_shop: Pipeline, redis_url: str
) -> None:
    runner = build_runner(rq_shop)
    doc_id = store(rq_shop, CLEAN, "a.csv")
    runner.submit([doc_id])
    conn = Redis.from_url(redis_url)
    queue = Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer)
    job = Job.fetch(process_job_id(doc_id), connection=conn, serializer=JSONSerializer)
    queue.remove(job)
    job.set_status(JobStatus.FAILED)
    assert queue.job_ids == []
    runner.submit([doc_id])
    assert queue.job_ids == [process_job_id(doc_id)]


def test_a_job_for_a_missing_document_does_not_fail_the_worker(rq_shop: Pipeline, redis_url: str) -> None:
    runner = build_runner(rq_shop)
    runner.submit(["no-such-document"])
    run_worker(rq_shop, Redis.from_url(redis_url), burst=True, fork=False)
    queue = Queue(DOCUMENTS, connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    assert queue.failed_job_registry.count == 0 and queue.count == 0


class CountingRedis(Redis):
    calls = 0

    def execute_command(self, *args: object, **options: object) -> object:
        self.calls += 1
        return super().execute_command(*args, **options)


def test_a_backlog_submitted_again_leaves_its_queued_jobs_and_replaces_the_dead_one(
    rq_shop: Pipeline, redis_url: str
) -> None:
    """A sweep over a backlog: the queue is read once, the waiting jobs are left as they are, and
    a document whose job died among them is queued again."""
    runner = build_runner(rq_shop)
    ids = [store(rq_shop, CLEAN.replace(b"PO-1", f"PO-{n}".encode()), f"{n}.csv") for n in range(BATCH_LOOK)]
    runner.submit(ids)
    conn = Redis.from_url(redis_url)
    queue = Queue(DOCUMENTS, connection=conn, serializer=JSONSerializer)
    dead = Job.fetch(process_job_id(ids[7]), connection=conn, serializer=JSONSerializer)
    queue.remove(dead)
    dead.set_status(JobStatus.FAILED)
    before = queue.job_ids
    counting = CountingRedis.from_url(redis_url)
    RqRunner(rq_shop, counting).submit(ids)
    # one read of the queue, then work for the dead job alone: not a round trip per waiting job
    assert counting.calls < BATCH_LOOK / 2
    after = queue.job_ids
    assert after[: len(before)] == before  # the waiting jobs keep their places
    assert after[len(before) :] == [process_job_id(ids[7])]
    assert sorted(after) == sorted(process_job_id(i) for i in ids)
