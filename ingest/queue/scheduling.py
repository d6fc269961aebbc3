"""rq's scheduler loop in a thread of a long-lived process.

rq's workers run the scheduler (which moves retries and delayed jobs onto their queues when they
are due) in a process of their own, forked from the worker. When the worker is killed with
``kill -9`` that process is left behind, orphaned, holding the scheduler locks. The worker pool
runs its processes without it and keeps this thread in the supervisor instead: one scheduler per
pool, which ends with the supervisor whatever way it ends. Across machines, rq's locks still let
one scheduler at a time move the jobs of a queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from ingest.logs import get_logger
from ingest.queue.periodic import PeriodicThread

log = get_logger(__name__)


class SchedulerThread(PeriodicThread):
    thread_name = "ingest-scheduler"

    def __init__(self, redis: Redis, queue_names: Sequence[str], *, every: float = 1.0) -> None:
        super().__init__(every)
        self._scheduler: Any = RQScheduler(  # rq leaves some of its methods untyped
            list(queue_names), connection=redis, interval=max(1, round(every)), serializer=JSONSerializer
        )

    def run_once(self) -> None:
        """Takes the queues' scheduler locks that are free, then moves the due jobs of those held."""
        s = self._scheduler
        try:
            if s.should_reacquire_locks:
                s.acquire_locks()
            if s.acquired_locks:
                s.heartbeat()
                s.enqueue_scheduled_jobs()
        except RedisError as exc:
            log.warning("scheduling failed; the next turn tries again", error=str(exc))

    def before(self) -> None:
        try:
            self._scheduler.register_birth()
        except RedisError as exc:
            log.warning("could not register the scheduler", error=str(exc))

    def after(self) -> None:
        try:
            self._scheduler.release_locks()
            self._scheduler.register_death()
        except RedisError as exc:  # the locks expire by themselves
            log.warning("could not release the scheduler locks", error=str(exc))
