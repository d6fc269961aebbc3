"""`ingest failed`: failed documents and failed queue jobs, listed and run again."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from ingest.cli.common import AppContext, IngestGroup, emit_json, err, out, pass_app
from ingest.cli.documents import PROBLEM_STATES, _print_records
from ingest.services.failures import RetryResult, failed_documents, retry_all, retry_documents
from ingest.services.status import document_records


@click.group("failed", cls=IngestGroup)
def failed_group() -> None:
    """Failed documents and failed queue jobs: list them, run them again."""


def _failed_jobs(app: AppContext) -> list[dict[str, Any]]:
    url = app.settings.redis_url
    if not url:
        return []
    from ingest.queue.failed import failed_jobs
    from ingest.queue.runners import connect_redis

    return failed_jobs(connect_redis(url))


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


@failed_group.command("list")
@click.option("--limit", default=1000, show_default=True, help="At most this many documents.")
@click.option("--json", "as_json", is_flag=True, help='One JSON object per line, "type": document or job.')
@pass_app
def failed_list(app: AppContext, limit: int, as_json: bool) -> None:
    """Documents in state failed (reason, attempts, age) and, with Redis, the failed jobs."""
    docs = failed_documents(app.pipeline().db, limit=limit)
    jobs = _failed_jobs(app)
    if as_json:
        for doc in docs:
            emit_json({"type": "document", **doc})
        for job in jobs:
            emit_json({"type": "job", **job})
        return
    table = Table(title=f"failed documents: {len(docs)}", title_justify="left")
    for col in ("document", "file", "attempts", "age", "reason"):
        table.add_column(col, overflow="fold")
    for doc in docs:
        error = doc["error"] or {}
        reason = f"{error.get('kind', '')}: {error.get('message', '')}" if error else ""
        table.add_row(
            doc["document_id"],
            str(doc["file"] or doc["source_ref"]),
            str(doc["attempts"]),
            _age(doc["age_seconds"]),
            reason,
        )
    out.print(table)
    if app.settings.redis_url:
        jobs_table = Table(title=f"failed jobs: {len(jobs)}", title_justify="left")
        for col in ("queue", "job", "document", "age", "error"):
            jobs_table.add_column(col, overflow="fold")
        for job in jobs:
            jobs_table.add_row(
                job["queue"],
                job["job_id"],
                job["document_id"] or "",
                _age(job["age_seconds"]),
                job["error"] or "",
            )
        out.print(jobs_table)


def _settle_jobs(app: AppContext, jobs: list[dict[str, Any]], result: RetryResult) -> None:
    """After a retry of everything: jobs of documents concluded meanwhile are cleared, failed jobs
    of other kinds are put back on their queue (process jobs are replaced by the resubmission)."""
    url = app.settings.redis_url
    if not url or not jobs:
        return
    from ingest.queue.failed import clear_failed, requeue_failed
    from ingest.queue.runners import connect_redis

    redis = connect_redis(url)
    resubmitted = set(result.submitted)
    for job in jobs:
        doc_id = job["document_id"]
        if doc_id is None:
            requeue_failed(redis, job["queue"], job["job_id"])
        elif doc_id not in resubmitted:
            clear_failed(redis, job["job_id"])


@failed_group.command("retry")
@click.argument("document_ids", nargs=-1)
@click.option("--all", "retry_everything", is_flag=True, help="Every failed document and failed job.")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Wait for the outcome.")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds to wait.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document (CONTRACTS §4).")
@pass_app
def failed_retry(
    app: AppContext,
    document_ids: tuple[str, ...],
    retry_everything: bool,
    wait: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Run failed documents again (those named, or --all). Exit status 1 when any fails again."""
    if not document_ids and not retry_everything:
        raise click.UsageError("name document ids or pass --all")
    db = app.pipeline().db
    runner = app.runner()
    jobs: list[dict[str, Any]] = []
    if retry_everything:
        jobs = _failed_jobs(app)
        job_docs = [j["document_id"] for j in jobs if j["document_id"]]
        result = retry_all(db, runner, also=[*document_ids, *job_docs])
        _settle_jobs(app, jobs, result)
    else:
        result = retry_documents(db, runner, document_ids)
    named = set(document_ids)
    skipped = [i for i in result.skipped if i in named]
    if skipped:
        err.print(f"not retried (not failed): {', '.join(skipped)}")
    if not result.submitted:
        if not as_json:
            out.print("nothing to retry")
        return
    if not wait:
        if not as_json:
            out.print(f"{len(result.submitted)} documents handed to the {runner.name} runner")
        else:
            for doc_id in result.submitted:
                emit_json({"document_id": doc_id, "status": "received"})
        return
    runner.wait(result.submitted, timeout)
    records = document_records(db, ids=result.submitted)
    _print_records(records, as_json)
    if any(r["status"] in PROBLEM_STATES for r in records):
        raise SystemExit(1)
