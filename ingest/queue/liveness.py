"""Which rq workers are alive, and whether a job will still run.

A worker registers itself in Redis with its host and pid and refreshes a heartbeat; a worker
killed outright (``kill -9``, a lost machine) keeps its registration until the key expires, which
takes up to ``worker_ttl`` (seven minutes by default). On the same host we need not wait: a pid
that does not exist any more is proof enough.

A job is dead when rq says so (failed, stopped, canceled, finished) or when every worker that took
it is gone. A worker takes a job in two steps: it moves the job id off the queue, then records an
execution naming itself, milliseconds later; a job caught between the two is ``UNCLAIMED``, which
is dead if it stays so.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from redis import Redis
from rq import Queue, Worker
from rq.exceptions import InvalidJobOperation
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from rq.worker import BaseWorker

DEFAULT_STALE_SECONDS = 480.0
"""A heartbeat older than this counts as a dead worker: an idle rq worker beats every 405 s and
its registration lives 480 s (a busy one beats every 30 s and lives 90 s), so a live worker is never
this quiet."""


@dataclass(frozen=True)
class WorkerInfo:
    name: str
    state: str
    queues: tuple[str, ...]
    hostname: str | None
    pid: int | None
    last_heartbeat: datetime | None
    current_job: str | None
    alive: bool
    reason: str

    def as_record(self, now: datetime | None = None) -> dict[str, object]:
        now = now or datetime.now(UTC)
        age = (now - self.last_heartbeat).total_seconds() if self.last_heartbeat else None
        return {
            "name": self.name,
            "state": self.state,
            "queues": list(self.queues),
            "hostname": self.hostname,
            "pid": self.pid,
            "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            "heartbeat_age_seconds": round(age, 1) if age is not None else None,
            "current_job": self.current_job,
            "alive": self.alive,
            "reason": self.reason,
        }


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def judge(worker: BaseWorker, now: datetime, stale_seconds: float) -> tuple[bool, str]:
    """Whether ``worker`` is alive, and why we think so."""
    if worker.hostname == socket.gethostname() and worker.pid and not _pid_exists(worker.pid):
        return False, f"process {worker.pid} on this host is gone"
    beat = _aware(worker.last_heartbeat)
    if beat is None:
        return True, "registered, no heartbeat yet"
    age = (now - beat).total_seconds()
    if age > stale_seconds:
        return False, f"no heartbeat for {age:.0f} s"
    return True, f"heartbeat {age:.0f} s ago"


def _info(worker: BaseWorker, now: datetime, stale_seconds: float) -> WorkerInfo:
    alive, reason = judge(worker, now, stale_seconds)
    try:
        current = worker.get_current_job_id()
    except Exception:  # a half-written registration: report the worker without its job
        current = None
    return WorkerInfo(
        name=worker.name,
        state=str(worker.get_state()),
        queues=tuple(worker.queue_names()),
        hostname=worker.hostname,
        pid=worker.pid,
        last_heartbeat=_aware(worker.last_heartbeat),
        current_job=current,
        alive=alive,
        reason=reason,
    )


def workers(redis: Redis, stale_seconds: float = DEFAULT_STALE_SECONDS) -> list[WorkerInfo]:
    """Every registered rq worker, with whether it looks alive."""
    now = datetime.now(UTC)
    found = Worker.all(connection=redis, serializer=JSONSerializer)
    return sorted((_info(w, now, stale_seconds) for w in found), key=lambda w: w.name)


def worker_gone(redis: Redis, name: str | None, stale_seconds: float = DEFAULT_STALE_SECONDS) -> bool:
    """Whether the worker called ``name`` has stopped for good (unregistered, its process gone
    from this host, or silent for longer than ``stale_seconds``)."""
    if not name:
        return True
    worker = Worker.find_by_key(
        Worker.redis_worker_namespace_prefix + name, connection=redis, serializer=JSONSerializer
    )
    if worker is None:
        return True
    alive, _ = judge(worker, datetime.now(UTC), stale_seconds)
    return not alive


DEAD_STATES = (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED)


class Verdict(Enum):
    ALIVE = "alive"
    """Waiting in its queue, scheduled or deferred, or held by a live worker."""
    DEAD = "dead"
    """Over, or held only by workers that are gone: a resubmission replaces it."""
    UNCLAIMED = "unclaimed"
    """Taken off its queue by no worker that says so (yet)."""


def holders(redis: Redis, job: Job) -> list[str | None]:
    """The workers that took ``job``: one per execution rq recorded (None for an execution whose
    record has expired), and the worker the job names once it has started."""
    names: list[str | None] = []
    for execution_id in job.execution_registry.get_execution_ids():
        try:
            names.append(Execution.fetch(execution_id, job.id, redis).worker_name or None)
        except ValueError:
            names.append(None)
    if job.get_status(refresh=False) == JobStatus.STARTED:
        names.append(job.worker_name)
    return names


def job_verdict(redis: Redis, job: Job, waiting: Callable[[], set[str]]) -> Verdict:
    """Whether ``job`` will still run (or is running); ``waiting`` gives the ids in its queue."""
    try:
        status = job.get_status(refresh=True)
    except InvalidJobOperation:  # a job hash without a status: left over, not a job
        return Verdict.DEAD
    if status in DEAD_STATES:
        return Verdict.DEAD
    if status not in (JobStatus.QUEUED, JobStatus.STARTED):
        return Verdict.ALIVE  # scheduled for a retry, deferred: rq moves it on by itself
    if status == JobStatus.QUEUED and job.id in waiting():
        return Verdict.ALIVE
    names = holders(redis, job)
    if not names:
        return Verdict.UNCLAIMED
    if all(worker_gone(redis, name) for name in names):
        return Verdict.DEAD
    return Verdict.ALIVE


def discard(redis: Redis, job: Job) -> None:
    """Remove every trace of a dead job, so that its id can be enqueued afresh: the job, its
    executions (also those whose record has expired), and its id in the started registry and in
    the list of jobs being taken off the queue."""
    queue = Queue(job.origin, connection=redis, serializer=JSONSerializer)
    with redis.pipeline() as pipe:
        for execution_id in job.execution_registry.get_execution_ids():
            execution = Execution(execution_id, job.id, redis)
            pipe.zrem(job.started_job_registry.key, execution.composite_key)
            pipe.delete(execution.key)
        pipe.delete(job.execution_registry.key)
        pipe.lrem(queue.intermediate_queue_key, 0, job.id)
        pipe.lrem(queue.key, 0, job.id)
        pipe.execute()
    try:
        job.delete()
    except InvalidJobOperation:  # no status to say which registry holds it: the hash goes alone
        redis.delete(job.key)
