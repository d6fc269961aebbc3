"""Fewer Redis round trips per job for the pipeline's workers.

An rq worker spends most of its own time per job waiting for Redis: about 26 round trips for a
job that does nothing. Three habits account for most of them, and none buys us anything:

- a heartbeat is three commands sent one by one, and the work loop sends one before, one after
  taking a job and one after finishing it, within milliseconds;
- the worker's state is written even when it has not changed;
- finishing a job reads its dependents (WATCH, SMEMBERS), its status and, twice, its executions,
  before deleting it in one transaction.

Here a heartbeat goes as one pipeline and is skipped when the previous one, less than
``HEARTBEAT_SLACK_SECONDS`` ago, already keeps the worker registered at least as long; an unchanged
state is not written again. A job that ends as ours do (no result kept, no repeats, no group, no
rate limit, no callbacks, no dependents: nothing on these queues is enqueued with ``depends_on``)
is not marked alive once more after it returns (rq does so for the callbacks that follow), and is
finished with one read of its executions and one transaction that removes what rq's own finishing
removes, and sets the worker idle. Any other job takes rq's own path. What Redis holds afterwards
is the same either way (``tests/integration/test_worker_bookkeeping.py`` compares them key by key):
about 7 round trips per job instead of 26.
"""

from __future__ import annotations

import time
from typing import Any

from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.queue import Queue
from rq.registry import StartedJobRegistry
from rq.results import Result
from rq.utils import as_text, now
from rq.worker import WorkerStatus

HEARTBEAT_SLACK_SECONDS = 1.0


class LeanBookkeeping:
    """Mixed in before an rq worker class (``SimpleWorker`` or ``Worker``)."""

    _beat_sent_at: float = float("-inf")
    _beat_expires_at: float = float("-inf")

    def heartbeat(self: Any, timeout: int | None = None, pipeline: Any = None) -> None:
        if pipeline is not None:  # part of a transaction rq is building: leave it be
            super().heartbeat(timeout, pipeline=pipeline)  # type: ignore[misc]
            return
        ttl = timeout or self.worker_ttl + 60
        sent = time.monotonic()
        recent = sent - self._beat_sent_at < HEARTBEAT_SLACK_SECONDS
        if recent and self._beat_expires_at >= sent + ttl - HEARTBEAT_SLACK_SECONDS:
            return
        with self.connection.pipeline(transaction=False) as pipe:
            super().heartbeat(ttl, pipeline=pipe)  # type: ignore[misc]
            pipe.execute()
        self._beat_sent_at = sent
        self._beat_expires_at = sent + ttl

    def set_state(self: Any, state: str, pipeline: Any = None) -> None:
        if pipeline is None and state == getattr(self, "_state", None):
            return
        super().set_state(state, pipeline=pipeline)  # type: ignore[misc]

    def handle_execution_ended(self: Any, job: Job, queue: Queue, heartbeat_ttl: int) -> None:
        """rq marks the job alive once more here, for the callbacks that run next; a job that has
        none and is deleted as soon as it succeeds needs no mark."""
        failed = job.get_status(refresh=False) == JobStatus.FAILED
        if failed or job.success_callback is not None or not _ends_plainly(job, self.default_result_ttl):
            super().handle_execution_ended(job, queue, heartbeat_ttl)  # type: ignore[misc]
            return
        job.ended_at = now()

    def handle_job_success(
        self: Any, job: Job, queue: Queue, started_job_registry: StartedJobRegistry, execution: Execution
    ) -> None:
        if not _ends_plainly(job, self.default_result_ttl):
            super().handle_job_success(job, queue, started_job_registry, execution)  # type: ignore[misc]
            return
        earlier = self._earlier_executions(job, execution)
        assert job.started_at is not None and job.ended_at is not None
        results_key = Result.get_key(job.id)  # type: ignore[no-untyped-call]
        with self.connection.pipeline() as pipe:
            self.increment_successful_job_count(pipeline=pipe)
            self.increment_total_working_time(job.ended_at - job.started_at, pipe)
            self.cleanup_execution(job, pipeline=pipe, execution=execution)
            for other in earlier:
                other.delete(job=job, pipeline=pipe)
            pipe.delete(job.execution_registry.key)
            pipe.delete(job.key, job.dependents_key, job.dependencies_key, results_key)
            self.set_state(WorkerStatus.IDLE, pipeline=pipe)  # what rq writes next, sent along
            pipe.execute()
        job._status = JobStatus.FINISHED
        self.log.info("Successfully completed job %s on worker %s", job.id, self.name)

    def _earlier_executions(self: Any, job: Job, execution: Execution) -> list[Execution]:
        """Executions of ``job`` still on record besides ``execution`` (a worker that died while
        running it leaves one), with the worker each names: read in one round trip when there are
        none, two when there are. One whose own record has expired is still found and removed
        (rq's own finishing fails on it)."""
        ids = [as_text(i) for i in self.connection.zrange(job.execution_registry.key, 0, -1)]
        others = [Execution(i, job.id, self.connection) for i in ids if i != execution.id]
        if others:
            with self.connection.pipeline(transaction=False) as pipe:
                for other in others:
                    pipe.hget(other.key, "worker_name")
                for other, name in zip(others, pipe.execute(), strict=True):
                    other.worker_name = as_text(name) if name else ""
        return others


def _ends_plainly(job: Job, default_result_ttl: int) -> bool:
    return (
        job.get_result_ttl(default_result_ttl) == 0
        and not job.repeats_left
        and not job.group_id
        and not job.has_rate_limit
    )
