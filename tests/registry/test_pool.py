"""Ingest with a pool of parsing processes stores exactly what ingest in one process stores: every registry table,
row for row, on the real archive files (tests/data/ice-287g-archive), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Table, delete, select

from tests.registry.conftest import INGESTED_AT
from tests.registry.test_archive import ARCHIVE
from wso import registry
from wso.clock import FixedClock
from wso.registry import models
from wso.registry.ingestion import IngestReport
from wso.store import Database

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
