"""Sources: add, list, remove, and poll them (store every file first, act on the source after)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from ingest.db import Database
from ingest.domain.document import Receipt
from ingest.errors import ConfigError, IngestError
from ingest.logs import get_logger
from ingest.services.intake import receive
from ingest.sources.edi_folder import EdiFolder
from ingest.sources.sftp import SftpSource

log = get_logger(__name__)

KINDS = ("edi-folder", "sftp", "imap")


def add_edi_folder(
    db: Database, name: str, inbound: Path, outbound: Path, archive: Path | None = None, actor: str = "cli"
) -> None:
    inbound, outbound = inbound.resolve(), outbound.resolve()
    if not inbound.is_dir():
        raise ConfigError(f"inbound folder {inbound} does not exist: create it first")
    outbound.mkdir(parents=True, exist_ok=True)
    config = {"inbound": str(inbound), "outbound": str(outbound)}
    if archive is not None:
        config["archive"] = str(archive.resolve())
    with db.unit_of_work(actor) as uow:
        uow.sources.add(name, "edi-folder", config)
        uow.commit()


def list_sources(db: Database) -> list[dict[str, Any]]:
    with db.unit_of_work() as uow:
        return [{"name": n, "kind": k, "enabled": e, **cfg} for n, k, cfg, e in uow.sources.all()]


def remove_source(db: Database, name: str, actor: str = "cli") -> None:
    with db.unit_of_work(actor) as uow:
        uow.sources.remove(name)
        uow.commit()


class Source(Protocol):
    """What polling and delivery need of a source."""

    def pending(self) -> Iterator[Any]: ...

    def mark_done(self, item: Any) -> object: ...

    def put_outbound(self, name: str, content: bytes) -> str: ...


@contextmanager
def open_source(name: str, kind: str, config: dict[str, Any]) -> Iterator[Source]:
    """A connected source (closed on leaving the block)."""
    if kind == "edi-folder":
        archive = Path(config["archive"]) if config.get("archive") else None
        yield EdiFolder(name, Path(config["inbound"]), Path(config["outbound"]), archive)
        return
    if kind == "sftp":
        with _sftp(name, config) as source:
            yield source
        return
    raise ConfigError(f"source {name}: kind {kind!r} is not supported by this version")


def _sftp(name: str, config: dict[str, Any]) -> SftpSource:
    password = None
    if config.get("password_env"):
        password = os.environ.get(config["password_env"])
        if password is None:
            raise ConfigError(f"source {name}: the password variable {config['password_env']} is not set")
    return SftpSource(
        name,
        config["host"],
        int(config["port"]),
        config["username"],
        config["inbound"],
        config["outbound"],
        config.get("archive"),
        password=password,
        private_key_path=config.get("private_key_path"),
        known_hosts_path=config.get("known_hosts_path"),
        host_key_fingerprint=config.get("host_key_fingerprint"),
        timeout=float(config.get("timeout", 30)),
        stable_seconds=float(config.get("stable_seconds", 2)),
    )


def add_sftp(
    db: Database, name: str, config: dict[str, Any], *, check: bool = True, actor: str = "cli"
) -> None:
    """Add an SFTP pull source; with ``check``, connect once first so a typo is found now."""
    source = _sftp(name, config)
    if check:
        with source:
            source.check()
    with db.unit_of_work(actor) as uow:
        uow.sources.add(name, "sftp", config)
        uow.commit()


def poll_source(db: Database, name: str) -> list[str]:
    """Store every waiting file or message of one source and return the new document ids."""
    with db.unit_of_work() as uow:
        kind, config = uow.sources.get(name)
    if kind == "imap":
        from ingest.services.mail import poll_mailbox

        return poll_mailbox(db, name, config)
    new_ids: list[str] = []
    with open_source(name, kind, config) as source:
        for item in source.pending():
            receipt = Receipt(
                content=item.content,
                channel="edi",
                source=name,
                source_ref=f"{name}:{item.name}",
                filename=item.name,
            )
            try:
                doc = receive(db, receipt, actor=f"source:{name}")
            except IngestError as exc:
                log.error(
                    "could not store file; it stays for the next poll",
                    source=name,
                    file=item.name,
                    error=str(exc),
                )
                continue
            source.mark_done(item)
            if doc.state.value == "received":
                new_ids.append(doc.id)
    return new_ids


def settle_all(db: Database) -> dict[str, dict[str, int]]:
    """Act on the sources for documents that are final (move mail to processed/failed folders)."""
    from ingest.services.mail import settle_mailbox

    results: dict[str, dict[str, int]] = {}
    for src in list_sources(db):
        if src["kind"] != "imap" or not src["enabled"]:
            continue
        with db.unit_of_work() as uow:
            _, config = uow.sources.get(src["name"])
        try:
            results[src["name"]] = settle_mailbox(db, src["name"], config)
        except IngestError as exc:
            log.error(
                "could not move settled messages; the next poll tries again",
                source=src["name"],
                error=str(exc),
            )
    return results


class Locks(Protocol):
    """Named locks shared by every process that polls: Redis when configured, else the database.
    ``hold`` yields whether this process got the lock; it never waits."""

    def hold(self, name: str) -> AbstractContextManager[bool]: ...


def poll_lock_name(source: str) -> str:
    return f"poll:{source}"


def poll_source_locked(db: Database, name: str, locks: Locks) -> list[str] | None:
    """Poll one source unless another process is polling it right now (then None: skipped)."""
    with locks.hold(poll_lock_name(name)) as held:
        if not held:
            log.info("poll skipped: another process is polling this source", source=name)
            return None
        return poll_source(db, name)


class PollSchedule:
    """When each source is due: every ``poll_interval`` seconds of its own settings, or every
    ``default_interval`` seconds. Keeps the time of each source's last poll in this process."""

    def __init__(self, default_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        if default_interval <= 0:
            raise ConfigError("the poll interval must be positive")
        self.default_interval = default_interval
        self.clock = clock
        self._last: dict[str, float] = {}

    def interval(self, source: dict[str, Any]) -> float:
        value = source.get("poll_interval")
        return float(value) if value else self.default_interval

    def due(self, source: dict[str, Any]) -> bool:
        last = self._last.get(source["name"])
        return last is None or self.clock() - last >= self.interval(source)

    def polled(self, name: str) -> None:
        self._last[name] = self.clock()

    def wake(self, names: Iterable[str]) -> None:
        """Make these sources due now (new mail was announced)."""
        for name in names:
            self._last.pop(name, None)

    def seconds_until_due(self, sources: list[dict[str, Any]]) -> float:
        """How long until the next enabled source is due (the default interval when none is)."""
        waits = [
            max(0.0, self._last.get(s["name"], -1e18) + self.interval(s) - self.clock())
            for s in sources
            if s["enabled"]
        ]
        return min(waits, default=self.default_interval)


def poll_all(
    db: Database,
    locks: Locks | None = None,
    schedule: PollSchedule | None = None,
    dispatch: Callable[[str], None] | None = None,
) -> dict[str, list[str]]:
    """Poll every enabled source (with a ``schedule``, those that are due); one broken source never
    stops the others. With ``locks``, a source another process is polling is skipped. With
    ``dispatch``, each due source is handed to it (a poll job for the workers) instead of being
    polled here; its documents are then not in the result."""
    results: dict[str, list[str]] = {}
    for src in list_sources(db):
        if not src["enabled"] or (schedule is not None and not schedule.due(src)):
            continue
        name = src["name"]
        try:
            if dispatch is not None:
                dispatch(name)
                found: list[str] | None = []
            else:
                found = poll_source(db, name) if locks is None else poll_source_locked(db, name, locks)
            results[name] = found or []
        except IngestError as exc:
            log.error("poll failed", source=name, error=str(exc))
            results[name] = []
        if schedule is not None:
            schedule.polled(name)
    return results


def set_poll_interval(db: Database, name: str, seconds: float | None, actor: str = "cli") -> None:
    """Poll ``name`` every ``seconds`` (None: the interval ``ingest run`` is given)."""
    if seconds is not None and seconds <= 0:
        raise ConfigError("the poll interval must be a positive number of seconds")
    with db.unit_of_work(actor) as uow:
        _, config = uow.sources.get(name)
        if seconds is None:
            config.pop("poll_interval", None)
        else:
            config["poll_interval"] = seconds
        uow.sources.update_config(name, config)
        uow.commit()
