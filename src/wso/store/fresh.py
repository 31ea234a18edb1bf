"""A new SQLite database made in one step: the schema every room's migrations make, kept as SQL, stamped at heads.

Running the migrations through Alembic costs a new database's first command about 0.3 s of CPU (importing
Alembic and every migration script, then some forty steps, several of them rebuilding a table as SQLite must), more
than a whole `wso registry stats`. The schema the migrations leave in an SQLite file is kept here as its own SQL
(`sqlite_schema.json`: what `sqlite_master` holds, with the heads it was made at); a new, empty SQLite file gets
those statements and Alembic's version rows in one transaction. Anything else (a file with tables, PostgreSQL, a
schema file behind the migrations' heads) is migrated as before. `python -m wso.store.fresh` writes the file anew
from the migrations; a test keeps it equal to what they make.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

SCHEMA_FILE = Path(__file__).with_name("sqlite_schema.json")
_ORDER = {"table": 0, "index": 1, "view": 2, "trigger": 3}


def schema_statements(master: Iterable[tuple[str, str, str | None]]) -> list[str]:
    """The statements that make a schema again, from `sqlite_master`'s (type, name, sql) rows: tables first, then
    indexes, views and triggers, each kind by name; without SQLite's own objects (`sqlite_sequence`, automatic
    indexes) and the shadow tables a virtual table makes for itself."""
    rows = [(kind, name, sql) for kind, name, sql in master if sql is not None and not name.startswith("sqlite_")]
    virtual = [name for _kind, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    kept = [
        (kind, name, sql)
        for kind, name, sql in rows
        if not (kind == "table" and any(name.startswith(f"{table}_") for table in virtual))
    ]
    return [sql for _kind, _name, sql in sorted(kept, key=lambda row: (_ORDER.get(row[0], 9), row[1]))]


def master_of(connection: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """An SQLite database's `sqlite_master` rows: (type, name, sql)."""
    return [(kind, name, sql) for kind, name, sql in connection.execute("SELECT type, name, sql FROM sqlite_master")]


@cache
def stored_schema() -> dict[str, Any]:
    """`sqlite_schema.json`: {"heads": [...], "statements": [...]}."""
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def create_fresh(engine: Engine, heads: frozenset[str]) -> bool:
    """Make the whole schema in a new SQLite database and stamp it at `heads`, in one transaction; False (nothing
    done) when the database is not SQLite, already holds anything, or the stored schema is not at `heads`."""
    if engine.dialect.name != "sqlite":
        return False
    schema = stored_schema()
    if frozenset(schema["heads"]) != heads:
        return False
    raw = engine.raw_connection()
    try:
        driver: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        level = driver.isolation_level
        driver.isolation_level = None  # the transaction is ours: SQLite's DDL is transactional
        try:
            driver.execute("BEGIN IMMEDIATE")  # a second process starting at once waits, then finds tables
            try:
                empty = driver.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
                if empty:
                    for statement in schema["statements"]:
                        driver.execute(statement)
                    driver.executemany(
                        "INSERT INTO alembic_version (version_num) VALUES (?)", [(head,) for head in sorted(heads)]
                    )
                driver.execute("COMMIT")
            except BaseException:
                driver.execute("ROLLBACK")
                raise
        finally:
            driver.isolation_level = level
    finally:
        raw.close()
    return bool(empty)


def migrated_schema() -> dict[str, Any]:
    """The schema a new SQLite file has after every room's migrations (run through Alembic), with its heads."""
    from wso.store.database import make_engine
    from wso.store.migrate import database_heads, run_migrations

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'schema.sqlite3'}")
        try:
            run_migrations(engine)
            heads = sorted(database_heads(engine))
            raw = engine.raw_connection()
            try:
                statements = schema_statements(master_of(raw.driver_connection))  # type: ignore[arg-type]
            finally:
                raw.close()
        finally:
            engine.dispose()
    return {"heads": heads, "statements": statements}


def main() -> None:
    """Write `sqlite_schema.json` from the migrations (run after adding one)."""
    SCHEMA_FILE.write_text(json.dumps(migrated_schema(), indent=1) + "\n", encoding="utf-8")
    print(f"{SCHEMA_FILE}: written", file=sys.stderr)


if __name__ == "__main__":
    main()
