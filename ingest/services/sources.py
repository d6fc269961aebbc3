"""Sources: add, list, remove, and poll them (store every file first, act on the source after)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.db import Database
from ingest.domain.document import Receipt
from ingest.errors import ConfigError, IngestError
from ingest.logs import get_logger
from ingest.services.intake import receive
from ingest.sources.edi_folder import EdiFolder

log = get_logger(__name__)

KINDS = ("edi-folder",)


def add_edi_folder(db: Database, name: str, inbound: Path, outbound: Path, actor: str = "cli") -> None:
    inbound, outbound = inbound.resolve(), outbound.resolve()
    if not inbound.is_dir():
        raise ConfigError(f"inbound folder {inbound} does not exist: create it first")
    outbound.mkdir(parents=True, exist_ok=True)
    with db.unit_of_work(actor) as uow:
        uow.sources.add(name, "edi-folder", {"inbound": str(inbound), "outbound": str(outbound)})
        uow.commit()


def list_sources(db: Database) -> list[dict[str, Any]]:
    with db.unit_of_work() as uow:
        return [{"name": n, "kind": k, "enabled": e, **cfg} for n, k, cfg, e in uow.sources.all()]


def remove_source(db: Database, name: str, actor: str = "cli") -> None:
    with db.unit_of_work(actor) as uow:
        uow.sources.remove(name)
        uow.commit()


def _open(name: str, kind: str, config: dict[str, Any]) -> EdiFolder:
    if kind == "edi-folder":
        return EdiFolder(name, Path(config["inbound"]), Path(config["outbound"]))
    raise ConfigError(f"source {name}: kind {kind!r} is not supported by this version")


def poll_source(db: Database, name: str) -> list[str]:
    """Store every waiting file of one source and return the new document ids (duplicates excluded)."""
    with db.unit_of_work() as uow:
        kind, config = uow.sources.get(name)
    source = _open(name, kind, config)
    new_ids: list[str] = []
    for item in source.pending():
        receipt = Receipt(
            content=item.content,
            channel="edi",
            source=name,
            source_ref=f"{name}:{item.path.name}",
            filename=item.path.name,
        )
        try:
            doc = receive(db, receipt, actor=f"source:{name}")
        except IngestError as exc:
            log.error(
                "could not store file; it stays for the next poll",
                source=name,
                file=str(item.path),
                error=str(exc),
            )
            continue
        source.mark_done(item)
        if doc.state.value == "received":
            new_ids.append(doc.id)
    return new_ids


def poll_all(db: Database) -> dict[str, list[str]]:
    """Poll every enabled source; one broken source never stops the others."""
    results: dict[str, list[str]] = {}
    for src in list_sources(db):
        if not src["enabled"]:
            continue
        try:
            results[src["name"]] = poll_source(db, src["name"])
        except IngestError as exc:
            log.error("poll failed", source=src["name"], error=str(exc))
            results[src["name"]] = []
    return results
