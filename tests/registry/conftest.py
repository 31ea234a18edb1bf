"""Registry fixtures: the 42 shared files ingested once per test module, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, SHEETS, require_postgres
from wso.clock import FixedClock
from wso.registry import ingest
from wso.store import Database, open_database

INGESTED_AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(INGESTED_AT)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A fresh migrated database for one test module, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path_factory.mktemp('registry') / 'wso.sqlite3'}")
        try:
            yield database
        finally:
            database.dispose()
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    database = open_database(url.render_as_string(hide_password=False))
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def loaded(module_db: Database) -> Database:
    """`module_db` holding every shared snapshot (all 42 files)."""
    with module_db.session() as session:
        report = ingest(session, [SHEETS], clock=FixedClock(INGESTED_AT))
    assert report.added == 42 and not report.failed
    return module_db


def sheet(folder: str, name: str) -> Path:
    return SHEETS / folder / name
