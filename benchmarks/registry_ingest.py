"""Benchmark: ingest every shared ICE snapshot into a fresh SQLite file and a fresh PostgreSQL schema.

Prints, for each engine, the best of N runs: seconds, rows per second, the ratio to bare parsing, and the time
of a repeated ingest of the same files (which must skip everything by content hash). The measurements are
interleaved (bare parsing, then each engine, N times over), so a machine shared with other work loads them alike.

"Bare parsing" is measured two ways, both over the same 42 files, best of N:
  - cells: python-calamine reading every cell of the first sheet into Python values (nothing else);
  - cells + hyperlinks: the registry's own reader (calamine cells plus the sheet's hyperlinks from the zip),
    i.e. everything ingest must read before it can start interpreting and storing.
Ingest figures include hashing, reading, interpreting every row, recording issues, resolving agencies,
dating agreements and writing everything in one transaction. Bare parsing runs with Python's cyclic garbage
collector paused, as ingest does (parsing alone is 3-5% faster so), so the floor is the fastest parsing.

Ingest opens the next files (python-calamine's parsing, which releases the GIL) in a second thread while it
interprets one, so on two cores its wall-clock time is less than its CPU time. The goal's ratio is to bare parsing
as a plain loop reads the files (above); beside it are printed ingest's CPU ratio and, for a like-for-like view, a
third floor: cells + hyperlinks read with the same read-ahead thread as ingest (`--no-ahead-floor` skips it).

Two statistics: the best of N of each measurement (ratios of bests), and, because a shared machine's speed drifts
from minute to minute, the median and range of the N ratios of each round (an ingest against the bare parsing
measured just before it).

With --whole-process it also prints, as whole processes timed from outside by benchmarks/whole_process.py
(median of N; the ratio pair by pair): `wso registry ingest DIR` into a fresh SQLite file against
`registry_parse_only.py DIR` (a plain loop of python-calamine over the same files), a repeated `wso registry ingest
DIR` (everything known), and `wso registry stats --json` on the result.

With --workers N (N > 1) each engine is also measured ingesting with N parsing processes (`ingest(workers=N)`);
CPU figures then include the ended workers' (`os.times().children_*`).

The whole public archive (issue 16's figures): --sheets ../shared/data/ice-287g-archive --whole-process

Run: PYTHONPATH=src python benchmarks/registry_ingest.py [--sheets DIR] [--runs N] [--postgres URL] [--whole-process]
"""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from whole_process import compare

from wso.clock import FixedClock
from wso.registry import ingest
from wso.registry.ingestion import discover, read_ahead
from wso.registry.sheets import read_table
from wso.registry.sources import is_manifest
from wso.store import open_database

ROOT = Path(__file__).resolve().parents[1]
# the 42 captures the tests read, in the repository (tests/data/README.md); give another folder on the command line
DEFAULT_SHEETS = ROOT / "tests" / "data" / "ice-287g-sheets"
DEFAULT_POSTGRES = os.environ.get("WSO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLOCK = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (ingest's parsing processes)."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (this process's and its ended children's) of one call."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def timed_paused(fn: Callable[[], object]) -> tuple[float, float]:
    """`timed`, with the cyclic garbage collector paused around the call (as ingest pauses it)."""
    gc.disable()
    try:
        return timed(fn)
    finally:
        gc.enable()


def parse_cells(files: list[Path]) -> int:
    return sum(len(CalamineWorkbook.from_path(str(f)).get_sheet_by_index(0).to_python()) for f in files)


def parse_cells_and_links(files: list[Path]) -> int:
    return sum(len(read_table(f.name, f.read_bytes()).rows) for f in files)


def parse_cells_and_links_ahead(files: list[Path]) -> int:
    """`parse_cells_and_links`, each file opened in ingest's read-ahead thread and its table made here."""
    return sum(len(opened.result().table().rows) for _path, _sha, opened in read_ahead(files, set()))


Result = tuple[float, float, float, int]  # full ingest wall and CPU seconds, repeated ingest wall seconds, rows


def ingest_once(url: str, sheets: Path, workers: int = 1) -> Result:
    database = open_database(url)  # migrations run here, outside the timed part
    try:
        rows = 0

        def first() -> None:
            nonlocal rows
            with database.session() as session:
                rows = ingest(session, [sheets], clock=CLOCK, workers=workers).rows

        def again() -> None:
            with database.session() as session:
                report = ingest(session, [sheets], clock=CLOCK, workers=workers)
                assert report.added == 0, "a repeated ingest added snapshots"

        wall, cpu = timed(first)
        repeat, _cpu = timed(again)
        return wall, cpu, repeat, rows
    finally:
        database.dispose()


def sqlite_run(sheets: Path, workers: int = 1) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        return ingest_once(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", sheets, workers)


def postgres_run(base: str, sheets: Path, workers: int = 1) -> Result:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        return ingest_once(url.render_as_string(hide_password=False), sheets, workers)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sheets", type=Path, default=DEFAULT_SHEETS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-ahead-floor", action="store_true", help="skip bare parsing with ingest's read-ahead")
    parser.add_argument("--whole-process", action="store_true", help="also time whole processes (whole_process.py)")
    parser.add_argument(
        "--workers", type=int, default=0, help="also ingest with this many parsing processes (0: not; 1: plain only)"
    )
    args = parser.parse_args()
    # the spreadsheets ingest reads (a manifest beside them is read for dates, not parsed as a list)
    files = [p for p in discover([args.sheets]) if not (p.suffix.lower() == ".csv" and is_manifest(p.read_bytes()))]
    if not files:
        sys.exit(f"no spreadsheets under {args.sheets}")
    engines: list[tuple[str, Callable[[], Result]]] = [("sqlite", lambda: sqlite_run(args.sheets))]
    if not args.no_postgres:
        engines.append(("postgresql", lambda: postgres_run(args.postgres, args.sheets)))
    if args.workers > 1:
        n = args.workers
        engines.append((f"sqlite/{n}p", lambda: sqlite_run(args.sheets, n)))
        if not args.no_postgres:
            engines.append((f"postgres/{n}p", lambda: postgres_run(args.postgres, args.sheets, n)))
    cells_times, links_times, ahead_times = [], [], []
    results: dict[str, list[Result]] = {name: [] for name, _run in engines}
    for _ in range(args.runs):
        cells_times.append(timed_paused(lambda: parse_cells(files)))
        links_times.append(timed_paused(lambda: parse_cells_and_links(files)))
        if not args.no_ahead_floor:
            ahead_times.append(timed_paused(lambda: parse_cells_and_links_ahead(files)))
        for name, run in engines:
            results[name].append(run())
    cells, cells_cpu = min(t[0] for t in cells_times), min(t[1] for t in cells_times)
    links, links_cpu = min(t[0] for t in links_times), min(t[1] for t in links_times)
    print(f"{len(files)} files under {args.sheets}, best of {args.runs} interleaved runs (wall; CPU of this process)")
    print(f"bare parsing, cells only (calamine):        {cells:7.3f} s  cpu {cells_cpu:6.3f} s")
    print(f"bare parsing, cells + hyperlinks (reader):  {links:7.3f} s  cpu {links_cpu:6.3f} s")
    ahead = min(t[0] for t in ahead_times) if ahead_times else None
    if ahead is not None:
        print(f"bare parsing, cells + hyperlinks, read ahead in a second thread as ingest does: {ahead:7.3f} s")
    for name, found in results.items():
        wall, cpu = min(r[0] for r in found), min(r[1] for r in found)
        repeat = max(r[2] for r in found)
        rows = found[0][3]
        print(
            f"{name:10} full ingest {wall:7.3f} s  {rows / wall:8.0f} rows/s  x{wall / cells:4.1f} cells-only  "
            f"x{wall / links:4.1f} cells+links  (cpu {cpu:6.3f} s, x{cpu / cells_cpu:4.2f} cells-only, "
            f"x{cpu / links_cpu:4.2f} cells+links)  "
            f"repeated ingest (worst) {repeat:6.3f} s  ({rows} rows)"
            + (f"  x{wall / ahead:4.1f} of parsing read ahead" if ahead is not None else "")
        )
    for name, found in results.items():
        ratios = sorted(r[0] / floor[0] for r, floor in zip(found, links_times, strict=True))
        cpu_ratios = sorted(r[1] / floor[1] for r, floor in zip(found, links_times, strict=True))
        print(
            f"{name:10} per round, ingest / bare parsing (cells + hyperlinks) just before it: median "
            f"x{statistics.median(ratios):4.2f} (x{ratios[0]:4.2f}-{ratios[-1]:4.2f}); CPU median "
            f"x{statistics.median(cpu_ratios):4.2f} (x{cpu_ratios[0]:4.2f}-{cpu_ratios[-1]:4.2f})"
        )
    if args.whole_process:
        whole_process(args.sheets.resolve(), args.runs)


def whole_process(sheets: Path, runs: int) -> None:
    """`wso registry ingest` and `wso registry stats --json` as whole processes, paired (whole_process.py)."""
    wso = ROOT / ".venv" / "bin" / "wso"
    parse = [sys.executable, str(ROOT / "benchmarks" / "registry_parse_only.py"), str(sheets)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        env = {**os.environ, "WSO_DATABASE_URL": f"sqlite:///{db}"}
        files = f"{db} {db}-wal {db}-shm"  # the file and its write-ahead log: each run's database is new
        fresh = ["sh", "-c", f"rm -f {files} && exec {wso} registry ingest --json {shlex.quote(str(sheets))}"]
        print(f"whole process, full ingest into a fresh SQLite file (A) against parsing only (B), {runs} pairs:")
        print(compare(fresh, parse, runs, env=env))
        # the last run of A left the database filled: what follows runs on the whole result
        print(f"whole process, repeated ingest (every file known), {runs} runs:")
        print(compare([str(wso), "registry", "ingest", "--json", str(sheets)], None, runs, env=env))
        print("whole process, wso registry stats --json on the result:")
        print(compare([str(wso), "registry", "stats", "--json"], None, max(runs, 5), env=env))


if __name__ == "__main__":
    main()
