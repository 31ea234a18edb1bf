"""Alembic environment: runs against the engine handed in by `wso.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from wso.store.base import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through wso.store.upgrade(engine)")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    if connection.dialect.name == "postgresql":
        # Two processes starting at once must not both migrate: the second waits, then finds nothing to do.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(2870287)")
    context.run_migrations()
