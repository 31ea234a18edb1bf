"""Ingest's reading ahead: the next files are opened in a second thread while one is interpreted. What the
caller gets must be what a plain loop of `read_table` gives, in order, failures and repeated contents included."""

from __future__ import annotations

import hashlib
import shutil
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import CancelledError
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import SHEETS
from wso.clock import FixedClock
from wso.registry import ingest
from wso.registry import issues as registry_issues
from wso.registry.ingestion import READ_AHEAD, IngestError, discover, read_ahead
from wso.registry.models import ROWS, SNAPSHOTS
from wso.registry.sheets import SheetError, read_table
from wso.store import open_database


def test_every_shared_file_comes_in_order_as_read_table_reads_it() -> None:
    files = discover([SHEETS])
    got = list(read_ahead(files, set()))
    assert [path for path, _sha, _read in got] == files
    for path, sha, read in got:
        data = path.read_bytes()
        assert sha == hashlib.sha256(data).hexdigest()
        table, plain = read.result().table(), read_table(path.name, data)
        assert (table.rows, table.links, table.file_format) == (plain.rows, plain.links, plain.file_format), path


def test_no_more_than_read_ahead_files_are_read_beyond_the_one_given() -> None:
    files = discover([SHEETS])[: READ_AHEAD + 6]
    pulled: list[Path] = []

    def counting() -> Iterator[Path]:
        for path in files:
            pulled.append(path)
            yield path

    reading = read_ahead(counting(), set())
    for taken in range(1, len(files) + 1):
        path, _sha, _read = next(reading)
        assert path == files[taken - 1]
        assert len(pulled) == min(len(files), taken + READ_AHEAD)
    assert next(reading, None) is None


def test_the_same_bytes_under_two_names_are_read_once_and_recorded(tmp_path: Path, clock: FixedClock) -> None:
    original = SHEETS / "20250519T024922Z" / "participatingAgencies05162025am.xlsx"
    first, second = tmp_path / "20250519T024922Z", tmp_path / "20250520T000000Z"
    for folder in (first, second):
        folder.mkdir()
        shutil.copy(original, folder / original.name)
    entries = list(read_ahead(discover([tmp_path]), set()))
    assert entries[0][2] is entries[1][2]  # one read, shared
    database = open_database(f"sqlite:///{tmp_path / 'wso.sqlite3'}")
    try:
        with database.session() as session:
            report = ingest(session, [tmp_path], clock=clock)
        listed = [f for f in report.files if f.status != "ignored"]
        assert [f.status for f in listed] == ["added", "skipped"]
        # the same bytes under two names: read once, and recorded on the snapshot
        assert listed[1].message == f"same bytes as {first / original.name}, read once"
        with database.session() as session:
            found = registry_issues(session, code="same_bytes")
        assert [(i.file_name, i.value) for i in found] == [(original.name, original.name)]
        assert str(second / original.name) in found[0].message
        # the database beside them is no list: listed, with the reason, not read
        assert {Path(f.path).name for f in report.ignored} >= {"wso.sqlite3"}
        assert all("not a spreadsheet" in (f.message or "") for f in report.ignored)
    finally:
        database.dispose()


def test_a_stored_content_is_skipped_without_being_read(tmp_path: Path) -> None:
    folder = tmp_path / "20250502T150000Z"
    folder.mkdir()
    junk = folder / "participatingAgencies05012025am.xlsx"
    junk.write_bytes(b"PK not really a workbook")
    (_path, sha, read), *_rest = read_ahead([junk], {hashlib.sha256(junk.read_bytes()).hexdigest()})
    assert sha == hashlib.sha256(junk.read_bytes()).hexdigest()
    assert read.cancelled()  # never opened (opening it would fail: it is not a workbook)
    with pytest.raises(CancelledError):
        read.result()


def test_unreadable_files_anywhere_in_the_window_are_each_named_and_nothing_is_written(
    tmp_path: Path, clock: FixedClock
) -> None:
    good = discover([SHEETS])[: READ_AHEAD + 2]
    paths = [shutil.copy(path, tmp_path / f"{i:02d}-{path.parent.name}-{path.name}") for i, path in enumerate(good)]
    broken = [
        tmp_path / "03-broken-pendingAgencies05012025am.xlsx",
        tmp_path / "99-broken-pendingAgencies05022025am.xlsx",
    ]
    for path in broken:
        path.write_bytes(b"<html>Access denied</html>")  # the same bytes twice: read once, failing for both
    entries = list(read_ahead(discover([tmp_path]), set()))
    assert len(entries) == len(paths) + 2
    for path, _sha, read in entries:
        if path in broken:
            with pytest.raises(SheetError, match="neither an xlsx workbook"):
                read.result()
    database = open_database(f"sqlite:///{tmp_path / 'wso.sqlite3'}")
    try:
        with pytest.raises(IngestError) as failure, database.session() as session:
            ingest(session, [tmp_path], clock=clock)
        assert "2 file(s) cannot be read" in str(failure.value)
        assert all(str(path) in str(failure.value) for path in broken)
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(SNAPSHOTS)) == 0
            assert session.scalar(select(func.count()).select_from(ROWS)) == 0
    finally:
        database.dispose()


def test_a_caller_that_stops_early_leaves_no_reading_thread_behind() -> None:
    reading = read_ahead(discover([SHEETS]), set())
    next(reading)
    assert any(t.name.startswith("wso-read") for t in threading.enumerate())
    reading.close()  # as when an ingest is interrupted
    assert not any(t.name.startswith("wso-read") for t in threading.enumerate())


def test_only_the_window_is_kept_so_memory_does_not_grow_with_the_files() -> None:
    """Each opened file (its bytes and its parsed sheet) is let go once the caller has passed it."""
    passed: list[weakref.ref[object]] = []
    for _path, _sha, read in read_ahead(discover([SHEETS]), set()):
        read.result().table()
        passed.append(weakref.ref(read))
        del read
        assert [ref for ref in passed[:-1] if ref() is not None] == []
    assert len(passed) == 42


def test_the_same_bytes_under_a_csv_and_an_xlsx_name_are_read_as_each_name_says(tmp_path: Path) -> None:
    """open_file goes by the name, so equal contents are shared only between names it reads alike: a workbook
    saved by mistake as .csv does not make its .xlsx twin unreadable."""
    original = SHEETS / "20250519T024922Z" / "participatingAgencies05162025am.xlsx"
    as_csv, as_xlsx = tmp_path / "a" / "participatingAgencies05162025am.csv", tmp_path / "b" / original.name
    for path in (as_csv, as_xlsx):
        path.parent.mkdir()
        shutil.copy(original, path)
    (_p1, sha1, csv_read), (_p2, sha2, xlsx_read) = read_ahead([as_csv, as_xlsx], set())
    assert sha1 == sha2 and csv_read is not xlsx_read
    assert csv_read.result().table().file_format == "csv"
    assert xlsx_read.result().table().file_format == "xlsx"
