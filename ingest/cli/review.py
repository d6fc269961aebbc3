"""`ingest review` (orders waiting for a clerk) and `ingest learned` (what approvals taught)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

import click
from rich.table import Table

from ingest.cli.common import AppContext, IngestGroup, actor_option, emit_json, out, pass_app
from ingest.domain.masterdata import LearnedItem
from ingest.services.confirmations import confirmations_enabled
from ingest.services.learned import learned_items, revoke_learned
from ingest.services.outbox import dispatcher_for
from ingest.services.review import (
    LineCorrection,
    ReviewOrder,
    Verdict,
    age,
    approve,
    hold,
    list_review,
    order_json,
    reject,
    reprocess,
    show_order,
)

version_option = click.option(
    "--version", "version", type=int, help="The version you looked at; refused if the order changed since."
)


@click.group("review", cls=IngestGroup)
def review_group() -> None:
    """Orders waiting for a clerk: list, show, approve (with corrections), reject, hold."""


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h{minutes % 60:02d}m"
    return f"{minutes // (24 * 60)}d"


@review_group.command("list")
@click.option("--customer", help="Only this customer's orders.")
@click.option("--channel", type=click.Choice(["email", "edi", "file"]))
@click.option("--reason", help="Only orders with a reason containing this text.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per order.")
@pass_app
def review_list(
    app: AppContext, customer: str | None, channel: str | None, reason: str | None, as_json: bool
) -> None:
    """Orders waiting for review (and held ones), oldest first."""
    orders = list_review(app.pipeline().db, customer, channel, reason)
    now = datetime.now(UTC)
    if as_json:
        for order in orders:
            emit_json(order_json(order, now))
        return
    if not orders:
        out.print("no order is waiting for review")
        return
    table = Table("order", "age", "status", "PO", "customer", "channel", "reasons")
    for o in orders:
        more = f" (+{len(o.reasons) - 1} more)" if len(o.reasons) > 1 else ""
        table.add_row(
            o.order_id, _age(age(o, now)), o.status, o.po_number or "", o.customer_id or "?", o.channel,
            (o.reasons[0] if o.reasons else "") + more,
        )  # fmt: skip
    out.print(table)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _print_order(order: ReviewOrder) -> None:
    po = order.po_number or "(none)"
    source = f"{order.source_ref} ({order.channel})"
    out.print(
        f"order {order.order_id} ({order.status}, version {order.version}), PO {po}, from {source}, "
        f"received {order.received_at:%Y-%m-%d %H:%M}",
        markup=False,
    )
    matched = (
        f" (the matcher said {order.matched_customer_id})"
        if order.matched_customer_id != order.customer_id
        else ""
    )
    out.print(
        f"customer: {order.customer_id or '?'}{matched}: {order.customer_reason} "
        f"(confidence {order.customer_confidence:.2f})",
        markup=False,
    )
    if order.ship_to_location:
        loc = order.ship_to_location
        out.print(
            f"ship-to location: {loc['location_id'] or '?'}: {loc['reason']} "
            f"(confidence {loc['confidence']:.2f})",
            markup=False,
        )
    if order.reviewed_by:
        note = f": {order.review_note}" if order.review_note else ""
        when = f"{order.reviewed_at:%Y-%m-%d %H:%M}" if order.reviewed_at else ""
        out.print(f"reviewed by {order.reviewed_by} at {when}{note}", markup=False)
    for reason in order.reasons:
        out.print(f"  • {reason}", markup=False)
    table = Table("#", "qty", "uom", "price", "part / description", "sku", "conf", "match", "decision")
    for line in order.lines:
        sku = _text(line.sku) + (f" (was {line.matched_sku})" if line.sku != line.matched_sku else "")
        what = " / ".join(x for x in (line.buyer_part_number, line.description) if x)
        decision = line.decision + (" (corrected)" if line.corrected else "")
        table.add_row(
            str(line.position), _text(line.quantity), _text(line.uom), _text(line.unit_price), what, sku,
            f"{line.match_confidence:.2f}", line.match_reason, decision,
        )  # fmt: skip
    out.print(table)


@review_group.command("show")
@click.argument("order_id")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def review_show(app: AppContext, order_id: str, as_json: bool) -> None:
    """One order with its reasons and lines; the version to give to approve, reject or hold."""
    order = show_order(app.pipeline().db, order_id)
    if as_json:
        emit_json(order_json(order))
    else:
        _print_order(order)


def _pairs(values: tuple[str, ...], option: str) -> dict[int, str]:
    """'2=AB-1' -> {2: 'AB-1'}; LINE is the 1-based line position."""
    found: dict[int, str] = {}
    for value in values:
        line, sep, rest = value.partition("=")
        if not sep or not line.strip().isdigit() or int(line) < 1 or not rest.strip():
            raise click.BadParameter(f"{value!r} is not LINE=VALUE (like 2=AB-1234)", param_hint=option)
        found[int(line)] = rest.strip()
    return found


def _decimals(values: tuple[str, ...], option: str) -> dict[int, Decimal]:
    found: dict[int, Decimal] = {}
    for line, text in _pairs(values, option).items():
        try:
            found[line] = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise click.BadParameter(f"line {line}: {text!r} is not a number", param_hint=option) from None
    return found


def _print_verdict(verdict: Verdict, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "order_id": verdict.order_id,
                "status": verdict.status,
                "version": verdict.version,
                "document_id": verdict.document_id,
                "document_state": verdict.document_state,
                "corrected_lines": list(verdict.corrected_lines),
                "learned": [item.model_dump(mode="json") for item in verdict.learned],
            }
        )
        return
    out.print(f"order {verdict.order_id} {verdict.status} (version {verdict.version})")
    if verdict.corrected_lines:
        out.print(f"lines corrected: {', '.join(str(n) for n in verdict.corrected_lines)}")
    for item in verdict.learned:
        out.print(f"learned: {item.customer_id} {item.kind} {item.text!r} → {item.sku}", markup=False)
    out.print(f"document {verdict.document_id}: {verdict.document_state}")


@review_group.command("approve")
@click.argument("order_id")
@click.option("--customer", "customer_id", help="The right customer, when the matcher's is wrong.")
@click.option("--sku", "skus", multiple=True, metavar="LINE=SKU", help="The right product of a line.")
@click.option("--quantity", "quantities", multiple=True, metavar="LINE=Q")
@click.option("--uom", "uoms", multiple=True, metavar="LINE=UNIT")
@click.option("--price", "prices", multiple=True, metavar="LINE=PRICE")
@click.option(
    "--ship-to", "ship_to", metavar="LOCATION", help="The customer's ship-to location (its location_id)."
)
@version_option
@click.option("--note")
@click.option("--json", "as_json", is_flag=True)
@actor_option
@pass_app
def review_approve(
    app: AppContext,
    order_id: str,
    customer_id: str | None,
    skus: tuple[str, ...],
    quantities: tuple[str, ...],
    uoms: tuple[str, ...],
    prices: tuple[str, ...],
    ship_to: str | None,
    version: int | None,
    note: str | None,
    as_json: bool,
    actor: str,
) -> None:
    """Commit the order, with corrections by line position (1 = first line). What you correct,
    or confirm where the matcher was unsure, is learned for the customer's next orders."""
    sku_by, qty_by, uom_by = _pairs(skus, "--sku"), _decimals(quantities, "--quantity"), _pairs(uoms, "--uom")
    price_by = _decimals(prices, "--price")
    lines = {
        n: LineCorrection(
            sku=sku_by.get(n), quantity=qty_by.get(n), uom=uom_by.get(n), unit_price=price_by.get(n)
        )
        for n in sorted({*sku_by, *qty_by, *uom_by, *price_by})
    }
    pipeline = app.pipeline()
    verdict = approve(
        pipeline.db,
        order_id,
        actor,
        expected_version=version,
        customer_id=customer_id,
        lines=lines,
        note=note,
        outbox=dispatcher_for(pipeline),
        ship_to_location_id=ship_to,
        confirm=confirmations_enabled(pipeline.settings),
    )
    _print_verdict(verdict, as_json)


@review_group.command("reject")
@click.argument("order_id")
@click.option("--reason", required=True, help="Why: kept with the order and shown to others.")
@version_option
@click.option("--json", "as_json", is_flag=True)
@actor_option
@pass_app
def review_reject(
    app: AppContext, order_id: str, reason: str, version: int | None, as_json: bool, actor: str
) -> None:
    """Reject the order: it is not committed."""
    pipeline = app.pipeline()
    verdict = reject(
        pipeline.db,
        order_id,
        actor,
        reason,
        version,
        outbox=dispatcher_for(pipeline),
        confirm=confirmations_enabled(pipeline.settings),
    )
    _print_verdict(verdict, as_json)


@review_group.command("hold")
@click.argument("order_id")
@click.option("--note", help="Why it waits (asked the customer, say).")
@version_option
@click.option("--json", "as_json", is_flag=True)
@actor_option
@pass_app
def review_hold(
    app: AppContext, order_id: str, note: str | None, version: int | None, as_json: bool, actor: str
) -> None:
    """Put the order aside: it keeps waiting, marked held."""
    _print_verdict(hold(app.pipeline().db, order_id, actor, note, version), as_json)


@review_group.command("reprocess")
@click.argument("order_id")
@version_option
@click.option("--timeout", default=300.0, show_default=True, help="Seconds to wait for the result.")
@actor_option
@pass_app
def review_reprocess(app: AppContext, order_id: str, version: int | None, timeout: float, actor: str) -> None:
    """Read the order's document again (after a master-data, rule or template change): its waiting
    orders are replaced by what the pipeline makes of it now."""
    db = app.pipeline().db
    document_id = reprocess(db, order_id, actor, expected_version=version)
    runner = app.runner()
    runner.submit([document_id])
    runner.wait([document_id], timeout)
    with db.unit_of_work() as uow:
        state = uow.documents.get(document_id).state
    out.print(f"document {document_id} read again: {state.value} (`ingest documents` lists its orders)")


@click.group("learned", cls=IngestGroup)
def learned_group() -> None:
    """Cross-references learned from approvals: a customer's part number or description means a SKU."""


def _learned_json(item: LearnedItem) -> dict[str, object]:
    return item.model_dump(mode="json")


@learned_group.command("list")
@click.option("--customer", help="Only this customer's.")
@click.option("--all", "include_revoked", is_flag=True, help="Revoked ones too.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def learned_list(app: AppContext, customer: str | None, include_revoked: bool, as_json: bool) -> None:
    items = learned_items(app.pipeline().db, customer, include_revoked)
    if as_json:
        for item in items:
            emit_json(_learned_json(item))
        return
    if not items:
        out.print("nothing learned yet" if not customer else f"nothing learned for {customer}")
        return
    table = Table("id", "customer", "kind", "text", "sku", "learned by", "at", "order", "revoked")
    for i in items:
        revoked = f"{i.revoked_by} {i.revoked_at:%Y-%m-%d}" if i.revoked_at else ""
        table.add_row(
            str(i.id), i.customer_id, i.kind, i.text, i.sku, i.learned_by, f"{i.learned_at:%Y-%m-%d %H:%M}",
            i.order_id or "", revoked,
        )  # fmt: skip
    out.print(table)


@learned_group.command("revoke")
@click.argument("item_id", metavar="ID", type=int)
@actor_option
@pass_app
def learned_revoke(app: AppContext, item_id: int, actor: str) -> None:
    """Stop using a learned cross-reference (it stays listed with --all)."""
    item = revoke_learned(app.pipeline().db, item_id, actor)
    out.print(f"revoked {item.id}: {item.customer_id} {item.kind} {item.text!r} → {item.sku}", markup=False)
