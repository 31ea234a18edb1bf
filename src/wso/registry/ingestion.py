"""Ingest ICE's spreadsheets: hash each file first (the same bytes are never read twice), read the new ones,
store every row (each distinct row content once, as a reading) and its issues, then rebuild agencies and
agreements, all in the caller's one transaction."""

from __future__ import annotations

import gc
import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry.bulk import sending
from wso.registry.dates import read_capture_folder, read_file_name
from wso.registry.derive import derive, read_stored, write_derived
from wso.registry.models import ISSUES, ROWS, SNAPSHOTS
from wso.registry.rows import HeaderError, IssueRecord, ReadRow, RowCache, clear_caches, read_sheet
from wso.registry.sheets import OpenedFile, SheetError, is_csv_name, open_file

SUFFIXES = (".xlsx", ".csv")


class IngestError(ValueError):
    """Paths that cannot be ingested: one does not exist, or a file is not a readable spreadsheet (the message
    names every such file and why; nothing is written)."""


@dataclass(frozen=True)
class FileResult:
    path: str
    sha256: str
    status: str  # added | skipped | failed
    kind: str | None = None
    label: str | None = None
    rows: int = 0
    blank_rows: int = 0
    issues: int = 0
    message: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for f in self.files if f.status == "added")

    @property
    def skipped(self) -> int:
        return sum(1 for f in self.files if f.status == "skipped")

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def issues(self) -> int:
        return sum(f.issues for f in self.files)


def discover(paths: Iterable[Path]) -> list[Path]:
    """The spreadsheets named by `paths`: files as given, folders searched recursively (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", "."))
            )
        elif path.is_file():
            found.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    return found


@dataclass
class _Parsed:
    snapshot: dict[str, Any]
    numbers: list[int]  # the row number of each data row
    reading_ids: list[str]  # the reading of each data row
    readings: dict[str, ReadRow]  # reading id -> the row as read
    issues: list[dict[str, Any]]

    @property
    def rows(self) -> list[tuple[str, int, str]]:
        """(snapshot id, row number, reading id) of every data row."""
        return list(zip(repeat(self.snapshot["id"]), self.numbers, self.reading_ids))


def _file_issue(code: str, message: str) -> IssueRecord:
    return IssueRecord(None, code, None, None, message)


def parse_file(
    path: Path,
    content: bytes | OpenedFile,
    sha: str,
    *,
    captured_at: datetime | None,
    ingested_at: datetime,
    cache: RowCache | None = None,
) -> _Parsed:
    """Read one file (its bytes, or the file as `open_file` opened them) into snapshot, row and issue records
    (nothing written yet). Raises SheetError/HeaderError."""
    table = (open_file(path.name, content) if isinstance(content, bytes) else content).table()
    info = read_file_name(path.name)
    file_issues: list[IssueRecord] = []
    kind = info.kind
    if kind is None:
        # by rule: only the participating list carries SIGNED
        from wso.registry.rows import find_header

        _i, _h, columns = find_header(table)
        kind = "participating" if "signed" in columns else "pending"
        file_issues.append(
            _file_issue("kind_from_header", f"file name does not say participating or pending; read as {kind}")
        )
    sheet = read_sheet(table, kind, cache)
    if captured_at is None:
        captured_at = read_capture_folder(path.parent.name)
    if captured_at is None:
        captured_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        file_issues.append(
            _file_issue(
                "captured_from_mtime",
                f"folder {path.parent.name!r} is not a capture time (YYYYMMDDTHHMMSSZ) and no --captured-at was "
                f"given; using the file's modification time {captured_at.isoformat()}",
            )
        )
    published = info.published
    if published is None:
        published = captured_at.date()
        file_issues.append(
            _file_issue(
                "published_from_capture",
                f"file name carries no MMDDYYYY publication date; using the capture date {published.isoformat()}",
            )
        )
    all_issues = file_issues + sheet.issues
    snapshot: dict[str, Any] = {
        "id": sha,
        "kind": kind,
        "file_name": path.name,
        "source_path": str(path),
        "published": published,
        "half": info.half,
        "captured_at": captured_at,
        "ingested_at": ingested_at,
        "file_format": table.file_format,
        "header": json.dumps(sheet.header, ensure_ascii=False),
        "row_count": len(sheet.numbers),
        "blank_rows": sheet.blank_rows,
    }
    if sheet.blank_rows:
        all_issues.append(
            _file_issue("blank_rows", f"{sheet.blank_rows} blank row(s) between the header and the last row skipped")
        )
    reading_ids = list(map(attrgetter("reading_id"), sheet.readings))
    readings = dict(zip(reading_ids, sheet.readings, strict=True))
    issues = [
        {
            "snapshot_id": sha,
            "file_name": path.name,
            "row_number": i.row_number,
            "code": i.code,
            "field": i.field,
            "value": i.value,
            "message": i.message,
        }
        for i in all_issues
    ]
    return _Parsed(snapshot, sheet.numbers, reading_ids, readings, issues)


def label_of(published: object, half: str | None) -> str:
    return f"{published}{half or ''}"


def ingest(
    session: Session,
    paths: Sequence[Path],
    *,
    clock: Clock,
    captured_at: datetime | None = None,
    progress: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest the spreadsheets under `paths` into the registry; already-known contents are skipped. A file that
    cannot be read stops the whole ingest before anything is written (IngestError naming each such file)."""
    with _collector_paused():
        return _ingest(session, paths, clock=clock, captured_at=captured_at, progress=progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while an ingest runs (resumed only if it was running before).

    An ingest makes tens of thousands of containers (cells, row keys, readings, derived records) that live just
    long enough to be promoted, so CPython 3.11 starts full collections of the whole process heap during it
    (40-70 ms each, as long as the rest of an ingest of the shared files), which find nothing of the ingest's to
    free: reference counting frees all of it. The work is avoided, not deferred: twelve ingests in one process,
    each followed by allocation and the whole followed by a full collection, took 2.57 s of CPU paused and
    2.95-3.11 s not paused (collections inside the loop: 0.27-0.30 s against 0.69-0.73 s)."""
    was_running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_running:
            gc.enable()


# how many files the reading thread may have opened (or be opening) beyond the one the caller is interpreting
READ_AHEAD = 4


def read_ahead(files: Iterable[Path], known: set[str]) -> Iterator[tuple[Path, str, Future[OpenedFile]]]:
    """Each of `files` in order, with its content hash and the file opened (`open_file`) by a second thread, up to
    READ_AHEAD files ahead of the caller. Opening an xlsx file is python-calamine parsing its sheet, in Rust
    without the GIL, so on a machine with two cores the next files are parsed while Python interprets and stores
    this one. The cells' Python values and the hyperlinks are made by `table()`, in the caller's thread: made in
    the second thread too, they were slower (42 shared files: 0.23-0.25 s, against 0.19 s), as that thread then
    waits for the GIL, which the caller's holds, after each step that releases it. `result()` gives what
    `open_file` gives, or raises what it raises, as a plain loop would.

    `known` is read as the caller goes: a content in it (stored before, or by the caller earlier in this run) is
    not opened; its entry's future is cancelled, and the caller skips it by its hash. The same content twice within
    the window, under names `open_file` reads alike, is opened once (the entries share one future); met again
    later and not stored, it is opened again, as a plain loop would. Only the window's futures are kept, so memory
    does not grow with the number of files."""
    window: deque[tuple[Path, str, Future[OpenedFile]]] = deque()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wso-read")
    try:
        for path in files:
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            if sha in known:
                read = _KNOWN
            else:
                same = [r for p, s, r in window if s == sha and is_csv_name(p.name) == is_csv_name(path.name)]
                read = same[0] if same else pool.submit(open_file, path.name, data)
            window.append((path, sha, read))
            if len(window) > READ_AHEAD:
                yield window.popleft()
        while window:
            yield window.popleft()
    except BaseException:  # the caller stopped early (GeneratorExit) or reading failed: what is queued is dropped
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)  # every read the caller holds is finished, asked for or not


# the read of a content already stored: never opened, and never asked for (cancelled: `result()` raises a new
# CancelledError each time, so no traceback accumulates on a shared exception)
_KNOWN: Future[OpenedFile] = Future()
_KNOWN.cancel()


def _ingest(
    session: Session,
    paths: Sequence[Path],
    *,
    clock: Clock,
    captured_at: datetime | None,
    progress: Callable[[Path], None] | None,
) -> IngestReport:
    files = discover(paths)
    clear_caches()
    known = set(session.scalars(select(SNAPSHOTS.c.id)))
    report = IngestReport()
    snapshots: list[dict[str, Any]] = []
    rows: dict[str, tuple[list[int], list[str]]] = {}  # snapshot id -> row numbers, reading ids
    readings: dict[str, ReadRow] = {}
    issues: list[dict[str, Any]] = []
    now = clock.now()
    cache: RowCache = {}
    for path, sha, opened in read_ahead(files, known):
        if sha in known:
            report.files.append(FileResult(str(path), sha, "skipped", message="same content already ingested"))
        else:
            try:
                parsed = parse_file(path, opened.result(), sha, captured_at=captured_at, ingested_at=now, cache=cache)
            except (SheetError, HeaderError) as exc:
                report.files.append(FileResult(str(path), sha, "failed", message=f"{path}: {exc}"))
            else:
                known.add(sha)
                snapshots.append(parsed.snapshot)
                rows[sha] = (parsed.numbers, parsed.reading_ids)
                readings.update(parsed.readings)
                issues.extend(parsed.issues)
                snap = parsed.snapshot
                report.files.append(
                    FileResult(
                        str(path),
                        sha,
                        "added",
                        kind=str(snap["kind"]),
                        label=label_of(snap["published"], snap["half"]),
                        rows=len(parsed.numbers),
                        blank_rows=int(snap["blank_rows"]),
                        issues=len(parsed.issues),
                    )
                )
        if progress is not None:
            progress(path)
    if report.failed:
        bad = "; ".join(f.message or f.path for f in report.failed)
        raise IngestError(f"{len(report.failed)} file(s) cannot be read, so nothing was ingested: {bad}")
    if snapshots:
        connection = session.connection()
        connection.execute(insert(SNAPSHOTS), snapshots)
        stored = read_stored(connection, fresh_rows=rows, fresh_readings=readings)
        # PostgreSQL stores the issues while Python lists the rows, and the rows while Python derives agencies and
        # agreements; the rows in key order (snapshots by id, each in row order), so their B-tree grows at its end
        with sending(connection, ISSUES, issues):
            ordered = [(sha, *rows[sha]) for sha in sorted(rows)]
            row_records = list(chain.from_iterable(zip(repeat(sha), numbers, ids) for sha, numbers, ids in ordered))
        with sending(connection, ROWS, row_records, columns=("snapshot_id", "row_number", "reading_id"), plain=True):
            derived = derive(stored)
        write_derived(connection, derived)
    return report
