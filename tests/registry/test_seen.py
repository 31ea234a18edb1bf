"""A repeated ingest skips files unchanged since they were read (path, size and times) without reading them, and
reads again any file whose size or times changed, even one rewritten to the same size."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.registry.conftest import INGESTED_AT
from tests.registry.test_archive import ARCHIVE
from wso import registry
from wso.clock import FixedClock
from wso.registry.models import SEEN_FILES, SNAPSHOTS
from wso.store import Database

HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"


def _ingest(db: Database, *paths: Path) -> registry.IngestReport:
    with db.session() as session:
        return registry.ingest(session, list(paths), clock=FixedClock(INGESTED_AT))


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose bytes are read from now on (every read, counted by name)."""
    names: list[str] = []
    real = Path.read_bytes

    def counted(path: Path) -> bytes:
        names.append(path.name)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return names


def test_a_repeated_ingest_of_the_archive_reads_no_list(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "archive"
    shutil.copytree(ARCHIVE, folder)
    first = _ingest(db, folder)
    assert first.added == 13
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SEEN_FILES)) == 13
    reads = _reads(monkeypatch)
    again = _ingest(db, folder)
    assert again.added == 0 and again.skipped == 13
    assert [n for n in reads if n.endswith(".xlsx")] == []  # only the manifest's head is read, for its dates
    assert {f.sha256 for f in again.files if f.status == "skipped"} == {
        f.sha256 for f in first.files if f.status == "added"
    }
    assert all(f.message == "same content already ingested" for f in again.files if f.status == "skipped")


def test_a_file_rewritten_to_the_same_size_and_time_is_read_again(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "participatingAgencies05012025am.csv"
    path.write_text(HEADER + "TEXAS,Alpha PD,Municipality,,WSO,2025-04-01,\n")
    assert _ingest(db, path).added == 1
    before = os.stat(path)
    path.write_text(HEADER + "TEXAS,Omega PD,Municipality,,WSO,2025-04-01,\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the modification time set back
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns
    report = _ingest(db, path)
    assert report.added == 1  # the change time told: read, hashed, a new content
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SNAPSHOTS)) == 2
        recorded = s.execute(select(SEEN_FILES.c.sha256).where(SEEN_FILES.c.path == os.path.abspath(path))).scalar()
    assert recorded == report.files[0].sha256


def test_a_touched_file_is_read_again_and_its_new_time_kept(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "participatingAgencies08022025pm.xlsx"
    shutil.copy(ARCHIVE / "participatingAgencies" / path.name, path)
    _ingest(db, path)
    os.utime(path, ns=(0, os.stat(path).st_mtime_ns + 10**9))
    reads = _reads(monkeypatch)
    report = _ingest(db, path)
    assert report.skipped == 1 and reads.count(path.name) >= 1  # read and hashed: the same content, skipped
    reads.clear()
    assert _ingest(db, path).skipped == 1 and path.name not in reads  # its new times were kept
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SEEN_FILES)) == 1


def test_a_known_file_whose_content_is_not_stored_is_read(db: Database, tmp_path: Path) -> None:
    """The record of a file is a shortcut to its stored content, never a reason to skip a content not stored (an
    ingest that failed wrote no record; a database loaded from a pack holds none)."""
    path = tmp_path / "participatingAgencies05012025am.csv"
    path.write_text(HEADER + "TEXAS,Alpha PD,Municipality,,WSO,2025-04-01,\n")
    broken = tmp_path / "participatingAgencies05022025am.xlsx"
    broken.write_bytes(b"PK not a zip")
    with pytest.raises(registry.IngestError):
        _ingest(db, path, broken)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SEEN_FILES)) == 0
    broken.unlink()
    assert _ingest(db, path).added == 1
