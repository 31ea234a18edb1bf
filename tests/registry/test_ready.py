"""The answer kept ready for `wso registry stats --json`: the same text the command computes, kept current by every
change, read by a whole process without SQLAlchemy, and only when it can be trusted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHEETS
from tests.registry.conftest import INGESTED_AT
from wso import registry
from wso.clock import FixedClock
from wso.registry.ready import default_database_url, ready_stats, stats_text
from wso.settings import Settings
from wso.store import open_database


def test_the_ready_answer_is_the_commands_and_follows_every_change(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wso.sqlite3'}"
    env = {"WSO_DATABASE_URL": url}
    database = open_database(url)
    try:
        assert ready_stats(env) is None  # nothing ingested: the command runs as usual
        with database.session() as s:
            registry.ingest(s, [SHEETS / "20250519T024922Z"], clock=FixedClock(INGESTED_AT))
        with database.session() as s:
            assert ready_stats(env) == stats_text(registry.stats(s))
        with database.session() as s:
            registry.ingest(s, [SHEETS / "20250704T151659Z"], clock=FixedClock(INGESTED_AT))
        with database.session() as s:
            latest = registry.stats(s)
        assert latest.snapshot == "2025-07-03pm" and latest.total == 777
        assert ready_stats(env) == stats_text(latest)
    finally:
        database.dispose()
    # the whole process prints it, byte for byte as the command computes it
    run = subprocess.run(
        [sys.executable, "-m", "wso", "registry", "stats", "--json"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == stats_text(latest) + "\n"
    assert "sqlalchemy" not in run.stderr


def test_not_ready_for_postgresql_a_missing_file_or_a_database_to_migrate(tmp_path: Path) -> None:
    assert ready_stats({"WSO_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/test"}) is None
    assert ready_stats({"WSO_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"}) is None
    import sqlite3

    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as c:
        c.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        c.execute("INSERT INTO alembic_version VALUES ('registry_0004')")
    assert ready_stats({"WSO_DATABASE_URL": f"sqlite:///{old}"}) is None


def test_the_default_database_is_the_settings(tmp_path: Path) -> None:
    for env in ({}, {"WSO_DATA_DIR": str(tmp_path)}, {"WSO_DATABASE_URL": "sqlite:////x/y.sqlite3"}):
        saved = {k: os.environ.pop(k) for k in ("WSO_DATA_DIR", "WSO_DATABASE_URL") if k in os.environ}
        try:
            os.environ.update(env)
            assert default_database_url(os.environ) == Settings().resolved_database_url()
        finally:
            for k in env:
                os.environ.pop(k, None)
            os.environ.update(saved)
