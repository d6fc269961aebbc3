"""Admin pages: the rules in force and their history, changing a setting, per-customer
automation and thresholds, synonyms (each save a new version), a dry run of a proposal, and the
cross-references learned from clerks with revoke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ingest.db import Database
from ingest.domain.rules import RegexAction, RegexField, RuleSet, Thresholds
from ingest.errors import ConfigError, ConflictError, IngestError, NotFoundError
from ingest.services.dryrun import DryRunReport, dry_run
from ingest.services.learned import learned_items, revoke_learned
from ingest.services.rule_changes import (
    add_regex_rule,
    add_synonym,
    flatten,
    remove_regex_rule,
    remove_synonym,
    set_customer_override,
    set_rule,
)
from ingest.services.rules import change_rules, rule_history, rules_at
from review_ui.auth import current_user

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

AUTOMATION = ("never", "confident", "always")
MAX_DRY_RUN_DAYS = 365


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def default_rules() -> RuleSet:
    """The rules in force while none is saved: the settings' threshold, as the pipeline has them."""
    threshold = current_app.extensions["review_ui.settings"].auto_commit_threshold
    return RuleSet(thresholds=Thresholds(customer=threshold, line=threshold))


def _actor() -> str:
    user = current_user()
    if user is None:
        abort(401)
    return user.name


def _rules_page(
    *, error: str | None = None, report: DryRunReport | None = None, proposal: dict[str, str] | None = None
) -> tuple[str, int]:
    version, info, rules = rules_at(_db(), defaults=default_rules())
    settings = [(path, value) for path, value in flatten(rules.model_dump(mode="json"))]
    page = render_template(
        "rules.html",
        version=version,
        info=info,
        rules=rules,
        settings=[s for s in settings if s[0].split(".")[0] not in ("customers", "synonyms", "regex_rules")],
        history=rule_history(_db())[-10:][::-1],
        automation=AUTOMATION,
        regex_fields=get_args(RegexField),
        regex_actions=get_args(RegexAction),
        error=error,
        report=report,
        proposal=proposal or {"path": "thresholds.line", "value": "", "days": "30"},
    )
    return page, 422 if error else 200


@blueprint.get("/rules")
def rules() -> tuple[str, int]:
    return _rules_page()


def _change(edit: Callable[[RuleSet], RuleSet], what: str) -> BaseResponse | tuple[str, int]:
    comment = request.form.get("comment", "").strip() or None
    try:
        change = change_rules(_db(), _actor(), edit, comment, defaults=default_rules())
    except (ConfigError, ConflictError) as exc:
        return _rules_page(error=exc.message)
    if change.changed:
        flash(f"{what}: saved as rules version {change.version}.", "ok")
    else:
        flash(f"{what}: nothing changed, no new version.", "ok")
    return redirect(url_for("admin.rules"))


@blueprint.post("/rules/setting")
def set_setting() -> BaseResponse | tuple[str, int]:
    path = request.form.get("path", "").strip()
    value = request.form.get("value", "").strip()
    return _change(lambda r: set_rule(r, path, value), f"{path} = {value}")


def _optional(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


@blueprint.post("/rules/customer")
def set_customer() -> BaseResponse | tuple[str, int]:
    customer = request.form.get("customer_id", "").strip()
    if not customer:
        return _rules_page(error="give the customer id")
    automation = _optional("automation")
    if automation is not None and automation not in AUTOMATION:
        return _rules_page(error=f"automation is one of {', '.join(AUTOMATION)}, not {automation!r}")
    changes: dict[str, Any] = {
        "automation": automation,
        "customer_threshold": _optional("customer_threshold"),
        "line_threshold": _optional("line_threshold"),
        "price_tolerance": _optional("price_tolerance"),
    }
    clear = request.form.get("clear") == "1"
    return _change(lambda r: set_customer_override(r, customer, changes, clear=clear), f"customer {customer}")


@blueprint.post("/rules/synonym")
def synonym() -> BaseResponse | tuple[str, int]:
    abbreviation = request.form.get("abbreviation", "").strip()
    if request.form.get("remove") == "1":
        return _change(lambda r: remove_synonym(r, abbreviation), f"synonym {abbreviation} removed")
    meaning = request.form.get("meaning", "").strip()
    return _change(lambda r: add_synonym(r, abbreviation, meaning), f"synonym {abbreviation} = {meaning}")


@blueprint.post("/rules/regex")
def regex_rule() -> BaseResponse | tuple[str, int]:
    name = request.form.get("name", "").strip()
    if request.form.get("remove") == "1":
        return _change(lambda r: remove_regex_rule(r, name), f"pattern rule {name} removed")
    rule = {
        "name": name,
        "field": request.form.get("field", "").strip(),
        "pattern": request.form.get("pattern", ""),
        "action": request.form.get("action", "").strip(),
        "value": _optional("value"),
        "customer_id": _optional("customer_id"),
    }
    return _change(lambda r: add_regex_rule(r, rule), f"pattern rule {name}")


@blueprint.post("/rules/dry-run")
def dry_run_page() -> tuple[str, int]:
    proposal = {
        "path": request.form.get("path", "").strip(),
        "value": request.form.get("value", "").strip(),
        "days": request.form.get("days", "30").strip(),
    }
    try:
        days = int(proposal["days"])
    except ValueError:
        return _rules_page(error=f"days is a whole number, not {proposal['days']!r}", proposal=proposal)
    if not 1 <= days <= MAX_DRY_RUN_DAYS:
        return _rules_page(error=f"a dry run looks back 1 to {MAX_DRY_RUN_DAYS} days", proposal=proposal)
    try:
        _, _, current = rules_at(_db(), defaults=default_rules())
        proposed = set_rule(current, proposal["path"], proposal["value"])
        report = dry_run(_db(), proposed, days=days, defaults=default_rules())
    except IngestError as exc:
        return _rules_page(error=exc.message, proposal=proposal)
    return _rules_page(report=report, proposal=proposal)


@blueprint.get("/learned")
def learned() -> str:
    customer = request.args.get("customer", "").strip() or None
    show_all = request.args.get("all") == "1"
    items = learned_items(_db(), customer, include_revoked=show_all)
    return render_template("learned.html", items=items, customer=customer or "", show_all=show_all)


@blueprint.post("/learned/<int:item_id>/revoke")
def revoke(item_id: int) -> BaseResponse:
    try:
        item = revoke_learned(_db(), item_id, _actor())
    except NotFoundError as exc:
        abort(404, description=exc.message)
    flash(f"Revoked: {item.text} → {item.sku} for {item.customer_id}.", "ok")
    return redirect(url_for("admin.learned"))
