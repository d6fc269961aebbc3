"""The admins' dashboard: today's documents by state, the touchless rate, time from arrival to
commit, queue depth, review reasons, accuracy per customer, failed documents with a retry button,
and two bar charts drawn as inline SVG on the server (no script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from ingest.config import Settings
from ingest.db import Database
from ingest.services.deps import Runner
from ingest.services.failures import failed_documents, retry_documents
from ingest.services.reports import DEFAULT_DAYS, DayVolume, build_report, describe_seconds
from review_ui.auth import current_user
from review_ui.metrics import queue_figures

blueprint = Blueprint("dashboard", __name__, url_prefix="/admin")

MAX_DAYS = 366
TOP_REASONS = 10
FAILED_SHOWN = 50
AUTOMATIC_COLOR = "#2f8f5b"
REVIEWED_COLOR = "#d08a1c"
REASON_COLOR = "#2457c5"


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _settings() -> Settings:
    settings: Settings = current_app.extensions["review_ui.settings"]
    return settings


def app_runner() -> Runner:
    """The runner of this app (in-process, or rq with Redis), made on first use."""
    runner: Runner | None = current_app.extensions.get("review_ui.runner")
    if runner is None:
        from ingest.bootstrap import build_pipeline, build_runner

        built = build_pipeline(_settings())
        built.db.dispose()
        runner = build_runner(replace(built, db=_db()))
        current_app.extensions["review_ui.runner"] = runner
    return runner


# --- charts -------------------------------------------------------------------------------------


def _text(x: float, y: float, label: str, *, anchor: str = "start", size: int = 11) -> Markup:
    """An SVG text element; ``label`` is escaped."""
    return Markup(
        '<text x="{:.1f}" y="{:.1f}" font-size="{}" text-anchor="{}" fill="#5d6678">{}</text>'
    ).format(x, y, size, anchor, label)


def _rect(x: float, y: float, w: float, h: float, color: str, title: str | None = None) -> Markup:
    """An SVG rectangle, with a tooltip when ``title`` is given (escaped)."""
    if title is None:
        return Markup('<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>').format(
            x, y, w, h, color
        )
    return Markup(
        '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{}</title></rect>'
    ).format(x, y, w, h, color, title)


def _svg(width: int, height: int, label: str, parts: list[Markup]) -> Markup:
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" aria-label="{}">'
    ).format(width, height, width, height, label)
    return Markup("").join([head, *parts, Markup("</svg>")])


def day_chart_svg(days: Sequence[DayVolume], *, width: int = 720, height: int = 220) -> Markup:
    """Orders per day as stacked bars (automatic below, sent to a clerk above), as SVG markup."""
    left, right, top, bottom = 36, 8, 18, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((d.total for d in days), default=0) or 1
    slot = plot_w / max(len(days), 1)
    bar = max(slot * 0.75, 1.0)
    parts = [
        Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dfe3ea"/>').format(
            left, top + plot_h, width - right, top + plot_h
        ),
        _text(left - 4, top + 4, str(peak), anchor="end"),
        _text(left - 4, top + plot_h, "0", anchor="end"),
    ]
    every = max(1, len(days) // 8)
    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        base = float(top + plot_h)
        title = f"{day.day.isoformat()}: {day.automatic} automatic, {day.reviewed} reviewed"
        for count, color in ((day.automatic, AUTOMATIC_COLOR), (day.reviewed, REVIEWED_COLOR)):
            if count:
                h = plot_h * count / peak
                base -= h
                parts.append(_rect(x, base, bar, h, color, title))
        if i % every == 0:
            parts.append(_text(x + bar / 2, height - 10, day.day.strftime("%m-%d"), anchor="middle", size=10))
    for i, (label, color) in enumerate((("automatic", AUTOMATIC_COLOR), ("reviewed", REVIEWED_COLOR))):
        x = left + 10 + i * 100
        parts.append(_rect(x, 3, 10, 10, color))
        parts.append(_text(x + 14, 12, label))
    return _svg(width, height, "orders per day, automatic and reviewed", parts)


def bar_chart_svg(items: Sequence[tuple[str, int]], *, width: int = 720, label_width: int = 340) -> Markup:
    """Horizontal bars, one per (label, count), labels escaped and cut to fit, as SVG markup."""
    row, top = 22, 4
    height = top * 2 + row * max(len(items), 1)
    peak = max((n for _, n in items), default=0) or 1
    plot_w = width - label_width - 40
    parts: list[Markup] = []
    limit = label_width // 6
    for i, (label, count) in enumerate(items):
        y = top + i * row
        shown = label if len(label) <= limit else label[: limit - 1] + "…"
        w = max(plot_w * count / peak, 1.0)
        parts.append(_text(label_width - 6, y + 15, shown, anchor="end"))
        parts.append(_rect(label_width, y + 4, w, row - 8, REASON_COLOR, f"{label}: {count}"))
        parts.append(_text(label_width + w + 4, y + 15, str(count)))
    return _svg(width, height, "orders per review reason", parts)


# --- pages --------------------------------------------------------------------------------------


def _days() -> int:
    try:
        days = int(request.args.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return min(max(days, 1), MAX_DAYS)


@blueprint.get("/dashboard")
def dashboard() -> str:
    now = datetime.now(UTC)
    days = _days()
    report = build_report(_db(), now - timedelta(days=days), now)
    midnight = datetime.combine(now.date(), time(0), tzinfo=UTC)
    today = build_report(_db(), midnight, now + timedelta(seconds=1))
    queues = queue_figures()
    return render_template(
        "dashboard.html",
        days=days,
        report=report,
        today=today.documents,
        queues=queues,
        reasons=report.reasons[:TOP_REASONS],
        failed=failed_documents(_db(), now=now, limit=FAILED_SHOWN),
        day_chart=day_chart_svg(report.volume_by_day),
        reason_chart=bar_chart_svg(report.reasons[:TOP_REASONS]),
        seconds=describe_seconds,
    )


@blueprint.post("/dashboard/retry/<document_id>")
def retry(document_id: str) -> BaseResponse:
    user = current_user()
    if user is None:
        abort(401)
    result = retry_documents(_db(), app_runner(), [document_id], actor=user.name)
    if result.submitted:
        flash(f"Document {document_id} handed to the {app_runner().name} runner again.", "ok")
    else:
        flash(f"Document {document_id} is not failed any more: nothing to retry.", "ok")
    return redirect(url_for("dashboard.dashboard"))
