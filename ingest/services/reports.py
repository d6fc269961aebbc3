"""Report figures for a period: order volume by day, customer and channel; documents by state and
orders by status; the touchless rate; cycle time from arrival to commit; the review reasons,
grouped; and per customer how often orders go through untouched and how often a clerk changes
what was read.

The period is of documents received in ``[since, until)``. An order is *automatic* when it was
committed without a clerk (``reviewed_by`` empty); every other order went to a clerk. The touchless
rate is automatic orders over orders decided (committed or rejected). Counts and durations only:
no money is summed here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ingest.db import Database
from ingest.db.reports import ReportOrder, report_rows
from ingest.domain.document import OrderStatus

DEFAULT_DAYS = 30
MAX_FILLED_DAYS = 366
"""Days without orders are listed (as zeros) when the period is at most this long."""
UNKNOWN_CUSTOMER = "(unknown)"
DECIDED = (OrderStatus.COMMITTED.value, OrderStatus.REJECTED.value)

_LINE_LABEL = re.compile(r"(?:^|(?<=\s))line\s+[^\s:]{1,40}:\s*", re.IGNORECASE)
_ERROR_KIND = re.compile(r"^([a-z][a-z0-9]*_[a-z0-9_]+):\s")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»")
_PARENS = re.compile(r"\s*\([^()]*\)")
_VALUE_TOKEN = re.compile(r"^\S*\d\S*$")
PLACEHOLDER = "…"


def reason_group(reason: str) -> str:
    """A review reason without its particulars, so that the same cause groups together:
    ``line 3: no product matches SKU AB-12`` and ``line 7: no product matches SKU ZZ-404`` are both
    ``no product matches SKU …``. Drops ``line N:`` labels and parenthesised particulars
    (``(confidence 0.62)``), stands ``…`` for quoted text and any token holding a digit, and keeps
    only the kind of a ``kind_name: message`` error."""
    text = reason.strip()
    kind = _ERROR_KIND.match(text)
    if kind:
        return kind.group(1)
    text = _LINE_LABEL.sub("", text)
    while (shorter := _PARENS.sub("", text)) != text:
        text = shorter
    text = _QUOTED.sub(PLACEHOLDER, text)
    words: list[str] = []
    for token in text.split():
        word = PLACEHOLDER if _VALUE_TOKEN.match(token) else token
        if word == PLACEHOLDER and words and words[-1] == PLACEHOLDER:
            continue
        words.append(word)
    return " ".join(words).rstrip(" .,;:") or PLACEHOLDER


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0 to 100) by linear interpolation between closest ranks; None for
    no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Durations:
    """Seconds: how many, the median, the 95th percentile and the mean (None when none)."""

    count: int
    p50: float | None
    p95: float | None
    mean: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Durations:
        mean = sum(values) / len(values) if values else None
        return cls(len(values), percentile(values, 50), percentile(values, 95), mean)

    def as_record(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 1)

        return {
            "count": self.count,
            "p50_seconds": r(self.p50),
            "p95_seconds": r(self.p95),
            "mean_seconds": r(self.mean),
        }


@dataclass(frozen=True)
class DayVolume:
    day: date
    automatic: int = 0
    reviewed: int = 0

    @property
    def total(self) -> int:
        return self.automatic + self.reviewed


@dataclass(frozen=True)
class CustomerFigures:
    """``automatic`` of ``orders`` went through untouched; of the ``reviewed`` ones a clerk
    approved, ``changed`` had the customer or a line changed."""

    customer_id: str
    orders: int
    automatic: int
    reviewed: int
    changed: int

    @property
    def automatic_share(self) -> float | None:
        return self.automatic / self.orders if self.orders else None

    @property
    def changed_share(self) -> float | None:
        return self.changed / self.reviewed if self.reviewed else None


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    volume_by_day: list[DayVolume]
    volume_by_customer: dict[str, int]
    volume_by_channel: dict[str, int]
    documents: dict[str, int]
    orders: dict[str, int]
    touchless: int
    decided: int
    cycle_automatic: Durations
    cycle_reviewed: Durations
    cycle_all: Durations
    reasons: list[tuple[str, int]]
    customers: list[CustomerFigures] = field(default_factory=list)

    @property
    def touchless_rate(self) -> float | None:
        return self.touchless / self.decided if self.decided else None

    def as_record(self) -> dict[str, Any]:
        """The report as one JSON-ready object."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "volume_by_day": [
                {"day": d.day.isoformat(), "automatic": d.automatic, "reviewed": d.reviewed, "total": d.total}
                for d in self.volume_by_day
            ],
            "volume_by_customer": self.volume_by_customer,
            "volume_by_channel": self.volume_by_channel,
            "documents": self.documents,
            "orders": self.orders,
            "touchless": {
                "automatic": self.touchless,
                "decided": self.decided,
                "rate": _ratio(self.touchless_rate),
            },
            "cycle_time": {
                "automatic": self.cycle_automatic.as_record(),
                "reviewed": self.cycle_reviewed.as_record(),
                "all": self.cycle_all.as_record(),
            },
            "review_reasons": [{"reason": r, "orders": n} for r, n in self.reasons],
            "customers": [
                {
                    "customer_id": c.customer_id,
                    "orders": c.orders,
                    "automatic": c.automatic,
                    "automatic_share": _ratio(c.automatic_share),
                    "reviewed": c.reviewed,
                    "changed": c.changed,
                    "changed_share": _ratio(c.changed_share),
                }
                for c in self.customers
            ],
        }

    def tables(self) -> dict[str, tuple[list[str], list[list[Any]]]]:
        """Every figure as a table (headers, rows), keyed by its CSV file's name without ``.csv``."""
        record = self.as_record()
        cycle = record["cycle_time"]
        states = [["document", s, n] for s, n in sorted(self.documents.items())]
        states += [["order", s, n] for s, n in sorted(self.orders.items())]
        return {
            "volume_by_day": (
                ["day", "automatic", "reviewed", "total"],
                [[d["day"], d["automatic"], d["reviewed"], d["total"]] for d in record["volume_by_day"]],
            ),
            "volume_by_customer": (
                ["customer_id", "orders"],
                [[c, n] for c, n in self.volume_by_customer.items()],
            ),
            "volume_by_channel": (["channel", "orders"], [[c, n] for c, n in self.volume_by_channel.items()]),
            "states": (["kind", "state", "count"], states),
            "review_reasons": (["reason", "orders"], [[r, n] for r, n in self.reasons]),
            "cycle_time": (
                ["path", "count", "p50_seconds", "p95_seconds", "mean_seconds"],
                [[path, *cycle[path].values()] for path in ("automatic", "reviewed", "all")],
            ),
            "customers": (
                [
                    "customer_id",
                    "orders",
                    "automatic",
                    "automatic_share",
                    "reviewed",
                    "changed",
                    "changed_share",
                ],
                [list(c.values()) for c in record["customers"]],
            ),
        }


def describe_seconds(seconds: float | None) -> str:
    """A duration for people: ``42.0 s``, ``3.5 min``, ``2.1 h``; ``-`` for none."""
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def is_automatic(order: ReportOrder) -> bool:
    return order.status == OrderStatus.COMMITTED.value and order.reviewed_by is None


def clerk_changed(order: ReportOrder) -> bool:
    """A clerk changed the customer the matcher found, or a line."""
    return order.corrected_lines > 0 or order.matched_customer_id != order.customer_id


def _days(orders: Sequence[ReportOrder], since: datetime, until: datetime) -> list[DayVolume]:
    automatic: Counter[date] = Counter()
    reviewed: Counter[date] = Counter()
    for order in orders:
        day = order.received_at.astimezone(UTC).date()
        (automatic if is_automatic(order) else reviewed)[day] += 1
    days = set(automatic) | set(reviewed)
    first, last = since.astimezone(UTC).date(), (until - timedelta(microseconds=1)).astimezone(UTC).date()
    if 0 <= (last - first).days < MAX_FILLED_DAYS:
        days |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
    return [DayVolume(d, automatic[d], reviewed[d]) for d in sorted(days)]


def _seconds(order: ReportOrder) -> float | None:
    if order.status != OrderStatus.COMMITTED.value or order.committed_at is None:
        return None
    return max(0.0, (order.committed_at - order.received_at).total_seconds())


def _reasons(orders: Iterable[ReportOrder]) -> list[tuple[str, int]]:
    """Each reason group with the number of orders it held up (an order counts once per group)."""
    counts: Counter[str] = Counter()
    for order in orders:
        counts.update({reason_group(r) for r in order.reasons if r.strip()})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _customers(orders: Iterable[ReportOrder]) -> list[CustomerFigures]:
    by: dict[str, list[ReportOrder]] = {}
    for order in orders:
        by.setdefault(order.customer_id or UNKNOWN_CUSTOMER, []).append(order)
    figures = []
    for customer, mine in by.items():
        approved = [o for o in mine if o.reviewed_by is not None and o.status == OrderStatus.COMMITTED.value]
        figures.append(
            CustomerFigures(
                customer_id=customer,
                orders=len(mine),
                automatic=sum(1 for o in mine if is_automatic(o)),
                reviewed=len(approved),
                changed=sum(1 for o in approved if clerk_changed(o)),
            )
        )
    return sorted(figures, key=lambda c: (-c.orders, c.customer_id))


def compute_report(
    orders: Sequence[ReportOrder], documents: dict[str, int], since: datetime, until: datetime
) -> Report:
    """The figures of ``orders`` (those of the documents received in the period)."""
    automatic_times = [s for o in orders if is_automatic(o) and (s := _seconds(o)) is not None]
    reviewed_times = [s for o in orders if not is_automatic(o) and (s := _seconds(o)) is not None]
    customers = Counter(o.customer_id or UNKNOWN_CUSTOMER for o in orders)
    channels = Counter(o.channel for o in orders)
    return Report(
        since=since,
        until=until,
        volume_by_day=_days(orders, since, until),
        volume_by_customer=dict(sorted(customers.items(), key=lambda i: (-i[1], i[0]))),
        volume_by_channel=dict(sorted(channels.items(), key=lambda i: (-i[1], i[0]))),
        documents=dict(sorted(documents.items())),
        orders=dict(sorted(Counter(o.status for o in orders).items())),
        touchless=sum(1 for o in orders if is_automatic(o)),
        decided=sum(1 for o in orders if o.status in DECIDED),
        cycle_automatic=Durations.of(automatic_times),
        cycle_reviewed=Durations.of(reviewed_times),
        cycle_all=Durations.of(automatic_times + reviewed_times),
        reasons=_reasons(orders),
        customers=_customers(orders),
    )


def period(
    days: int | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    *,
    now: datetime | None = None,
) -> tuple[datetime, datetime]:
    """``[since, until)`` in UTC: the last ``days`` (30 by default) up to now, or from ``since``
    (a date means its midnight, UTC) to ``until`` (a date includes that whole day; default now)."""
    now = now or datetime.now(UTC)
    end = now if until is None else _moment(until, end_of_day=True)
    if since is not None:
        start = _moment(since, end_of_day=False)
    else:
        start = end - timedelta(days=DEFAULT_DAYS if days is None else days)
    if start >= end:
        raise ValueError(f"the period is empty: {start.isoformat()} is not before {end.isoformat()}")
    return start, end


def _moment(value: date | datetime, *, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    start = datetime.combine(value, time(0), tzinfo=UTC)
    return start + timedelta(days=1) if end_of_day else start


def build_report(db: Database, since: datetime, until: datetime) -> Report:
    """The report of the documents received in ``[since, until)``."""
    rows = report_rows(db, since, until)
    return compute_report(rows.orders, rows.documents, since, until)
