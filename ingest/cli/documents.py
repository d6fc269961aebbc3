"""Commands on documents: parse, process, documents, retry, status."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ingest.cli.common import AppContext, emit_json, err, out, pass_app, progress_bar
from ingest.domain.document import DocumentState, Receipt
from ingest.parsers.base import ParseContext
from ingest.parsers.registry import default_registry
from ingest.services.intake import channel_for, receive, reset_for_retry
from ingest.services.status import counts, document_records

PROBLEM_STATES = {"rejected", "failed"}


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files in the order given; a folder contributes its files (recursively, sorted, no hidden)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (CONTRACTS §3).")
def parse_cmd(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse documents only: no database, no matching. Exit 1 when any file is rejected."""
    registry = default_registry()
    failed = False
    for path in expand_paths(files):
        outcome = registry.parse(path.read_bytes(), ParseContext(filename=path.name))
        error = outcome.first_error
        failed = failed or error is not None
        record = outcome.as_record(str(path))
        if as_json:
            emit_json(record)
        elif error:
            loc = f" at {error.location}" if error.location else ""
            read = f" ({len(outcome.orders)} orders read)" if outcome.orders else ""
            out.print(f"[red]✗[/] {path}: {error.kind}{loc}: {error.message}{read}", markup=True)
        else:
            summary = ", ".join(
                f"PO {o.po_number or '(none)'} with {len(o.lines)} lines" for o in outcome.orders
            )
            out.print(f"[green]✓[/] {path}: {outcome.format}: {summary or 'no purchase order'}")
    if failed:
        raise SystemExit(1)


def _location_text(order: dict[str, Any]) -> str:
    """' ship-to 0012' when the order's ship-to was resolved to one of the customer's locations."""
    location = order.get("ship_to_location")
    return f" ship-to {location['location_id']}" if location and location.get("location_id") else ""


def _print_records(records: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        for rec in records:
            emit_json(rec)
        return
    table = Table(show_lines=False)
    for col in ("file", "status", "orders", "detail"):
        table.add_column(col, overflow="fold")
    colors = {
        "committed": "green",
        "review": "yellow",
        "rejected": "red",
        "failed": "red",
        "duplicate": "cyan",
    }
    for rec in records:
        orders = rec["orders"]
        if rec["error"]:
            e = rec["error"]
            detail = f"{e['kind']}: {e['message']}" + (f" ({e['location']})" if e.get("location") else "")
        elif rec["status"] == "duplicate":
            detail = f"already received as {rec['duplicate_of']}"
        else:
            detail = "; ".join(r for o in orders for r in o["reasons"][:4])
        po = ", ".join(f"{o['po_number'] or '?'} ({o['status']}){_location_text(o)}" for o in orders)
        status = rec["status"]
        table.add_row(
            str(rec["file"] or rec["source_ref"]), f"[{colors.get(status, 'white')}]{status}[/]", po, detail
        )
    out.print(table)


@click.command("process")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document (CONTRACTS §4).")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to wait for queued work.")
@pass_app
def process_cmd(app: AppContext, paths: tuple[Path, ...], as_json: bool, timeout: float) -> None:
    """Run the whole pipeline on files or folders, as if received now, and wait for the outcome.

    Exit status 1 when any document was rejected or failed."""
    pipeline = app.pipeline()
    files = expand_paths(paths)
    docs = []
    with progress_bar("storing", len(files), not as_json) as progress:
        for n, path in enumerate(files, start=1):
            content = path.read_bytes()
            receipt = Receipt(
                content=content,
                channel=channel_for(path.name, content),
                source="cli",
                source_ref=str(path),
                filename=path.name,
            )
            docs.append(receive(pipeline.db, receipt, actor="cli"))
            progress(n, len(files))
    new_ids = [d.id for d in docs if d.state is DocumentState.RECEIVED]
    runner = app.runner()
    with progress_bar("processing", len(new_ids), not as_json) as progress:
        runner.submit(new_ids)
        runner.wait(new_ids, timeout, progress)
    records = document_records(pipeline.db, ids=[d.id for d in docs])
    for path, rec in zip(files, records, strict=True):
        rec["file"] = str(path)
    _print_records(records, as_json)
    if any(r["status"] in PROBLEM_STATES for r in records):
        raise SystemExit(1)


@click.command("documents")
@click.option(
    "--state", type=click.Choice([s.value for s in DocumentState]), help="Only documents in this state."
)
@click.option("--limit", default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def documents_cmd(app: AppContext, state: str | None, limit: int, as_json: bool) -> None:
    """The documents with their state, source reference, error and orders."""
    records = document_records(app.pipeline().db, DocumentState(state) if state else None, limit)
    _print_records(records, as_json)


@click.command("retry")
@click.argument("document_ids", nargs=-1)
@click.option("--all-failed", is_flag=True, help="Retry every document in state failed.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--timeout", default=600.0, show_default=True)
@pass_app
def retry_cmd(
    app: AppContext, document_ids: tuple[str, ...], all_failed: bool, as_json: bool, timeout: float
) -> None:
    """Process failed (or stuck received) documents again."""
    db = app.pipeline().db
    ids = list(document_ids)
    if all_failed:
        with db.unit_of_work() as uow:
            ids += uow.documents.ids_in_state(DocumentState.FAILED)
    if not ids:
        raise click.UsageError("name document ids or pass --all-failed")
    reset = reset_for_retry(db, ids)
    skipped = sorted(set(ids) - set(reset))
    if skipped:
        err.print(f"not retried (not failed): {', '.join(skipped)}")
    runner = app.runner()
    runner.submit(reset)
    runner.wait(reset, timeout)
    records = document_records(db, ids=reset)
    _print_records(records, as_json)
    if any(r["status"] in PROBLEM_STATES for r in records):
        raise SystemExit(1)


@click.command("status")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def status_cmd(app: AppContext, as_json: bool) -> None:
    """Documents by state, orders by state, queue depth and failed jobs."""
    pipeline = app.pipeline()
    result: dict[str, Any] = dict(counts(pipeline.db))
    result["queue"], result["failed_jobs"] = {}, 0
    if pipeline.settings.redis_url:
        from ingest.queue.status import queue_status

        result["queue"], result["failed_jobs"] = queue_status(pipeline.settings.redis_url)
    if as_json:
        emit_json(result)
        return
    for title in ("documents", "orders", "queue"):
        table = Table(title=title, title_justify="left")
        table.add_column("state" if title != "queue" else "queue")
        table.add_column("count", justify="right")
        for key, value in result[title].items():
            table.add_row(key, str(value))
        out.print(table)
    out.print(f"failed jobs: {result['failed_jobs']}")
