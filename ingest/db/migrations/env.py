"""Alembic environment: the engine comes from the caller (ingest.db.migrate), never from a file."""

from __future__ import annotations

from alembic import context

from ingest.db.tables import Base

engine = context.config.attributes.get("engine")
if engine is None:  # plain `alembic` command line, for writing new revisions
    from ingest.config import load_settings
    from ingest.db.engine import make_engine

    engine = make_engine(load_settings().database_url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
