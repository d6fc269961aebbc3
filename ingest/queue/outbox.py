"""Outbox entries on the ``outbound`` queue: one job per attempt, ``outbox-<entry>-<attempt>``,
queued now when the entry is due and scheduled for its time when it is not (the workers run rq's
scheduler). A job already queued, scheduled or running for the same attempt is left alone; a dead
one is replaced. The database stays the record: an entry whose job Redis lost is queued again by
the next sweep or `ingest run` pass, and a second job for one entry finds it claimed or done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from ingest.db import Database
from ingest.errors import TransientError
from ingest.logs import get_logger
from ingest.queue.names import OUTBOUND, outbox_job_id

log = get_logger(__name__)

JOB_NAME = "ingest.queue.jobs.deliver_outbox_job"
ALIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
SCHEDULE_AFTER = timedelta(seconds=1)  # nearer than this: queued at once


class RqOutboxDispatcher:
    """Queues outbox entries for the workers. Connects to Redis on first use, so that building a
    pipeline never connects."""

    name = "rq"

    def __init__(self, db: Database, redis: Redis | None = None, *, url: str | None = None) -> None:
        if redis is None and url is None:
            raise ValueError("give a Redis connection or its URL")
        self.db = db
        self._redis = redis
        self._url = url

    @property
    def redis(self) -> Redis:
        if self._redis is None:
            from ingest.queue.runners import connect_redis

            assert self._url is not None
            self._redis = connect_redis(self._url)
        return self._redis

    def submit(self, entry_ids: Sequence[str]) -> None:
        with self.db.unit_of_work("outbox") as uow:
            schedule = uow.outbox.schedule(list(entry_ids))
        if not schedule:
            return
        queue = Queue(OUTBOUND, connection=self.redis, serializer=JSONSerializer)
        now = datetime.now(UTC)
        for entry_id, (attempts, at) in schedule.items():
            try:
                self._enqueue(queue, entry_id, attempts + 1, at if at - now > SCHEDULE_AFTER else None)
            except RedisError as exc:
                raise TransientError(
                    f"cannot queue outbox entry {entry_id}: {exc}; it stays pending"
                ) from exc

    def _enqueue(self, queue: Queue, entry_id: str, attempt: int, at: datetime | None) -> None:
        job_id = outbox_job_id(entry_id, attempt)
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            job = None
        if job is not None:
            if job.get_status(refresh=False) in ALIVE:
                return
            job.delete()
        options = {"job_id": job_id, "unique": True, "result_ttl": 0, "failure_ttl": 7 * 24 * 3600}
        try:
            if at is None:
                queue.enqueue(JOB_NAME, entry_id, **options)
            else:  # rq schedules to the whole second, rounded down: round up, never early
                whole = at.replace(microsecond=0) + (timedelta(seconds=1) if at.microsecond else timedelta())
                queue.enqueue_at(whole, JOB_NAME, entry_id, **options)
        except DuplicateJobError:
            return  # queued by someone else a moment ago
        log.info(
            "outbox entry queued", entry_id=entry_id, attempt=attempt, at=at.isoformat() if at else "now"
        )
