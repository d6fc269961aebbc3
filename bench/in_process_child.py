"""The in-process mode of bench/throughput.py, in a process of its own (as `ingest run` would be).

Configured from the INGEST_* environment without INGEST_REDIS_URL, so that its runner is the
in-process one. It builds the pipeline and the matching indexes, prints "ready", then processes
each document id read from stdin as the line arrives, and exits at the end of its input.
"""

from __future__ import annotations

import sys

from ingest.bootstrap import build_pipeline, build_runner
from ingest.config import load_settings
from ingest.logs import configure_logging
from ingest.services.process import warm_indexes


def main() -> None:
    configure_logging("WARNING")
    settings = load_settings()
    if settings.redis_url:
        raise SystemExit("in_process_child.py runs without INGEST_REDIS_URL")
    pipeline = build_pipeline(settings)
    warm_indexes(pipeline)
    runner = build_runner(pipeline)
    print("ready", flush=True)
    for line in sys.stdin:
        if doc_id := line.strip():
            runner.submit([doc_id])
    pipeline.db.dispose()


if __name__ == "__main__":
    main()
