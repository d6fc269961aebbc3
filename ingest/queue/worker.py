"""The rq worker for the pipeline queues."""

from __future__ import annotations

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.serializers import JSONSerializer

from ingest.queue.context import install
from ingest.queue.names import DOCUMENTS, OUTBOUND, POLLS
from ingest.services.deps import Pipeline


def run_worker(pipeline: Pipeline, redis: Redis, *, burst: bool = False, fork: bool = True) -> bool:
    """Work the queues until stopped (or, with ``burst``, until they are empty).

    ``fork`` runs each job in a child process so that a crash in a parser cannot take the worker
    down; without it jobs run in the worker itself, which is faster."""
    install(pipeline)
    # Imported here, in the parent, so that each forked work-horse starts with it loaded.
    import ingest.queue.jobs  # noqa: F401

    queues = [
        Queue(name, connection=redis, serializer=JSONSerializer) for name in (DOCUMENTS, POLLS, OUTBOUND)
    ]
    worker_class = Worker if fork else SimpleWorker
    worker = worker_class(queues, connection=redis, serializer=JSONSerializer)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level="WARNING"))
