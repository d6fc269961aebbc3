"""Source polls as jobs on the ``polls`` queue.

With Redis configured, ``ingest run`` is the scheduler: when a source is due it enqueues one poll
job for it (job id ``poll-<source>``, so a source has at most one poll waiting), and whichever
worker takes the job polls the source under the source's lock, stores what it finds and enqueues
the new documents on the ``documents`` queue. A poll that fails is not retried by the queue: the
source is due again at its next interval.
"""

from __future__ import annotations

import structlog
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from ingest.errors import IngestError, TransientError
from ingest.logs import get_logger
from ingest.queue.context import current
from ingest.queue.liveness import Verdict, discard, job_verdict
from ingest.queue.locks import RedisLocks
from ingest.queue.names import POLLS

log = get_logger(__name__)


def poll_job_id(source: str) -> str:
    return f"poll-{source}"


class RqPolls:
    """Enqueues poll jobs; ``dispatch`` is what ``poll_all`` calls for each due source."""

    def __init__(self, redis: Redis, timeout: float) -> None:
        self.queue = Queue(POLLS, connection=redis, serializer=JSONSerializer)
        self.timeout = timeout

    def dispatch(self, source: str) -> None:
        try:
            try:
                self._enqueue(source)
            except DuplicateJobError:
                if not self._replace_if_dead(source):
                    log.info("a poll of this source is already queued or running", source=source)
                    return
            log.info("poll queued", source=source)
        except (DuplicateJobError, RedisError) as exc:
            raise TransientError(f"cannot queue a poll of {source}: {exc}") from exc

    def _enqueue(self, source: str) -> None:
        self.queue.enqueue(
            "ingest.queue.polls.poll_source_job",
            source,
            job_id=poll_job_id(source),
            unique=True,
            job_timeout=int(self.timeout),
            result_ttl=0,
            failure_ttl=24 * 3600,
        )

    def _replace_if_dead(self, source: str) -> bool:
        """A poll job that failed, or whose worker is gone, would block the source's polls for as
        long as rq keeps it: it is replaced. Returns whether a new job was queued."""
        redis = self.queue.connection
        try:
            job = Job.fetch(poll_job_id(source), connection=redis, serializer=JSONSerializer)
        except NoSuchJobError:
            redis.delete(Job.key_for(poll_job_id(source)))
            self._enqueue(source)
            return True
        if job_verdict(redis, job, lambda: set(self.queue.get_job_ids())) is not Verdict.DEAD:
            return False
        log.warning("replacing a dead poll job", source=source, job_id=job.id)
        discard(redis, job)
        self._enqueue(source)
        return True


def poll_source_job(source: str) -> int:
    """Poll one source (unless another process is polling it) and queue what it stored; returns
    how many new documents it found."""
    from rq import get_current_job

    from ingest.queue.runners import RqRunner
    from ingest.services.sources import poll_source_locked

    with structlog.contextvars.bound_contextvars(source=source, job=f"poll:{source}"):
        pipeline = current()
        job = get_current_job()
        if job is None:
            raise RuntimeError("poll_source_job runs on an rq worker")
        redis = job.connection
        locks = RedisLocks(redis, timeout=pipeline.settings.poll_lock_seconds)
        try:
            found = poll_source_locked(pipeline.db, source, locks)
        except IngestError as exc:
            log.error("poll failed; the source is polled again at its next interval", error=str(exc))
            return 0
        if found:
            # stored and received: were this to fail, the sweeper queues them later
            RqRunner(pipeline, redis).submit(found)
        log.info("poll done", new_documents=len(found or []))
        return len(found or [])
