"""Named locks on Redis, shared by every process of the service (``ingest run`` on several hosts).

A lock expires after ``timeout`` seconds, so a process killed while holding one blocks the others
for that long at most; work that may outlast it should be given a longer timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import LockError, RedisError

from ingest.errors import TransientError
from ingest.logs import get_logger

log = get_logger(__name__)

DEFAULT_TIMEOUT_SECONDS = 900.0


class RedisLocks:
    """``hold(name)`` yields True when this process got the lock, False when another holds it;
    it never waits."""

    def __init__(
        self, redis: Redis, timeout: float = DEFAULT_TIMEOUT_SECONDS, prefix: str = "ingest:lock:"
    ) -> None:
        self.redis = redis
        self.timeout = timeout
        self.prefix = prefix

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        lock = self.redis.lock(self.prefix + name, timeout=self.timeout, blocking=False)
        try:
            held = bool(lock.acquire(blocking=False))
        except RedisError as exc:
            raise TransientError(f"cannot take the lock {name} on Redis: {exc}") from exc
        try:
            yield held
        finally:
            if held:
                try:
                    lock.release()
                except LockError:
                    log.warning(
                        "the lock expired before the work ended; raise its timeout",
                        lock=name,
                        timeout=self.timeout,
                    )
                except RedisError as exc:
                    log.warning("could not release the lock; it expires by itself", lock=name, error=str(exc))
