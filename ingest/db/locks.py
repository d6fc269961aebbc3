"""Named locks without Redis, so that two processes never poll the same source at once.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection held for the length
of the work; the server frees it when that connection ends, so a killed process never leaves it
behind. SQLite: a lock in this process plus an ``flock`` on a file beside the database file, which
the operating system frees when the process ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ingest.db.database import Database
from ingest.errors import TransientError

_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (the same in every process and release)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _local(name: str) -> threading.Lock:
    with _local_guard:
        return _local_locks.setdefault(name, threading.Lock())


class DatabaseLocks:
    """``hold(name)`` yields True when this process got the lock, False when another holds it;
    it never waits."""

    def __init__(self, db: Database, namespace: str = "ingest") -> None:
        self.db = db
        self.namespace = namespace

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        key = f"{self.namespace}:{name}"
        if self.db.dialect == "postgresql":
            with self._advisory(key) as held:
                yield held
            return
        with self._sqlite(key) as held:
            yield held

    @contextmanager
    def _advisory(self, key: str) -> Iterator[bool]:
        number = advisory_key(key)
        try:
            conn = self.db.engine.connect()
        except DBAPIError as exc:
            raise TransientError(f"cannot take the lock {key}: {exc.orig}") from exc
        try:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": number}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    try:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": number})
                        conn.commit()
                    except DBAPIError:
                        conn.invalidate()  # the server frees the lock with the connection
        finally:
            conn.close()

    @contextmanager
    def _sqlite(self, key: str) -> Iterator[bool]:
        local = _local(f"{self.db.url}|{key}")
        if not local.acquire(blocking=False):
            yield False
            return
        try:
            database = make_url(self.db.url).database
            if not database or database == ":memory:":
                yield True
                return
            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            path = Path(f"{database}.lock-{digest}")
            with path.open("a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        finally:
            local.release()
