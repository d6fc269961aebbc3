"""Commands for running the service day to day: sweep, metrics, worker-health, source interval."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

import click
from rich.table import Table

from ingest.cli.common import AppContext, emit_json, err, out, pass_app
from ingest.errors import ConfigError, TransientError
from ingest.services.deps import Pipeline
from ingest.services.metrics import QueueFigures, metrics_text
from ingest.services.outbox import dispatcher_for
from ingest.services.sources import Locks, set_poll_interval
from ingest.services.sweeper import SweepReport, sweep


def source_locks(pipeline: Pipeline) -> Locks:
    """Locks shared by every process that polls: on Redis when it is configured, else in the
    database (PostgreSQL advisory locks; on SQLite, file locks beside the database)."""
    settings = pipeline.settings
    if settings.redis_url:
        from ingest.queue.locks import RedisLocks
        from ingest.queue.runners import connect_redis

        return RedisLocks(connect_redis(settings.redis_url), timeout=settings.poll_lock_seconds)
    from ingest.db.locks import DatabaseLocks

    return DatabaseLocks(pipeline.db)


def _require_redis(app: AppContext, command: str) -> str:
    url = app.settings.redis_url
    if not url:
        raise ConfigError(f"`ingest {command}` needs INGEST_REDIS_URL: without Redis there are no workers")
    return url


def _sweep_once(app: AppContext, older_than: float) -> SweepReport:
    pipeline = app.pipeline()
    if pipeline.settings.redis_url:
        from ingest.queue.runners import connect_redis
        from ingest.queue.sweep import sweep_queues

        return sweep_queues(pipeline, connect_redis(pipeline.settings.redis_url), older_than)
    return sweep(pipeline.db, app.runner(), older_than=older_than, outbox=dispatcher_for(pipeline))


def _print_sweep(report: SweepReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.as_record())
        return
    when = report.cutoff.isoformat(timespec="seconds")
    n = len(report.resubmitted)
    if n:
        plural = "s" if n != 1 else ""
        out.print(
            f"{n} document{plural} left received since before {when} handed to the {report.runner} runner"
        )
    else:
        out.print(f"nothing to sweep: no document left received since before {when}")
    if report.outbox:
        out.print(f"{len(report.outbox)} outbox entries due handed to delivery")


@click.command("sweep")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Grace period: only documents received (or reset) longer ago than this "
    "[default: INGEST_SWEEP_GRACE_SECONDS, 300].",
)
@click.option(
    "--every",
    type=click.FloatRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Keep sweeping at this interval until stopped (one process per interval does the work).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per sweep.")
@pass_app
def sweep_cmd(app: AppContext, older_than: float | None, every: float | None, as_json: bool) -> None:
    """Hand documents left in `received` (a worker killed mid-job, an emptied Redis) to the
    runner again. Safe at any time: a document already queued or running is left alone."""
    grace = app.settings.sweep_grace_seconds if older_than is None else older_than
    if every is None:
        _print_sweep(_sweep_once(app, grace), as_json)
        return
    app.default_log_level = "INFO"
    pipeline = app.pipeline()
    if pipeline.settings.redis_url:
        from ingest.queue.runners import connect_redis
        from ingest.queue.sweep import PeriodicSweep

        periodic = PeriodicSweep(
            pipeline, connect_redis(pipeline.settings.redis_url), every=every, older_than=grace
        )
        while True:
            report = periodic.run_once()
            if report is not None and (report.resubmitted or as_json):
                _print_sweep(report, as_json)
            time.sleep(every)
    while True:
        report = sweep(pipeline.db, app.runner(), older_than=grace, outbox=dispatcher_for(pipeline))
        if report.resubmitted or as_json:
            _print_sweep(report, as_json)
        time.sleep(every)


def _queue_figures(app: AppContext) -> QueueFigures | None:
    url = app.settings.redis_url
    if not url:
        return None
    from ingest.queue.runners import connect_redis
    from ingest.queue.status import queue_figures

    try:
        return queue_figures(connect_redis(url))
    except TransientError as exc:
        err.print(f"warning: queue figures left out: {exc.message}")
        return QueueFigures(up=False)


@click.command("metrics")
@pass_app
def metrics_cmd(app: AppContext) -> None:
    """The metrics in the Prometheus text format (as the review UI serves them on /metrics)."""
    text = metrics_text(app.pipeline().db, _queue_figures(app))
    sys.stdout.write(text.decode("utf-8"))
    sys.stdout.flush()


@click.command("worker-health")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per worker.")
@pass_app
def worker_health_cmd(app: AppContext, as_json: bool) -> None:
    """The rq workers registered, with their last heartbeat. Exit status 1 when none is alive."""
    from ingest.queue.liveness import workers
    from ingest.queue.runners import connect_redis

    found = workers(connect_redis(_require_redis(app, "worker-health")))
    now = datetime.now(UTC)
    if as_json:
        for info in found:
            emit_json(info.as_record(now))
    else:
        table = Table(title="workers", title_justify="left")
        for col in ("name", "alive", "state", "queues", "host", "pid", "last heartbeat", "job"):
            table.add_column(col, overflow="fold")
        for info in found:
            rec = info.as_record(now)
            table.add_row(
                info.name,
                "[green]yes[/]" if info.alive else f"[red]no[/] ({info.reason})",
                info.state,
                ",".join(info.queues),
                info.hostname or "",
                str(info.pid or ""),
                f"{rec['heartbeat_age_seconds']} s ago" if info.last_heartbeat else "never",
                info.current_job or "",
            )
        out.print(table)
    if not any(info.alive for info in found):
        err.print("no live worker: start one with `ingest worker`")
        raise SystemExit(1)


@click.command("interval")
@click.argument("name")
@click.argument("seconds", type=click.FloatRange(min=1), required=False)
@click.option("--default", "use_default", is_flag=True, help="Poll at the interval `ingest run` is given.")
@pass_app
def source_interval_cmd(app: AppContext, name: str, seconds: float | None, use_default: bool) -> None:
    """Poll source NAME every SECONDS (`ingest run --interval` for the others)."""
    if (seconds is None) == (not use_default):
        raise click.UsageError("give SECONDS or --default")
    set_poll_interval(app.pipeline().db, name, None if use_default else seconds)
    out.print(
        f"source {name} polled " + ("at the default interval" if use_default else f"every {seconds:g} s")
    )
