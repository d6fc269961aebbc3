"""When each source is polled: its own interval, or the default one; new mail makes it due."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from ingest.services.sources import PollSchedule


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def source(name: str, interval: float | None = None, enabled: bool = True) -> dict[str, object]:
    src: dict[str, object] = {"name": name, "enabled": enabled}
    if interval is not None:
        src["poll_interval"] = interval
    return src


def test_each_source_is_due_at_its_own_interval() -> None:
    clock = Clock()
    schedule = PollSchedule(30, clock)
    fast, slow, default = source("fast", 5), source("slow", 300), source("default")
    assert all(schedule.due(s) for s in (fast, slow, default))  # never polled yet
    for s in (fast, slow, default):
        schedule.polled(str(s["name"]))
    assert not any(schedule.due(s) for s in (fast, slow, default))
    assert schedule.seconds_until_due([fast, slow, default]) == 5
    clock.now += 5
    assert schedule.due(fast) and not schedule.due(default) and not schedule.due(slow)
    clock.now += 25
    assert schedule.due(default) and not schedule.due(slow)
    clock.now += 270
    assert schedule.due(slow)


def test_disabled_sources_do_not_shorten_the_wait_and_mail_wakes_a_mailbox() -> None:
    clock = Clock()
    schedule = PollSchedule(60, clock)
    box, off = source("box", 600), source("off", 1, enabled=False)
    schedule.polled("box")
    assert schedule.seconds_until_due([box, off]) == 600
    assert schedule.seconds_until_due([]) == 60
    schedule.wake(["box"])
    assert schedule.due(box)


def test_the_default_interval_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        PollSchedule(0)
