"""Commands for setting up: db upgrade, masterdata load, sources."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ingest.cli.common import AppContext, IngestGroup, actor_option, emit_json, out, pass_app
from ingest.errors import MasterDataError
from ingest.services.masterdata import load_directory
from ingest.services.partners import (
    add_partner,
    list_partners,
    remove_partner,
    set_partner_acknowledgments,
)
from ingest.services.sources import add_edi_folder, add_sftp, list_sources, remove_source


@click.group("db", cls=IngestGroup)
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
@pass_app
def db_upgrade(app: AppContext) -> None:
    """Create or migrate the schema to the newest version."""
    pipeline = app.pipeline(check_schema=False)
    before, after = pipeline.db.upgrade()
    if before == after:
        out.print(f"schema is up to date ({after})")
    else:
        out.print(f"schema upgraded from {before or 'nothing'} to {after}")


@click.group("masterdata", cls=IngestGroup)
def masterdata_group() -> None:
    """Customers, products, cross-references and our own company."""


@masterdata_group.command("load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_app
def masterdata_load(app: AppContext, directory: Path, as_json: bool) -> None:
    """Load customers.csv, products.csv, customer_items.csv, ship_to_locations.csv and vendor.json
    from DIRECTORY.

    A file with a bad row is rejected whole, naming file, row and column; exit status 1 then."""
    report = load_directory(app.pipeline().db, directory)
    if as_json:
        emit_json(
            {
                "loaded": report.loaded,
                "rejected": {f: [str(p) for p in ps] for f, ps in report.rejected.items()},
                "totals": report.totals,
            }
        )
    else:
        for name, n in report.loaded.items():
            out.print(f"[green]✓[/] {name}: {n:,} rows loaded")
        for name, problems in report.rejected.items():
            out.print(f"[red]✗[/] {name}: rejected, nothing loaded from it")
            for p in problems[:20]:
                out.print(f"    {p}", markup=False)
            if len(problems) > 20:
                out.print(f"    … {len(problems) - 20} more")
        totals = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in report.totals.items())
        out.print(f"now in the database: {totals}")
    if not report.ok:
        raise SystemExit(1)


@click.group("source", cls=IngestGroup)
def source_group() -> None:
    """Where documents come from: mailboxes, EDI drop folders and SFTP servers."""


@source_group.group("add", cls=IngestGroup)
def source_add() -> None:
    """Add a source."""


@source_add.command("edi-folder")
@click.argument("name")
@click.option("--inbound", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--outbound", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--archive",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where taken files go, by day (default: INBOUND/.processed).",
)
@pass_app
def source_add_edi_folder(
    app: AppContext, name: str, inbound: Path, outbound: Path, archive: Path | None
) -> None:
    """An EDI drop folder: files in --inbound are taken once stored; 997s go to --outbound."""
    add_edi_folder(app.pipeline().db, name, inbound, outbound, archive)
    out.print(f"source {name} added: {inbound} → {outbound}")


@source_add.command("sftp")
@click.argument("name")
@click.option("--host", required=True)
@click.option("--port", default=22, show_default=True, type=int)
@click.option("--user", "username", required=True)
@click.option("--inbound", required=True, help="Remote folder the partner drops files into.")
@click.option("--outbound", required=True, help="Remote folder for our 997s and other replies.")
@click.option("--archive", help="Remote folder for files taken (default: delete them after storing).")
@click.option("--password-env", help="Environment variable holding the password (never stored).")
@click.option(
    "--key", "private_key_path", type=click.Path(exists=True, dir_okay=False), help="Private key file."
)
@click.option("--known-hosts", "known_hosts_path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--fingerprint", "host_key_fingerprint", help="The server's key, as `ssh-keygen -lf` prints it."
)
@click.option("--no-check", is_flag=True, help="Do not connect to check the settings now.")
@pass_app
def source_add_sftp(app: AppContext, /, name: str, no_check: bool, **options: object) -> None:
    """An SFTP server to pull EDI files from (a partner's or a VAN's); host keys are always checked."""
    config = {k: v for k, v in options.items() if v is not None}
    config["host"], config["inbound"], config["outbound"] = (
        options["host"],
        options["inbound"],
        options["outbound"],
    )
    add_sftp(app.pipeline().db, name, config, check=not no_check)
    out.print(f"source {name} added: sftp://{options['username']}@{options['host']}:{options['port']}")


@source_add.command("imap")
@click.argument("name")
@click.option("--host", required=True)
@click.option("--port", default=993, show_default=True, type=int)
@click.option("--user", "username", required=True)
@click.option("--password-env", help="Environment variable holding the password (never stored).")
@click.option(
    "--password-file", type=click.Path(exists=True, dir_okay=False), help="File holding the password."
)
@click.option(
    "--oauth2-command", "oauth2_token_command", help="Command printing an OAuth2 access token (XOAUTH2)."
)
@click.option("--security", type=click.Choice(["ssl", "starttls", "none"]), default="ssl", show_default=True)
@click.option("--folder", default="INBOX", show_default=True)
@click.option("--processed-folder", help="Where messages go once their orders are in (created if missing).")
@click.option("--failed-folder", help="Where rejected and failed messages go (created if missing).")
@click.option(
    "--ca-file", type=click.Path(exists=True, dir_okay=False), help="CA certificate for a private server."
)
@click.option(
    "--forwarder",
    "forwarders",
    multiple=True,
    help="Our own address or @domain whose mail is looked through to the original sender.",
)
@click.option("--no-check", is_flag=True, help="Do not log in to check the settings now.")
@pass_app
def source_add_imap(app: AppContext, /, name: str, no_check: bool, forwarders: tuple[str, ...],
                    **options: object) -> None:  # fmt: skip
    """A mailbox to pull purchase orders from; nothing is marked read or moved before it is stored."""
    from ingest.services.mail import add_mailbox, parse_forwarders

    if not (
        options.get("password_env") or options.get("password_file") or options.get("oauth2_token_command")
    ):
        raise click.UsageError("give --password-env, --password-file or --oauth2-command")
    config: dict[str, object] = {k: v for k, v in options.items() if v is not None}
    config["forwarders"] = parse_forwarders(forwarders)
    add_mailbox(app.pipeline().db, name, config, check=not no_check)
    out.print(
        f"mailbox {name} added: {options['username']}@{options['host']}:{options['port']} {options['folder']}"
    )


@source_group.group("rule", cls=IngestGroup)
def source_rule() -> None:
    """Mailbox rules: which messages to take or skip (the first matching rule wins)."""


@source_rule.command("add")
@click.argument("source")
@click.argument("action", type=click.Choice(["take", "skip"]))
@click.argument("field", type=click.Choice(["sender", "subject", "attachment"]))
@click.argument("pattern")
@click.option("--position", type=int, help="Order among the rules (default: after the last).")
@pass_app
def source_rule_add(
    app: AppContext, source: str, action: str, field: str, pattern: str, position: int | None
) -> None:
    """Add a rule: take or skip messages whose FIELD matches the glob PATTERN (e.g. '*@acme.com')."""
    db = app.pipeline().db
    with db.unit_of_work("cli") as uow:
        kind, _ = uow.sources.get(source)
        if kind != "imap":
            raise click.UsageError(f"{source} is not a mailbox")
        rule_id = uow.mail.add_rule(source, action, field, pattern, position)
        uow.commit()
    out.print(f"rule {rule_id} added to {source}: {action} {field} {pattern!r}")


@source_rule.command("list")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def source_rule_list(app: AppContext, source: str, as_json: bool) -> None:
    """The rules of a mailbox, in the order they are tried."""
    with app.pipeline().db.unit_of_work() as uow:
        rules = uow.mail.rules(source)
    for r in rules:
        if as_json:
            emit_json(
                {
                    "id": r.id,
                    "position": r.position,
                    "action": r.action,
                    "field": r.field,
                    "pattern": r.pattern,
                }
            )
        else:
            out.print(f"{r.id:>4}  {r.position:>4}  {r.action:<4}  {r.field:<10}  {r.pattern}", markup=False)


@source_rule.command("remove")
@click.argument("source")
@click.argument("rule_id", type=int)
@pass_app
def source_rule_remove(app: AppContext, source: str, rule_id: int) -> None:
    """Remove a rule."""
    with app.pipeline().db.unit_of_work("cli") as uow:
        uow.mail.remove_rule(source, rule_id)
        uow.commit()
    out.print(f"rule {rule_id} removed from {source}")


@source_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def source_list(app: AppContext, as_json: bool) -> None:
    """The configured sources."""
    sources = list_sources(app.pipeline().db)
    if as_json:
        for s in sources:
            emit_json(s)
        return
    table = Table()
    for col in ("name", "kind", "enabled", "settings"):
        table.add_column(col)
    for s in sources:
        settings = ", ".join(f"{k}={v}" for k, v in s.items() if k not in ("name", "kind", "enabled"))
        table.add_row(s["name"], s["kind"], "yes" if s["enabled"] else "no", settings)
    out.print(table)


@source_group.command("remove")
@click.argument("name")
@pass_app
def source_remove(app: AppContext, name: str) -> None:
    """Remove a source (documents already received are kept)."""
    remove_source(app.pipeline().db, name)
    out.print(f"source {name} removed")


__all__ = ["MasterDataError", "db_group", "masterdata_group", "partner_group", "source_group"]


@click.group("partner", cls=IngestGroup)
def partner_group() -> None:
    """EDI trading partners: sender ids, their customer, acknowledgments."""


@partner_group.command("add")
@click.argument("qualifier")
@click.argument("edi_id")
@click.option("--customer", "customer_id", help="The customer this sender is (customer_id of customers.csv).")
@click.option("--name", help="A name for people.")
@click.option("--no-997", "no_997", is_flag=True, help="Do not send 997 acknowledgments to this partner.")
@click.option(
    "--855/--no-855", "send_855", default=False, show_default=True,
    help="Send an 855 purchase order acknowledgment when an order is committed or rejected.",
)  # fmt: skip
@click.option(
    "--version", "expected_version", help="The X12 version (GS08) agreed, e.g. 004010; others go to review."
)
@pass_app
def partner_add(app: AppContext, qualifier: str, edi_id: str, customer_id: str | None, name: str | None,
                no_997: bool, send_855: bool, expected_version: str | None) -> None:  # fmt: skip
    """Add a partner by its interchange sender QUALIFIER and EDI_ID (ISA05/ISA06)."""
    p = add_partner(
        app.pipeline().db, qualifier, edi_id, customer_id, name, not no_997, expected_version,
        send_855=send_855,
    )  # fmt: skip
    out.print(
        f"partner {p.qualifier}/{p.edi_id} added" + (f" as customer {p.customer_id}" if p.customer_id else "")
    )


@partner_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def partner_list(app: AppContext, as_json: bool) -> None:
    """The trading partners."""
    partners = list_partners(app.pipeline().db)
    if as_json:
        for p in partners:
            emit_json(
                {
                    "qualifier": p.qualifier,
                    "edi_id": p.edi_id,
                    "customer_id": p.customer_id,
                    "name": p.name,
                    "send_997": p.send_997,
                    "send_855": p.send_855,
                    "expected_version": p.expected_version,
                }
            )
        return
    table = Table()
    for col in ("qualifier", "edi id", "customer", "name", "997", "855"):
        table.add_column(col)
    for p in partners:
        table.add_row(
            p.qualifier, p.edi_id, p.customer_id or "", p.name or "",
            "yes" if p.send_997 else "no", "yes" if p.send_855 else "no",
        )  # fmt: skip
    out.print(table)


@partner_group.command("set")
@click.argument("qualifier")
@click.argument("edi_id")
@click.option("--997/--no-997", "send_997", default=None, help="Send 997 functional acknowledgments.")
@click.option("--855/--no-855", "send_855", default=None, help="Send 855 purchase order acknowledgments.")
@actor_option
@pass_app
def partner_set(
    app: AppContext, qualifier: str, edi_id: str, send_997: bool | None, send_855: bool | None, actor: str
) -> None:
    """Change which acknowledgments a partner gets."""
    if send_997 is None and send_855 is None:
        raise click.UsageError("give --997/--no-997 or --855/--no-855")
    p = set_partner_acknowledgments(
        app.pipeline().db, qualifier, edi_id, send_997=send_997, send_855=send_855, actor=actor
    )
    on = {True: "on", False: "off"}
    out.print(f"partner {p.qualifier}/{p.edi_id}: 997 {on[p.send_997]}, 855 {on[p.send_855]}")


@partner_group.command("remove")
@click.argument("qualifier")
@click.argument("edi_id")
@pass_app
def partner_remove(app: AppContext, qualifier: str, edi_id: str) -> None:
    """Remove a trading partner (its documents are kept)."""
    remove_partner(app.pipeline().db, qualifier, edi_id)
    out.print(f"partner {qualifier}/{edi_id} removed")
