"""Bulk writing's page cache: larger on SQLite while an ingest writes, the connection's own size afterwards."""

from __future__ import annotations

from wso.registry.bulk import large_cache
from wso.store import Database


def test_a_large_cache_while_writing_then_the_size_it_had(db: Database) -> None:
    with db.engine.connect() as connection:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar() if db.engine.dialect.name == "sqlite" else 0
        with large_cache(connection):
            if db.engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
        if db.engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before
