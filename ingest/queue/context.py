"""The pipeline a worker's jobs use, built once per process from the settings.

Jobs carry ids only, so a job function needs somewhere to find the database and parsers: the
entry point installs the pipeline here; a worker started some other way builds it from the
environment on first use. After a fork the inherited connection pool is dropped, never shared.
"""

from __future__ import annotations

import os

from ingest.services.deps import Pipeline

_pipeline: Pipeline | None = None
_pid: int | None = None


def install(pipeline: Pipeline) -> None:
    global _pipeline, _pid
    _pipeline = pipeline
    _pid = os.getpid()


def current() -> Pipeline:
    global _pid
    if _pipeline is None:
        from ingest.bootstrap import build_pipeline
        from ingest.config import load_settings

        install(build_pipeline(load_settings()))
    assert _pipeline is not None
    if _pid != os.getpid():  # forked work-horse: do not reuse the parent's connections
        _pipeline.db.engine.dispose(close=False)
        _pid = os.getpid()
    return _pipeline
