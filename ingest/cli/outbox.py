"""Commands for exports through the outbox: `ingest export target ...` and `ingest outbox ...`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table

from ingest.cli.common import AppContext, actor_option, emit_json, err, out, pass_app
from ingest.db.outbox import OUTBOX_STATES, OutboxAttempt, OutboxEntry
from ingest.services.export_format import TARGET_KINDS
from ingest.services.export_targets import (
    add_target,
    list_targets,
    read_mapping,
    remove_target,
    set_target_enabled,
    target_config,
    target_record,
)
from ingest.services.outbox import (
    counts,
    deliver_due,
    delivery_context,
    dispatch_due,
    dispatcher_for,
    hand_over,
    list_entries,
    retry,
    show_entry,
)


@click.group("target")
def target_group() -> None:
    """Where each committed order is sent: a folder of JSON Lines or CSV files, or a webhook."""


@target_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(TARGET_KINDS), required=True)
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), help="jsonl/csv: the folder.")
@click.option("--url", help="webhook: the URL orders are POSTed to.")
@click.option("--secret-env", metavar="VAR", help="webhook: environment variable holding the signing secret.")
@click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="webhook: file holding the signing secret (instead of --secret-env).",
)
@click.option(
    "--timeout", type=float, help="webhook: seconds per request [default: INGEST_OUTBOX_TIMEOUT_SECONDS]."
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file renaming our fields to the ERP's (see the README).",
)
@actor_option
@pass_app
def target_add(
    app: AppContext,
    name: str,
    kind: str,
    folder: Path | None,
    url: str | None,
    secret_env: str | None,
    secret_file: Path | None,
    timeout: float | None,
    mapping: Path | None,
    actor: str,
) -> None:
    """Add export target NAME; orders committed from now on are sent to it."""
    config = target_config(
        kind, folder=folder, url=url, secret_env=secret_env, secret_file=secret_file, timeout=timeout
    )
    target = add_target(
        app.pipeline().db, name, kind, config, read_mapping(mapping) if mapping else None, actor
    )
    where = target.config.get("folder") or target.config.get("url")
    out.print(f"export target {target.name} added: {target.kind} to {where}")


@target_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per target.")
@pass_app
def target_list(app: AppContext, as_json: bool) -> None:
    """The export targets."""
    targets = list_targets(app.pipeline().db)
    if as_json:
        for target in targets:
            emit_json(target_record(target))
        return
    if not targets:
        out.print("no export targets: add one with `ingest export target add`")
        return
    table = Table(title="export targets", title_justify="left")
    for column in ("name", "kind", "to", "secret", "mapping", "enabled"):
        table.add_column(column, overflow="fold")
    for t in targets:
        secret = (
            (t.config.get("secret_env") and f"${t.config['secret_env']}") or t.config.get("secret_file") or ""
        )
        table.add_row(
            t.name,
            t.kind,
            str(t.config.get("folder") or t.config.get("url")),
            secret,
            f"{len((t.mapping or {}).get('fields', {}))} fields" if t.mapping else "",
            "yes" if t.enabled else "[red]no[/]",
        )
    out.print(table)


@target_group.command("remove")
@click.argument("name")
@actor_option
@pass_app
def target_remove(app: AppContext, name: str, actor: str) -> None:
    """Remove export target NAME; its entries not yet delivered fail at their next attempt."""
    remove_target(app.pipeline().db, name, actor)
    out.print(f"export target {name} removed")


@target_group.command("enable")
@click.argument("name")
@actor_option
@pass_app
def target_enable(app: AppContext, name: str, actor: str) -> None:
    """Send to NAME again, the orders that waited meanwhile first."""
    pipeline = app.pipeline()
    set_target_enabled(pipeline.db, name, True, actor)
    out.print(f"export target {name} enabled")
    dispatch_due(pipeline.db, dispatcher_for(pipeline))


@target_group.command("disable")
@click.argument("name")
@actor_option
@pass_app
def target_disable(app: AppContext, name: str, actor: str) -> None:
    """Stop sending to NAME: orders committed meanwhile are not recorded for it, and entries
    already recorded wait until it is enabled."""
    set_target_enabled(app.pipeline().db, name, False, actor)
    out.print(f"export target {name} disabled")


# --- ingest outbox ----------------------------------------------------------------------------------


@click.group("outbox")
def outbox_group() -> None:
    """What waits to leave the service (exports of committed orders), and its delivery log."""


def entry_record(entry: OutboxEntry, attempts: list[OutboxAttempt] | None = None) -> dict[str, object]:
    record: dict[str, object] = {
        "id": entry.id,
        "kind": entry.kind,
        "target": entry.target,
        "key": entry.key,
        "order_id": entry.order_id,
        "document_id": entry.document_id,
        "state": entry.state,
        "attempts": entry.attempts,
        "next_attempt_at": entry.next_attempt_at.isoformat() if entry.state == "pending" else None,
        "last_error": entry.last_error,
        "delivery_ref": entry.delivery_ref,
        "created_at": entry.created_at.isoformat(),
        "delivered_at": entry.delivered_at.isoformat() if entry.delivered_at else None,
    }
    if attempts is not None:
        record["log"] = [
            {
                "attempt": a.attempt,
                "at": a.at.isoformat(),
                "outcome": a.outcome,
                "http_status": a.http_status,
                "error": a.error,
                "duration_ms": a.duration_ms,
            }
            for a in attempts
        ]
    return record


def _when(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds") if at else ""


@outbox_group.command("list")
@click.option("--state", type=click.Choice(OUTBOX_STATES), help="Only entries in this state.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry.")
@pass_app
def outbox_list(app: AppContext, state: str | None, limit: int, as_json: bool) -> None:
    """Outbox entries, newest first, with their state, attempts and last error."""
    db = app.pipeline().db
    entries = list_entries(db, state, limit)
    if as_json:
        for entry in entries:
            emit_json(entry_record(entry))
        return
    figures = counts(db)
    out.print(", ".join(f"{n} {s}" for s, n in figures.items()))
    if not entries:
        return
    table = Table(title="outbox", title_justify="left")
    for column in ("id", "kind", "target", "order", "state", "attempts", "next / delivered", "last error"):
        table.add_column(column, overflow="fold")
    for e in entries:
        colour = {"failed": "red", "pending": "yellow"}.get(e.state, "green")
        table.add_row(
            e.id,
            e.kind,
            e.target or "",
            e.order_id or "",
            f"[{colour}]{e.state}[/]",
            str(e.attempts),
            _when(e.next_attempt_at) if e.state == "pending" else _when(e.delivered_at),
            e.last_error or "",
        )
    out.print(table)


@outbox_group.command("show")
@click.argument("entry_id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, with the delivery log.")
@pass_app
def outbox_show(app: AppContext, entry_id: str, as_json: bool) -> None:
    """One entry and its delivery log (every attempt: when, outcome, HTTP status, error, time taken)."""
    entry, attempts = show_entry(app.pipeline().db, entry_id)
    if as_json:
        emit_json(entry_record(entry, attempts))
        return
    out.print(f"[bold]{entry.id}[/] {entry.kind} to {entry.target or '-'}: {entry.state}, key {entry.key}")
    table = Table(title="delivery log", title_justify="left")
    for column in ("#", "at", "outcome", "HTTP", "ms", "error"):
        table.add_column(column, overflow="fold")
    for a in attempts:
        http = str(a.http_status) if a.http_status is not None else ""
        table.add_row(str(a.attempt), _when(a.at), a.outcome, http, str(a.duration_ms), a.error or "")
    out.print(table)


@outbox_group.command("retry")
@click.argument("entry_ids", nargs=-1, metavar="[ID]...")
@click.option("--all-failed", is_flag=True, help="Every failed entry.")
@actor_option
@pass_app
def outbox_retry(app: AppContext, entry_ids: tuple[str, ...], all_failed: bool, actor: str) -> None:
    """Send failed entries again, with a fresh run of attempts."""
    if bool(entry_ids) == all_failed:
        raise click.UsageError("give entry IDs or --all-failed")
    pipeline = app.pipeline()
    retried = retry(pipeline.db, entry_ids, actor, all_failed=all_failed)
    out.print(f"{len(retried)} entr{'y' if len(retried) == 1 else 'ies'} put back to pending")
    hand_over(dispatcher_for(pipeline), retried)


@outbox_group.command("deliver")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry attempted.")
@pass_app
def outbox_deliver(app: AppContext, as_json: bool) -> None:
    """Attempt every entry that is due, in this process, now (`ingest run` does it at every pass).
    Exit status 1 when an attempt failed."""
    pipeline = app.pipeline()
    settled = deliver_due(delivery_context(pipeline.settings, pipeline.db))
    for entry in settled:
        if as_json:
            emit_json(entry_record(entry))
        else:
            said = entry.delivery_ref if entry.state == "delivered" else entry.last_error
            out.print(f"{entry.id} {entry.target or entry.kind}: {entry.state} ({said})")
    if not settled and not as_json:
        err.print("nothing due")
    if any(e.state != "delivered" for e in settled):
        raise SystemExit(1)
