"""Alembic, driven from code: every room's migration branch brought to its head."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("registry", "program", "custody", "audit", "records", "accounts", "moa", "watch")

# Each room's newest migration. `upgrade` compares a database with these before it loads Alembic at all, so a
# command on an up-to-date database does not pay for Alembic and for reading every migration script (about 0.2 s
# of each command's start); a test keeps this set equal to the scripts' heads.
HEADS = frozenset({"custody_0004", "records_0001", "registry_0006", "accounts_0002", "moa_0002", "watch_0001"})


def version_locations() -> list[Path]:
    """Each room that has migrations keeps them in ``<room>/migrations``."""
    return [PACKAGE_ROOT / room / "migrations" for room in ROOMS if (PACKAGE_ROOT / room / "migrations").is_dir()]


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "alembic"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in version_locations()))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_heads() -> set[str]:
    """The heads of the migration scripts, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_heads(engine: Engine) -> set[str]:
    """The revisions a database is at (Alembic's version table; empty for a new database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def upgrade(engine: Engine) -> None:
    """Bring every branch to its head; does nothing (and costs a query or two) when already there. A new, empty
    SQLite database is made in one step from the schema the migrations make (`wso.store.fresh`), without Alembic."""
    heads = database_heads(engine)
    if heads == HEADS:
        return
    if not heads:
        from wso.store.fresh import create_fresh

        if create_fresh(engine, HEADS):
            return
    run_migrations(engine)


def run_migrations(engine: Engine) -> None:
    """Every room's migrations through Alembic, from wherever the database is to the heads."""
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")
