"""What proposed rules would have done: every order of the last days matched and decided again
under the rules in force and under the proposal, side by side, without saving anything.

It reports the touchless rate (orders committed without a clerk) both ways, the orders whose
outcome would flip, and the would-be wrong commits: orders committed automatically although a
clerk, looking at them, approved another customer or another SKU on a line, or rejected them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from ingest.db import Database, UnitOfWork
from ingest.db.review import ReviewOrder
from ingest.domain.document import OrderStatus
from ingest.domain.matching import Decision, OrderMatch
from ingest.domain.order import Order
from ingest.domain.rules import RuleSet
from ingest.errors import ConfigError
from ingest.matching.engine import evaluate
from ingest.services.rules import in_force

Outcome = Literal["committed", "review"]
BATCH = 200
_KEPT_REASONS = ("trading partner ",)
"""Reasons the pipeline adds beside the decision (an EDI version a partner did not agree on);
a replay keeps them, since the rules do not decide them."""


class Flip(BaseModel):
    order_id: str
    po_number: str | None
    customer_id: str | None
    now: Outcome
    proposed: Outcome
    reasons: list[str]
    """Why the order would go to review under the proposed rules (empty when it would commit)."""


class WrongCommit(BaseModel):
    order_id: str
    po_number: str | None
    customer_id: str | None
    """The customer the clerk approved (or the matcher's, for an order the clerk rejected)."""
    problems: list[str]


class DryRunReport(BaseModel):
    days: int
    since: datetime
    active_version: int
    orders_replayed: int
    committed_now: int
    committed_proposed: int
    touchless_rate_now: float
    touchless_rate_proposed: float
    flips: list[Flip]
    wrong_commits_now: list[WrongCommit]
    wrong_commits_proposed: list[WrongCommit]


def _evaluate(
    uow: UnitOfWork, stored: ReviewOrder, order: Order, rules: RuleSet
) -> tuple[OrderMatch, Decision]:
    """Match and decide as the pipeline did, a repeated PO included (an earlier order with the
    customer these rules find and the same PO number)."""
    extra = [r for r in stored.reasons if r.startswith(_KEPT_REASONS)]
    if order.purpose != "original" and order.po_number:
        extra += [r for r in stored.reasons if r.startswith(f"{order.purpose} of PO ")]
    match, decision = evaluate(order, uow.masterdata_view, rules, extra_reasons=extra)
    customer = match.customer.customer_id
    if customer and order.po_number and order.purpose == "original":
        earlier = uow.replay.earlier_po(customer, order.po_number, stored)
        if earlier:
            match, decision = evaluate(
                order, uow.masterdata_view, rules, duplicate_of=earlier, extra_reasons=extra
            )
    return match, decision


def _wrong(stored: ReviewOrder, match: OrderMatch, decision: Decision) -> WrongCommit | None:
    """An automatic commit that a clerk's verdict on the order contradicts."""
    if not decision.commit or stored.reviewed_by is None:
        return None
    problems: list[str] = []
    if stored.status == OrderStatus.REJECTED.value:
        problems.append(f"a clerk rejected this order: {stored.review_note or 'no reason given'}")
    elif stored.status == OrderStatus.COMMITTED.value:
        if match.customer.customer_id != stored.customer_id:
            problems.append(
                f"customer {match.customer.customer_id} where the clerk approved {stored.customer_id}"
            )
        for line, lm in zip(stored.lines, match.lines, strict=False):
            if lm.sku != line.sku:
                problems.append(f"line {line.position}: SKU {lm.sku} where the clerk approved {line.sku}")
    if not problems:
        return None
    customer = (
        stored.customer_id if stored.status == OrderStatus.COMMITTED.value else match.customer.customer_id
    )
    return WrongCommit(
        order_id=stored.order_id, po_number=stored.po_number, customer_id=customer, problems=problems
    )


def _outcome(decision: Decision) -> Outcome:
    return "committed" if decision.commit else "review"


def dry_run(
    db: Database,
    proposed: RuleSet,
    *,
    days: int,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    defaults: RuleSet | None = None,
) -> DryRunReport:
    """Replay the orders stored in the last ``days`` days under the rules in force and under
    ``proposed``; parts rejected while reading are left out. Nothing is saved. ``defaults``: the
    rules in force while none is saved (the pipeline's)."""
    if days < 1:
        raise ConfigError(f"a dry run looks back at least one day, not {days}")
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    flips: list[Flip] = []
    wrong_now: list[WrongCommit] = []
    wrong_proposed: list[WrongCommit] = []
    committed_now = committed_proposed = replayed = 0
    with db.unit_of_work("dry-run") as uow:
        version, active = in_force(uow, defaults)
        ids = uow.replay.order_ids_since(since)
        for start in range(0, len(ids), BATCH):
            for stored in uow.replay.get_many(ids[start : start + BATCH]):
                order = Order.model_validate(stored.order_json)
                match_now, decision_now = _evaluate(uow, stored, order, active)
                match_new, decision_new = _evaluate(uow, stored, order, proposed)
                replayed += 1
                committed_now += decision_now.commit
                committed_proposed += decision_new.commit
                if decision_now.commit != decision_new.commit:
                    flips.append(
                        Flip(
                            order_id=stored.order_id,
                            po_number=stored.po_number,
                            customer_id=match_new.customer.customer_id,
                            now=_outcome(decision_now),
                            proposed=_outcome(decision_new),
                            reasons=list(decision_new.reasons),
                        )
                    )
                if (wrong := _wrong(stored, match_now, decision_now)) is not None:
                    wrong_now.append(wrong)
                if (wrong := _wrong(stored, match_new, decision_new)) is not None:
                    wrong_proposed.append(wrong)
            if progress is not None:
                progress(min(start + BATCH, len(ids)), len(ids))
    return DryRunReport(
        days=days,
        since=since,
        active_version=version,
        orders_replayed=replayed,
        committed_now=committed_now,
        committed_proposed=committed_proposed,
        touchless_rate_now=round(committed_now / replayed, 4) if replayed else 0.0,
        touchless_rate_proposed=round(committed_proposed / replayed, 4) if replayed else 0.0,
        flips=flips,
        wrong_commits_now=wrong_now,
        wrong_commits_proposed=wrong_proposed,
    )
