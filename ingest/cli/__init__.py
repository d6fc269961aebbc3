"""The `ingest` command (CONTRACTS §2). Exit status: 0 success, 1 a document rejected or the
command failed, 2 usage error."""

from __future__ import annotations

import click

from ingest.cli.admin import db_group, masterdata_group, partner_group, source_group
from ingest.cli.common import IngestGroup
from ingest.cli.customers import customer_group
from ingest.cli.documents import documents_cmd, parse_cmd, process_cmd, retry_cmd, status_cmd
from ingest.cli.failed import failed_group
from ingest.cli.ops import metrics_cmd, source_interval_cmd, sweep_cmd, worker_health_cmd
from ingest.cli.outbox import outbox_group, target_group
from ingest.cli.reports import report_cmd
from ingest.cli.review import learned_group, review_group
from ingest.cli.rules import rules_group
from ingest.cli.service import demo_cmd, export_cmd, run_cmd, serve_cmd, worker_cmd
from ingest.cli.templates import template_group
from ingest.cli.users import user_group


@click.group(
    cls=IngestGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="po-ingest")
def cli() -> None:
    """Purchase-order ingestion: store, parse, match, decide, commit or review.

    Configuration comes from INGEST_* environment variables (or a .env file): INGEST_DATABASE_URL,
    INGEST_REDIS_URL, INGEST_DATA_DIR, INGEST_SECRET_KEY."""


for command in (
    db_group,
    masterdata_group,
    partner_group,
    source_group,
    parse_cmd,
    process_cmd,
    documents_cmd,
    retry_cmd,
    status_cmd,
    run_cmd,
    worker_cmd,
    serve_cmd,
    export_cmd,
    demo_cmd,
    template_group,
    rules_group,
    review_group,
    learned_group,
):
    cli.add_command(command)
for command in (sweep_cmd, failed_group, metrics_cmd, worker_health_cmd, user_group, report_cmd):
    cli.add_command(command)
cli.add_command(customer_group)
source_group.add_command(source_interval_cmd)
export_cmd.add_command(target_group)
cli.add_command(outbox_group)


def main() -> None:
    cli(prog_name="ingest")
