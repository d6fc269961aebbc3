"""A piece of work repeated every so many seconds in a daemon thread, until stopped."""

from __future__ import annotations

import threading


class PeriodicThread:
    """Subclasses give ``run_once`` (and may give ``before`` and ``after``, run once each in the
    thread); ``start`` runs them in a daemon thread, ``run_forever`` in the caller's."""

    thread_name = "ingest-periodic"

    def __init__(self, every: float) -> None:
        if every <= 0:
            raise ValueError("every must be positive")
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> object:
        raise NotImplementedError

    def before(self) -> None:
        """Runs once before the first turn."""

    def after(self) -> None:
        """Runs once after the last turn."""

    def run_forever(self) -> None:
        self.before()
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.every)
        self.after()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
