"""Commands that run the service: run, worker, serve, export, demo."""

from __future__ import annotations

import secrets
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ingest.cli.common import AppContext, err, out, pass_app, progress_bar
from ingest.cli.documents import _print_records, expand_paths
from ingest.cli.ops import source_locks
from ingest.domain.document import DocumentState, Receipt
from ingest.errors import ConfigError, IngestError
from ingest.logs import get_logger
from ingest.services.acknowledgments import deliver_pending
from ingest.services.deps import Pipeline
from ingest.services.export import committed_orders, write_export
from ingest.services.intake import channel_for, receive
from ingest.services.mail import MailWatcher
from ingest.services.masterdata import load_directory
from ingest.services.outbox import dispatcher_for
from ingest.services.sources import PollSchedule, list_sources, poll_all, settle_all
from ingest.services.status import counts, document_records
from ingest.services.sweeper import sweep
from ingest.services.users import add_user

log = get_logger(__name__)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@click.command("run")
@click.option("--once", is_flag=True, help="One poll of every source; wait until it is processed; exit.")
@click.option(
    "--interval",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between polls of a source (`ingest source interval` sets one source's own).",
)
@click.option(
    "--timeout", default=600.0, show_default=True, help="With --once: seconds to wait for the work."
)
@click.option(
    "--poll-here",
    is_flag=True,
    help="With Redis: poll the sources in this process instead of queueing poll jobs for the workers.",
)
@pass_app
def run_cmd(app: AppContext, once: bool, interval: float, timeout: float, poll_here: bool) -> None:
    """The service: poll every source and process what arrives (queued when Redis is configured).

    With Redis, each due source gets a poll job on the `polls` queue (at most one waiting per
    source) and the workers poll; with --once, or without Redis, this process polls. Documents left
    received by an earlier crash are picked up again at every pass. A source is polled by one
    process at a time, however many run."""
    app.default_log_level = "INFO"
    pipeline = app.pipeline()
    runner = app.runner()
    locks = source_locks(pipeline)
    schedule = None if once else PollSchedule(interval)
    dispatch = None
    redis_url = pipeline.settings.redis_url
    if redis_url and not once and not poll_here:
        from ingest.queue.polls import RqPolls
        from ingest.queue.runners import connect_redis

        dispatch = RqPolls(connect_redis(redis_url), timeout=pipeline.settings.poll_lock_seconds).dispatch
    watcher = None
    mailboxes: dict[str, dict[str, Any]] = {}
    if not once:
        mailboxes = {
            s["name"]: _source_config(pipeline, s["name"])
            for s in list_sources(pipeline.db)
            if s["kind"] == "imap" and s["enabled"]
        }
        if mailboxes:
            watcher = MailWatcher(mailboxes)
            watcher.start()
    while True:
        polled = poll_all(pipeline.db, locks, schedule, dispatch)
        # everything still received is (re)submitted: new documents, and those an earlier crash left
        # and the outbox entries due (first attempts a queue lost, retries whose time has come)
        waiting = sweep(pipeline.db, runner, older_than=0, outbox=dispatcher_for(pipeline)).resubmitted
        new = [i for ids in polled.values() for i in ids]
        log.info("poll done", new_documents=len(new), waiting=len(waiting), runner=runner.name)
        deliver_pending(pipeline.db)
        if once:
            runner.wait(waiting, timeout)
            deliver_pending(pipeline.db)
            settle_all(pipeline.db)
            records = document_records(pipeline.db, ids=waiting)
            if records:
                _print_records(records, as_json=False)
            else:
                out.print("nothing to do: no new documents")
            if any(r["status"] in ("rejected", "failed") for r in records):
                raise SystemExit(1)
            return
        settle_all(pipeline.db)
        assert schedule is not None
        pause = max(0.1, min(interval, schedule.seconds_until_due(list_sources(pipeline.db))))
        if watcher is not None:
            if watcher.wait(pause):  # new mail wakes the poll early
                schedule.wake(mailboxes)
        else:
            time.sleep(pause)


def _source_config(pipeline: Pipeline, name: str) -> dict[str, Any]:
    with pipeline.db.unit_of_work() as uow:
        return uow.sources.get(name)[1]


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option("--no-fork", is_flag=True, help="Run jobs in the worker process (faster, less isolated).")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    envvar="INGEST_WORKER_PROCESSES",
    help="Run N long-lived worker processes under a supervisor that replaces any that dies "
    "(the fastest way; one per CPU is a good start). [env: INGEST_WORKER_PROCESSES]",
)
@click.option(
    "--max-jobs",
    type=click.IntRange(min=1),
    default=None,
    help="With --processes: replace each process after this many jobs (bounds memory growth).",
)
@pass_app
def worker_cmd(
    app: AppContext, burst: bool, no_fork: bool, processes: int | None, max_jobs: int | None
) -> None:
    """An rq worker for the pipeline queues (needs INGEST_REDIS_URL)."""
    app.default_log_level = "INFO"
    settings = app.settings
    if not settings.redis_url:
        raise ConfigError(
            "`ingest worker` needs INGEST_REDIS_URL; "
            "without Redis, `ingest process` and `ingest run` do the work themselves"
        )
    from ingest.queue.runners import connect_redis
    from ingest.queue.worker import run_worker

    redis = connect_redis(settings.redis_url)  # fails here, clearly, when Redis is not there
    if processes is not None:
        from ingest.queue.pool import WorkerPool

        WorkerPool(app.pipeline(), settings.redis_url, processes, burst=burst, max_jobs=max_jobs).run()
        return
    if max_jobs is not None:
        raise click.UsageError("--max-jobs goes with --processes")
    run_worker(app.pipeline(), redis, burst=burst, fork=not no_fork)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve_cmd(app: AppContext, host: str, port: int) -> None:
    """The review UI."""
    app.default_log_level = "INFO"
    _serve(app, host, port)


def _serve(app: AppContext, host: str, port: int) -> None:
    from review_ui import create_app
    from review_ui.serve import serve

    pipeline = app.pipeline()
    err.print(f"review UI on http://{host}:{port}/  (Ctrl-C to stop)")
    serve(create_app(pipeline.settings, pipeline.db), host, port)


@click.group("export", invoke_without_command=True, no_args_is_help=False)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]),
    help="Only orders committed at or after this ISO time (UTC if no zone).",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default stdout)."
)
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, since: datetime | None, output: Path | None) -> None:
    """Committed orders as JSON Lines (one order per line) or CSV (one row per order line).

    `ingest export target ...` configures where each order is also sent as it is committed
    (folders, webhooks), through the outbox (`ingest outbox`)."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.ensure_object(AppContext)
    if since is not None and since.tzinfo is None:
        from datetime import UTC

        since = since.replace(tzinfo=UTC)
    orders = committed_orders(app.pipeline().db, since)
    if output:
        with output.open("w", encoding="utf-8", newline="") as fh:
            n = write_export(orders, fmt, fh)
        err.print(f"{n} records written to {output}")
    else:
        write_export(orders, fmt, sys.stdout)


@click.command("demo")
@click.option(
    "--fixtures",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder with masterdata/ and documents/ (default: the project's fixtures).",
)
@click.option(
    "--serve/--no-serve", "serve_ui", default=True, show_default=True, help="Serve the review UI at the end."
)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def demo_cmd(app: AppContext, fixtures: Path | None, serve_ui: bool, port: int) -> None:
    """Load the fixture master data, run the fixture documents through the pipeline, print a
    summary, and serve the review UI."""
    fixtures = fixtures or FIXTURES
    if not (fixtures / "masterdata").is_dir() or not (fixtures / "documents").is_dir():
        raise ConfigError(f"{fixtures} has no masterdata/ and documents/ folders: pass --fixtures DIR")
    pipeline = app.pipeline(check_schema=False)
    settings = pipeline.settings
    out.print(
        f"[bold]database[/] {settings.database_url}   [bold]work runs[/] "
        f"{'on rq workers' if settings.redis_url else 'in this process'}"
    )
    before, after = pipeline.db.upgrade()
    out.print(f"schema: {after}" + (f" (upgraded from {before or 'nothing'})" if before != after else ""))
    report = load_directory(pipeline.db, fixtures / "masterdata", actor="demo")
    out.print("master data: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in report.totals.items()))
    files = expand_paths([d for d in (fixtures / "documents", fixtures / "email") if d.is_dir()])
    docs = []
    for path in files:
        content = path.read_bytes()
        receipt = Receipt(
            content=content,
            channel=channel_for(path.name, content),
            source="demo",
            source_ref=str(path.relative_to(fixtures)),
            filename=path.name,
        )
        try:
            docs.append(receive(pipeline.db, receipt, actor="demo"))
        except IngestError as exc:
            err.print(f"could not store {path}: {exc}")
    new_ids = [d.id for d in docs if d.state is DocumentState.RECEIVED]
    runner = app.runner()
    with progress_bar("processing", len(new_ids)) as progress:
        runner.submit(new_ids)
        runner.wait(new_ids, 600, progress)
    _print_records(document_records(pipeline.db, ids=[d.id for d in docs]), False)
    summary = counts(pipeline.db)
    table = Table(title="all documents so far", title_justify="left")
    for state, n in summary["documents"].items():
        if n:
            table.add_column(state, justify="right")
    table.add_row(*[str(n) for n in summary["documents"].values() if n])
    out.print(table)
    out.print("next: `ingest documents`, `ingest export`, `ingest status`")
    if serve_ui:
        password = secrets.token_urlsafe(12)
        add_user(pipeline.db, "demo", "admin", password, "demo")
        out.print(
            f"review UI: sign in as [bold]demo[/] with password [bold]{password}[/] "
            "(an administrator; add clerks with `ingest user add NAME --role clerk`)"
        )
        _serve(app, "127.0.0.1", port)
