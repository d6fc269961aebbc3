"""What every command shares: settings and pipeline built once, output helpers, error handling."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest.config import Settings, load_settings
from ingest.errors import IngestError
from ingest.logs import configure_logging
from ingest.services.deps import Pipeline, Runner

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


@dataclass
class AppContext:
    _settings: Settings | None = None
    _pipeline: Pipeline | None = None
    _runner: Runner | None = None
    checked: bool = field(default=False)
    default_log_level: str = "WARNING"

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
            configure_logging(self._settings.log_level or self.default_log_level, self._settings.log_format)
        return self._settings

    def pipeline(self, *, check_schema: bool = True) -> Pipeline:
        from ingest.bootstrap import build_pipeline

        if self._pipeline is None:
            self._pipeline = build_pipeline(self.settings)
        if check_schema and not self.checked:
            self._pipeline.db.check()
            self.checked = True
        return self._pipeline

    def runner(self) -> Runner:
        from ingest.bootstrap import build_runner

        if self._runner is None:
            self._runner = build_runner(self.pipeline())
        return self._runner


pass_app = click.make_pass_decorator(AppContext, ensure=True)


class IngestGroup(click.Group):
    """Turns the service's own errors into one clear line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IngestError as exc:
            err.print(f"[bold red]error:[/] {exc.message}", markup=True)
            if hasattr(exc, "problems"):
                for problem in exc.problems[:50]:
                    err.print(f"  - {problem}", markup=False)
            ctx.exit(1)
        except KeyboardInterrupt:
            err.print("interrupted")
            ctx.exit(130)


def default_actor() -> str:
    return os.environ.get("USER") or "cli"


actor_option = click.option(
    "--as",
    "actor",
    default=default_actor,
    show_default="$USER, else cli",
    metavar="USER",
    help="Who is acting, as the audit log records it.",
)


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def progress_bar(label: str, total: int, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long work; silent when stderr is not a terminal."""
    if not enabled or total < 2 or not err.is_terminal:
        yield lambda done, _total: None
        return
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task(label, total=total)

        def update(done: int, total_: int) -> None:
            bar.update(task, completed=done, total=total_)

        yield update
