"""Ingest ICE's spreadsheets: hash each file first (the same bytes are never read twice), read the new ones,
store every row (each distinct row content once, as a reading) and its issues, then rebuild agencies and
agreements, all in the caller's one transaction."""

from __future__ import annotations

import gc
import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry.bulk import bulk_insert, large_cache, sending
from wso.registry.dating import local_day
from wso.registry.derive import derive, read_stored, write_derived
from wso.registry.finding import MANIFEST_READ, SAME_CONTENT
from wso.registry.finding import IngestError as IngestError  # re-exported: raised by `ingest`
from wso.registry.finding import discover as discover  # re-exported: the files `ingest` reads
from wso.registry.headers import HeaderError
from wso.registry.models import ISSUES, ROWS, SNAPSHOTS
from wso.registry.parsing import Parsed, Sources, file_issue, issue_record, parse_file, split_manifests
from wso.registry.queries import remember_answers
from wso.registry.readings import IssueRecord, ReadRow
from wso.registry.rows import RowCache, clear_caches
from wso.registry.seen import Seen, read_seen, write_seen
from wso.registry.sheets import OpenedFile, SheetError, is_csv_name, open_file
from wso.registry.sources import (
    Corrections,
    Manifest,
    SourceError,
    forget_folders,
    is_manifest,
    read_corrections,
    read_manifest,
)

if TYPE_CHECKING:
    from wso.registry.pool import HeadStart


@dataclass(frozen=True)
class FileResult:
    path: str
    sha256: str
    status: str  # added | skipped (same bytes) | ignored (not an ICE list: `message` says why) | failed
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
    def ignored(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "ignored"]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def issues(self) -> int:
        return sum(f.issues for f in self.files)


def label_of(published: object, half: str | None) -> str:
    return f"{published}{half or ''}"


def ingest(
    session: Session,
    paths: Sequence[Path],
    *,
    clock: Clock,
    captured_at: datetime | None = None,
    progress: Callable[[Path], None] | None = None,
    manifest: Path | None = None,
    corrections: Path | None = None,
    workers: int = 1,
    started: HeadStart | None = None,
) -> IngestReport:
    """Ingest the spreadsheets under `paths` into the registry; already-known contents are skipped, files that are
    not ICE lists are listed as ignored with the reason. A file that cannot be read stops the whole ingest before
    anything is written (IngestError naming each such file). Publications are dated by `wso.registry.dating`,
    from the names, capture stamps, `manifest` (and any manifest found in a folder), the workbooks' metadata and
    content, and `corrections` (dates set by hand, which win, applied to stored snapshots too). With `workers` > 1
    the files are parsed by that many processes (`wso.registry.pool`); what is stored is the same. `started`: this
    ingest of `paths` begun by `wso.registry.pool.head_start` (its files, manifests, time and workers are used;
    not with `manifest` or `corrections`); its workers are ended whatever happens."""
    try:
        if started is not None and (manifest is not None or corrections is not None):
            raise ValueError("an ingest begun by head_start takes no manifest or corrections file")
        if started is None:
            forget_folders()
        try:
            found_manifest = read_manifest(manifest) if manifest is not None else None
            hand = read_corrections(corrections) if corrections is not None else None
        except SourceError as exc:
            raise IngestError(str(exc)) from exc
        with _collector_paused():
            return _ingest(
                session,
                paths,
                clock=clock,
                captured_at=captured_at,
                progress=progress,
                manifest=found_manifest,
                corrections=hand,
                workers=workers,
                started=started,
            )
    finally:
        if started is not None:
            started.close()


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


def hashed(
    files: Iterable[Path], known: set[str], seen: Seen | None = None
) -> Iterator[tuple[Path, str, bytes | None]]:
    """Each of `files` in order with the sha256 of its content and the content, or None for a content in `known`
    (read as the caller goes). With `seen`, a file unchanged since an ingest saw it (same path, size and times)
    whose content is stored is neither read nor hashed: it comes with the sha256 recorded then."""
    for path in files:
        recorded = seen.known_sha(path, known) if seen is not None else None
        if recorded is not None:
            yield path, recorded, None
            continue
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        yield path, sha, None if sha in known else data


# how many files the reading thread may have opened (or be opening) beyond the one the caller is interpreting
READ_AHEAD = 4


def read_ahead(
    files: Iterable[Path], known: set[str], seen: Seen | None = None
) -> Iterator[tuple[Path, str, Future[OpenedFile]]]:
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
    does not grow with the number of files.

    With `seen`, a file unchanged since an ingest saw it is neither read nor hashed (`hashed`)."""
    window: deque[tuple[Path, str, Future[OpenedFile]]] = deque()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wso-read")
    try:
        for path, sha, data in hashed(files, known, seen):
            if data is None:
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


def _ignored_reason(path: Path, data: bytes, exc: HeaderError) -> str:
    """Why a readable spreadsheet that is not an ICE list is not read (by what it looks like)."""
    head = data[:65536].decode("utf-8", errors="replace").lower() if is_csv_name(path.name) else ""
    if is_csv_name(path.name) and is_manifest(data):
        return "a manifest (path and capture time of each file): read for the capture times, not a list"
    if "row labels" in head or "grand total" in head or "pivot" in path.name.lower():
        return f"a pivot table, not one of ICE's lists ({exc})"
    return f"not one of ICE's lists: {exc}"


def _ingest(
    session: Session,
    paths: Sequence[Path],
    *,
    clock: Clock,
    captured_at: datetime | None,
    progress: Callable[[Path], None] | None,
    manifest: Manifest | None = None,
    corrections: Corrections | None = None,
    workers: int = 1,
    started: HeadStart | None = None,
) -> IngestReport:
    lists: list[Path] = []
    if started is None:
        others: list[tuple[Path, str]] = []
        lists, manifests, manifest = split_manifests(discover(paths, others), manifest)
        now = clock.now()
        sources = Sources(today=local_day(now), captured_at=captured_at, manifest=manifest, corrections=corrections)
    else:
        others, manifests, now, sources = started.others, started.manifests, started.ingested_at, started.sources
    report = IngestReport()
    report.files.extend(FileResult(str(p), "", "ignored", message=reason) for p, reason in others)
    report.files.extend(FileResult(str(p), "", "ignored", message=MANIFEST_READ) for p in manifests)
    clear_caches()
    known = set(session.scalars(select(SNAPSHOTS.c.id)))
    stored_before = set(known)
    snapshots: list[dict[str, Any]] = []
    rows: dict[str, tuple[list[int], list[str]]] = {}  # snapshot id -> row numbers, reading ids
    readings: dict[str, ReadRow] = {}
    issues: list[dict[str, Any]] = []
    first_path: dict[str, Path] = {}
    seen = read_seen(session.connection())
    for path, sha, parse in _parsing(
        lists, known, seen, workers=workers, ingested_at=now, sources=sources, started=started
    ):
        if sha in known:
            seen.keep(path, sha)
            if sha in stored_before:
                message = SAME_CONTENT
            else:
                message = f"same bytes as {first_path[sha]}, read once"
                issues.append(
                    issue_record(
                        sha,
                        first_path[sha].name,
                        file_issue("same_bytes", f"the same bytes are also at {path}", "file_name", path.name),
                    )
                )
            report.files.append(FileResult(str(path), sha, "skipped", message=message))
        else:
            try:
                parsed = parse()
            except SheetError as exc:
                report.files.append(FileResult(str(path), sha, "failed", message=f"{path}: {exc}"))
            except HeaderError as exc:
                reason = _ignored_reason(path, path.read_bytes(), exc)
                report.files.append(FileResult(str(path), sha, "ignored", message=reason))
            else:
                seen.keep(path, sha)
                known.add(sha)
                first_path[sha] = path
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
    connection = session.connection()
    with large_cache(connection):
        _write(session, connection, seen, corrections, stored_before, snapshots, rows, readings, issues)
    return report


def _write(
    session: Session,
    connection: Connection,
    seen: Seen,
    corrections: Corrections | None,
    stored_before: set[str],
    snapshots: list[dict[str, Any]],
    rows: dict[str, tuple[list[int], list[str]]],
    readings: dict[str, ReadRow],
    issues: list[dict[str, Any]],
) -> None:
    """What an ingest stores, in the caller's transaction: files seen, dates corrected, snapshots, rows and
    readings, issues, and the agencies and agreements derived from every list."""
    write_seen(connection, seen)
    redated = _redate_stored(connection, corrections, stored_before) if corrections is not None else []
    issues.extend(redated)
    if snapshots or redated:
        if snapshots:
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
        remember_answers(session)
    elif issues:
        bulk_insert(connection, ISSUES, issues)


def _parsing(
    files: Sequence[Path],
    known: set[str],
    seen: Seen,
    *,
    workers: int,
    ingested_at: datetime,
    sources: Sources,
    started: HeadStart | None,
) -> Iterator[tuple[Path, str, Callable[[], Parsed]]]:
    """Each file in order with its sha256 and how to get it parsed (`parse_file`), which raises what that raises;
    not to be called for a content in `known` (read as the caller goes). With `workers` > 1 the files are read and
    parsed by that many processes (`wso.registry.pool`; those of `started`, begun before), else here, opened by
    `read_ahead`'s thread."""
    if started is not None:
        yield from started.pool.results(seen)
        return
    if workers > 1:
        from wso.registry.pool import Pool  # multiprocessing is loaded only when used

        pool = Pool(files, workers=workers, ingested_at=ingested_at, sources=sources, before=seen.before, stored=known)
        yield from pool.results(seen)
        return
    cache: RowCache = {}
    for path, sha, opened in read_ahead(files, known, seen):
        yield path, sha, partial(_parse_opened, path, opened, sha, ingested_at, cache, sources)


def _parse_opened(
    path: Path, opened: Future[OpenedFile], sha: str, ingested_at: datetime, cache: RowCache, sources: Sources
) -> Parsed:
    return parse_file(
        path, opened.result(), sha, captured_at=None, ingested_at=ingested_at, cache=cache, sources=sources
    )


def _redate_stored(connection: Connection, corrections: Corrections, stored: set[str]) -> list[dict[str, Any]]:
    """Stored snapshots that a corrections file dates otherwise: re-dated (the hand wins), each recorded as a
    `published_corrected` issue; the issues to insert."""
    issues: list[dict[str, Any]] = []
    if not stored:
        return issues
    columns = (SNAPSHOTS.c.id, SNAPSHOTS.c.file_name, SNAPSHOTS.c.source_path, SNAPSHOTS.c.published, SNAPSHOTS.c.half)
    for sid, file_name, source_path, published, half in connection.execute(select(*columns)).all():
        hand = corrections.get(Path(source_path), sid)
        if hand is None or (hand.published, hand.half) == (published, half):
            continue
        old = f"{published.isoformat()}{half or ''}"
        new = f"{hand.published.isoformat()}{hand.half or ''}"
        why = f"by hand ({hand.source}{': ' + hand.why if hand.why else ''})"
        connection.execute(
            update(SNAPSHOTS)
            .where(SNAPSHOTS.c.id == sid)
            .values(published=hand.published, half=hand.half, dated_by="hand")
        )
        issues.append(
            issue_record(
                sid,
                file_name,
                IssueRecord(
                    None, "published_corrected", "published", old, f"published {old} corrected to {new}: {why}"
                ),
            )
        )
    return issues
