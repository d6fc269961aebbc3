"""Export targets: where committed orders go (a folder of JSON Lines or CSV files, a webhook), with
the mapping of our field names to the ERP's. Checked when saved, so a delivery meets no surprise
that could have been caught here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.db import Database
from ingest.db.outbox import ExportTarget
from ingest.errors import ConfigError
from ingest.services.export_format import FILE_KINDS, TARGET_KINDS, parse_mapping

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read_mapping(path: Path) -> dict[str, Any]:
    """A mapping file (JSON), checked; a mistake is a ConfigError naming the file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the mapping file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    return parse_mapping(raw, str(path)).as_dict()


def target_config(
    kind: str,
    *,
    folder: Path | None = None,
    url: str | None = None,
    secret_env: str | None = None,
    secret_file: Path | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """The stored settings of a target: the folder, or the URL and where its secret is."""
    if kind not in TARGET_KINDS:
        raise ConfigError(f"unknown export target kind {kind!r}: one of {', '.join(TARGET_KINDS)}")
    if kind in FILE_KINDS:
        if folder is None or url or secret_env or secret_file:
            raise ConfigError(f"a {kind} target takes --folder DIR (and no --url or secret)")
        return {"folder": str(folder.expanduser().resolve())}
    if folder is not None or not url:
        raise ConfigError("a webhook target takes --url URL (and no --folder)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--url {url!r} is not an http(s) URL")
    if (secret_env is None) == (secret_file is None):
        raise ConfigError(
            "a webhook target needs its signing secret: give --secret-env VAR or --secret-file FILE"
        )
    config: dict[str, Any] = {"url": url}
    if secret_env is not None:
        if not _ENV.match(secret_env):
            raise ConfigError(f"--secret-env {secret_env!r} is not an environment variable name")
        config["secret_env"] = secret_env
    if secret_file is not None:
        config["secret_file"] = str(secret_file.expanduser().resolve())
    if timeout is not None:
        if timeout <= 0:
            raise ConfigError("--timeout must be more than zero seconds")
        config["timeout"] = timeout
    return config


def add_target(
    db: Database, name: str, kind: str, config: dict[str, Any], mapping: dict[str, Any] | None, actor: str
) -> ExportTarget:
    if not _NAME.match(name):
        raise ConfigError(
            f"target name {name!r}: letters, digits, '.', '_' and '-', starting with a letter or digit"
        )
    if mapping is not None:
        mapping = parse_mapping(mapping).as_dict()
    with db.unit_of_work(actor) as uow:
        uow.export_targets.add(name, kind, config, mapping)
        uow.commit()
        return uow.export_targets.get(name)


def list_targets(db: Database) -> list[ExportTarget]:
    with db.unit_of_work() as uow:
        return uow.export_targets.all()


def remove_target(db: Database, name: str, actor: str) -> None:
    """Remove a target; its entries not yet delivered fail (retrying cannot help)."""
    with db.unit_of_work(actor) as uow:
        uow.export_targets.remove(name)
        uow.commit()


def set_target_enabled(db: Database, name: str, enabled: bool, actor: str) -> None:
    """Disabled: new commits record nothing for it, and its pending entries wait until enabled."""
    with db.unit_of_work(actor) as uow:
        uow.export_targets.set_enabled(name, enabled)
        uow.commit()


def target_record(target: ExportTarget) -> dict[str, Any]:
    return {
        "name": target.name,
        "kind": target.kind,
        "enabled": target.enabled,
        "config": target.config,
        "mapping": target.mapping,
        "created_at": target.created_at.isoformat(),
    }
