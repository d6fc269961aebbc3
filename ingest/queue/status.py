"""Queue depth and failed jobs, for `ingest status` and the metrics."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from ingest.errors import TransientError
from ingest.queue.names import ALL_QUEUES
from ingest.queue.runners import connect_redis
from ingest.services.metrics import QueueFigures


def queue_status(redis_url: str) -> tuple[dict[str, int], int]:
    conn = connect_redis(redis_url)
    depth: dict[str, int] = {}
    failed = 0
    for name in ALL_QUEUES:
        queue = Queue(name, connection=conn, serializer=JSONSerializer)
        depth[name] = queue.count
        failed += FailedJobRegistry(queue=queue).count
    return depth, failed


def queue_figures(redis: Redis) -> QueueFigures:
    """Depth and failed jobs per queue, and the workers registered, for the metrics."""
    depth: dict[str, int] = {}
    failed: dict[str, int] = {}
    try:
        for name in ALL_QUEUES:
            queue = Queue(name, connection=redis, serializer=JSONSerializer)
            depth[name] = queue.count
            failed[name] = FailedJobRegistry(queue=queue).count
        workers = Worker.count(connection=redis)
    except RedisError as exc:
        raise TransientError(f"cannot read the queues from Redis: {exc}") from exc
    return QueueFigures(depth=depth, failed=failed, workers=workers)
