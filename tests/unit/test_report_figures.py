"""Report figures computed from hand-made rows: percentiles, reason groups, touchless rate, cycle
times, volume by day, accuracy per customer, the period, and the charts' escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ingest.db.reports import ReportOrder
from ingest.services.reports import (
    Durations,
    compute_report,
    describe_seconds,
    percentile,
    period,
    reason_group,
)
from review_ui.dashboard import bar_chart_svg, day_chart_svg

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SINCE, UNTIL = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC)


def order(
    n: int,
    status: str = "committed",
    *,
    customer: str | None = "C1",
    matched: str | None = "C1",
    reviewed_by: str | None = None,
    channel: str = "email",
    received: datetime = T0,
    after: float | None = 60.0,
    reasons: tuple[str, ...] = (),
    corrected: int = 0,
) -> ReportOrder:
    committed = received + timedelta(seconds=after) if status == "committed" and after is not None else None
    return ReportOrder(
        order_id=f"o{n}",
        document_id=f"d{n}",
        status=status,
        customer_id=customer,
        matched_customer_id=matched,
        reviewed_by=reviewed_by,
        channel=channel,
        received_at=received,
        committed_at=committed,
        reasons=reasons,
        corrected_lines=corrected,
    )


# --- percentiles ---------------------------------------------------------------------------------


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [10.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 10.0
    assert percentile(values, 95) == pytest.approx(8.8)
    assert percentile([1.0, 2.0], 50) == 1.5
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_durations_of_nothing_are_empty() -> None:
    assert Durations.of([]) == Durations(0, None, None, None)
    d = Durations.of([30.0, 90.0])
    assert (d.count, d.p50, d.mean) == (2, 60.0, 60.0)
    assert d.as_record() == {"count": 2, "p50_seconds": 60.0, "p95_seconds": 87.0, "mean_seconds": 60.0}


def test_seconds_are_described_for_people() -> None:
    assert describe_seconds(None) == "-"
    assert describe_seconds(42) == "42.0 s"
    assert describe_seconds(210) == "3.5 min"
    assert describe_seconds(3 * 3600) == "3.0 h"


# --- reason groups --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "group"),
    [
        ("line 3: no product matches SKU AB-12", "no product matches SKU …"),
        ("line 7: no product matches SKU ZZ-404", "no product matches SKU …"),
        ("line 2: quantity missing or zero", "quantity missing or zero"),
        ("line 10: no product description is like 'Graffiti remover'", "no product description is like …"),
        ("customer: buyer name 'Delta Marine' (confidence 0.85)", "customer: buyer name …"),
        ("PO 4500123 from C0001 was already received (d-1)", "PO … from … was already received"),
        (
            "x12_segment_count: SE01 says 21 segments, counted 20 (ST 0001, segment 20 (SE))",
            "x12_segment_count",
        ),
        (
            "change of PO 4500200 (committed order a-1): line 1: quantity 20 → 40",
            "change of PO … quantity … → …",
        ),
        ("PO number missing", "PO number missing"),
        ("12345", "…"),
    ],
)
def test_reasons_group_without_their_particulars(reason: str, group: str) -> None:
    assert reason_group(reason) == group


# --- the report -----------------------------------------------------------------------------------


def sample() -> list[ReportOrder]:
    unknown_sku = ("line 3: no product matches SKU AB-12", "line 4: no product matches SKU CD-34")
    return [
        order(1, after=10.0),
        order(2, after=30.0, channel="edi", customer="C2", matched="C2"),
        order(3, after=50.0),
        order(4, reviewed_by="ann", after=3600.0, reasons=unknown_sku, corrected=1),
        order(
            5, reviewed_by="ann", after=7200.0, customer="C2", matched=None, reasons=("PO number missing",)
        ),
        order(6, "rejected", reviewed_by="bob", reasons=("line 1: no product matches SKU X-9",)),
        order(
            7,
            "review",
            customer=None,
            matched=None,
            reasons=("PO number missing",),
            received=T0 + timedelta(days=1),
        ),
        order(8, "held", reasons=("line 2: quantity missing or zero",), channel="file"),
    ]


def test_touchless_rate_is_automatic_commits_over_orders_decided() -> None:
    report = compute_report(sample(), {"committed": 5, "review": 2}, SINCE, UNTIL)
    assert (report.touchless, report.decided) == (3, 6)
    assert report.touchless_rate == 0.5
    assert report.as_record()["touchless"] == {"automatic": 3, "decided": 6, "rate": 0.5}
    assert compute_report([], {}, SINCE, UNTIL).touchless_rate is None


def test_cycle_time_is_split_into_automatic_and_after_review() -> None:
    report = compute_report(sample(), {}, SINCE, UNTIL)
    assert report.cycle_automatic == Durations(3, 30.0, 48.0, 30.0)
    assert (report.cycle_reviewed.count, report.cycle_reviewed.p50, report.cycle_reviewed.mean) == (
        2,
        5400.0,
        5400.0,
    )
    assert report.cycle_all.count == 5


def test_a_commit_dated_before_arrival_counts_as_at_once() -> None:
    report = compute_report([order(1, after=-30.0)], {}, SINCE, UNTIL)
    assert report.cycle_automatic.p50 == 0.0


def test_volumes_by_day_customer_channel_and_status() -> None:
    report = compute_report(sample(), {"committed": 5}, SINCE, UNTIL)
    days = {d.day: (d.automatic, d.reviewed) for d in report.volume_by_day}
    assert days == {date(2026, 3, 1): (0, 0), date(2026, 3, 2): (3, 4), date(2026, 3, 3): (0, 1)}
    assert report.volume_by_customer == {"C1": 5, "C2": 2, "(unknown)": 1}
    assert report.volume_by_channel == {"email": 6, "edi": 1, "file": 1}
    assert report.orders == {"committed": 5, "held": 1, "rejected": 1, "review": 1}
    assert report.documents == {"committed": 5}


def test_review_reasons_count_each_order_once_per_group() -> None:
    report = compute_report(sample(), {}, SINCE, UNTIL)
    assert report.reasons == [
        ("PO number missing", 2),
        ("no product matches SKU …", 2),
        ("quantity missing or zero", 1),
    ]


def test_accuracy_per_customer() -> None:
    report = compute_report(sample(), {}, SINCE, UNTIL)
    by = {c.customer_id: c for c in report.customers}
    c1, c2 = by["C1"], by["C2"]
    assert (c1.orders, c1.automatic, c1.reviewed, c1.changed) == (5, 2, 1, 1)  # order 4: a line corrected
    assert c1.automatic_share == pytest.approx(0.4) and c1.changed_share == 1.0
    assert (c2.orders, c2.automatic, c2.reviewed, c2.changed) == (2, 1, 1, 1)  # order 5: customer given
    assert by["(unknown)"].changed_share is None


def test_every_figure_has_a_table_with_headers() -> None:
    tables = compute_report(sample(), {"review": 2}, SINCE, UNTIL).tables()
    assert set(tables) == {
        "volume_by_day",
        "volume_by_customer",
        "volume_by_channel",
        "states",
        "review_reasons",
        "cycle_time",
        "customers",
    }
    headers, rows = tables["cycle_time"]
    assert headers == ["path", "count", "p50_seconds", "p95_seconds", "mean_seconds"]
    assert rows[0] == ["automatic", 3, 30.0, 48.0, 30.0]
    assert ["document", "review", 2] in tables["states"][1]
    assert ["order", "held", 1] in tables["states"][1]


# --- the period -----------------------------------------------------------------------------------


def test_the_period_defaults_to_the_last_thirty_days() -> None:
    now = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert period(now=now) == (now - timedelta(days=30), now)
    assert period(7, now=now) == (now - timedelta(days=7), now)
    assert period(since=date(2026, 3, 1), until=date(2026, 3, 2), now=now) == (
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 3, 3, tzinfo=UTC),
    )
    assert period(since=date(2026, 3, 30), now=now) == (datetime(2026, 3, 30, tzinfo=UTC), now)
    with pytest.raises(ValueError):
        period(since=date(2026, 4, 2), now=now)


# --- charts ---------------------------------------------------------------------------------------


def test_charts_escape_their_labels() -> None:
    svg = str(bar_chart_svg([("<script>alert(1)</script>", 3), ("ok", 1)]))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    days = compute_report(sample(), {}, SINCE, UNTIL).volume_by_day
    chart = str(day_chart_svg(days))
    assert chart.count("<rect") == 2 + 1 + 2  # the busy day's two parts, the next day's one, the legend
