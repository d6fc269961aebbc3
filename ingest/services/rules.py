"""Reading and changing the rules in force. A change reads the newest version, applies an edit and
saves the next version in one transaction, so two changes at once never overwrite each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.db import Database, UnitOfWork
from ingest.db.rules import RuleVersion
from ingest.domain.rules import RuleSet
from ingest.errors import ConfigError
from ingest.services.rule_changes import rules_from_json


@dataclass(frozen=True)
class RuleChange:
    version: int
    changed: bool
    rules: RuleSet


def in_force(uow: UnitOfWork, defaults: RuleSet | None = None) -> tuple[int, RuleSet]:
    """The rules in force and their version; until a set is saved (version 0), ``defaults`` (the
    pipeline's, from the settings) or the built-in defaults."""
    version, rules = uow.rules.active()
    return (version, rules) if version or defaults is None else (0, defaults)


def active_rules(db: Database, defaults: RuleSet | None = None) -> tuple[int, RuleSet]:
    with db.unit_of_work() as uow:
        return in_force(uow, defaults)


def rules_at(
    db: Database, version: int | None = None, defaults: RuleSet | None = None
) -> tuple[int, RuleVersion | None, RuleSet]:
    """The rules of ``version`` (default: in force) with who saved them; version 0 is the defaults."""
    with db.unit_of_work() as uow:
        if version is None:
            version, rules = in_force(uow, defaults)
        elif version == 0:
            rules = defaults or uow.rules.get(0)
        else:
            rules = uow.rules.get(version)
        return version, uow.rules.info(version), rules


def rule_history(db: Database) -> list[RuleVersion]:
    with db.unit_of_work() as uow:
        return uow.rules.history()


def change_rules(
    db: Database,
    actor: str,
    edit: Callable[[RuleSet], RuleSet],
    comment: str | None = None,
    *,
    defaults: RuleSet | None = None,
) -> RuleChange:
    """Apply ``edit`` to the rules in force and save the result as a new version; nothing is saved
    when the edit changes nothing. ``defaults``: the rules in force while none is saved."""
    with db.unit_of_work(actor) as uow:
        version, current = in_force(uow, defaults)
        new = edit(current)
        if new == current:
            return RuleChange(version, False, current)
        saved = uow.rules.save(new, comment, based_on=version)
        uow.commit()
        return RuleChange(saved, True, new)


def read_rules_file(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    return rules_from_json(text, str(path))
