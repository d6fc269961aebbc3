"""Documents per second through the whole pipeline (store, parse, match, decide, commit) for CSV
purchase orders: in-process on SQLite and PostgreSQL, and on one rq worker (PostgreSQL + Redis).

Run: .venv/bin/python bench/pipeline.py [--documents 300] [--redis redis://127.0.0.1:6379/8]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import postgres_database, write_products
from redis import Redis

from ingest.bootstrap import build_pipeline, build_runner
from ingest.config import Settings
from ingest.domain.document import Receipt
from ingest.logs import configure_logging
from ingest.services.intake import receive
from ingest.services.masterdata import load_directory
from ingest.services.status import counts

PRODUCTS = 5000


def write_masterdata(folder: Path) -> None:
    folder.mkdir()
    write_products(folder / "products.csv", PRODUCTS)
    with (folder / "customers.csv").open("w") as fh:
        fh.write("customer_id,name,email_domains\n")
        for c in range(20):
            fh.write(f"C{c:04d},Customer {c},c{c}.example\n")
    with (folder / "customer_items.csv").open("w") as fh:
        fh.write("customer_id,customer_part_number,sku\n")
        for c in range(20):
            for i in range(200):
                fh.write(f"C{c:04d},CP-{c}-{i},SKU-{(c * 200 + i) % PRODUCTS:07d}\n")


def documents(n: int, seed: int = 11) -> list[bytes]:
    rng = random.Random(seed)
    docs = []
    for d in range(n):
        c = rng.randrange(20)
        rows = ["PO Number,Customer,SKU,Customer Part,Qty,UOM,Unit Price,Description"]
        for _ in range(rng.randint(3, 20)):
            if rng.random() < 0.5:
                sku, part = f"SKU-{rng.randrange(PRODUCTS):07d}", ""
            else:
                sku, part = "", f"CP-{c}-{rng.randrange(200)}"
            if rng.random() < 0.03:
                sku, part = "UNKNOWN-1", ""
            qty, price = rng.randint(1, 500), rng.randint(1, 9999) / 100
            rows.append(f"BENCH-{d},C{c:04d},{sku},{part},{qty},EA,{price:.2f},item")
        docs.append(("\n".join(rows) + "\n").encode())
    return docs


def run_in_process(url: str, docs: list[bytes], md: Path, data_dir: Path) -> float:
    pipeline = build_pipeline(Settings(database_url=url, data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    pipeline.db.upgrade()
    assert load_directory(pipeline.db, md).ok
    runner = build_runner(pipeline)
    start = time.perf_counter()
    ids = [
        receive(
            pipeline.db,
            Receipt(content=c, channel="file", source="bench", source_ref=f"{i}.csv", filename=f"{i}.csv"),
        ).id
        for i, c in enumerate(docs)
    ]
    runner.submit(ids)
    runner.wait(ids, 3600)
    elapsed = time.perf_counter() - start
    print(f"    states: {dict((k, v) for k, v in counts(pipeline.db)['documents'].items() if v)}")
    pipeline.db.dispose()
    return elapsed


def run_rq(url: str, redis_url: str, docs: list[bytes], md: Path, data_dir: Path, fork: bool) -> float:
    Redis.from_url(redis_url).flushdb()
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    pipeline = build_pipeline(settings)
    pipeline.db.upgrade()
    assert load_directory(pipeline.db, md).ok
    runner = build_runner(pipeline)
    env = {
        **os.environ,
        "INGEST_DATABASE_URL": url,
        "INGEST_REDIS_URL": redis_url,
        "INGEST_DATA_DIR": str(data_dir),
    }
    start = time.perf_counter()
    ids = [
        receive(
            pipeline.db,
            Receipt(
                content=c, channel="file", source="bench", source_ref=f"rq{i}.csv", filename=f"rq{i}.csv"
            ),
        ).id
        for i, c in enumerate(docs)
    ]
    runner.submit(ids)
    args = [sys.executable, "-m", "ingest", "worker", "--burst"] + ([] if fork else ["--no-fork"])
    subprocess.run(args, env=env, check=True, timeout=3600)
    runner.wait(ids, 3600)
    elapsed = time.perf_counter() - start
    print(f"    states: {dict((k, v) for k, v in counts(pipeline.db)['documents'].items() if v)}")
    pipeline.db.dispose()
    Redis.from_url(redis_url).flushdb()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    args = parser.parse_args()
    configure_logging("WARNING")
    docs = documents(args.documents)
    lines = sum(d.count(b"\n") - 1 for d in docs)
    print(f"{len(docs)} CSV purchase orders, {lines} lines, {PRODUCTS} products in master data")
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "md"
        write_masterdata(md)
        t = run_in_process(f"sqlite:///{tmp}/a.db", docs, md, Path(tmp))
        print(f"in-process, SQLite       {len(docs) / t:7.1f} documents/s  ({t:.1f} s)")
        with postgres_database() as url:
            t = run_in_process(url, docs, md, Path(tmp))
        print(f"in-process, PostgreSQL   {len(docs) / t:7.1f} documents/s  ({t:.1f} s)")
        for fork in (True, False):
            with postgres_database() as url:
                t = run_rq(url, args.redis, docs, md, Path(tmp), fork)
            kind = "forking worker" if fork else "--no-fork worker"
            rate = len(docs) / t
            print(f"rq, 1 {kind:16s}   {rate:7.1f} documents/s  ({t:.1f} s, PostgreSQL, incl. worker start)")


if __name__ == "__main__":
    main()
