"""Service fixtures shared by the whole suite: a real PostgreSQL and a real Redis.

Where the servers are comes from the environment (``scripts/test`` sets both):

``INGEST_TEST_POSTGRES_URL``
    an existing database on a server where we may create databases, as a SQLAlchemy URL;
    default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``.
``INGEST_TEST_REDIS_URL``
    a Redis server; default ``redis://127.0.0.1:6379/0``. Its database number holds the
    reservation keys (see ``redis_url``); tests themselves get a database from 9 to 15.

An unreachable server skips the tests that need it, except under CI (``CI=true``), where it
fails them: CI must not go green by skipping.

Fixtures:

``postgres_admin_url`` (session)
    the URL above, checked to answer.
``postgres_url`` (session)
    a fresh, empty database ``ingest_test_<hex>`` created for this session, as a
    ``postgresql+psycopg://`` URL; dropped (``WITH (FORCE)``) at the end. Schema fixtures live
    in ``tests/integration/conftest.py``.
``redis_url`` (function)
    a ``redis://`` URL on a database number reserved for this session, empty at the start of
    each test and flushed after it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NoReturn
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from psycopg import sql
from sqlalchemy.engine import URL, make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

REDIS_TEST_DBS = range(9, 16)
"""Redis database numbers handed to test sessions, one per session."""
REDIS_LOCK_PREFIX = "ingest-test:redis-db-lock:"
REDIS_LOCK_TTL_SECONDS = 15 * 60
"""A reservation expires this long after its last use, so a killed session frees its db."""

CONNECT_TIMEOUT_SECONDS = 5


def _unavailable(reason: str) -> NoReturn:
    """Fail under CI (``CI=true``), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def _libpq_url(url: URL) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The configured PostgreSQL URL (``INGEST_TEST_POSTGRES_URL``), once it answers."""
    raw = os.environ.get("INGEST_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        url = make_url(raw)
    except Exception as exc:
        pytest.fail(f"INGEST_TEST_POSTGRES_URL is not a valid URL: {raw!r}: {exc}", pytrace=False)
    try:
        psycopg.connect(_libpq_url(url), connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
    except psycopg.Error as exc:
        shown = url.render_as_string(hide_password=True)
        _unavailable(f"PostgreSQL at {shown} is unreachable: {' '.join(str(exc).split())}")
    return raw


@pytest.fixture(scope="session")
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh database for this session; yields its ``postgresql+psycopg://`` URL."""
    admin = make_url(postgres_admin_url)
    name = f"ingest_test_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq_url(admin), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq_url(admin), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- Redis ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RedisReservation:
    control_url: str
    """The configured Redis URL; its database holds the reservation keys."""
    lock_key: str
    token: str
    url: str
    """URL of the reserved database."""

    def refresh(self) -> None:
        """Pushes the reservation's expiry back, if it is still ours."""
        self._if_still_ours("expire")

    def release(self) -> None:
        self._if_still_ours("delete")

    def _if_still_ours(self, action: Literal["expire", "delete"]) -> None:
        with (
            redis.Redis.from_url(self.control_url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS) as client,
            client.pipeline() as pipe,
        ):
            try:
                pipe.watch(self.lock_key)
                # After WATCH the pipeline runs commands at once, so this is the value.
                holder: object = pipe.get(self.lock_key)
                if holder != self.token.encode():
                    return
                pipe.multi()
                if action == "delete":
                    pipe.delete(self.lock_key)
                else:
                    pipe.expire(self.lock_key, REDIS_LOCK_TTL_SECONDS)
                pipe.execute()
            except redis.WatchError:
                pass  # the key changed meanwhile: it is not ours any more


def _redacted(url: str) -> str:
    """The URL without its user and password, for messages."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


@pytest.fixture(scope="session")
def _redis_reservation() -> Iterator[_RedisReservation]:
    """Reserves one database number in 9..15 for this session with a ``SET NX EX`` key."""
    base_url = os.environ.get("INGEST_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    token = f"{os.getpid()}-{secrets.token_hex(8)}"
    reservation: _RedisReservation | None = None
    try:
        with redis.Redis.from_url(base_url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS) as control:
            control.ping()
            for db in REDIS_TEST_DBS:
                lock_key = f"{REDIS_LOCK_PREFIX}{db}"
                if control.set(lock_key, token, nx=True, ex=REDIS_LOCK_TTL_SECONDS):
                    reservation = _RedisReservation(base_url, lock_key, token, _with_db(base_url, db))
                    break
    except redis.RedisError as exc:
        _unavailable(f"Redis at {_redacted(base_url)} is unreachable: {exc}")
    if reservation is None:
        _unavailable(
            f"every Redis test database {REDIS_TEST_DBS.start}-{REDIS_TEST_DBS.stop - 1} on "
            f"{_redacted(base_url)} is reserved by another test session (keys {REDIS_LOCK_PREFIX}*)"
        )
    try:
        yield reservation
    finally:
        reservation.release()


@pytest.fixture
def redis_url(_redis_reservation: _RedisReservation) -> Iterator[str]:
    """A Redis URL on this session's database, flushed before and after the test."""
    reservation = _redis_reservation
    reservation.refresh()
    with redis.Redis.from_url(reservation.url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS) as client:
        client.flushdb()
        try:
            yield reservation.url
        finally:
            client.flushdb()
