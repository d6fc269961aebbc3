"""Rules of outbox delivery that need no I/O: the backoff schedule and the webhook signature.

Signature: ``X-Ingest-Signature: sha256=<hex>`` where hex is HMAC-SHA256 with the target's secret
over ``<X-Ingest-Timestamp> + "." + <body>``; ``Idempotency-Key`` is the outbox entry's key, the
same on every attempt, so that a receiver can drop a repeat.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

SIGNATURE_HEADER = "X-Ingest-Signature"
TIMESTAMP_HEADER = "X-Ingest-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with a cap: after failure n (1-based) the next attempt waits
    ``min(cap, base * factor ** (n - 1))`` seconds; after ``max_attempts`` failures the entry is
    ``failed`` (visible, and retryable by hand)."""

    base: float = 30.0
    factor: float = 2.0
    cap: float = 3600.0
    max_attempts: int = 10

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0 or self.factor < 1 or self.max_attempts < 1:
            raise ValueError("backoff needs base >= 0, cap >= 0, factor >= 1 and max_attempts >= 1")

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure in a row."""
        if failures < 1:
            return 0.0
        exponent = min(failures - 1, 64)  # keeps the power finite; the cap decides long before
        return float(min(self.cap, self.base * self.factor**exponent))

    def gives_up(self, failures: int) -> bool:
        return failures >= self.max_attempts

    def next_attempt(self, failures: int, now: datetime) -> datetime | None:
        """When to try again after ``failures`` failures in a row; None: give up (``failed``)."""
        if self.gives_up(failures):
            return None
        return now + timedelta(seconds=self.delay(failures))

    def schedule(self) -> list[float]:
        """The delays between the attempts, as a person reads them."""
        return [self.delay(n) for n in range(1, self.max_attempts)]


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    """The value of ``X-Ingest-Signature`` for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_headers(secret: bytes, body: bytes, key: str, now: datetime) -> dict[str, str]:
    """The headers of one webhook POST: content type, timestamp, signature, idempotency key."""
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        IDEMPOTENCY_HEADER: key,
    }


def verify_signature(
    secret: bytes, timestamp: str, body: bytes, header: str, *, now: datetime, tolerance: float = 300.0
) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (replay guard)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now.timestamp() - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header)
