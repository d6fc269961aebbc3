"""The outbox's backoff schedule and the webhook signature (pure)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from ingest.services.outbox_policy import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Backoff,
    signature,
    verify_signature,
    webhook_headers,
)

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_the_cap() -> None:
    backoff = Backoff(base=30, factor=2, cap=300, max_attempts=8)
    assert backoff.schedule() == [30, 60, 120, 240, 300, 300, 300]
    assert backoff.delay(0) == 0


def test_backoff_gives_up_after_max_attempts() -> None:
    backoff = Backoff(base=10, max_attempts=3)
    assert backoff.next_attempt(1, NOW) == NOW + timedelta(seconds=10)
    assert backoff.next_attempt(2, NOW) == NOW + timedelta(seconds=20)
    assert backoff.next_attempt(3, NOW) is None
    assert backoff.gives_up(3) and not backoff.gives_up(2)


def test_backoff_stays_finite_for_many_failures() -> None:
    assert Backoff(base=1, cap=3600, max_attempts=10_000).delay(5000) == 3600


@pytest.mark.parametrize("kwargs", [{"base": -1}, {"factor": 0.5}, {"max_attempts": 0}, {"cap": -5}])
def test_backoff_refuses_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)  # type: ignore[arg-type]


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    body = b'{"po_number":"PO-1"}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature(b"k", 1700000000, body) == f"sha256={expected}"


def test_headers_carry_timestamp_signature_and_idempotency_key() -> None:
    body = b"{}"
    headers = webhook_headers(b"k", body, "export:erp:o-1", NOW)
    assert headers[TIMESTAMP_HEADER] == str(int(NOW.timestamp()))
    assert headers[IDEMPOTENCY_HEADER] == "export:erp:o-1"
    assert headers["Content-Type"].startswith("application/json")
    assert verify_signature(b"k", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER], now=NOW)


def test_verification_refuses_a_changed_body_a_wrong_key_and_an_old_timestamp() -> None:
    headers = webhook_headers(b"k", b"{}", "key", NOW)
    ts, sig = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert not verify_signature(b"k", ts, b"{ }", sig, now=NOW)
    assert not verify_signature(b"other", ts, b"{}", sig, now=NOW)
    assert not verify_signature(b"k", ts, b"{}", sig, now=NOW + timedelta(minutes=10))
    assert not verify_signature(b"k", "yesterday", b"{}", sig, now=NOW)
