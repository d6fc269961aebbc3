"""End-to-end throughput and latency: X12 850 files and PDF purchase orders, from stored raw bytes
to a committed (or reviewed) order, in this process and on 1 and 2 rq workers.

Every run gets a fresh PostgreSQL database loaded with fixtures/masterdata; the rq runs use the
Redis database given by --redis (flushed before and after). Documents are stored first (their
arrival), then submitted; the clock runs from the submission to the last conclusion, so rq figures
include enqueueing and every Redis round trip but not the workers' start-up (they are started and
registered before the submission, as in production).

    .venv/bin/python bench/throughput.py [--x12 10000] [--pdf 1000] [--modes in-process,simple:1,...]

Modes: ``in-process`` (the in-process runner in a process of its own, ``in_process_child.py``,
started before the clock like the workers); ``in-bench`` (the same inside this benchmark's own
process, for reference: see below); ``fork:N`` (N forking workers, a work-horse per job);
``simple:N`` (N workers running jobs in their own process, ``ingest worker --no-fork``);
``pool:N`` (``ingest worker --processes N``: one supervisor, N worker processes). Then a paced
run (``--paced-rate`` documents/s, ``--paced`` documents) gives arrival-to-conclusion latency when
the workers are not saturated.

Every mode thus does its work in a process other than the one that submits and waits. Where that
process runs matters on a small virtual machine: a round trip to PostgreSQL or Redis costs about
30 us when the client and the server process share a CPU and about 90-110 us when the server has to
be woken on the other one, and a document takes some 28 database and 9 Redis round trips. The
benchmark's own process tends to stay beside its PostgreSQL backend; a freshly started process,
worker or not, does not, so ``in-bench`` is faster than any process started for the work and is not
the baseline the queue is measured against. ``--rounds N`` alternates the modes N times and
reports medians, for a machine whose speed drifts.

Prints documents/s, the p50/p95 time from a document's arrival to its conclusion, each mode's
cost per document against in-process (the queue's overhead) and the 2-worker speed-up.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import postgres_database, private_redis
from redis import Redis
from rq import Worker
from sqlalchemy import select

from ingest.bootstrap import build_pipeline, build_runner
from ingest.config import Settings
from ingest.db.tables import DocumentRow
from ingest.domain.document import Receipt
from ingest.logs import configure_logging
from ingest.queue.runners import wait_for_states
from ingest.services.deps import Pipeline, Progress, Runner
from ingest.services.intake import receive
from ingest.services.masterdata import load_directory

ROOT = Path(__file__).resolve().parent.parent
MASTERDATA = ROOT / "fixtures" / "masterdata"
PDF_FAMILIES = ROOT / "fixtures" / "pdf" / "families"


def _products() -> list[tuple[str, str, Decimal]]:
    with (MASTERDATA / "products.csv").open(encoding="utf-8") as fh:
        return [(r["sku"], r["uom"], Decimal(r["unit_price"])) for r in csv.DictReader(fh)]


def x12_documents(n: int, seed: int = 7) -> list[bytes]:
    """One interchange per file, one 850 each with 3-12 lines of catalog SKUs at list price, from
    the fixture trading partner ACMEHW (customer C0001); control and PO numbers are unique."""
    rng = random.Random(seed)
    products = _products()
    docs = []
    start = date(2026, 3, 2)
    for i in range(n):
        ctl = 100_000 + i
        day = start + timedelta(days=i % 200)
        d8, d6 = day.strftime("%Y%m%d"), day.strftime("%y%m%d")
        body = [
            f"BEG*00*SA*BT{ctl}**{d8}",
            "CUR*BY*USD",
            f"DTM*002*{(day + timedelta(days=14)).strftime('%Y%m%d')}",
            "N1*BY*Acme Hardware Co*92*C0001",
            "N1*ST*Acme Hardware Co - Store 12*92*STORE12",
            "N3*1200 Industrial Pkwy",
            "N4*Portland*OR*97210*US",
        ]
        lines = rng.sample(products, rng.randint(3, 12))
        for n_line, (sku, uom, price) in enumerate(lines, start=1):
            body.append(f"PO1*{n_line}*{rng.randint(1, 40)}*{uom}*{price}**VN*{sku}")
        body.append(f"CTT*{len(lines)}")
        segments = [
            f"ISA*00*          *00*          *ZZ*ACMEHW         *ZZ*NORTHWINDSUP   *{d6}*1015*U*00401*"
            f"{ctl:09d}*0*P*>",
            f"GS*PO*ACMEHW*NORTHWINDSUP*{d8}*1015*{ctl}*X*004010",
            "ST*850*0001",
            *body,
            f"SE*{len(body) + 2}*0001",
            f"GE*1*{ctl}",
            f"IEA*1*{ctl:09d}",
        ]
        docs.append(("~\n".join(segments) + "~\n").encode("ascii"))
    return docs


def pdf_documents(n: int) -> list[bytes]:
    """The digital layout families' PDFs, repeated; each copy gets a distinct trailing comment so
    that it is a new document (stored and read again), not a duplicate of the first copy."""
    files = sorted(p for p in PDF_FAMILIES.glob("*/*.pdf") if p.parent.name != "scanned")
    if not files:
        raise SystemExit(f"no PDFs under {PDF_FAMILIES}")
    return [files[i % len(files)].read_bytes() + f"\n% copy {i}\n".encode() for i in range(n)]


@dataclass
class Result:
    mode: str
    documents: int
    seconds: float
    p50: float
    p95: float
    states: dict[str, int]

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


def _settings(url: str, data_dir: Path, redis_url: str | None) -> Settings:
    return Settings(database_url=url, redis_url=redis_url, data_dir=data_dir, _env_file=None)


def _prepare(url: str, data_dir: Path, redis_url: str | None) -> Pipeline:
    pipeline = build_pipeline(_settings(url, data_dir, redis_url))
    pipeline.db.upgrade()
    assert load_directory(pipeline.db, MASTERDATA).ok
    return pipeline


def _store(pipeline: Pipeline, docs: list[tuple[str, bytes]]) -> list[str]:
    return [
        receive(
            pipeline.db, Receipt(content=c, channel="edi", source="bench", source_ref=name, filename=name)
        ).id
        for name, c in docs
    ]


def _latencies(pipeline: Pipeline, ids: list[str], since: dict[str, float] | None) -> tuple[float, float]:
    """p50 and p95 seconds from arrival (storage, or the given submission times) to conclusion."""
    with pipeline.db.engine.connect() as conn:
        rows = conn.execute(
            select(DocumentRow.id, DocumentRow.received_at, DocumentRow.processed_at).where(
                DocumentRow.id.in_(ids)
            )
        ).all()
    waits = []
    for doc_id, received, processed in rows:
        if processed is None:
            continue
        start = since[doc_id] if since else received.timestamp()
        waits.append(processed.timestamp() - start)
    if not waits:
        return float("nan"), float("nan")
    waits.sort()
    return statistics.median(waits), waits[min(len(waits) - 1, int(len(waits) * 0.95))]


def _states(pipeline: Pipeline, ids: list[str]) -> dict[str, int]:
    with pipeline.db.unit_of_work("bench") as uow:
        states = uow.documents.states(ids)
    out: dict[str, int] = {}
    for state in states.values():
        out[state.value] = out.get(state.value, 0) + 1
    return out


def _start_workers(
    kind: str, count: int, env: dict[str, str], redis: Redis, logs: Path
) -> list[subprocess.Popen[bytes]]:
    base = [sys.executable, "-m", "ingest", "worker"]
    if kind == "pool":
        commands = [[*base, "--processes", str(count)]]
    else:
        commands = [[*base, *(["--no-fork"] if kind == "simple" else [])] for _ in range(count)]
    procs = []
    for i, cmd in enumerate(commands):
        log = (logs / f"worker-{kind}-{i}.log").open("wb")
        procs.append(subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 120
    while len(Worker.all(connection=redis)) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise SystemExit(f"{kind} workers did not start; see {logs}")
        time.sleep(0.2)
    time.sleep(1.0)  # let each finish warming its indexes
    return procs


class ChildRunner:
    """Hands document ids to ``in_process_child.py``, which processes each as it reads it."""

    def __init__(self, child: subprocess.Popen[bytes], pipeline: Pipeline) -> None:
        self.child, self.pipeline = child, pipeline

    def submit(self, document_ids: Sequence[str]) -> None:
        assert self.child.stdin is not None
        self.child.stdin.write("".join(f"{i}\n" for i in document_ids).encode())
        self.child.stdin.flush()

    def wait(self, document_ids: Sequence[str], timeout: float, progress: Progress | None = None) -> None:
        def alive(done: int, total: int) -> None:  # called at every poll: a dead child ends the wait
            if self.child.poll() is not None:
                raise SystemExit(f"the in-process child ended (exit {self.child.returncode}); see its log")
            if progress:
                progress(done, total)

        wait_for_states(self.pipeline.db, document_ids, timeout, alive)


def _start_child(env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    """The in-process runner in a process of its own, started and warmed before the clock runs."""
    child_env = {k: v for k, v in env.items() if k != "INGEST_REDIS_URL"}
    log = (logs / "in-process.log").open("wb")
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve().parent / "in_process_child.py")],
        env=child_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    assert child.stdout is not None
    if child.stdout.readline().strip() != b"ready":
        raise SystemExit(f"the in-process child did not start; see {logs / 'in-process.log'}")
    time.sleep(1.0)  # as for the workers
    return child


def _stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.stdin is not None:  # the in-process child: the end of its input ends it
            p.stdin.close()
            continue
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()


def run_mode(
    mode: str, docs: list[tuple[str, bytes]], data_dir: Path, redis_url: str, paced_rate: float | None = None
) -> Result:
    kind, _, n = mode.partition(":")
    count = int(n or 1)
    with postgres_database() as url:
        redis = Redis.from_url(redis_url)
        redis.flushdb()
        queued = kind not in ("in-process", "in-bench")
        pipeline = _prepare(url, data_dir, redis_url if queued else None)
        runner: Runner = build_runner(pipeline)
        procs: list[subprocess.Popen[bytes]] = []
        env = {
            **os.environ,
            "INGEST_DATABASE_URL": url,
            "INGEST_REDIS_URL": redis_url,
            "INGEST_DATA_DIR": str(data_dir),
            "INGEST_LOG_LEVEL": "WARNING",
        }
        try:
            if queued:
                procs = _start_workers(kind, count, env, redis, data_dir)
            elif kind == "in-process":
                child = _start_child(env, data_dir)
                procs = [child]
                runner = ChildRunner(child, pipeline)
            if paced_rate is None:
                ids = _store(pipeline, docs)
                start = time.perf_counter()
                submitted = {i: time.time() for i in ids}
                runner.submit(ids)
                runner.wait(ids, 7200)
                elapsed = time.perf_counter() - start
            else:
                ids, submitted = [], {}
                start = time.perf_counter()
                for k, doc in enumerate(docs):
                    delay = start + k / paced_rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    (doc_id,) = _store(pipeline, [doc])
                    submitted[doc_id] = time.time()
                    runner.submit([doc_id])
                    ids.append(doc_id)
                runner.wait(ids, 7200)
                elapsed = time.perf_counter() - start
            p50, p95 = _latencies(pipeline, ids, submitted)
            return Result(mode, len(ids), elapsed, p50, p95, _states(pipeline, ids))
        finally:
            _stop_workers(procs)
            pipeline.db.dispose()
            redis.flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--x12", type=int, default=10_000, help="X12 850 files (default 10000)")
    parser.add_argument("--pdf", type=int, default=1_000, help="PDF purchase orders (default 1000)")
    parser.add_argument("--modes", default="in-process,simple:1,simple:2,pool:2,fork:1,fork:2")
    parser.add_argument("--paced", type=int, default=500, help="documents in each paced run (0: none)")
    parser.add_argument(
        "--paced-rate", type=float, default=0.0, help="documents/s (default: 70%% of 1 worker)"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of every mode, alternating; medians are reported"
    )
    parser.add_argument("--redis", default="", help="a Redis URL (default: a private redis-server)")
    args = parser.parse_args()
    configure_logging("WARNING")
    with private_redis(args.redis) as redis_url:
        args.redis = redis_url
        measure(args)


def median_result(results: list[Result]) -> Result:
    """The run with the median rate (the lower middle one for an even count)."""
    ordered = sorted(results, key=lambda r: r.rate)
    return ordered[(len(ordered) - 1) // 2]


def summarize(results: dict[str, Result], runs: dict[str, list[Result]]) -> None:
    """Each mode's median rate and spread, its cost per document against in-process, the speed-ups."""
    base = results.get("in-process")
    if len(next(iter(runs.values()))) > 1:
        print(f"  medians of {len(next(iter(runs.values())))} rounds:")
    for mode, r in results.items():
        rates = [x.rate for x in runs[mode]]
        spread = f"  (rounds {min(rates):.1f}-{max(rates):.1f})" if len(rates) > 1 else ""
        ratio = f"{base.rate / r.rate:9.2f}x" if base else "         -"
        print(f"  {mode:12s} {r.rate:8.1f} {1000 / r.rate:8.1f} {ratio}{spread}")
    for kind in ("simple", "fork", "pool"):
        one, two = results.get(f"{kind}:1"), results.get(f"{kind}:2")
        if kind == "pool":
            one = one or results.get("simple:1")
        if one and two:
            print(f"  2 {kind} workers against 1: {two.rate / one.rate:.2f}x")
    for mode, r in results.items():
        if base and mode != "in-process" and mode.endswith(":1"):
            paired = [b.rate / x.rate - 1 for b, x in zip(runs["in-process"], runs[mode], strict=True)]
            each = ", ".join(f"{p * 100:+.1f}%" for p in paired) if len(paired) > 1 else ""
            rounds = f" (round by round: {each})" if each else ""
            print(f"  queue overhead per document, {mode}: {(base.rate / r.rate - 1) * 100:+.1f}%{rounds}")


def measure(args: argparse.Namespace) -> None:
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    sets = []
    if args.x12:
        sets.append(("X12 850", [(f"po{i}.x12", d) for i, d in enumerate(x12_documents(args.x12))]))
    if args.pdf:
        sets.append(("PDF", [(f"po{i}.pdf", d) for i, d in enumerate(pdf_documents(args.pdf))]))
    print(f"{os.cpu_count()} CPUs; master data: {MASTERDATA.relative_to(ROOT)}")
    with tempfile.TemporaryDirectory() as tmp:
        for title, docs in sets:
            print(f"\n{title}: {len(docs)} documents, {sum(len(d) for _, d in docs) / 1e6:.1f} MB")
            print(f"  {'mode':12s} {'docs/s':>8s} {'ms/doc':>8s}  states")
            runs: dict[str, list[Result]] = {mode: [] for mode in modes}
            for round_no in range(1, args.rounds + 1):
                for i, mode in enumerate(modes):  # modes alternate, so drifts of the machine hit all
                    data_dir = Path(tmp) / f"{title[:3]}-{round_no}-{i}"
                    data_dir.mkdir()
                    r = run_mode(mode, docs, data_dir, args.redis)
                    runs[mode].append(r)
                    tag = f" round {round_no}" if args.rounds > 1 else ""
                    figures = f"{r.rate:8.1f} {1000 / r.rate:8.1f}"
                    print(f"  {mode:12s} {figures}  {r.states}  ({r.seconds:.1f} s){tag}", flush=True)
            results = {mode: median_result(rs) for mode, rs in runs.items()}
            summarize(results, runs)
            if args.paced:
                ref = results.get("simple:1") or results.get("fork:1") or results.get("in-process")
                rate = args.paced_rate or (0.7 * ref.rate if ref else 10.0)
                print(f"  paced at {rate:.1f} documents/s, {min(args.paced, len(docs))} documents:")
                for mode in modes:
                    if mode.endswith(":2"):
                        continue
                    data_dir = Path(tmp) / f"{title[:3]}-paced-{mode.replace(':', '')}"
                    data_dir.mkdir()
                    r = run_mode(mode, docs[: args.paced], data_dir, args.redis, paced_rate=rate)
                    print(
                        f"    {mode:12s} arrival to conclusion p50 {r.p50 * 1000:7.1f} ms, "
                        f"p95 {r.p95 * 1000:7.1f} ms  {r.states}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
