"""The sweeper on Redis: rq's own clean-up of abandoned jobs, then the documents left ``received``
and the outbox entries due handed to the workers again, at most once per period however many
processes run it."""

from __future__ import annotations

import secrets

from redis import Redis
from redis.exceptions import RedisError
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from ingest.errors import IngestError
from ingest.logs import get_logger
from ingest.queue.names import ALL_QUEUES
from ingest.queue.outbox import RqOutboxDispatcher
from ingest.queue.periodic import PeriodicThread
from ingest.queue.runners import RqRunner
from ingest.services.deps import Pipeline
from ingest.services.sweeper import DEFAULT_GRACE_SECONDS, SweepReport, sweep

log = get_logger(__name__)

SWEEP_TURN_KEY = "ingest:sweep:turn"


def clean_started_registries(redis: Redis) -> None:
    """Jobs whose worker stopped beating are retried or failed (rq's own rule), so that the next
    submit of their document is not taken for a job still running."""
    for name in ALL_QUEUES:
        StartedJobRegistry(name, connection=redis, serializer=JSONSerializer).cleanup()


def sweep_queues(pipeline: Pipeline, redis: Redis, older_than: float = DEFAULT_GRACE_SECONDS) -> SweepReport:
    """One sweep through the rq runner."""
    try:
        clean_started_registries(redis)
    except RedisError as exc:
        log.warning("could not clean the started-job registries", error=str(exc))
    outbox = RqOutboxDispatcher(pipeline.db, redis)
    return sweep(pipeline.db, RqRunner(pipeline, redis), older_than=older_than, outbox=outbox)


def take_turn(redis: Redis, every: float) -> bool:
    """True for the first caller in each period of ``every`` seconds, across every process that
    shares this Redis: the others skip their sweep."""
    return bool(redis.set(SWEEP_TURN_KEY, secrets.token_hex(8), nx=True, px=max(int(every * 1000), 1)))


class PeriodicSweep(PeriodicThread):
    """A daemon thread that sweeps every ``every`` seconds (one process per period does the work).

    For a long-running process that has a pipeline and Redis at hand: ``ingest sweep --every`` runs
    one in the foreground, and a worker can start one beside its work loop."""

    thread_name = "ingest-sweep"

    def __init__(
        self,
        pipeline: Pipeline,
        redis: Redis,
        *,
        every: float = 60.0,
        older_than: float = DEFAULT_GRACE_SECONDS,
    ) -> None:
        super().__init__(every)
        self.pipeline = pipeline
        self.redis = redis
        self.older_than = older_than

    def run_once(self) -> SweepReport | None:
        """Sweep if it is this process's turn; None when another process swept this period."""
        try:
            if not take_turn(self.redis, self.every):
                return None
            report = sweep_queues(self.pipeline, self.redis, self.older_than)
        except (IngestError, RedisError) as exc:
            log.warning("sweep failed; the next one tries again", error=str(exc))
            return None
        if report.resubmitted:
            log.info("sweep resubmitted documents", documents=len(report.resubmitted))
        return report
