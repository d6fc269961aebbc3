"""Queue depth and failed jobs, for `ingest status`."""

from __future__ import annotations

from rq import Queue
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from ingest.queue.names import ALL_QUEUES
from ingest.queue.runners import connect_redis


def queue_status(redis_url: str) -> tuple[dict[str, int], int]:
    conn = connect_redis(redis_url)
    depth: dict[str, int] = {}
    failed = 0
    for name in ALL_QUEUES:
        queue = Queue(name, connection=conn, serializer=JSONSerializer)
        depth[name] = queue.count
        failed += FailedJobRegistry(queue=queue).count
    return depth, failed
