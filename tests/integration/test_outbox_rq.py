"""Exports through the outbox on real rq workers over the real Redis: the outbound queue, retries
scheduled with backoff, and the sweeper queueing entries whose job was lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from samples import CLEAN
from webhook_receiver import webhook_receiver

from ingest.bootstrap import build_outbox_dispatcher, build_runner
from ingest.domain.document import Receipt
from ingest.queue.names import OUTBOUND, outbox_job_id
from ingest.queue.sweep import sweep_queues
from ingest.services.deps import Pipeline
from ingest.services.export_targets import add_target, target_config
from ingest.services.intake import receive
from ingest.services.outbox import list_entries, record_commit, show_entry
from ingest.services.outbox_policy import verify_signature

SECRET = "rq-secret"


@pytest.fixture
def rq_shop(shop: Pipeline, redis_url: str) -> Iterator[Pipeline]:
    settings = shop.settings.model_copy(update={"redis_url": redis_url})
    yield replace(shop, settings=settings, outbox=build_outbox_dispatcher(settings, shop.db))


def worker_env(p: Pipeline, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INGEST_")}
    env.update(
        INGEST_DATABASE_URL=p.settings.database_url,
        INGEST_REDIS_URL=str(p.settings.redis_url),
        INGEST_DATA_DIR=str(p.settings.data_dir),
        HOOK_SECRET=SECRET,
        **extra,
    )
    return env


def submit(p: Pipeline, content: bytes, name: str) -> str:
    doc = receive(p.db, Receipt(content=content, channel="file", source="t", source_ref=name, filename=name))
    build_runner(p).submit([doc.id])
    return doc.id


def add_webhook(p: Pipeline, url: str) -> None:
    config = target_config("webhook", url=url, secret_env="HOOK_SECRET")
    add_target(p.db, "erp", "webhook", config, None, "t")


def test_a_burst_worker_delivers_once_after_two_failures(rq_shop: Pipeline) -> None:
    with webhook_receiver(500, 500) as receiver:
        add_webhook(rq_shop, receiver.url)
        submit(rq_shop, CLEAN, "a.csv")
        proc = subprocess.run(
            [sys.executable, "-m", "ingest", "worker", "--burst"],
            env=worker_env(rq_shop, INGEST_OUTBOX_BACKOFF_SECONDS="0"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [r.answered for r in receiver.requests] == [500, 500, 200], proc.stderr
    [accepted] = receiver.accepted
    h = accepted.headers
    assert verify_signature(
        SECRET.encode(),
        h["X-Ingest-Timestamp"],
        accepted.body,
        h["X-Ingest-Signature"],
        now=datetime.now(UTC),
    )
    [entry] = list_entries(rq_shop.db)
    entry, log = show_entry(rq_shop.db, entry.id)
    assert entry.state == "delivered"
    assert [(a.outcome, a.http_status) for a in log] == [("error", 500), ("error", 500), ("delivered", 200)]
    assert (
        Queue(OUTBOUND, connection=Redis.from_url(str(rq_shop.settings.redis_url))).failed_job_registry.count
        == 0
    )


@pytest.mark.slow
def test_a_worker_schedules_the_retry_for_its_time(rq_shop: Pipeline, tmp_path: Path) -> None:
    with webhook_receiver(500) as receiver:
        add_webhook(rq_shop, receiver.url)
        submit(rq_shop, CLEAN, "a.csv")
        worker = subprocess.Popen(
            [sys.executable, "-m", "ingest", "worker"],
            env=worker_env(rq_shop, INGEST_OUTBOX_BACKOFF_SECONDS="2"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not receiver.accepted:
                time.sleep(0.2)
        finally:
            worker.terminate()
            stderr = worker.communicate(timeout=30)[1]
    assert "Traceback" not in stderr
    assert [r.answered for r in receiver.requests] == [500, 200], stderr[-4000:]
    first, second = receiver.requests
    waited = int(second.headers["X-Ingest-Timestamp"]) - int(first.headers["X-Ingest-Timestamp"])
    assert waited >= 1  # the backoff, not at once
    [entry] = list_entries(rq_shop.db)
    assert entry.state == "delivered" and entry.attempts == 2


def test_the_sweeper_queues_an_entry_whose_job_was_lost(rq_shop: Pipeline, tmp_path: Path) -> None:
    local = replace(rq_shop, settings=rq_shop.settings.model_copy(update={"redis_url": None}), outbox=None)
    doc_id = receive(
        local.db, Receipt(content=CLEAN, channel="file", source="t", source_ref="a.csv", filename="a.csv")
    ).id
    build_runner(local).submit([doc_id])  # processed here, committed before any target existed
    add_target(rq_shop.db, "files", "jsonl", target_config("jsonl", folder=tmp_path / "o"), None, "t")
    with rq_shop.db.unit_of_work() as uow:
        [order_id] = uow.orders.existing_ids(doc_id)
        [entry_id] = record_commit(uow, order_id)  # as if its job had vanished with Redis
        uow.commit()
    redis = Redis.from_url(str(rq_shop.settings.redis_url))
    queue = Queue(OUTBOUND, connection=redis, serializer=JSONSerializer)
    assert queue.job_ids == []
    assert sweep_queues(rq_shop, redis, older_than=0).outbox == [entry_id]
    sweep_queues(rq_shop, redis, older_than=0)  # a second sweep queues nothing twice
    assert queue.job_ids == [outbox_job_id(entry_id, 1)]
