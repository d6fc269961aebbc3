"""Database fixtures: every integration test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from samples import CUSTOMERS, ITEMS, PRODUCTS
from sqlalchemy import text

from ingest.bootstrap import build_pipeline
from ingest.config import Settings
from ingest.db import Database
from ingest.db.tables import Base
from ingest.services.deps import Pipeline
from ingest.services.masterdata import load_directory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
_upgraded: set[str] = set()


def _clean_postgres(url: str) -> None:
    db = Database(url)
    try:
        if url not in _upgraded:
            db.upgrade()
            _upgraded.add(url)
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ingest.db'}"
        db = Database(url)
        db.upgrade()
        db.dispose()
        return url
    url: str = request.getfixturevalue("postgres_url")
    _clean_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path / "data", redis_url=None, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def pipeline(settings: Settings) -> Iterator[Pipeline]:
    p = build_pipeline(settings)
    yield p
    p.db.dispose()


@pytest.fixture
def loaded_pipeline(pipeline: Pipeline) -> Pipeline:
    """A pipeline whose database holds the fixture master data."""
    report = load_directory(pipeline.db, FIXTURES / "masterdata")
    assert report.ok, report.rejected
    return pipeline


@pytest.fixture
def shop(pipeline: Pipeline, tmp_path: Path) -> Pipeline:
    """A pipeline whose database holds the small master data of samples.py."""
    d = tmp_path / "md"
    d.mkdir()
    (d / "customers.csv").write_text(CUSTOMERS)
    (d / "products.csv").write_text(PRODUCTS)
    (d / "customer_items.csv").write_text(ITEMS)
    assert load_directory(pipeline.db, d).ok
    return pipeline
