"""Shared bench helpers: throwaway databases, a private Redis and synthetic master data."""

from __future__ import annotations

import os
import random
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from redis import Redis
from redis.exceptions import RedisError

from ingest.domain.identifiers import gtin_check_digit

PG_ADMIN = os.environ.get("INGEST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one bench run, dropped afterwards."""
    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    name = f"ingest_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def private_redis(url: str) -> Iterator[str]:
    """The given Redis, or a redis-server of our own on a free loopback port (no persistence)."""
    if url:
        yield url
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except RedisError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def write_products(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    kinds = ["Hex bolt", "Lag screw", "Flat washer", "Hex nut", "Wood screw", "Anchor", "Rivet", "Cable tie"]
    finishes = ["zinc plated", "stainless steel", "black oxide", "galvanized", "brass"]
    with path.open("w", encoding="utf-8") as fh:
        fh.write("sku,description,upc,uom,pack_size,unit_price\n")
        for i in range(n):
            body = f"0{rng.randrange(10**10):010d}"
            upc = body + str(gtin_check_digit(body))
            desc = (
                f"{rng.choice(kinds)} {rng.randint(4, 24)} x {rng.randint(10, 200)} mm {rng.choice(finishes)}"
            )
            price = f"{rng.randint(1, 99999) / 100:.2f}"
            fh.write(f"SKU-{i:07d},{desc},{upc},EA,{rng.choice([1, 10, 50, 100])},{price}\n")
