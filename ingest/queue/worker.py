"""The rq worker for the pipeline queues."""

from __future__ import annotations

from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.serializers import JSONSerializer

from ingest.logs import get_logger
from ingest.queue.bookkeeping import LeanBookkeeping
from ingest.queue.context import install
from ingest.queue.names import DOCUMENTS, OUTBOUND, POLLS
from ingest.queue.sweep import PeriodicSweep
from ingest.services.deps import Pipeline
from ingest.services.process import warm_indexes

log = get_logger(__name__)


PUBSUB_POLL_SECONDS = 1.0
"""How often the thread listening for rq's worker commands wakes up. rq's own default (60 s) makes
every shutdown wait up to a minute: the listener, once unsubscribed, sleeps that long before it
sees that it should stop, and the worker joins it."""


class QuickStop:
    """Listens for rq's worker commands with a short poll, so that a worker stops promptly."""

    def subscribe(self: Any) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_POLL_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )


class InProcessWorker(QuickStop, LeanBookkeeping, SimpleWorker):
    """A worker that runs its jobs in its own process (no fork per job)."""


class IndexedWorker(QuickStop, LeanBookkeeping, Worker):
    """A forking worker that keeps the matching indexes built in the parent: each work-horse is
    forked with them in memory instead of rebuilding them per job."""

    pipeline: Pipeline | None = None

    def execute_job(self, job: Job, queue: Queue) -> Any:
        if self.pipeline is not None and job.origin == DOCUMENTS:
            try:
                warm_indexes(self.pipeline)
            except Exception as exc:  # the job itself will meet and record the same trouble
                log.warning("could not prepare the matching indexes", error=repr(exc))
        return super().execute_job(job, queue)


def run_worker(
    pipeline: Pipeline,
    redis: Redis,
    *,
    burst: bool = False,
    fork: bool = True,
    sweep: bool = True,
    scheduler: bool = True,
    max_jobs: int | None = None,
) -> bool:
    """Work the queues until stopped (or, with ``burst``, until they are empty, or after
    ``max_jobs`` jobs).

    ``fork`` runs each job in a child process so that a crash in a parser cannot take the worker
    down; without it jobs run in the worker itself, which is faster (``ingest worker --processes``
    runs such workers under a supervisor that replaces one that dies). ``sweep`` starts the
    periodic sweep beside the work loop; ``scheduler`` lets the worker run rq's scheduler (which
    enqueues retries and delayed jobs when they are due) in a process of its own."""
    install(pipeline)
    # Imported here, in the parent, so that each forked work-horse starts with it loaded.
    import ingest.queue.jobs  # noqa: F401

    queues = [
        Queue(name, connection=redis, serializer=JSONSerializer) for name in (DOCUMENTS, POLLS, OUTBOUND)
    ]
    worker: IndexedWorker | InProcessWorker
    if fork:
        worker = IndexedWorker(queues, connection=redis, serializer=JSONSerializer)
        worker.pipeline = pipeline
    else:
        worker = InProcessWorker(queues, connection=redis, serializer=JSONSerializer)
    # documents left behind (a worker killed mid-job, Redis emptied) are swept back onto the queue by
    # one worker per period; a thread, not an rq schedule, so that an emptied Redis cannot lose it
    sweeper = None
    if sweep and not burst:
        sweeper = PeriodicSweep(pipeline, redis, every=60, older_than=pipeline.settings.sweep_grace_seconds)
        sweeper.start()
    try:
        return bool(
            worker.work(burst=burst, with_scheduler=scheduler, logging_level="WARNING", max_jobs=max_jobs)
        )
    finally:
        if sweeper is not None:
            sweeper.stop()
