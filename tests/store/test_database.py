from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select

from wso.store import Database, UTCDateTime, open_database
from wso.store.migrate import HEADS, database_heads, script_heads


def test_every_room_migrates_to_its_head(db: Database) -> None:
    assert database_heads(db.engine) == script_heads()


def test_the_heads_known_in_code_are_the_scripts_heads() -> None:
    """`upgrade` trusts HEADS to skip Alembic on an up-to-date database: a new migration must be named there."""
    assert script_heads() == HEADS


def test_a_new_database_has_no_heads_and_one_behind_is_brought_up(database_url: str) -> None:
    from alembic import command

    from wso.store.database import make_engine
    from wso.store.migrate import alembic_config, upgrade

    engine = make_engine(database_url)
    try:
        assert database_heads(engine) == set()
        command.upgrade(alembic_config(engine), "registry_0002")
        assert "registry_0002" in database_heads(engine)
        upgrade(engine)
        assert database_heads(engine) == HEADS
    finally:
        engine.dispose()


def test_opening_twice_is_idempotent(database_url: str) -> None:
    first = open_database(database_url)
    second = open_database(database_url)
    assert database_heads(second.engine) == script_heads()
    first.dispose()
    second.dispose()


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: object) -> None:
    from wso.settings import get_settings

    url = get_settings().resolved_database_url()
    assert url.startswith("sqlite:///") and url.endswith("wso-data/wso.sqlite3")


def test_utc_datetime_round_trips_aware_and_refuses_naive(db: Database) -> None:
    table = Table("t_utc_probe", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    table.create(db.engine)
    eastern = timezone(timedelta(hours=-5))
    with db.engine.begin() as conn:
        conn.execute(table.insert().values(id=1, at=datetime(2025, 3, 9, 1, 30, tzinfo=eastern)))
        got = conn.execute(select(table.c.at)).scalar_one()
    assert got == datetime(2025, 3, 9, 6, 30, tzinfo=UTC)
    assert got.tzinfo is not None
    with pytest.raises(Exception, match="naive datetime"), db.engine.begin() as conn:
        conn.execute(table.insert().values(id=2, at=datetime(2025, 1, 1)))
    table.drop(db.engine)
