"""How many failed sign-ins the review UI allows: per name and address, and per address whatever
the names, in a sliding window. Counted in the database, so that every UI process (``--scale
ui=N``, several machines) enforces the same limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ingest.db import Database

MAX_FAILURES = 5
WINDOW_SECONDS = 300.0
ADDRESS_FACTOR = 10
"""An address is blocked after ``MAX_FAILURES * ADDRESS_FACTOR`` failures whatever the names."""


class SignInLimiter:
    def __init__(
        self,
        db: Database,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.max_failures = max_failures
        self.window = window
        self.clock = clock

    def _at(self, now: float | None) -> datetime:
        return datetime.fromtimestamp(self.clock() if now is None else now, UTC)

    def blocked(self, name: str, address: str, now: float | None = None) -> bool:
        """Too many failures for this name from this address, or for any names from it."""
        since = self._at(now) - timedelta(seconds=self.window)
        with self.db.unit_of_work("sign-in") as uow:
            by_name, by_address = uow.sign_ins.counts(_key(name), address[:64], since)
        return by_name >= self.max_failures or by_address >= self.max_failures * ADDRESS_FACTOR

    def failed(self, name: str, address: str, now: float | None = None) -> None:
        at = self._at(now)
        with self.db.unit_of_work("sign-in") as uow:
            uow.sign_ins.add(_key(name), address[:64], at)
            uow.sign_ins.prune(at - timedelta(seconds=self.window))  # the table holds one window
            uow.commit()

    def succeeded(self, name: str, address: str) -> None:
        with self.db.unit_of_work("sign-in") as uow:
            uow.sign_ins.forget(_key(name), address[:64])
            uow.commit()


def _key(name: str) -> str:
    return name.casefold()[:100]
