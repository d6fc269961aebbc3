"""Persistence: the only package that imports SQLAlchemy."""

from ingest.db.database import Database, UnitOfWork

__all__ = ["Database", "UnitOfWork"]
