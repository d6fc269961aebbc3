"""The rq failed-job registries: list what failed, requeue or clear it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.results import Result
from rq.serializers import JSONSerializer

from ingest.errors import TransientError
from ingest.queue.names import ALL_QUEUES

PROCESS_PREFIX = "process-"


def _document_id(job_id: str) -> str | None:
    return job_id[len(PROCESS_PREFIX) :] if job_id.startswith(PROCESS_PREFIX) else None


def _last_error(job: Job) -> str | None:
    try:
        result = job.latest_result()
    except Exception:  # an unreadable result must not hide the job
        result = None
    text = result.exc_string if result is not None and result.type == Result.Type.FAILED else None
    if not text:
        return None
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else None


def failed_jobs(redis: Redis, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every job in the failed registries of our queues: queue, job id, function, the document it
    was for (process jobs), when it ended, how long ago, and the last line of its error."""
    now = now or datetime.now(UTC)
    found: list[dict[str, Any]] = []
    try:
        for name in ALL_QUEUES:
            queue = Queue(name, connection=redis, serializer=JSONSerializer)
            ids = queue.failed_job_registry.get_job_ids()
            for job_id, job in zip(
                ids, Job.fetch_many(ids, connection=redis, serializer=JSONSerializer), strict=True
            ):
                ended = job.ended_at.replace(tzinfo=UTC) if job and job.ended_at else None
                found.append(
                    {
                        "queue": name,
                        "job_id": job_id,
                        "function": job.func_name if job else None,
                        "document_id": _document_id(job_id),
                        "ended_at": ended.isoformat() if ended else None,
                        "age_seconds": round((now - ended).total_seconds(), 1) if ended else None,
                        "error": _last_error(job) if job else None,
                    }
                )
    except RedisError as exc:
        raise TransientError(f"cannot read the failed jobs from Redis: {exc}") from exc
    return found


def requeue_failed(redis: Redis, queue_name: str, job_id: str) -> bool:
    """Put one failed job back on its queue; False when it is not in the failed registry."""
    queue = Queue(queue_name, connection=redis, serializer=JSONSerializer)
    try:
        queue.failed_job_registry.requeue(job_id)
    except (NoSuchJobError, InvalidJobOperation):
        return False
    except RedisError as exc:
        raise TransientError(f"cannot requeue job {job_id}: {exc}") from exc
    return True


def clear_failed(redis: Redis, job_id: str) -> None:
    """Delete a failed job whose work was done some other way (its document is concluded)."""
    try:
        Job.fetch(job_id, connection=redis, serializer=JSONSerializer).delete()
    except NoSuchJobError:
        return
    except RedisError as exc:
        raise TransientError(f"cannot clear job {job_id}: {exc}") from exc
