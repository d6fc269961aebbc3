"""Waiting for submitted documents to conclude: each poll asks about a bounded window."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import pytest

from ingest.domain.document import DocumentState
from ingest.errors import TransientError
from ingest.queue import runners
from ingest.queue.runners import WAIT_WINDOW, wait_for_states


class FakeDocuments:
    """Documents that conclude ``per_poll`` at a time, in submission order, as a worker would."""

    def __init__(self, ids: Sequence[str], per_poll: int) -> None:
        self.order = list(ids)
        self.done = 0
        self.per_poll = per_poll
        self.asked: list[int] = []

    def states(self, ids: Sequence[str]) -> dict[str, DocumentState]:
        self.asked.append(len(ids))
        concluded = set(self.order[: self.done])
        self.done = min(len(self.order), self.done + self.per_poll)
        return {
            i: DocumentState.COMMITTED if i in concluded else DocumentState.RECEIVED
            for i in ids
            if i in self.order
        }


class FakeDatabase:
    def __init__(self, documents: FakeDocuments) -> None:
        self.documents = documents

    @contextmanager
    def unit_of_work(self, actor: str) -> Iterator[Any]:
        yield self


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runners.time, "sleep", lambda seconds: None)


def test_many_documents_are_awaited_a_window_at_a_time_with_progress() -> None:
    ids = [f"d{i:05d}" for i in range(2_300)]
    docs = FakeDocuments(ids, per_poll=300)
    seen: list[tuple[int, int]] = []
    wait_for_states(cast(Any, FakeDatabase(docs)), ids, 60, lambda n, total: seen.append((n, total)))
    assert max(docs.asked) == WAIT_WINDOW
    assert seen[-1] == (2_300, 2_300)
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)  # progress never goes back


def test_unknown_documents_count_as_concluded() -> None:
    docs = FakeDocuments(["a"], per_poll=1)
    wait_for_states(cast(Any, FakeDatabase(docs)), ["a", "ghost"], 60, None)


def test_documents_that_never_conclude_time_out_with_what_to_do() -> None:
    docs = FakeDocuments(["a", "b"], per_poll=0)
    with pytest.raises(TransientError, match=r"2 of 2 documents .*`ingest status`"):
        wait_for_states(cast(Any, FakeDatabase(docs)), ["a", "b"], 0, None)
