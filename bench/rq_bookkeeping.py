"""What a worker's own bookkeeping costs per job: jobs that do nothing, enqueued as the pipeline
enqueues a document (deterministic id, timeout, retries, no result kept), worked in burst by rq's
own ``SimpleWorker`` and by the pipeline's worker (``ingest/queue/bookkeeping.py``), alternating.

    .venv/bin/python bench/rq_bookkeeping.py [--jobs 2000] [--rounds 3] [--redis URL]

Prints, per worker, the time per job (median of the rounds), the round trips to Redis per job (a
command or a whole pipeline sent at once) and the commands per job (Redis's own count). Start-up
and shut-down are spread over the jobs, as in a burst run. Uses a redis-server of its own unless
--redis is given (that database is flushed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from common import private_redis
from redis import Connection, ConnectionPool, Redis
from rq import Queue, Retry, SimpleWorker
from rq.serializers import JSONSerializer

from ingest.queue.names import DOCUMENTS
from ingest.queue.worker import InProcessWorker, QuickStop


def nothing(document_id: str) -> None:
    """The job: everything but the work."""


class CountingConnection(Connection):
    sends = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        type(self).sends += 1
        super().send_packed_command(command, check_health)


class RqSimpleWorker(QuickStop, SimpleWorker):
    """rq's own worker, stopping as promptly as ours (rq's listener can hold it for a minute)."""


WORKERS: dict[str, type[SimpleWorker]] = {
    "rq SimpleWorker": RqSimpleWorker,
    "pipeline worker": InProcessWorker,
}


def commands(conn: Redis) -> int:
    return sum(int(v["calls"]) for v in conn.info("commandstats").values())


def one_round(worker_class: type[SimpleWorker], url: str, jobs: int) -> tuple[float, float, float]:
    """Seconds, round trips and commands per job."""
    plain = Redis.from_url(url)
    plain.flushdb()
    queue = Queue(DOCUMENTS, connection=plain, serializer=JSONSerializer)
    for n in range(jobs):
        queue.enqueue(
            "rq_bookkeeping.nothing",  # the worker imports it from this directory
            f"doc-{n}",
            job_id=f"process-doc-{n}",
            job_timeout=600,
            result_ttl=0,
            failure_ttl=30 * 24 * 3600,
            retry=Retry(max=3, interval=[5, 30, 120]),
        )
    counting = Redis(connection_pool=ConnectionPool.from_url(url, connection_class=CountingConnection))
    worker = worker_class(
        [Queue(DOCUMENTS, connection=counting, serializer=JSONSerializer)],
        connection=counting,
        serializer=JSONSerializer,
    )
    before = commands(plain)
    CountingConnection.sends = 0
    start = time.perf_counter()
    worker.work(burst=True, logging_level="WARNING")
    elapsed = time.perf_counter() - start
    sends = CountingConnection.sends
    sent = commands(plain) - before - 1  # the INFO that counted
    if queue.count:
        raise SystemExit(f"{queue.count} jobs were left on the queue")
    return elapsed / jobs, sends / jobs, sent / jobs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", default="", help="a Redis URL (default: a private redis-server)")
    args = parser.parse_args()
    with private_redis(args.redis) as url:
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in WORKERS}
        for r in range(args.rounds):
            for name, worker_class in WORKERS.items():
                runs[name].append(one_round(worker_class, url, args.jobs))
                per_job = runs[name][-1][0]
                print(f"  round {r + 1}  {name:16} {per_job * 1e6:7.0f} us/job", file=sys.stderr)
        Redis.from_url(url).flushdb()
    print(f"{args.jobs} no-op jobs per run, {args.rounds} rounds (medians)")
    print(f"  {'worker':16} {'us/job':>8} {'round trips/job':>16} {'commands/job':>13}")
    for name, results in runs.items():
        seconds = statistics.median(r[0] for r in results)
        print(f"  {name:16} {seconds * 1e6:8.0f} {results[0][1]:16.1f} {results[0][2]:13.1f}")


if __name__ == "__main__":
    main()
