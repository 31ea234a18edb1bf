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
from collections.abc import Callable, Mapping, Sequence
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


def _connect(environ: Mapping[str, str] | None) -> sqlite3.Connection | None:
    """The default database, read-only, if it is an SQLite file whose registry migrations are current."""
    url = default_database_url(os.environ if environ is None else environ)
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        versions = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.Error:
        return None
    if HEAD not in versions:
        connection.close()
        return None
    return connection


def ready_stats(environ: Mapping[str, str] | None = None) -> str | None:
    """The stored answer of `wso registry stats --json`, or None when the command must run as usual."""
    connection = _connect(environ)
    if connection is None:
        return None
    try:
        row = connection.execute("SELECT value FROM registry_answers WHERE key = ?", (STATS,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return str(row[0]) if row is not None else None


def stored_files(
    environ: Mapping[str, str] | None = None,
) -> tuple[dict[str, tuple[tuple[int, int, int], str]], set[str]] | None:
    """The files the default database has seen (`registry_files`: absolute path -> (size, mtime_ns, ctime_ns),
    sha256) and the contents it stores (snapshot ids), or None when it is not an SQLite file whose migrations are
    current."""
    connection = _connect(environ)
    if connection is None:
        return None
    try:
        seen = {
            path: ((size, mtime, ctime), sha)
            for path, size, mtime, ctime, sha in connection.execute(
                "SELECT path, size, mtime_ns, ctime_ns, sha256 FROM registry_files"
            )
        }
        stored = {sha for (sha,) in connection.execute("SELECT id FROM registry_snapshots")}
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return seen, stored


def ready_ingest(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str | None:
    """What `wso registry ingest PATH... [--json]` prints when every spreadsheet under the paths is unchanged since
    an ingest stored it (`registry_files`: same path, size and times; its content a stored snapshot), so that the
    ingest would skip them all and write nothing; None when the command must run as usual (any other option, a
    file new or changed, a path missing, a manifest that does not read: the command says what)."""
    # here, not atop the module: `wso registry stats --json` loads this module alone
    from wso.registry.finding import MANIFEST_READ, SAME_CONTENT, IngestError, discover, stat_of
    from wso.registry.sheets import is_csv_name
    from wso.registry.sources import SourceError, is_manifest, read_manifest

    as_json = "--json" in args
    paths = [Path(a) for a in args if a != "--json"]
    if not paths or any(str(p).startswith("-") for p in paths):
        return None
    others: list[tuple[Path, str]] = []
    try:
        files = discover(paths, others)
    except IngestError:
        return None
    files_seen = stored_files(environ)
    if files_seen is None:
        return None
    seen, stored = files_seen
    report = [(str(p), "", "ignored", reason) for p, reason in others]
    skipped: list[tuple[str, str, str, str]] = []
    for path in files:
        if is_csv_name(path.name) and is_manifest(path.read_bytes()[:4096]):
            try:
                read_manifest(path)
            except SourceError:
                return None
            report.append((str(path), "", "ignored", MANIFEST_READ))
            continue
        entry = seen.get(os.path.abspath(path))
        if entry is None or entry[0] != stat_of(path) or entry[1] not in stored:
            return None
        skipped.append((str(path), entry[1], "skipped", SAME_CONTENT))
    return _report_text(report + skipped, as_json)


def _report_text(files: list[tuple[str, str, str, str]], as_json: bool) -> str:
    """A report of files skipped and ignored as `wso registry ingest` prints it."""
    skipped = sum(1 for f in files if f[2] == "skipped")
    if as_json:
        entries = [
            {
                "path": path,
                "sha256": sha,
                "status": status,
                "kind": None,
                "label": None,
                "rows": 0,
                "blank_rows": 0,
                "issues": 0,
                "message": message,
            }
            for path, sha, status, message in files
        ]
        return json.dumps({"added": 0, "skipped": skipped, "rows": 0, "files": entries}, indent=2, ensure_ascii=False)
    lines = [f"{status:7} {path}: {message}" for path, _sha, status, message in files]
    ignored = len(files) - skipped
    lines.append(f"0 added, {skipped} skipped, " + (f"{ignored} ignored, " if ignored else "") + "0 rows, 0 issues")
    return "\n".join(lines)


# command lines of `wso registry` (after `wso registry`, as typed) -> their answer kept ready, or None to run them
ANSWERS: dict[tuple[str, ...], Callable[[], str | None]] = {("stats", "--json"): ready_stats}
# commands of `wso registry` (the word after `wso registry`) -> a function of the rest of the command line giving
# what the command prints, when it can be told without running it, or None to run it
COMMANDS: dict[str, Callable[[Sequence[str]], str | None]] = {"ingest": ready_ingest}
