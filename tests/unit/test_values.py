"""Numbers and dates as printed by people and ERPs: examples plus round-trip properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.parsers.values import (
    currency_of,
    date_order_ambiguous,
    infer_day_first,
    parse_date,
    parse_decimal,
)

# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("$12.50", "12.50"),
        ("12.50 USD", "12.50"),
        ("€ 3,5", "3.5"),
        ("(5.00)", "-5.00"),
        ("5.00-", "-5.00"),
        (".00", "0.00"),
        ("-3", "-3"),
        ("0,125", "0.125"),
        ("1,234", "1234"),
        ("1.234", "1.234"),
        ("1.234.567,89", "1234567.89"),
        ("  42 ", "42"),
        ("-$1,000.00", "-1000.00"),
    ],
)
def test_parse_decimal_examples(text: str, expected: str) -> None:
    value = parse_decimal(text)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)
    assert str(value) == expected  # the printed precision is kept


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [("1,234", True, "1.234"), ("1.234", True, "1234"), ("1,234", False, "1234"), ("1.234", False, "1.234")],
)
def test_parse_decimal_uses_the_file_habit_when_ambiguous(
    text: str, decimal_comma: bool, expected: str
) -> None:
    assert parse_decimal(text, decimal_comma=decimal_comma) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "abc", "1,5,3", "12 50", "1.2.3,4,5", "-", "1e5", "NaN", "12%", "2026-03-04"]
)
def test_parse_decimal_rejects_garbage_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match="number"):
        parse_decimal(text)


def test_currency_of() -> None:
    assert currency_of("$12.50") == "USD"
    assert currency_of("12,50 EUR") == "EUR"
    assert currency_of("€ 3,5") == "EUR"
    assert currency_of("12.50") is None


def _group(digits: str, mark: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return mark.join(parts)


def _style(group: str, point: str) -> Callable[[Decimal, int], str]:
    def render(value: Decimal, places: int) -> str:
        text = f"{abs(value):.{places}f}"
        whole, _, frac = text.partition(".")
        out = _group(whole, group) if group else whole
        return out + (point + frac if places else "")

    return render


STYLES: dict[str, tuple[Callable[[Decimal, int], str], bool]] = {
    "us": (_style(",", "."), False),
    "european": (_style(".", ","), True),
    "space": (_style(" ", ","), True),
    "swiss": (_style("'", "."), False),
    "plain_dot": (_style("", "."), False),
    "plain_comma": (_style("", ","), True),
}
DECORATIONS: dict[str, Callable[[str, bool], str]] = {
    "bare": lambda s, neg: ("-" if neg else "") + s,
    "dollar": lambda s, neg: ("-" if neg else "") + "$" + s,
    "code_after": lambda s, neg: ("-" if neg else "") + s + " USD",
    "euro_before": lambda s, neg: ("-" if neg else "") + "€ " + s,
    "accounting": lambda s, neg: f"({s})" if neg else s,
}

_places = st.integers(min_value=0, max_value=4)


@st.composite
def _amounts(draw: st.DrawFn, places: st.SearchStrategy[int] = _places) -> tuple[Decimal, int]:
    p = draw(places)
    value = draw(st.decimals(min_value=-(10**9), max_value=10**9, places=p, allow_nan=False))
    return value, p


@given(
    amount=_amounts(),
    style=st.sampled_from(sorted(STYLES)),
    decoration=st.sampled_from(sorted(DECORATIONS)),
)
def test_a_formatted_decimal_reads_back(amount: tuple[Decimal, int], style: str, decoration: str) -> None:
    value, places = amount
    render, decimal_comma = STYLES[style]
    text = DECORATIONS[decoration](render(value, places), value < 0)
    assert parse_decimal(text, decimal_comma=decimal_comma) == value, text


@given(
    amount=_amounts(st.sampled_from([1, 2, 4])),
    style=st.sampled_from(sorted(STYLES)),
)
def test_an_unambiguous_decimal_reads_back_without_a_hint(amount: tuple[Decimal, int], style: str) -> None:
    value, places = amount
    render, _ = STYLES[style]
    text = ("-" if value < 0 else "") + render(value, places)
    assert parse_decimal(text) == value, text


# --- dates -------------------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2026-03-04", None, date(2026, 3, 4)),
        ("20260304", None, date(2026, 3, 4)),
        ("03/04/2026", None, date(2026, 3, 4)),
        ("03/04/2026", True, date(2026, 4, 3)),
        ("13/04/2026", None, date(2026, 4, 13)),
        ("04.03.2026", None, date(2026, 3, 4)),
        ("4/3/26", False, date(2026, 4, 3)),
        ("4 Mar 2026", None, date(2026, 3, 4)),
        ("March 4, 2026", None, date(2026, 3, 4)),
        ("04-Mar-26", None, date(2026, 3, 4)),
        ("Wednesday, March 4, 2026", None, date(2026, 3, 4)),
        ("4. März 2026", None, date(2026, 3, 4)),
        ("2022-04-29 00:00:00.000", None, date(2022, 4, 29)),
        ("2026-03-04T10:00:00Z", None, date(2026, 3, 4)),
        ("3/4/2026 10:30 AM", None, date(2026, 3, 4)),
    ],
)
def test_parse_date_examples(text: str, day_first: bool | None, expected: date) -> None:
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize("text", ["31/31/2026", "2026-02-30", "hello", "", "12", "Mar 2026"])
def test_parse_date_rejects_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text, None)


DATE_STYLES: dict[str, tuple[Callable[[date], str], bool | None]] = {
    "iso": (lambda d: d.isoformat(), None),
    "iso_time": (lambda d: f"{d.isoformat()} 00:00:00.000", None),
    "compact": (lambda d: d.strftime("%Y%m%d"), None),
    "us": (lambda d: f"{d.month}/{d.day}/{d.year}", False),
    "us_2digit": (lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}", False),
    "dotted": (lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}", True),
    "dotted_2digit": (lambda d: f"{d.day}.{d.month}.{d.year % 100:02d}", True),
    "day_slash": (lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}", True),
    "day_month_name": (lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}", None),
    "month_name_first": (lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}", None),
    "dd_mon_yy": (lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year % 100:02d}", None),
}


@given(
    day=st.dates(min_value=date(1970, 1, 1), max_value=date(2068, 12, 31)),
    style=st.sampled_from(sorted(DATE_STYLES)),
)
def test_a_formatted_date_reads_back(day: date, style: str) -> None:
    render, day_first = DATE_STYLES[style]
    assert parse_date(render(day), day_first) == day


@given(day=st.dates(min_value=date(2000, 1, 13), max_value=date(2068, 12, 31)).filter(lambda d: d.day > 12))
def test_a_day_over_twelve_decides_the_order_alone(day: date) -> None:
    assert parse_date(f"{day.day}/{day.month}/{day.year}", None) == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}", None) == day


def test_infer_day_first() -> None:
    assert infer_day_first(["01/02/2026", "13/02/2026"]) is True
    assert infer_day_first(["01/13/2026", "02/01/2026"]) is False
    assert infer_day_first(["01.02.2026"]) is True
    assert infer_day_first(["01/02/2026", "2026-03-04", "NULL"]) is None
    assert infer_day_first(["13/01/2026", "01/13/2026"]) is None  # conflicting evidence
    assert infer_day_first([]) is None


def test_date_order_ambiguous() -> None:
    assert date_order_ambiguous("03/04/2026")
    assert not date_order_ambiguous("03/03/2026")
    assert not date_order_ambiguous("13/04/2026")
    assert not date_order_ambiguous("2026-03-04")
