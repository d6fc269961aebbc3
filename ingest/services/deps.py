"""What the use cases need, passed in by the entry point (no globals, no import-time I/O)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.config import Settings
from ingest.db import Database, UnitOfWork
from ingest.domain.rules import RuleSet
from ingest.parsers.registry import ParserRegistry

Progress = Callable[[int, int], None]


class Runner(Protocol):
    """Runs the pipeline on documents: in this process, or on queue workers."""

    name: str

    def submit(self, document_ids: Sequence[str]) -> None: ...

    def wait(self, document_ids: Sequence[str], timeout: float, progress: Progress | None = None) -> None: ...


class OutboxDispatcher(Protocol):
    """Hands outbox entries to delivery once their transaction is committed: delivers them in this
    process, or queues them for workers (``ingest.services.outbox``)."""

    name: str

    def submit(self, entry_ids: Sequence[str]) -> None: ...


@dataclass
class Pipeline:
    """The pure parts and the store: enough to process a document anywhere."""

    settings: Settings
    db: Database
    registry: ParserRegistry
    default_rules: RuleSet
    """The rules until an administrator saves a rule set (``ingest rules``)."""

    outbox: OutboxDispatcher | None = None
    """Where committed orders' outbox entries go (None: delivered in this process)."""

    def active_rules(self, uow: UnitOfWork) -> RuleSet:
        version, rules = uow.rules.active()
        return rules if version else self.default_rules
