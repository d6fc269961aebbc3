"""How long `masterdata load` takes for 100,000 products on SQLite and PostgreSQL.

Run: .venv/bin/python bench/masterdata_load.py [--products 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import postgres_database, write_products

from ingest.db import Database
from ingest.logs import configure_logging
from ingest.services.masterdata import load_directory


def measure(url: str, folder: Path) -> tuple[float, float]:
    db = Database(url)
    db.upgrade()
    start = time.perf_counter()
    result = load_directory(db, folder)
    first = time.perf_counter() - start
    assert result.ok, result.rejected
    start = time.perf_counter()
    load_directory(db, folder)  # the same file again: every row is an update
    again = time.perf_counter() - start
    db.dispose()
    return first, again


def report(name: str, rows: int, first: float, again: float) -> None:
    print(f"{name:11s} first load {first:6.2f} s ({rows / first:,.0f} rows/s)   reload {again:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    args = parser.parse_args()
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "md"
        folder.mkdir()
        write_products(folder / "products.csv", args.products)
        size = (folder / "products.csv").stat().st_size
        print(f"products.csv: {args.products:,} rows, {size / 1e6:.1f} MB")
        first, again = measure(f"sqlite:///{tmp}/bench.db", folder)
        report("sqlite", args.products, first, again)
        with postgres_database() as url:
            first, again = measure(url, folder)
        report("postgresql", args.products, first, again)


if __name__ == "__main__":
    main()
