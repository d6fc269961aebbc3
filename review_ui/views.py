"""The pages: overview and document list, one document, its raw bytes, and a health check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request

from ingest.config import Settings
from ingest.db import Database
from ingest.domain.document import DocumentState, OrderStatus, StoredDocument
from ingest.logs import get_logger
from review_ui.content import raw_view, safe_filename

log = get_logger(__name__)

blueprint = Blueprint("review", __name__)

PAGE_SIZE = 50
ACTOR = "review-ui"


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _settings() -> Settings:
    settings: Settings = current_app.extensions["review_ui.settings"]
    return settings


def _state_filter() -> DocumentState | None:
    raw = request.args.get("state", "").strip()
    if not raw:
        return None
    try:
        return DocumentState(raw)
    except ValueError:
        abort(
            400, description=f"unknown state {raw!r}; use one of: {', '.join(s.value for s in DocumentState)}"
        )


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    return page if page is not None and page > 0 else 1


@blueprint.get("/")
def index() -> str:
    state = _state_filter()
    requested_page = _page_number()
    with _db().unit_of_work(ACTOR) as uow:
        documents = {s.value: 0 for s in DocumentState}
        documents.update(uow.documents.count_by_state())
        orders = {s.value: 0 for s in OrderStatus}
        orders.update(uow.orders.count_by_status())
        total = documents.get(state.value, 0) if state else sum(documents.values())
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(requested_page, pages)
        shown = uow.documents.find(state, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, newest_first=True)
        rows = [
            {
                "doc": doc,
                "po_numbers": [o["po_number"] for o in uow.orders.for_document(doc.id) if o.get("po_number")],
            }
            for doc in shown
        ]
    return render_template(
        "index.html",
        document_counts=documents,
        order_counts=orders,
        rows=rows,
        state=state.value if state else "",
        page=page,
        pages=pages,
        total=total,
        page_size=PAGE_SIZE,
    )


@blueprint.get("/documents/<document_id>")
def document(document_id: str) -> str:
    with _db().unit_of_work(ACTOR) as uow:
        doc = uow.documents.get(document_id)
        orders = uow.orders.for_document(document_id)
        content = uow.documents.content(doc.sha256)
    return render_template(
        "document.html",
        doc=doc,
        orders=orders,
        raw=raw_view(content),
        download_name=_download_name(doc),
        threshold=_settings().auto_commit_threshold,
    )


@blueprint.get("/documents/<document_id>/raw")
def raw(document_id: str) -> Response:
    with _db().unit_of_work(ACTOR) as uow:
        doc = uow.documents.get(document_id)
        content = uow.documents.content(doc.sha256)
    response = Response(content, mimetype="application/octet-stream")
    response.headers.set("Content-Disposition", "attachment", filename=_download_name(doc))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        _db().check()
    except Exception as exc:  # whatever the reason, the answer is "not healthy"
        log.warning("review UI: health check failed", error=repr(exc))
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok"), 200


def _download_name(doc: StoredDocument) -> str:
    return safe_filename(doc.filename or doc.source_ref, fallback=f"document-{doc.id}")


# --- template helpers ---------------------------------------------------------------------------


def _when(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _size(value: int) -> str:
    if value < 1024:
        return f"{value} bytes"
    if value < 1024 * 1024:
        return f"{value / 1024:.1f} KB"
    return f"{value / (1024 * 1024):.1f} MB"


def _low(value: float | None, threshold: float) -> bool:
    return value is None or value < threshold


def _query(**changes: Any) -> dict[str, Any]:
    """The current list's query arguments with some changed (None drops one)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if v}
    for key, value in changes.items():
        if value in (None, ""):
            args.pop(key, None)
        else:
            args[key] = value
    return args


def register_filters(app: Flask) -> None:
    app.add_template_filter(_when, "when")
    app.add_template_filter(_percent, "percent")
    app.add_template_filter(_size, "size")
    app.add_template_test(_low, "low")
    app.add_template_global(_query, "query_args")
    app.jinja_env.globals["document_states"] = [s.value for s in DocumentState]
