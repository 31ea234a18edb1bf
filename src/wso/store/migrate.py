"""Alembic, driven from code: every room's migration branch brought to its head."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("registry", "program", "custody", "audit", "records", "web")


def version_locations() -> list[Path]:
    """Each room that has migrations keeps them in ``<room>/migrations``."""
    return [PACKAGE_ROOT / room / "migrations" for room in ROOMS if (PACKAGE_ROOT / room / "migrations").is_dir()]


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "alembic"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(p) for p in version_locations()))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def database_heads(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine) -> None:
    """Bring every branch to its head; does nothing (and costs one query) when already there."""
    if database_heads(engine) == script_heads():
        return
    command.upgrade(alembic_config(engine), "heads")
