"""rq's scheduler run as a thread (the worker pool's supervisor runs one), on the real Redis."""

from __future__ import annotations

import time
from datetime import timedelta

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from ingest.queue.names import OUTBOUND
from ingest.queue.scheduling import SchedulerThread


def test_the_scheduler_thread_moves_due_jobs_and_then_lets_another_take_over(redis_url: str) -> None:
    conn = redis.Redis.from_url(redis_url)
    queue = Queue(OUTBOUND, connection=conn, serializer=JSONSerializer)
    later = queue.enqueue_in(timedelta(seconds=1), "builtins.len", "abc")
    assert later.id not in queue.get_job_ids()  # scheduled, not yet queued

    thread = SchedulerThread(conn, [OUTBOUND], every=0.2)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while later.id not in queue.get_job_ids():
            assert time.monotonic() < deadline, "the due job was never queued"
            time.sleep(0.1)
        # while it runs, it holds the queue's scheduler lock: no second scheduler moves the same jobs
        assert RQScheduler([OUTBOUND], connection=conn).acquire_locks() == set()
    finally:
        thread.stop()
    # stopped, it gave the lock back at once rather than letting it expire
    assert RQScheduler([OUTBOUND], connection=conn).acquire_locks() == {OUTBOUND}


def test_an_unreachable_redis_is_a_warning_not_a_dead_thread() -> None:
    conn = redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    thread = SchedulerThread(conn, [OUTBOUND], every=0.1)
    thread.start()
    time.sleep(0.5)
    assert thread._thread is not None and thread._thread.is_alive()
    thread.stop()
    assert not thread._thread.is_alive()
