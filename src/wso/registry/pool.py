"""Ingest's files read, hashed and parsed by a pool of processes (`ingest(..., workers=N)`, or `head_start`, which
starts them before the ingesting process loads the database layer): each worker reads a file's bytes, hashes them
and, unless the content is stored, reads its cells and hyperlinks and interprets its rows (`parse_file`); the
ingesting process takes the results in the files' order and does all that depends on order (which content is
known, the same bytes twice, the report) and the writing. Nothing here imports SQLAlchemy."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from wso.clock import Clock
from wso.registry.dating import local_day
from wso.registry.finding import Stat, discover, stat_of
from wso.registry.headers import HeaderError
from wso.registry.parsing import Parsed, Sources, parse_file, split_manifests
from wso.registry.readings import ReadRow
from wso.registry.ready import default_database_url, stored_files
from wso.registry.rows import RowCache, clear_caches
from wso.registry.sheets import SheetError
from wso.registry.sources import forget_folders

if TYPE_CHECKING:
    from wso.registry.seen import Seen


@dataclass
class Read:
    """What a worker gives back for one file: its stat (taken before its bytes were read), the sha256 of its
    bytes, and what parsing them gave: the records, or the error that tells why the file is not read."""

    stat: Stat
    sha: str
    parsed: Parsed | None = None  # None (and no error): a content stored before, or parsed by this worker before
    error: SheetError | HeaderError | None = None


class _Worker:
    """A worker's state: what every file of this ingest is parsed with, its row cache, the contents stored before
    the ingest and those it has parsed (neither parsed again: the ingesting process skips them), and the readings
    it has sent already (each distinct reading crosses to the ingesting process once per worker, not per file)."""

    ingested_at: datetime
    sources: Sources
    cache: RowCache
    stored: Set[str]
    parsed: set[str]
    sent: set[str]


def _start(ingested_at: datetime, sources: Sources, stored: Set[str]) -> None:
    gc.disable()  # as `ingest` pauses it, for the same reason
    clear_caches()
    _Worker.ingested_at, _Worker.sources, _Worker.cache = ingested_at, sources, {}
    _Worker.stored, _Worker.parsed, _Worker.sent = stored, set(), set()


def _read(path: Path) -> Read:
    """One file read, hashed and (unless its content is known) parsed in a worker, its readings cut to those this
    worker has not sent before. A file that cannot be read at all (OSError) raises, as it does in one process."""
    stat = stat_of(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha in _Worker.stored or sha in _Worker.parsed:
        return Read(stat, sha)
    try:
        parsed = parse_file(
            path,
            data,
            sha,
            captured_at=None,
            ingested_at=_Worker.ingested_at,
            cache=_Worker.cache,
            sources=_Worker.sources,
        )
    except (SheetError, HeaderError) as exc:
        return Read(stat, sha, error=exc)
    _Worker.parsed.add(sha)
    sent = _Worker.sent
    parsed.readings = {rid: row for rid, row in parsed.readings.items() if rid not in sent}
    sent.update(parsed.readings)
    return Read(stat, sha, parsed)


class _Gathered:
    """The readings the workers have sent, gathered in the order the files were given out: a worker leaves out of
    a result only readings it sent with a file given out before, so every result before the one taken (skipped by
    the ingesting process or not) is gathered first."""

    def __init__(self) -> None:
        self.readings: dict[str, ReadRow] = {}
        self.given: deque[Future[Read]] = deque()

    def take(self, future: Future[Read]) -> Read:
        """A worker's result, every reading before it gathered."""
        while self.given:
            done = self.given.popleft()
            if done.exception() is None and (parsed := done.result().parsed) is not None:
                self.readings.update(parsed.readings)
            if done is future:
                break
        return future.result()


def _known(sha: str) -> Parsed:
    raise AssertionError(f"content {sha} is known: it is skipped, not parsed")


class Pool:
    """The files of one ingest given out to `workers` processes as soon as they are started (forked where the system
    can, so they start without importing anything), all at once: a worker's results are kept until the ingesting
    process takes them, in the files' order, into what it holds until it writes. A file unchanged since an ingest
    saw it (`before`: absolute path -> stat, sha256) whose content is stored (`stored`) is neither given out nor
    read. `close` ends the workers (taking every result does too)."""

    def __init__(
        self,
        files: Sequence[Path],
        *,
        workers: int,
        ingested_at: datetime,
        sources: Sources,
        before: Mapping[str, tuple[Stat, str]],
        stored: Set[str],
    ) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.ingested_at, self.sources = ingested_at, sources
        self._executor = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start, initargs=(ingested_at, sources, frozenset(stored))
        )
        self._gathered = _Gathered()
        self._entries: deque[tuple[Path, Future[Read] | tuple[Stat, str]]] = deque()
        for path in files:
            stat = stat_of(path)
            entry = before.get(os.path.abspath(path))
            if entry is not None and entry[0] == stat and entry[1] in stored:
                self._entries.append((path, (stat, entry[1])))
            else:
                future = self._executor.submit(_read, path)
                self._gathered.given.append(future)
                self._entries.append((path, future))

    def results(self, seen: Seen) -> Iterator[tuple[Path, str, Callable[[], Parsed]]]:
        """Each file in order with its sha256 and how to get it parsed, which raises what `parse_file` raises; not to
        be called for a content the ingest knows. Each file's stat before it was read is given to `seen`."""
        try:
            while self._entries:
                path, given = self._entries.popleft()  # not kept once taken: what it holds is the caller's
                if isinstance(given, tuple):
                    stat, sha = given
                    seen.read_at(path, stat)
                    yield path, sha, partial(_known, sha)
                else:
                    read = given.result()
                    seen.read_at(path, read.stat)
                    yield path, read.sha, partial(self._parsed, path, given)
        finally:
            self.close()

    def _parsed(self, path: Path, future: Future[Read]) -> Parsed:
        read = self._gathered.take(future)
        if read.error is not None:
            raise read.error
        if read.parsed is None:  # a content the worker knew and the ingest does not (another process's): read here
            return parse_file(
                path, path.read_bytes(), read.sha, captured_at=None, ingested_at=self.ingested_at, sources=self.sources
            )
        parsed = read.parsed
        parsed.readings = {rid: self._gathered.readings[rid] for rid in parsed.reading_ids}
        return parsed

    def close(self) -> None:
        """End the workers, dropping what they have not begun."""
        self._executor.shutdown(wait=True, cancel_futures=True)


@dataclass
class HeadStart:
    """An ingest begun before the database layer is loaded (`head_start`): the files found, the manifests read, and
    the pool parsing the lists; `wso.registry.ingest(..., started=...)` goes on from here."""

    files: list[Path]  # every spreadsheet found, manifests included
    others: list[tuple[Path, str]]  # every other file found, with the reason it is not read
    manifests: list[Path]
    ingested_at: datetime
    sources: Sources
    pool: Pool

    def close(self) -> None:
        """End the workers (the ingest does when it has taken every result; this is for when it never runs)."""
        self.pool.close()


def head_start(
    paths: Sequence[Path],
    *,
    workers: int,
    clock: Clock,
    captured_at: datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> HeadStart | None:
    """Begin ingesting `paths` into the default database before SQLAlchemy is imported: find the files, read the
    manifests among them, and start `workers` processes parsing the lists, which they do while the ingesting
    process loads the database layer and opens the database. The files the database has seen are read with the
    standard library (`wso.registry.ready.stored_files`). None when the default database is not an SQLite file
    (the ingest then starts its pool itself). Raises IngestError for a path missing or a manifest that does not
    read, as `ingest` does."""
    if not default_database_url(os.environ if environ is None else environ).startswith("sqlite:///"):
        return None
    forget_folders()
    others: list[tuple[Path, str]] = []
    files = discover(paths, others)
    lists, manifests, manifest = split_manifests(files, None)
    ingested_at = clock.now()
    sources = Sources(today=local_day(ingested_at), captured_at=captured_at, manifest=manifest)
    before, stored = stored_files(environ) or ({}, set())
    pool = Pool(lists, workers=workers, ingested_at=ingested_at, sources=sources, before=before, stored=stored)
    return HeadStart(files, others, manifests, ingested_at, sources, pool)
