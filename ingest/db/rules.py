"""The rule store: every saved version of the matching and decision rules; the newest is in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.db.audit import record
from ingest.db.tables import RuleSetRow
from ingest.domain.rules import RuleSet
from ingest.errors import ConfigError, ConflictError, NotFoundError


@dataclass(frozen=True)
class RuleVersion:
    """One saved version: who saved it, when, and why."""

    version: int
    created_by: str
    created_at: datetime
    comment: str | None


def _rules(row: RuleSetRow) -> RuleSet:
    try:
        return RuleSet.model_validate(row.rules)
    except ValidationError as exc:
        raise ConfigError(
            f"rules version {row.version} in the database are not valid any more: {exc}; "
            "load a corrected set with `ingest rules load FILE.json`"
        ) from exc


class RuleStore:
    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor

    def active(self) -> tuple[int, RuleSet]:
        """The rules in force and their version; version 0 and the defaults when none were saved."""
        row = self.session.scalars(select(RuleSetRow).order_by(RuleSetRow.version.desc()).limit(1)).first()
        if row is None:
            return 0, RuleSet()
        return row.version, _rules(row)

    def get(self, version: int) -> RuleSet:
        if version == 0:
            return RuleSet()
        row = self.session.get(RuleSetRow, version)
        if row is None:
            raise NotFoundError(f"no rules version {version}: `ingest rules history` lists the versions")
        return _rules(row)

    def save(self, rules: RuleSet, comment: str | None = None, *, based_on: int | None = None) -> int:
        """Save ``rules`` as the next version and return it. ``based_on``: the version the change
        was made to; when another version was saved since, the change is refused rather than
        overwriting it. Two saves at once never take the same version: the loser gets a
        :class:`ConflictError` (``rules_version_taken``)."""
        latest, _ = self.active()
        base = latest if based_on is None else based_on
        version = base + 1
        again = "look at `ingest rules show` and make your change again"
        if base != latest:
            raise ConflictError(
                "rules_version_taken",
                f"rules version {latest} was saved after version {base}, which you changed; {again}",
            )
        before = self.get(base)
        row = RuleSetRow(
            version=version,
            rules=rules.model_dump(mode="json"),
            created_by=self.actor,
            created_at=datetime.now(UTC),
            comment=comment,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError as exc:
            raise ConflictError(
                "rules_version_taken",
                f"another change saved rules version {version} at the same moment; {again}",
            ) from exc
        record(
            self.session,
            self.actor,
            "rules.saved",
            "rules",
            str(version),
            {"version": base, "rules": before.model_dump(mode="json")},
            {"version": version, "rules": row.rules, "comment": comment},
        )
        return version

    def history(self) -> list[RuleVersion]:
        """Every saved version, newest first."""
        stmt = select(
            RuleSetRow.version, RuleSetRow.created_by, RuleSetRow.created_at, RuleSetRow.comment
        ).order_by(RuleSetRow.version.desc())
        return [RuleVersion(v, by, at, comment) for v, by, at, comment in self.session.execute(stmt)]

    def info(self, version: int) -> RuleVersion | None:
        row = self.session.get(RuleSetRow, version)
        return None if row is None else RuleVersion(row.version, row.created_by, row.created_at, row.comment)

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(RuleSetRow)) or 0
