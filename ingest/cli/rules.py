"""`ingest rules`: the matching and decision rules, versioned; every change is a new version."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import click
from rich.table import Table

from ingest.cli.common import AppContext, IngestGroup, actor_option, emit_json, out, pass_app, progress_bar
from ingest.domain.rules import RegexAction, RegexField, RuleSet
from ingest.services.dryrun import DryRunReport, dry_run
from ingest.services.rule_changes import (
    add_regex_rule,
    add_synonym,
    flatten,
    parse_assignment,
    remove_regex_rule,
    remove_synonym,
    set_customer_override,
    set_rule,
)
from ingest.services.rules import active_rules, change_rules, read_rules_file, rule_history, rules_at

comment_option = click.option("--comment", help="Why the rules change, kept with the version.")
FIELDS = list(get_args(RegexField))
ACTIONS = list(get_args(RegexAction))


@click.group("rules", cls=IngestGroup)
def rules_group() -> None:
    """Matching and decision rules: thresholds, weights, automation, synonyms, customers, regex
    rules. Every change is saved as a new version; `rules history` lists them."""


def _save(app: AppContext, actor: str, edit: Callable[[RuleSet], RuleSet], comment: str | None) -> None:
    pipeline = app.pipeline()
    change = change_rules(pipeline.db, actor, edit, comment, defaults=pipeline.default_rules)
    if change.changed:
        out.print(f"rules saved as version {change.version}")
    else:
        out.print(f"nothing changed; the rules in force stay version {change.version}")


def _in_force(app: AppContext) -> tuple[int, RuleSet]:
    pipeline = app.pipeline()
    return active_rules(pipeline.db, pipeline.default_rules)


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False) if value else "(none)"
    return str(value)


@rules_group.command("show")
@click.option(
    "--version", "version", type=click.IntRange(min=0), help="An earlier version (default: in force)."
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rules_show(app: AppContext, version: int | None, as_json: bool) -> None:
    """The rules in force (or of --version), every setting with its dotted path."""
    pipeline = app.pipeline()
    number, info, rules = rules_at(pipeline.db, version, pipeline.default_rules)
    if as_json:
        emit_json(
            {
                "version": number,
                "created_by": info.created_by if info else None,
                "created_at": info.created_at.isoformat() if info else None,
                "comment": info.comment if info else None,
                "rules": rules.model_dump(mode="json"),
            }
        )
        return
    if info is None:
        out.print(f"rules version {number}: the defaults, from the settings (nothing saved yet)")
    else:
        why = f": {info.comment}" if info.comment else ""
        out.print(
            f"rules version {number}, saved by {info.created_by} at {info.created_at:%Y-%m-%d %H:%M}{why}"
        )
    table = Table("setting", "value")
    for path, value in flatten(rules.model_dump(mode="json")):
        table.add_row(path, _value(value))
    out.print(table)


@rules_group.command("history")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rules_history(app: AppContext, as_json: bool) -> None:
    """Every saved version of the rules, newest first."""
    versions = rule_history(app.pipeline().db)
    if as_json:
        for v in versions:
            emit_json(
                {"version": v.version, "created_by": v.created_by, "created_at": v.created_at.isoformat(),
                 "comment": v.comment}
            )  # fmt: skip
        return
    if not versions:
        out.print("no rules saved yet: the defaults are in force (`ingest rules show`)")
        return
    table = Table("version", "saved at", "by", "comment")
    for v in versions:
        table.add_row(str(v.version), f"{v.created_at:%Y-%m-%d %H:%M}", v.created_by, v.comment or "")
    out.print(table)


@rules_group.command("set")
@click.argument("path")
@click.argument("value")
@comment_option
@actor_option
@pass_app
def rules_set(app: AppContext, path: str, value: str, comment: str | None, actor: str) -> None:
    """Set one setting: PATH is dotted as `rules show` prints it (thresholds.line 0.9,
    automation never, price_tolerance 0.05, customers.C0001.automation always); null clears."""
    _save(app, actor, lambda rules: set_rule(rules, path, value), comment)


@rules_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@comment_option
@actor_option
@pass_app
def rules_load(app: AppContext, file: Path, comment: str | None, actor: str) -> None:
    """Replace the rules with FILE (JSON, as `rules export` writes it), checked before saving."""
    new = read_rules_file(file)
    _save(app, actor, lambda _rules: new, comment or f"loaded from {file.name}")


@rules_group.command("export")
@click.option(
    "--version", "version", type=click.IntRange(min=0), help="An earlier version (default: in force)."
)
@pass_app
def rules_export(app: AppContext, version: int | None) -> None:
    """The rules as JSON on stdout, to edit and `rules load` again or to try with `rules dry-run`."""
    pipeline = app.pipeline()
    _, _, rules = rules_at(pipeline.db, version, pipeline.default_rules)
    click.echo(rules.model_dump_json(indent=2))


@rules_group.group("synonym", cls=IngestGroup)
def synonym_group() -> None:
    """Abbreviations in product descriptions ('blk' means 'black')."""


@synonym_group.command("add")
@click.argument("abbreviation")
@click.argument("meaning")
@comment_option
@actor_option
@pass_app
def synonym_add(app: AppContext, abbreviation: str, meaning: str, comment: str | None, actor: str) -> None:
    """ABBREVIATION means MEANING (mapping a word to itself switches a built-in entry off)."""
    _save(app, actor, lambda rules: add_synonym(rules, abbreviation, meaning), comment)


@synonym_group.command("remove")
@click.argument("abbreviation")
@comment_option
@actor_option
@pass_app
def synonym_remove(app: AppContext, abbreviation: str, comment: str | None, actor: str) -> None:
    _save(app, actor, lambda rules: remove_synonym(rules, abbreviation), comment)


@synonym_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def synonym_list(app: AppContext, as_json: bool) -> None:
    """The synonyms added to the built-in dictionary."""
    _, rules = _in_force(app)
    if as_json:
        emit_json(rules.synonyms)
        return
    if not rules.synonyms:
        out.print("no synonyms added (`ingest rules synonym add ABBR MEANING`)")
    for abbreviation, meaning in sorted(rules.synonyms.items()):
        out.print(f"{abbreviation} = {meaning}", markup=False)


@rules_group.command("customer")
@click.argument("customer_id")
@click.option("--automation", type=click.Choice(["never", "confident", "always"]))
@click.option("--customer-threshold", type=click.FloatRange(0, 1))
@click.option("--line-threshold", type=click.FloatRange(0, 1))
@click.option("--price-tolerance", help="Largest relative price difference, like 0.05 for 5%.")
@click.option("--clear", is_flag=True, help="Drop the customer's override first (back to the global rules).")
@comment_option
@actor_option
@pass_app
def rules_customer(
    app: AppContext,
    customer_id: str,
    automation: str | None,
    customer_threshold: float | None,
    line_threshold: float | None,
    price_tolerance: str | None,
    clear: bool,
    comment: str | None,
    actor: str,
) -> None:
    """What differs for one customer; without options, shows its override."""
    changes = {
        "automation": automation,
        "customer_threshold": customer_threshold,
        "line_threshold": line_threshold,
        "price_tolerance": price_tolerance,
    }
    if not clear and all(v is None for v in changes.values()):
        _, rules = _in_force(app)
        override = rules.customers.get(customer_id)
        if override is None:
            out.print(f"{customer_id} follows the global rules")
        for name, value in (override.model_dump(mode="json") if override else {}).items():
            out.print(f"{name}: {_value(value)} (global: {_global(rules, name)})")
        return
    _save(app, actor, lambda rules: set_customer_override(rules, customer_id, changes, clear=clear), comment)


def _global(rules: RuleSet, name: str) -> str:
    values: dict[str, object] = {
        "automation": rules.automation,
        "customer_threshold": rules.thresholds.customer,
        "line_threshold": rules.thresholds.line,
        "price_tolerance": rules.price_tolerance,
    }
    return str(values.get(name, "-"))


@rules_group.group("regex", cls=IngestGroup)
def regex_group() -> None:
    """Pattern rules: send to review, name the customer, or name a line's product when a field matches."""


@regex_group.command("add")
@click.argument("name")
@click.option("--field", "field", required=True, type=click.Choice(FIELDS))
@click.option("--pattern", required=True, help="A Python regular expression, searched in the field.")
@click.option("--action", required=True, type=click.Choice(ACTIONS))
@click.option("--value", help="The customer id (action customer) or the SKU (action sku).")
@click.option("--customer", "customer_id", help="Apply only to this customer's orders.")
@click.option("--priority", type=int, default=100, show_default=True, help="Lower runs first.")
@comment_option
@actor_option
@pass_app
def regex_add(app: AppContext, /, name: str, comment: str | None, actor: str, **options: Any) -> None:
    """Add the pattern rule NAME."""
    rule = {"name": name, **{k: v for k, v in options.items() if v is not None}}
    _save(app, actor, lambda rules: add_regex_rule(rules, rule), comment)


@regex_group.command("remove")
@click.argument("name")
@comment_option
@actor_option
@pass_app
def regex_remove(app: AppContext, name: str, comment: str | None, actor: str) -> None:
    _save(app, actor, lambda rules: remove_regex_rule(rules, name), comment)


@regex_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def regex_list(app: AppContext, as_json: bool) -> None:
    _, rules = _in_force(app)
    if as_json:
        for rule in rules.regex_rules:
            emit_json(rule.model_dump(mode="json"))
        return
    table = Table("name", "field", "pattern", "action", "value", "customer", "priority")
    for r in sorted(rules.regex_rules, key=lambda r: (r.priority, r.name)):
        table.add_row(
            r.name, r.field, r.pattern, r.action, r.value or "", r.customer_id or "", str(r.priority)
        )
    out.print(table)


@rules_group.command("dry-run")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True)
@click.option(
    "--file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Proposed rules (JSON)."
)
@click.option("--set", "assignments", multiple=True, metavar="PATH=VALUE", help="A change to the proposal.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rules_dry_run(
    app: AppContext, days: int, file: Path | None, assignments: tuple[str, ...], as_json: bool
) -> None:
    """What the proposed rules (the rules in force, or --file, with the --set changes) would have
    done to the orders of the last --days days. Nothing is saved."""
    pipeline = app.pipeline()
    proposed = read_rules_file(file) if file else _in_force(app)[1]
    for assignment in assignments:
        proposed = set_rule(proposed, *parse_assignment(assignment))
    # the number of orders is known only inside the replay: its first update sets the bar's total
    with progress_bar("replaying orders", total=2, enabled=not as_json) as progress:
        report = dry_run(pipeline.db, proposed, days=days, progress=progress, defaults=pipeline.default_rules)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        _print_report(report)


def _percent(rate: float) -> str:
    return f"{Decimal(str(rate)) * 100:.1f}%"


def _print_report(report: DryRunReport) -> None:
    out.print(
        f"replayed {report.orders_replayed} orders of the last {report.days} days "
        f"(rules in force: version {report.active_version})"
    )
    out.print(
        f"touchless: {_percent(report.touchless_rate_now)} now → {_percent(report.touchless_rate_proposed)} "
        f"proposed ({report.committed_now} → {report.committed_proposed} committed without a clerk)"
    )
    wrong_now, wrong_new = len(report.wrong_commits_now), len(report.wrong_commits_proposed)
    out.print(f"would-be wrong commits: {wrong_now} now → {wrong_new} proposed")
    if report.flips:
        table = Table(
            "order", "PO", "customer", "now → proposed", "reasons (proposed)", title="outcomes that flip"
        )
        for flip in report.flips:
            table.add_row(
                flip.order_id, flip.po_number or "", flip.customer_id or "", f"{flip.now} → {flip.proposed}",
                "\n".join(flip.reasons),
            )  # fmt: skip
        out.print(table)
    else:
        out.print("no order's outcome would change")
    if report.wrong_commits_proposed:
        table = Table(
            "order", "PO", "customer", "what the clerk decided", title="would-be wrong commits (proposed)"
        )
        for wrong in report.wrong_commits_proposed:
            table.add_row(
                wrong.order_id, wrong.po_number or "", wrong.customer_id or "", "\n".join(wrong.problems)
            )
        out.print(table)
