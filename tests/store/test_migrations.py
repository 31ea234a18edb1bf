"""Every room's migrations build exactly the tables its models declare."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import wso
from wso.store import Base, Database


def import_all_models() -> None:
    for module in pkgutil.walk_packages(wso.__path__, prefix="wso."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)


def test_migrations_match_models(db: Database) -> None:
    import_all_models()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"migrations and models disagree: {diff}"
