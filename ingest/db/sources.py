"""Configured sources (EDI folders, mailboxes): names, kinds and their settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import SourceRow
from ingest.errors import ConfigError, NotFoundError


class SourceRepository:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def add(self, name: str, kind: str, config: dict[str, Any]) -> None:
        if self.session.get(SourceRow, name) is not None:
            raise ConfigError(f"a source named {name!r} exists already: remove it first or pick another name")
        self.session.add(SourceRow(name=name, kind=kind, config=config, enabled=True))
        record(self.session, self.actor, "source.added", "source", name, None, {"kind": kind, **config})

    def remove(self, name: str) -> None:
        row = self.session.get(SourceRow, name)
        if row is None:
            raise NotFoundError(f"no source named {name!r} (see `ingest source list`)")
        record(
            self.session, self.actor, "source.removed", "source", name, {"kind": row.kind, **row.config}, None
        )
        self.session.delete(row)
        self.session.flush()

    def all(self) -> list[tuple[str, str, dict[str, Any], bool]]:
        rows = self.session.scalars(select(SourceRow).order_by(SourceRow.name))
        return [(r.name, r.kind, dict(r.config), r.enabled) for r in rows]

    def exists(self, name: str) -> bool:
        return self.session.get(SourceRow, name) is not None

    def get(self, name: str) -> tuple[str, dict[str, Any]]:
        row = self.session.get(SourceRow, name)
        if row is None:
            raise NotFoundError(f"no source named {name!r} (see `ingest source list`)")
        return row.kind, dict(row.config)

    def update_config(self, name: str, config: dict[str, Any]) -> None:
        """Replace the settings of a source (its kind stays), with an audit record."""
        row = self.session.get(SourceRow, name)
        if row is None:
            raise NotFoundError(f"no source named {name!r} (see `ingest source list`)")
        before = dict(row.config)
        row.config = dict(config)
        self.session.flush()
        record(self.session, self.actor, "source.changed", "source", name, before, dict(config))

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Poll a source again, or stop polling it (audited)."""
        row = self.session.get(SourceRow, name)
        if row is None:
            raise NotFoundError(f"no source named {name!r}: see `ingest source list`")
        before = {"enabled": row.enabled}
        row.enabled = enabled
        self.session.flush()
        action = "source.enabled" if enabled else "source.disabled"
        record(self.session, self.actor, action, "source", name, before, {"enabled": enabled})
