"""Admin pages for setting up: users and their roles, sources (settings shown with secrets
masked) and trading partners, and the master data (counts, browsing, CSV upload through the same
validation as ``ingest masterdata load``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response as BaseResponse

from ingest.db import Database
from ingest.db.users import ROLES
from ingest.errors import ConfigError, IngestError, MasterDataError, MasterDataProblem
from ingest.services.masterdata import REQUIRED, LoadReport, load_directory
from ingest.services.partners import (
    add_partner,
    list_partners,
    remove_partner,
    set_partner_acknowledgments,
)
from ingest.services.setup_admin import (
    browse_customers,
    browse_products,
    masked_settings,
    masterdata_counts,
    set_source_enabled,
    set_user_active,
    set_user_role,
)
from ingest.services.sources import list_sources
from ingest.services.users import MIN_PASSWORD_LENGTH, add_user, list_users
from review_ui.auth import current_user

blueprint = Blueprint("setup", __name__, url_prefix="/admin")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOADS = tuple(REQUIRED)  # customers.csv, products.csv, customer_items.csv, ship_to_locations.csv


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _actor() -> str:
    user = current_user()
    if user is None:
        abort(401)
    return user.name


@blueprint.record_once
def _limit_uploads(state: BlueprintSetupState) -> None:
    """Uploads up to ``MAX_UPLOAD_BYTES`` unless the app sets its own limit."""
    if state.app.config.get("MAX_CONTENT_LENGTH") is None:
        state.app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES


# --- users --------------------------------------------------------------------------------------


def _users_page(error: str | None = None, form: dict[str, str] | None = None) -> tuple[str, int]:
    page = render_template(
        "users.html",
        users=list_users(_db()),
        roles=ROLES,
        min_length=MIN_PASSWORD_LENGTH,
        error=error,
        form=form or {"name": "", "role": "clerk"},
        me=_actor(),
    )
    return page, 422 if error else 200


@blueprint.get("/users")
def users() -> tuple[str, int]:
    return _users_page()


@blueprint.post("/users")
def add_user_page() -> BaseResponse | tuple[str, int]:
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "")
    password = request.form.get("password", "")
    form = {"name": name, "role": role}
    if password != request.form.get("password_again", ""):
        return _users_page("the two passwords differ", form)
    if any(u.name == name for u in list_users(_db())):
        return _users_page(f"a user named {name!r} exists already", form)
    try:
        add_user(_db(), name, role, password, actor=_actor())
    except ConfigError as exc:
        return _users_page(exc.message, form)
    flash(f"user {name} added as {role}.", "ok")
    return redirect(url_for("setup.users"))


@blueprint.post("/users/<int:user_id>/role")
def change_role(user_id: int) -> BaseResponse | tuple[str, int]:
    role = request.form.get("role", "")
    try:
        set_user_role(_db(), user_id, role, actor=_actor())
    except ConfigError as exc:
        return _users_page(exc.message)
    flash(f"role changed to {role}.", "ok")
    return redirect(url_for("setup.users"))


@blueprint.post("/users/<int:user_id>/active")
def change_active(user_id: int) -> BaseResponse | tuple[str, int]:
    active = request.form.get("active") == "1"
    try:
        set_user_active(_db(), user_id, active, actor=_actor())
    except ConfigError as exc:
        return _users_page(exc.message)
    flash("user reactivated." if active else "user deactivated: they can no longer sign in.", "ok")
    return redirect(url_for("setup.users"))


# --- sources and trading partners -------------------------------------------------------------


@blueprint.get("/sources")
def sources() -> str:
    shown = [
        {"name": s["name"], "kind": s["kind"], "enabled": s["enabled"], "settings": masked_settings(s)}
        for s in list_sources(_db())
    ]
    return render_template("sources.html", sources=shown)


@blueprint.post("/sources/<name>/enabled")
def source_enabled(name: str) -> BaseResponse:
    enabled = request.form.get("enabled") == "1"
    set_source_enabled(_db(), name, enabled, actor=_actor())
    flash(f"source {name} {'enabled' if enabled else 'disabled'}.", "ok")
    return redirect(url_for("setup.sources"))


def _partners_page(error: str | None = None, form: dict[str, str] | None = None) -> tuple[str, int]:
    page = render_template(
        "partners.html",
        partners=list_partners(_db()),
        error=error,
        form=form or {"qualifier": "ZZ", "edi_id": "", "customer_id": "", "name": "", "expected_version": ""},
    )
    return page, 422 if error else 200


@blueprint.get("/partners")
def partners() -> tuple[str, int]:
    return _partners_page()


@blueprint.post("/partners")
def add_partner_page() -> BaseResponse | tuple[str, int]:
    form = {
        k: request.form.get(k, "").strip()
        for k in ("qualifier", "edi_id", "customer_id", "name", "expected_version")
    }
    if not form["qualifier"] or not form["edi_id"]:
        return _partners_page("give the qualifier and the EDI id (ISA05/ISA06)", form)
    try:
        add_partner(
            _db(),
            form["qualifier"],
            form["edi_id"],
            form["customer_id"] or None,
            form["name"] or None,
            request.form.get("send_997") == "1",
            form["expected_version"] or None,
            actor=_actor(),
            send_855=request.form.get("send_855") == "1",
        )
    except IngestError as exc:
        return _partners_page(exc.message, form)
    flash(f"partner {form['qualifier']}/{form['edi_id']} added.", "ok")
    return redirect(url_for("setup.partners"))


@blueprint.post("/partners/855")
def partner_855_page() -> BaseResponse | tuple[str, int]:
    qualifier = request.form.get("qualifier", "")
    edi_id = request.form.get("edi_id", "")
    send_855 = request.form.get("send_855") == "1"
    try:
        set_partner_acknowledgments(_db(), qualifier, edi_id, send_855=send_855, actor=_actor())
    except IngestError as exc:
        return _partners_page(exc.message)
    flash(f"partner {qualifier}/{edi_id}: 855s {'on' if send_855 else 'off'}.", "ok")
    return redirect(url_for("setup.partners"))


@blueprint.post("/partners/remove")
def remove_partner_page() -> BaseResponse | tuple[str, int]:
    qualifier = request.form.get("qualifier", "")
    edi_id = request.form.get("edi_id", "")
    try:
        remove_partner(_db(), qualifier, edi_id, actor=_actor())
    except IngestError as exc:
        return _partners_page(exc.message)
    flash(f"partner {qualifier}/{edi_id} removed.", "ok")
    return redirect(url_for("setup.partners"))


# --- master data --------------------------------------------------------------------------------


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _masterdata_page(
    *, problems: list[MasterDataProblem] | None = None, report: LoadReport | None = None, status: int = 200
) -> tuple[str, int]:
    show = request.args.get("show", "customers")
    if show not in ("customers", "products"):
        show = "customers"
    query = request.args.get("q", "").strip()[:200]
    browse = browse_products if show == "products" else browse_customers
    page = render_template(
        "masterdata.html",
        counts=masterdata_counts(_db()),
        show=show,
        query=query,
        found=browse(_db(), query, _page_number()),
        uploads=UPLOADS,
        problems=problems or [],
        report=report,
    )
    return page, status


@blueprint.get("/masterdata")
def masterdata() -> tuple[str, int]:
    return _masterdata_page()


@blueprint.post("/masterdata")
def upload_masterdata() -> BaseResponse | tuple[str, int]:
    files = [(name, request.files.get(name.removesuffix(".csv"))) for name in UPLOADS]
    given = [(name, f) for name, f in files if f is not None and f.filename]
    if not given:
        problem = MasterDataProblem("upload", None, None, "choose at least one CSV file to upload")
        return _masterdata_page(problems=[problem], status=422)
    with tempfile.TemporaryDirectory(prefix="masterdata-") as folder:
        for name, upload in given:
            upload.save(Path(folder) / name)
        try:
            report = load_directory(_db(), Path(folder), actor=_actor())
        except MasterDataError as exc:
            return _masterdata_page(problems=list(exc.problems), status=422)
    problems = [p for found in report.rejected.values() for p in found]
    if problems:
        loaded = ", ".join(f"{n} ({c} rows)" for n, c in report.loaded.items())
        if loaded:
            flash(f"loaded {loaded}; the files listed below were rejected whole.", "ok")
        return _masterdata_page(problems=problems, report=report, status=422)
    flash("loaded " + ", ".join(f"{n} ({c} rows)" for n, c in report.loaded.items()) + ".", "ok")
    return redirect(url_for("setup.masterdata"))
