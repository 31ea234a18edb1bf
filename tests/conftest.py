"""Shared fixtures: a real database per test, on SQLite and on PostgreSQL.

PostgreSQL tests run against the server on 127.0.0.1:5432 (database `test`), each in a schema of its own.
Without the server they are skipped, except under CI=true, where a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from wso.store import Database, open_database

POSTGRES_URL = os.environ.get("WSO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# The real files the tests read live in the repository, under tests/data (copied from the project's shared data
# folder; tests/data/README.md says where each came from), so a clone with nothing beside it passes its tests.
DATA = Path(__file__).resolve().parent / "data"
SHEETS = DATA / "ice-287g-sheets"
MOA_DIR = DATA / "moa"
REFERENCE = DATA / "reference"


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements `database` runs inside the block (SQLAlchemy's `before_cursor_execute`), to show that a
    read takes as many statements whatever the number of rows."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(args[2])

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", note)


_postgres_ok: bool | None = None


def postgres_available() -> bool:
    global _postgres_ok
    if _postgres_ok is None:
        try:
            engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _postgres_ok = True
        except Exception:
            _postgres_ok = False
    return _postgres_ok


def require_postgres() -> None:
    if postgres_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and PostgreSQL at {POSTGRES_URL} is not reachable: PostgreSQL tests must run in CI")
    pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty schema on the PostgreSQL server, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'wso.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh database: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        url: str = request.getfixturevalue("sqlite_url")
        return url
    url = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated database on each engine."""
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = open_database(sqlite_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches the user's data directory or inherits their WSO_ settings."""
    for key in list(os.environ):
        if key.startswith("WSO_") and key != "WSO_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("WSO_DATA_DIR", str(tmp_path / "wso-data"))
    from wso.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
