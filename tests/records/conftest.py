"""A database shared by the tests of one module (each makes requests of its own), on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, require_postgres
from wso.store import Database, open_database


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated database kept for a whole module: for many small tests that each add their own rows."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('records') / 'wso.sqlite3'}"
    else:
        require_postgres()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with create_engine(POSTGRES_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    database = open_database(url)
    try:
        yield database
    finally:
        database.dispose()
        if schema is not None:
            admin = create_engine(POSTGRES_URL)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
