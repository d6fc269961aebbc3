"""What the use cases need, passed in by the entry point (no globals, no import-time I/O)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.config import Settings
from ingest.db import Database
from ingest.matching.decision import DecisionRules
from ingest.parsers.registry import ParserRegistry

Progress = Callable[[int, int], None]


class Runner(Protocol):
    """Runs the pipeline on documents: in this process, or on queue workers."""

    name: str

    def submit(self, document_ids: Sequence[str]) -> None: ...

    def wait(self, document_ids: Sequence[str], timeout: float, progress: Progress | None = None) -> None: ...


@dataclass
class Pipeline:
    """The pure parts and the store: enough to process a document anywhere."""

    settings: Settings
    db: Database
    registry: ParserRegistry
    rules: DecisionRules
