"""Ingest's files parsed by a pool of processes (`ingest(..., workers=N)`): each worker reads a file's cells and
hyperlinks and interprets its rows (`parse_file`); the ingesting process takes the results in the files' order
and does all that depends on order (which content is known, the same bytes twice, the report) and the writing."""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path

from wso.registry.ingestion import hashed
from wso.registry.parsing import Parsed, Sources, parse_file
from wso.registry.readings import ReadRow
from wso.registry.rows import RowCache, clear_caches
from wso.registry.seen import Seen

# how many files each worker may have been given beyond the one the ingesting process is taking
AHEAD_PER_WORKER = 2


class _Worker:
    """A worker's state: what every file of this ingest is parsed with, its row cache, and the readings it has
    sent already (each distinct reading crosses to the ingesting process once per worker, not once per file)."""

    ingested_at: datetime
    sources: Sources
    cache: RowCache
    sent: set[str]


def _start(ingested_at: datetime, sources: Sources) -> None:
    gc.disable()  # as `ingest` pauses it, for the same reason
    clear_caches()
    _Worker.ingested_at, _Worker.sources, _Worker.cache, _Worker.sent = ingested_at, sources, {}, set()


def _parse(path: Path, data: bytes, sha: str) -> Parsed:
    """`parse_file` in a worker, its readings cut to those this worker has not sent before."""
    parsed = parse_file(
        path, data, sha, captured_at=None, ingested_at=_Worker.ingested_at, cache=_Worker.cache, sources=_Worker.sources
    )
    sent = _Worker.sent
    parsed.readings = {rid: row for rid, row in parsed.readings.items() if rid not in sent}
    sent.update(parsed.readings)
    return parsed


class _Gathered:
    """The readings the workers have sent, gathered in the order the files were given out: a worker leaves out of
    a result only readings it sent with a file given out before, so every result before the one taken (skipped by
    the ingesting process or not) is gathered first."""

    def __init__(self) -> None:
        self.readings: dict[str, ReadRow] = {}
        self.given: deque[Future[Parsed]] = deque()

    def take(self, future: Future[Parsed]) -> Parsed:
        """A worker's result with every reading of its rows."""
        while self.given:
            done = self.given.popleft()
            if done.exception() is None:
                self.readings.update(done.result().readings)
            if done is future:
                break
        parsed = future.result()
        parsed.readings = {rid: self.readings[rid] for rid in parsed.reading_ids}
        return parsed


def _known(sha: str) -> Parsed:
    raise AssertionError(f"content {sha} is known: it is skipped, not parsed")


def parse_in_pool(
    files: Sequence[Path], known: set[str], seen: Seen, *, workers: int, ingested_at: datetime, sources: Sources
) -> Iterator[tuple[Path, str, Callable[[], Parsed]]]:
    """`wso.registry.ingestion._parsing` by `workers` processes (started only when a file must be parsed; forked
    where the system can, so they start without importing anything). The results are taken in the files' order;
    at most AHEAD_PER_WORKER files per worker are given out beyond the one taken, so memory does not grow with
    the number of files."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool: ProcessPoolExecutor | None = None
    gathered = _Gathered()
    window: deque[tuple[Path, str, Callable[[], Parsed]]] = deque()
    try:
        for path, sha, data in hashed(files, known, seen):
            if data is None:
                window.append((path, sha, partial(_known, sha)))
            else:
                if pool is None:
                    pool = ProcessPoolExecutor(
                        workers, mp_context=context, initializer=_start, initargs=(ingested_at, sources)
                    )
                future = pool.submit(_parse, path, data, sha)
                gathered.given.append(future)
                window.append((path, sha, partial(gathered.take, future)))
            if len(window) > AHEAD_PER_WORKER * workers:
                yield window.popleft()
        while window:
            yield window.popleft()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
