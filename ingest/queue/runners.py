"""Runners: the same job functions run in this process (no Redis) or on rq workers (Redis)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from ingest.db import Database
from ingest.domain.document import DocumentState
from ingest.errors import ConfigError, TransientError
from ingest.logs import get_logger
from ingest.queue.liveness import Verdict, discard, job_verdict
from ingest.queue.names import DOCUMENTS, process_job_id
from ingest.services.deps import Pipeline, Progress
from ingest.services.process import process_document

log = get_logger(__name__)

TRANSIENT_RETRIES = 3
RETRY_INTERVALS = [5, 30, 120]
CLAIM_SECONDS = 1.0
BATCH_LOOK = 50
"""From this many documents on, a submit reads the queue once first and skips those waiting in it."""


WAIT_WINDOW = 50
"""How many of the documents still awaited one poll asks the database about. Small enough that the
poll is a handful of primary-key lookups however many documents the table holds: asked about a
larger share of the table (500 of ten thousand), PostgreSQL reads the whole table instead, five
times a second, beside the workers. A window that concludes entirely is followed by the next at
once, so a small window never slows the wait down."""


def wait_for_states(
    db: Database, document_ids: Sequence[str], timeout: float, progress: Progress | None, poll: float = 0.2
) -> None:
    """Waits until every document has concluded. Documents are worked roughly in the order they
    were submitted, so each poll asks only about the first ``WAIT_WINDOW`` still awaited: waiting
    for ten thousand documents costs the database no more than waiting for fifty."""
    pending = list(dict.fromkeys(document_ids))
    total = len(pending)
    deadline = time.monotonic() + timeout
    while pending:
        window = pending[:WAIT_WINDOW]
        with db.unit_of_work("runner") as uow:
            states = uow.documents.states(window)
        done = {doc_id for doc_id in window if doc_id not in states or states[doc_id].terminal}
        if done:
            pending = [doc_id for doc_id in pending if doc_id not in done]
        if progress:
            progress(total - len(pending), total)
        if not pending:
            return
        if done and len(done) == len(window):
            continue  # the whole window concluded: look at the next one at once
        if time.monotonic() > deadline:
            raise TransientError(
                f"{len(pending)} of {total} documents were not processed within {timeout:.0f} s; "
                "they are stored and will be processed when a worker is free (see `ingest status`)"
            )
        time.sleep(poll)


class InProcessRunner:
    """Runs each document right away in this process; transient faults are retried with backoff."""

    name = "in-process"

    def __init__(self, pipeline: Pipeline, backoff: Sequence[float] = (0.5, 2.0, 5.0)) -> None:
        self.pipeline = pipeline
        self.backoff = tuple(backoff)

    def submit(self, document_ids: Sequence[str]) -> None:
        for doc_id in document_ids:
            self._run(doc_id)

    def _run(self, doc_id: str) -> DocumentState:
        for attempt, delay in enumerate((*self.backoff, None), start=1):
            try:
                return process_document(self.pipeline, doc_id)
            except TransientError as exc:
                if delay is None:
                    log.error(
                        "giving up for now; the document stays received", document_id=doc_id, error=str(exc)
                    )
                    return DocumentState.RECEIVED
                log.warning("transient fault, retrying", document_id=doc_id, attempt=attempt, error=str(exc))
                time.sleep(delay)
        return DocumentState.RECEIVED

    def wait(self, document_ids: Sequence[str], timeout: float, progress: Progress | None = None) -> None:
        wait_for_states(self.pipeline.db, document_ids, timeout, progress)


def connect_redis(url: str) -> Redis:
    try:
        conn = Redis.from_url(url)
        conn.ping()
    except ValueError as exc:
        raise ConfigError(f"INGEST_REDIS_URL {url!r} is not a Redis URL: {exc}") from exc
    except RedisError as exc:
        raise TransientError(f"cannot reach Redis at {url}: {exc}; is it running?") from exc
    return conn


class RqRunner:
    """Enqueues one job per document on the ``documents`` queue; workers do the work."""

    name = "rq"

    def __init__(self, pipeline: Pipeline, redis: Redis) -> None:
        self.pipeline = pipeline
        self.redis = redis
        self.queue = Queue(DOCUMENTS, connection=redis, serializer=JSONSerializer)

    def submit(self, document_ids: Sequence[str]) -> None:
        waiting = functools.cache(lambda: set(self.queue.get_job_ids()))  # read once, when needed
        ids = list(document_ids)
        if len(ids) >= BATCH_LOOK:
            # a sweep over a backlog: one look at the queue spares the documents whose job waits in
            # it a round trip each (and the queue being worked on meanwhile is only a faster finish)
            try:
                queued = waiting()
            except RedisError as exc:
                raise TransientError(f"cannot read the queue: {exc}; the documents stay received") from exc
            ids = [doc_id for doc_id in ids if process_job_id(doc_id) not in queued]
        unclaimed: list[str] = []
        for doc_id in ids:
            try:
                try:
                    self._enqueue(doc_id)
                except DuplicateJobError:
                    if self._replace_if_dead(doc_id, waiting) is Verdict.UNCLAIMED:
                        unclaimed.append(doc_id)
            except DuplicateJobError:
                log.info("already queued", document_id=doc_id)
            except RedisError as exc:
                raise TransientError(
                    f"cannot queue document {doc_id}: {exc}; it is stored and stays received"
                ) from exc
        if unclaimed:
            # off the queue, claimed by no worker: a worker registers a job it takes within
            # milliseconds, so one that still has none a moment later was taken by a worker now dead
            time.sleep(CLAIM_SECONDS)
            waiting = functools.cache(lambda: set(self.queue.get_job_ids()))
            for doc_id in unclaimed:
                try:
                    self._replace_if_dead(doc_id, waiting, unclaimed_is_dead=True)
                except (DuplicateJobError, RedisError) as exc:
                    log.warning("could not replace an unclaimed job", document_id=doc_id, error=str(exc))

    def _replace_if_dead(
        self, doc_id: str, waiting: Callable[[], set[str]], *, unclaimed_is_dead: bool = False
    ) -> Verdict:
        """Queued or running: nothing to do. A dead job (failed, stopped, or taken by a worker
        that is gone) is replaced, and so is a job key left without a job."""
        job_id = process_job_id(doc_id)
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            self.redis.delete(Job.key_for(job_id))
            self._enqueue(doc_id)
            return Verdict.DEAD
        verdict = job_verdict(self.redis, job, waiting)
        if verdict is Verdict.DEAD or (verdict is Verdict.UNCLAIMED and unclaimed_is_dead):
            log.warning("replacing a dead job", job_id=job.id)
            discard(self.redis, job)
            self._enqueue(doc_id)
        elif verdict is Verdict.ALIVE:
            log.info("already queued", document_id=doc_id)
        return verdict

    def _enqueue(self, doc_id: str) -> None:
        self.queue.enqueue(
            "ingest.queue.jobs.process_document_job",
            doc_id,
            job_id=process_job_id(doc_id),
            unique=True,
            job_timeout=self.pipeline.settings.job_timeout_seconds,
            result_ttl=0,
            failure_ttl=30 * 24 * 3600,
            retry=Retry(max=TRANSIENT_RETRIES, interval=RETRY_INTERVALS),
        )

    def workers(self) -> int:
        return len(Worker.all(connection=self.redis))

    def wait(self, document_ids: Sequence[str], timeout: float, progress: Progress | None = None) -> None:
        if document_ids and self.workers() == 0:
            log.warning("no rq worker is running: start one with `ingest worker`")
        wait_for_states(self.pipeline.db, document_ids, timeout, progress)
