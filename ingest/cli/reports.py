"""`ingest report`: the figures of a period as tables, one JSON object, or CSV files."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from ingest.cli.common import AppContext, emit_json, out, pass_app
from ingest.services.reports import Durations, Report, build_report, describe_seconds, period


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right", overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


def _cycle_row(path: str, d: Durations) -> list[Any]:
    return [path, d.count, describe_seconds(d.p50), describe_seconds(d.p95), describe_seconds(d.mean)]


def print_report(report: Report) -> None:
    out.print(
        f"documents received {report.since.isoformat(timespec='seconds')} to "
        f"{report.until.isoformat(timespec='seconds')}"
    )
    out.print(
        f"touchless: {report.touchless} of {report.decided} orders decided ({_share(report.touchless_rate)})"
    )
    days = [[d.day.isoformat(), d.automatic, d.reviewed, d.total] for d in report.volume_by_day]
    out.print(_table("orders by day", ["day", "automatic", "reviewed", "total"], days))
    out.print(
        _table(
            "orders by channel", ["channel", "orders"], [list(i) for i in report.volume_by_channel.items()]
        )
    )
    out.print(
        _table(
            "orders by customer", ["customer", "orders"], [list(i) for i in report.volume_by_customer.items()]
        )
    )
    out.print(
        _table("documents by state", ["state", "documents"], [list(i) for i in report.documents.items()])
    )
    out.print(_table("orders by status", ["status", "orders"], [list(i) for i in report.orders.items()]))
    cycle = [
        _cycle_row("automatic", report.cycle_automatic),
        _cycle_row("after review", report.cycle_reviewed),
        _cycle_row("all", report.cycle_all),
    ]
    out.print(_table("arrival to commit", ["path", "orders", "p50", "p95", "mean"], cycle))
    out.print(_table("review reasons", ["reason", "orders"], [list(i) for i in report.reasons]))
    customers = [
        [c.customer_id, c.orders, _share(c.automatic_share), c.reviewed, _share(c.changed_share)]
        for c in report.customers
    ]
    out.print(
        _table("accuracy by customer", ["customer", "orders", "automatic", "approved", "changed"], customers)
    )


def write_csv(report: Report, folder: Path) -> list[Path]:
    """One CSV file per figure in ``folder`` (made if missing), with a header row."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (headers, rows) in report.tables().items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
        written.append(path)
    return written


@click.command("report")
@click.option("--days", type=click.IntRange(min=1), default=None, help="The last N days [default: 30].")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    metavar="DATE",
    help="From this date (UTC).",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    metavar="DATE",
    help="Up to this date, included (UTC) [default: now].",
)
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Also write one CSV file per figure into DIR.",
)
@pass_app
def report_cmd(
    app: AppContext,
    days: int | None,
    since: datetime | None,
    until: datetime | None,
    as_json: bool,
    csv_dir: Path | None,
) -> None:
    """Figures of the documents received in a period: order volume by day, customer and channel,
    documents and orders by state, the touchless rate, time from arrival to commit, review reasons
    and accuracy by customer."""
    if days is not None and since is not None:
        raise click.UsageError("give --days or --since, not both")
    if days is not None and until is not None:
        raise click.UsageError("--until goes with --since, not --days")
    try:
        start, end = period(days, _day_or_time(since), _day_or_time(until))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    report = build_report(app.pipeline().db, start, end)
    if as_json:
        emit_json(report.as_record())
    else:
        print_report(report)
    if csv_dir is not None:
        written = write_csv(report, csv_dir)
        if not as_json:
            out.print(f"{len(written)} CSV files written to {csv_dir}")


def _day_or_time(value: datetime | None) -> date | datetime | None:
    """A bare date stays a date (a whole day); a time of day is kept."""
    if value is None:
        return None
    return value.date() if value.time() == datetime.min.time() else value
