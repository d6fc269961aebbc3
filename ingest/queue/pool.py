"""A pool of long-lived worker processes under one supervisor.

Each process is an rq worker that runs its jobs itself (no fork per job), keeping its database
connections and the matching indexes between jobs; the supervisor starts them, starts a new one
when one dies (a crash in a parser takes down one process, never the pool), and stops them on
SIGTERM/SIGINT after their current jobs. A job left behind by a dead process is taken up again by
the sweeper, which runs in the supervisor, beside rq's scheduler (retries and delayed jobs). On
Linux each process is told to stop when the supervisor dies, however it dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from redis import Redis

from ingest.logs import get_logger
from ingest.queue.names import ALL_QUEUES
from ingest.queue.scheduling import SchedulerThread
from ingest.queue.sweep import PeriodicSweep
from ingest.services.deps import Pipeline
from ingest.services.process import warm_indexes

log = get_logger(__name__)

CHECK_SECONDS = 1.0
STOP_SECONDS = 60.0
QUICK_DEATH_SECONDS = 10.0  # a process that dies sooner is not restarted at once, but after a pause
MAX_PAUSE_SECONDS = 60.0


PR_SET_PDEATHSIG = 1


def _stop_with_parent(parent: int) -> None:
    """Asks Linux to send SIGTERM to this process when its parent dies (a no-op elsewhere)."""
    try:  # the C library is already loaded; looking it up by name would run ldconfig
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request was in place
        os.kill(os.getpid(), signal.SIGTERM)


def _work(pipeline: Pipeline, redis_url: str, burst: bool, max_jobs: int | None, parent: int) -> None:
    from ingest.queue.worker import run_worker

    # the supervisor's handlers were inherited through the fork; the worker installs its own
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, signal.SIG_DFL)
    _stop_with_parent(parent)
    # the parent's connections are never shared: a new Redis client, a new database pool
    pipeline.db.engine.dispose(close=False)
    run_worker(
        pipeline,
        Redis.from_url(redis_url),
        burst=burst,
        fork=False,
        sweep=False,
        scheduler=False,  # the supervisor schedules: no process of the worker's own to orphan
        max_jobs=max_jobs,
    )


class WorkerPool:
    def __init__(
        self,
        pipeline: Pipeline,
        redis_url: str,
        processes: int,
        *,
        burst: bool = False,
        max_jobs: int | None = None,
    ) -> None:
        if processes < 1:
            raise ValueError("a pool needs at least one process")
        self.pipeline = pipeline
        self.redis_url = redis_url
        self.processes = processes
        self.burst = burst
        self.max_jobs = max_jobs
        self._context = multiprocessing.get_context("fork")
        self._children: list[BaseProcess] = []
        self._started: dict[int, float] = {}
        self._stopping = False
        self._quick_deaths = 0
        self._respawn_at = 0.0
        self._owed = 0

    def _spawn(self) -> None:
        child = self._context.Process(
            target=_work,
            args=(self.pipeline, self.redis_url, self.burst, self.max_jobs, os.getpid()),
            name="ingest-worker",
            daemon=False,
        )
        child.start()
        self._children.append(child)
        self._started[child.pid or 0] = time.monotonic()
        log.info("worker process started", pid=child.pid, processes=len(self._children))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if not self._stopping:
            log.info("stopping the worker processes after their current jobs", signal=signum)
        self._stopping = True
        for child in self._children:
            if child.is_alive() and child.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.pid, signal.SIGTERM)

    def _reap(self) -> list[BaseProcess]:
        dead = [c for c in self._children if not c.is_alive()]
        for child in dead:
            child.join(0)
            self._children.remove(child)
        return dead

    def run(self) -> None:
        """Run until stopped (or, with ``burst``, until every process found the queues empty)."""
        try:  # built once here: every process starts with them in memory
            warm_indexes(self.pipeline)
        except Exception as exc:  # the jobs themselves will meet and record the same trouble
            log.warning("could not prepare the matching indexes", error=repr(exc))
        self.pipeline.db.engine.dispose()  # no connection crosses a fork
        for _ in range(self.processes):
            self._spawn()
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        redis = Redis.from_url(self.redis_url)
        scheduler = SchedulerThread(redis, ALL_QUEUES)
        scheduler.start()
        sweeper = None
        if not self.burst:
            sweeper = PeriodicSweep(
                self.pipeline, redis, every=60, older_than=self.pipeline.settings.sweep_grace_seconds
            )
            sweeper.start()
        try:
            self._supervise()
        finally:
            if sweeper is not None:
                sweeper.stop()
            scheduler.stop()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _supervise(self) -> None:
        stop_deadline: float | None = None
        while self._children or (self._owed and not self._stopping):
            time.sleep(CHECK_SECONDS)
            for child in self._reap():
                lived = time.monotonic() - self._started.pop(child.pid or 0, 0.0)
                if self._stopping or self.burst:
                    continue
                if child.exitcode == 0:
                    log.info("worker process finished its jobs; starting a new one", pid=child.pid)
                else:
                    log.error(
                        "worker process died; starting a new one (its job is taken up again by the sweeper)",
                        pid=child.pid,
                        exitcode=child.exitcode,
                    )
                self._owed += 1
                if lived < QUICK_DEATH_SECONDS and child.exitcode != 0:
                    self._quick_deaths += 1
                    pause = min(MAX_PAUSE_SECONDS, 2.0**self._quick_deaths)
                    self._respawn_at = time.monotonic() + pause
                    log.warning("worker processes die on start; pausing before the next", seconds=pause)
                else:
                    self._quick_deaths = 0
            if self._owed and not self._stopping and time.monotonic() >= self._respawn_at:
                for _ in range(self._owed):
                    self._spawn()
                self._owed = 0
            if self._stopping:
                stop_deadline = stop_deadline or time.monotonic() + STOP_SECONDS
                if time.monotonic() > stop_deadline:
                    for child in self._children:
                        log.warning("worker process did not stop in time; killed", pid=child.pid)
                        child.kill()
                    stop_deadline = time.monotonic() + STOP_SECONDS
