"""A new SQLite database made in one step (`wso.store.fresh`) has exactly the schema the migrations make."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from wso.store import open_database
from wso.store.database import make_engine
from wso.store.fresh import create_fresh, master_of, migrated_schema, stored_schema
from wso.store.migrate import HEADS, database_heads, run_migrations


def _master(path: Path) -> list[tuple[str, str, str | None]]:
    connection = sqlite3.connect(path)
    try:
        return sorted(master_of(connection), key=lambda row: (row[0], row[1]))
    finally:
        connection.close()


def _text(item: object) -> str:
    """An inspector's record as text (SQL expressions as their SQL, not their object's address)."""
    return json.dumps(item, default=str, sort_keys=True)


def _inspected(url: str) -> dict[str, object]:
    """Every table's columns, keys, indexes and constraints, as SQLAlchemy's inspector reads them."""
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in found.get_columns(table)],
                found.get_pk_constraint(table),
                sorted(map(_text, found.get_foreign_keys(table))),
                sorted(map(_text, found.get_indexes(table))),
                sorted(map(_text, found.get_unique_constraints(table))),
                sorted(map(_text, found.get_check_constraints(table))),
            )
            for table in found.get_table_names()
        }
    finally:
        engine.dispose()


def test_the_stored_schema_is_what_the_migrations_make() -> None:
    """After a new migration: `python -m wso.store.fresh` writes the schema file anew."""
    assert migrated_schema() == stored_schema()
    assert set(stored_schema()["heads"]) == HEADS


def test_a_new_sqlite_database_is_made_as_migrating_makes_it(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.sqlite3", tmp_path / "fresh.sqlite3"
    engine = make_engine(f"sqlite:///{migrated}")
    try:
        run_migrations(engine)
    finally:
        engine.dispose()
    database = open_database(f"sqlite:///{fresh}")
    try:
        assert database_heads(database.engine) == HEADS
    finally:
        database.dispose()
    # the same tables, indexes, triggers and full-text search structures, in the same SQL; the same as inspected
    assert _master(fresh) == _master(migrated)
    assert _inspected(f"sqlite:///{fresh}") == _inspected(f"sqlite:///{migrated}")


def test_a_database_holding_anything_is_migrated_not_made(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    connection.close()
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert create_fresh(engine, HEADS) is False
        assert [name for _kind, name, _sql in master_of(sqlite3.connect(path))] == ["notes"]
        assert create_fresh(engine, frozenset({"registry_0001"})) is False  # a schema file at other heads
    finally:
        engine.dispose()


def test_the_schema_file_is_not_used_for_postgresql(postgres_url: str) -> None:
    """PostgreSQL is migrated through Alembic as before (a server's database is made once)."""
    engine = make_engine(postgres_url)
    try:
        assert create_fresh(engine, HEADS) is False
        assert database_heads(engine) == set()
    finally:
        engine.dispose()
