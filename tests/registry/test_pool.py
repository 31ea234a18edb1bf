"""Ingest with a pool of parsing processes stores exactly what ingest in one process stores: every registry table,
row for row, on the real archive files (tests/data/ice-287g-archive), on SQLite and PostgreSQL, and with the
workers started before the database is opened (`head_start`, SQLite)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table, delete, select

from tests.registry.conftest import INGESTED_AT
from tests.registry.test_archive import ARCHIVE
from wso import registry
from wso.clock import FixedClock
from wso.registry import models
from wso.registry.finding import stat_of
from wso.registry.ingestion import IngestReport
from wso.registry.parsing import Sources, parse_file
from wso.registry.pool import Pool
from wso.registry.seen import Seen
from wso.store import Database, open_database

TABLES: list[Table] = [t for t in models.Base.metadata.sorted_tables if t.name.startswith("registry_")]


def _dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every registry table's rows, sorted (an issue without its serial id)."""
    with db.session() as s:
        dump: dict[str, list[tuple[object, ...]]] = {}
        for t in TABLES:
            columns = [c for c in t.c if not (t is models.ISSUES and c.name == "id")]
            dump[t.name] = sorted(map(tuple, s.execute(select(*columns)).all()), key=repr)
        return dump


def _ingest(db: Database, paths: list[Path], workers: int) -> IngestReport:
    with db.session() as s:
        return registry.ingest(s, paths, clock=FixedClock(INGESTED_AT), workers=workers)


def _empty(db: Database) -> None:
    with db.session() as s:
        for t in reversed(TABLES):
            s.execute(delete(t))


def _digest(dump: dict[str, list[tuple[object, ...]]]) -> dict[str, str]:
    return {name: hashlib.sha256(repr(rows).encode()).hexdigest() for name, rows in dump.items()}


def test_a_pool_stores_what_one_process_stores(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(ARCHIVE, folder)
    # the same bytes under a second name, given out to the pool beside the first: read once, recorded
    (folder / "participatingAgencies2").mkdir()
    name = "participatingAgencies11114025am.xlsx"
    shutil.copy(folder / "participatingAgencies" / name, folder / "participatingAgencies2" / name)
    plain = _ingest(db, [folder], workers=1)
    one = _dump(db)
    _empty(db)
    pooled = _ingest(db, [folder], workers=2)
    assert [(f.path, f.sha256, f.status, f.label, f.rows, f.issues, f.message) for f in pooled.files] == [
        (f.path, f.sha256, f.status, f.label, f.rows, f.issues, f.message) for f in plain.files
    ]
    assert plain.added == 13 and plain.rows > 0
    two = _dump(db)
    assert one["registry_rows"] and one["registry_agreements"] and len(one["registry_files"]) == 14
    assert _digest(two) == _digest(one)
    assert two == one


def test_unreadable_files_are_each_named_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    shutil.copytree(ARCHIVE, tmp_path / "archive")
    for name in ("participatingAgencies01012025am.xlsx", "pendingAgencies01012025am.xlsx"):
        (tmp_path / "archive" / name).write_bytes(b"PK not a zip at all")
    with pytest.raises(registry.IngestError) as raised:
        _ingest(db, [tmp_path / "archive"], workers=2)
    assert "2 file(s) cannot be read" in str(raised.value)
    assert "participatingAgencies01012025am.xlsx" in str(raised.value)
    assert "pendingAgencies01012025am.xlsx" in str(raised.value)
    assert all(rows == [] for rows in _dump(db).values())


def _head_started(url: str, paths: list[Path], workers: int = 2) -> IngestReport:
    """`ingest` of `paths` into the SQLite file `url` as `wso registry ingest` runs it: its workers started by
    `head_start` before the database is opened."""
    started = registry.head_start(
        paths, workers=workers, clock=FixedClock(INGESTED_AT), environ={"WSO_DATABASE_URL": url}
    )
    assert started is not None
    database = open_database(url)
    try:
        with database.session() as s:
            return registry.ingest(s, paths, clock=FixedClock(datetime(2000, 1, 1, tzinfo=UTC)), started=started)
    finally:
        database.dispose()


def test_a_head_start_stores_what_one_process_stores(tmp_path: Path) -> None:
    """Every registry table the same, row for row, whether the workers were started before the database was opened
    or not at all (one process), and with one worker or two; a repeated ingest skips every file, stored or
    changed since, as one process does."""
    folder = tmp_path / "archive"
    shutil.copytree(ARCHIVE, folder)
    (folder / "participatingAgencies2").mkdir()
    name = "participatingAgencies11114025am.xlsx"
    shutil.copy(folder / "participatingAgencies" / name, folder / "participatingAgencies2" / name)
    dumps = {}
    for label, workers in (("plain", 1), ("head start, 1 worker", 1), ("head start, 2 workers", 2)):
        url = f"sqlite:///{tmp_path / (label.replace(' ', '_').replace(',', '') + '.sqlite3')}"
        if label == "plain":
            database = open_database(url)
            plain = _ingest(database, [folder], workers=1)
            database.dispose()
        else:
            report = _head_started(url, [folder], workers)
            assert [(f.path, f.sha256, f.status, f.label, f.rows, f.issues, f.message) for f in report.files] == [
                (f.path, f.sha256, f.status, f.label, f.rows, f.issues, f.message) for f in plain.files
            ]
        database = open_database(url)
        dumps[label] = _dump(database)
        database.dispose()
    assert plain.added == 13 and len(dumps["plain"]["registry_rows"]) == plain.rows > 0
    for label, dump in dumps.items():
        assert _digest(dump) == _digest(dumps["plain"]), label
        assert dump == dumps["plain"], label

    # again: every file is known by its stat; one touched since is read again and skipped by its content
    url = f"sqlite:///{tmp_path / 'head_start_2_workers.sqlite3'}"
    (folder / "participatingAgencies2" / name).touch()
    again = _head_started(url, [folder])
    assert again.added == 0 and again.skipped == plain.skipped + plain.added
    database = open_database(url)
    after = _dump(database)
    database.dispose()
    touched = str(folder / "participatingAgencies2" / name)
    assert [row[1:4] for row in after.pop("registry_files") if row[0] == touched] == [stat_of(Path(touched))]
    assert after == {table: rows for table, rows in dumps["plain"].items() if table != "registry_files"}


def test_a_head_start_is_for_an_sqlite_file_only() -> None:
    environ = {"WSO_DATABASE_URL": "postgresql://127.0.0.1:5432/test"}
    assert registry.head_start([ARCHIVE], workers=2, clock=FixedClock(INGESTED_AT), environ=environ) is None


def test_a_head_start_says_what_is_wrong_before_anything_starts(tmp_path: Path) -> None:
    environ = {"WSO_DATABASE_URL": f"sqlite:///{tmp_path / 'wso.sqlite3'}"}
    with pytest.raises(registry.IngestError, match="no such file or folder"):
        registry.head_start([tmp_path / "missing"], workers=2, clock=FixedClock(INGESTED_AT), environ=environ)


def test_the_workers_load_no_sqlalchemy() -> None:
    """The pool and what its workers run import nothing of SQLAlchemy, so `wso registry ingest` starts them before
    loading the database layer."""
    probe = "import wso.registry.pool, sys; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_content_a_worker_took_for_stored_and_the_ingest_does_not_know_is_read_by_the_ingest() -> None:
    """The workers are told what was stored when they started; should the ingest not know a content they skipped
    (another process changed the database in between), it reads the file itself rather than lose it."""
    path = ARCHIVE / "participatingAgencies" / "participatingAgencies11114025am.xlsx"
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    sources = Sources(today=INGESTED_AT.date())
    pool = Pool([path], workers=2, ingested_at=INGESTED_AT, sources=sources, before={}, stored={sha})
    seen = Seen()
    [(found, got, parse)] = list(pool.results(seen))
    assert (found, got) == (path, sha)
    parsed = parse()
    alone = parse_file(path, data, sha, captured_at=None, ingested_at=INGESTED_AT, sources=sources)
    assert (parsed.snapshot, parsed.numbers, parsed.reading_ids) == (alone.snapshot, alone.numbers, alone.reading_ids)
    seen.keep(path, sha)
    assert seen.now == {str(path.resolve()): (stat_of(path), sha)}
