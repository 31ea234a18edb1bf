"""Answers kept ready: `wso registry stats --json` on the latest list, stored whenever the registry changes and
read by a process that loads neither SQLAlchemy nor the settings (the standard library's sqlite3 only).

Every `wso` command pays Python's start-up and its imports; SQLAlchemy, Alembic and pydantic-settings alone cost
the better part of a second, far more than the query. `wso registry stats --json` is asked often (by scripts, by
the watch's users), so its answer for the latest list is written as text into `registry_answers` in the
transaction that changes the registry (`wso.registry.queries.remember_answers`), and the CLI prints it from there
when it can: an SQLite database (the default) whose migrations are current and that holds the answer. Otherwise
(PostgreSQL, a database to migrate, an empty one that first gets the bundled history) the command runs as usual.
This module imports nothing of SQLAlchemy, so `import wso.registry.ready` stays cheap.

`ANSWERS` declares which command lines of `wso registry` are answered so: `wso.cli.main` looks a command line up
there (its `SUBCOMMANDS` entry names this module) before it loads any command.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wso.registry.views import Stats

STATS = "stats"  # the key of `wso registry stats --json`'s answer (latest list)
# the registry's newest migration (0005 made `registry_answers`); a database behind it is migrated first
HEAD = "registry_0006"


def stats_text(stats: Stats) -> str:
    """`stats` as `wso registry stats --json` prints it (indented JSON, dates as ISO text)."""
    return json.dumps(asdict(stats), indent=2, ensure_ascii=False, default=date.isoformat)


def default_database_url(environ: Mapping[str, str]) -> str:
    """The database the settings name (`wso.settings.Settings.resolved_database_url`), read from the environment
    as pydantic-settings reads it: WSO_DATABASE_URL, else wso.sqlite3 in WSO_DATA_DIR or the user's data folder."""
    url = environ.get("WSO_DATABASE_URL")
    if url:
        return url
    folder = environ.get("WSO_DATA_DIR")
    if not folder:
        import platformdirs

        folder = platformdirs.user_data_dir("wso", appauthor=False)
    return f"sqlite:///{Path(folder) / 'wso.sqlite3'}"


def ready_stats(environ: Mapping[str, str] | None = None) -> str | None:
    """The stored answer of `wso registry stats --json`, or None when the command must run as usual."""
    url = default_database_url(os.environ if environ is None else environ)
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        versions = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
        if HEAD not in versions:
            return None
        row = connection.execute("SELECT value FROM registry_answers WHERE key = ?", (STATS,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return str(row[0]) if row is not None else None


# command lines of `wso registry` (after `wso registry`, as typed) -> their answer kept ready, or None to run them
ANSWERS: dict[tuple[str, ...], Callable[[], str | None]] = {("stats", "--json"): ready_stats}
