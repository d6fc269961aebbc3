"""Admin page for the mail we send customers: the confirmation and rejection templates (edit,
preview with a sample order, reset to the built-in text) and the customers who want none."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ingest.db import Database
from ingest.errors import IngestError
from ingest.mailout.templates import DEFAULTS, PLACEHOLDERS
from ingest.services.confirmations import (
    confirmations_enabled,
    opted_out_customers,
    set_customer_confirmations,
)
from ingest.services.message_templates import (
    message_templates,
    preview,
    reset_message_template,
    save_message_template,
)
from review_ui.auth import current_user

blueprint = Blueprint("messages", __name__, url_prefix="/admin")


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _actor() -> str:
    user = current_user()
    if user is None:
        abort(401)
    return user.name


def _page(
    *,
    error: str | None = None,
    drafts: dict[str, dict[str, str]] | None = None,
    previews: dict[str, tuple[str, str]] | None = None,
) -> tuple[str, int]:
    templates = message_templates(_db())
    forms = {t.name: {"subject": t.subject, "body": t.body} for t in templates}
    forms.update(drafts or {})
    page = render_template(
        "messages.html",
        templates=templates,
        forms=forms,
        placeholders=PLACEHOLDERS,
        previews=previews or {},
        opted_out=opted_out_customers(_db()),
        sending=confirmations_enabled(current_app.extensions["review_ui.settings"]),
        error=error,
    )
    return page, 422 if error else 200


@blueprint.get("/messages")
def messages() -> tuple[str, int]:
    return _page()


@blueprint.post("/messages/<name>")
def change_template(name: str) -> BaseResponse | tuple[str, int]:
    if name not in DEFAULTS:
        abort(404)
    subject = request.form.get("subject", "")
    body = request.form.get("body", "")
    draft = {name: {"subject": subject, "body": body}}
    action = request.form.get("action", "save")
    try:
        if action == "preview":
            return _page(drafts=draft, previews={name: preview(name, subject, body)})
        if action == "reset":
            reset_message_template(_db(), name, actor=_actor())
            flash(f"{name.replace('_', ' ')}: the built-in template is in force again.", "ok")
        else:
            save_message_template(_db(), name, subject, body, actor=_actor())
            flash(f"{name.replace('_', ' ')} saved.", "ok")
    except IngestError as exc:
        return _page(error=exc.message, drafts=draft)
    return redirect(url_for("messages.messages"))


@blueprint.post("/messages/customers")
def customer_confirmations() -> BaseResponse | tuple[str, int]:
    customer_id = request.form.get("customer_id", "").strip()
    enabled = request.form.get("confirmations") == "on"
    if not customer_id:
        return _page(error="give the customer id")
    try:
        set_customer_confirmations(_db(), customer_id, enabled, actor=_actor())
    except IngestError as exc:
        return _page(error=exc.message)
    flash(f"customer {customer_id}: confirmations {'on' if enabled else 'off'}.", "ok")
    return redirect(url_for("messages.messages"))
