"""The clerk's pages: the review queue, one order beside its source, and the verdicts (approve with
corrections, reject, hold), each naming the version the clerk looked at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from ingest.db import Database
from ingest.db.review import ReviewLine, ReviewOrder
from ingest.errors import ConflictError, CorrectionError
from ingest.services.catalog_search import search_products
from ingest.services.change_view import change_difference
from ingest.services.confirmations import confirmations_enabled
from ingest.services.deps import OutboxDispatcher
from ingest.services.review import (
    LineCorrection,
    age,
    approve,
    hold,
    list_review,
    reject,
    reprocess,
    show_order,
)
from ingest.services.rules import active_rules
from review_ui.admin import default_rules
from review_ui.auth import current_user
from review_ui.dashboard import app_runner
from review_ui.source import render_page, source_view

blueprint = Blueprint("orders", __name__)

CHANNELS = ("email", "edi", "file")
STALE = "Someone changed this order while you were looking at it. Reload it and decide again."


def _outbox() -> OutboxDispatcher:
    """Where an approved order's exports go (the outbound queue, or this process), made on first use."""
    dispatcher: OutboxDispatcher | None = current_app.extensions.get("review_ui.outbox")
    if dispatcher is None:
        from ingest.bootstrap import build_outbox_dispatcher

        dispatcher = build_outbox_dispatcher(current_app.extensions["review_ui.settings"], _db())
        current_app.extensions["review_ui.outbox"] = dispatcher
    return dispatcher


def _confirm() -> bool:
    """Whether emailed orders get a reply (SMTP configured)."""
    return confirmations_enabled(current_app.extensions["review_ui.settings"])


def _db() -> Database:
    db: Database = current_app.extensions["review_ui.db"]
    return db


def _actor() -> str:
    user = current_user()
    if user is None:  # the guard lets no one in without a user
        abort(401)
    return user.name


def age_text(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // (24 * 60)} days"


@blueprint.get("/review")
def queue() -> str:
    customer = request.args.get("customer", "").strip() or None
    channel = request.args.get("channel", "").strip() or None
    if channel is not None and channel not in CHANNELS:
        abort(400, description=f"unknown channel {channel!r}; use one of: {', '.join(CHANNELS)}")
    reason = request.args.get("reason", "").strip() or None
    orders = list_review(_db(), customer, channel, reason)
    now = datetime.now(UTC)
    rows = [{"order": o, "age": age_text(age(o, now))} for o in orders]
    oldest = age_text(age(orders[0], now)) if orders else None
    return render_template(
        "queue.html",
        rows=rows,
        oldest=oldest,
        customer=customer or "",
        channel=channel or "",
        reason=reason or "",
        channels=CHANNELS,
    )


@dataclass
class LineForm:
    """One line on the order screen: what the matcher said and what the form holds."""

    line: ReviewLine
    low: bool
    reasons: list[str]
    sku: str
    quantity: str
    uom: str
    unit_price: str
    error: str | None = None


def _text(value: Decimal | str | None) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else value


def _line_reasons(order: ReviewOrder, position: int) -> list[str]:
    pattern = re.compile(rf"^line {position}\b")
    return [r for r in order.reasons if pattern.match(r)]


def _forms(order: ReviewOrder, threshold: float) -> list[LineForm]:
    forms = []
    for line in order.lines:
        reasons = _line_reasons(order, line.position)
        low = line.sku is None or line.match_confidence < threshold or bool(reasons)
        # the reason that only repeats what the matcher said is shown once
        reasons = [r for r in reasons if r.split(":", 1)[-1].strip() != line.match_reason.strip()]
        forms.append(
            LineForm(
                line=line,
                low=low,
                reasons=reasons,
                sku=line.sku or "",
                quantity=_text(line.quantity),
                uom=line.uom or "",
                unit_price=_text(line.unit_price),
            )
        )
    return forms


def _order_page(
    order: ReviewOrder,
    forms: list[LineForm] | None = None,
    *,
    error: str | None = None,
    stale: bool = False,
    customer_id: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    _, rules = active_rules(_db(), default_rules())
    threshold = rules.line_threshold(order.customer_id)
    with _db().unit_of_work() as uow:
        content = uow.documents.content(uow.documents.get(order.document_id).sha256)
    source = source_view(content, order.order_json)
    page = render_template(
        "order.html",
        order=order,
        forms=forms if forms is not None else _forms(order, threshold),
        header_reasons=[r for r in order.reasons if not re.match(r"^line \d+\b", r)],
        threshold=threshold,
        source=source,
        error=error,
        stale=stale,
        customer_id=order.customer_id or "" if customer_id is None else customer_id,
        waiting=order.status in ("review", "held"),
        stale_message=STALE,
        difference=None if order.purpose == "original" else change_difference(_db(), order.order_id),
        header_fields=header_fields(order.order_json),
    )
    return page, status


HEADER_FIELDS = (
    ("po_number", "PO number"),
    ("po_date", "PO date"),
    ("requested_delivery_date", "Deliver by"),
    ("requested_ship_date", "Ship by"),
    ("currency", "Currency"),
    ("total_amount", "Total"),
    ("payment_terms", "Terms"),
    ("ship_via", "Ship via"),
    ("buyer", "Buyer"),
    ("ship_to", "Ship to"),
    ("bill_to", "Bill to"),
)


@dataclass(frozen=True)
class HeaderField:
    """A value read from the document's header, with how sure the reader was; selecting it
    highlights where it was read."""

    name: str
    label: str
    value: str
    confidence: float | None


def _party_text(party: dict[str, object]) -> str:
    parts = [party.get(k) for k in ("name", "address1", "city", "state", "postal_code", "country")]
    return ", ".join(str(p) for p in parts if p)


def header_fields(order_json: dict[str, object]) -> list[HeaderField]:
    confidence = order_json.get("confidence")
    confidences = confidence if isinstance(confidence, dict) else {}
    out = []
    for name, label in HEADER_FIELDS:
        value = order_json.get(name)
        text = _party_text(value) if isinstance(value, dict) else ("" if value is None else str(value))
        if text:
            conf = confidences.get(name)
            out.append(HeaderField(name, label, text, float(conf) if isinstance(conf, int | float) else None))
    return out


@blueprint.get("/orders/<order_id>")
def order(order_id: str) -> tuple[str, int]:
    return _order_page(show_order(_db(), order_id))


@blueprint.get("/orders/<order_id>/pages/<int:number>.png")
def page_image(order_id: str, number: int) -> Response:
    found = show_order(_db(), order_id)
    with _db().unit_of_work() as uow:
        content = uow.documents.content(uow.documents.get(found.document_id).sha256)
    if not content.startswith(b"%PDF"):
        abort(404, description="this document has no pages")
    try:
        png = render_page(content, number)
    except IndexError:
        abort(404, description=f"no page {number}")
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _version() -> int:
    version = request.form.get("version", type=int)
    if version is None:
        abort(400, description="the form names no version of the order")
    return version


def _decimal(raw: str, what: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"the {what} must be a number, not {raw.strip()!r}") from exc
    if not value.is_finite():
        raise ValueError(f"the {what} must be a number, not {raw.strip()!r}")
    return value


def _corrections(forms: list[LineForm]) -> dict[int, LineCorrection]:
    """The changes the form makes; a form error is set on its line (and nothing is returned)."""
    corrections: dict[int, LineCorrection] = {}
    for form in forms:
        line = form.line
        form.sku = request.form.get(f"sku-{line.position}", form.sku).strip()
        form.quantity = request.form.get(f"quantity-{line.position}", form.quantity).strip()
        form.uom = request.form.get(f"uom-{line.position}", form.uom).strip()
        form.unit_price = request.form.get(f"price-{line.position}", form.unit_price).strip()
        try:
            quantity = _decimal(form.quantity, "quantity") if form.quantity else None
            price = _decimal(form.unit_price, "price") if form.unit_price else None
        except ValueError as exc:
            form.error = str(exc)
            continue
        change = LineCorrection(
            sku=form.sku if form.sku and form.sku != (line.sku or "") else None,
            quantity=quantity if quantity is not None and quantity != line.quantity else None,
            uom=form.uom if form.uom and form.uom != (line.uom or "") else None,
            unit_price=price if price is not None and price != line.unit_price else None,
        )
        if change != LineCorrection():
            corrections[line.position] = change
    return corrections


def _ship_to_choice(order: ReviewOrder) -> str | None:
    """The ship-to location the clerk typed, when it differs from the one shown."""
    chosen = request.form.get("ship_to_location_id", "").strip()
    shown = (order.ship_to_location or {}).get("location_id") or ""
    return chosen if chosen and chosen != shown else None


@blueprint.post("/orders/<order_id>/approve")
def approve_order(order_id: str) -> BaseResponse | tuple[str, int]:
    current = show_order(_db(), order_id)
    version = _version()
    _, rules = active_rules(_db(), default_rules())
    forms = _forms(current, rules.line_threshold(current.customer_id))
    corrections = _corrections(forms)
    customer = request.form.get("customer_id", "").strip()
    if any(f.error for f in forms):
        return _order_page(
            current, forms, error="Correct the lines marked below.", customer_id=customer, status=422
        )
    try:
        verdict = approve(
            _db(),
            order_id,
            _actor(),
            expected_version=version,
            customer_id=customer if customer and customer != current.customer_id else None,
            ship_to_location_id=_ship_to_choice(current),
            lines=corrections,
            note=request.form.get("note", "").strip() or None,
            outbox=_outbox(),
            confirm=_confirm(),
        )
    except ConflictError as exc:
        return _order_page(current, forms, error=exc.message, stale=exc.kind == "stale_version", status=409)
    except CorrectionError as exc:
        for form in forms:
            if exc.line == form.line.position:
                form.error = exc.message
        return _order_page(current, forms, error=exc.message, customer_id=customer, status=422)
    learned = f"; learned {len(verdict.learned)} cross-reference(s)" if verdict.learned else ""
    flash(f"PO {current.po_number or order_id} approved and committed{learned}.", "ok")
    return redirect(url_for("orders.queue"))


@blueprint.post("/orders/<order_id>/reject")
def reject_order(order_id: str) -> BaseResponse | tuple[str, int]:
    current = show_order(_db(), order_id)
    try:
        reject(
            _db(),
            order_id,
            _actor(),
            request.form.get("reason", ""),
            expected_version=_version(),
            outbox=_outbox(),
            confirm=_confirm(),
        )
    except ConflictError as exc:
        return _order_page(current, error=exc.message, stale=exc.kind == "stale_version", status=409)
    except CorrectionError as exc:
        return _order_page(current, error=exc.message, status=422)
    flash(f"PO {current.po_number or order_id} rejected.", "ok")
    return redirect(url_for("orders.queue"))


@blueprint.post("/orders/<order_id>/hold")
def hold_order(order_id: str) -> BaseResponse | tuple[str, int]:
    current = show_order(_db(), order_id)
    try:
        hold(
            _db(),
            order_id,
            _actor(),
            request.form.get("note", "").strip() or None,
            expected_version=_version(),
        )
    except ConflictError as exc:
        return _order_page(current, error=exc.message, stale=exc.kind == "stale_version", status=409)
    flash(f"PO {current.po_number or order_id} held.", "ok")
    return redirect(url_for("orders.queue"))


@blueprint.post("/orders/<order_id>/reprocess")
def reprocess_order(order_id: str) -> BaseResponse | tuple[str, int]:
    current = show_order(_db(), order_id)
    try:
        document_id = reprocess(_db(), order_id, _actor(), expected_version=_version())
    except ConflictError as exc:
        return _order_page(current, error=exc.message, stale=exc.kind == "stale_version", status=409)
    app_runner().submit([document_id])
    flash(f"PO {current.po_number or order_id}: its document is being read again.", "ok")
    return redirect(url_for("review.document", document_id=document_id))


@blueprint.get("/catalog/search")
def catalog_search() -> Response:
    hits = search_products(_db(), request.args.get("q", ""), limit=10)
    return jsonify(
        [
            {
                "sku": h.sku,
                "description": h.description,
                "uom": h.uom,
                "unit_price": _text(h.unit_price),
                "upc": h.upc,
                "how": h.how,
            }
            for h in hits
        ]
    )
