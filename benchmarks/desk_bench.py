"""Benchmark of the console desk's read side (`wso.custody.desk`) on a year of a large jail.

Bulk-loads (outside the timing) N bookings (default 100,000) with scheduled releases spread evenly over 365 days
around now, one I-200 warrant each, and a hold on every other warrant, into an SQLite file (or the PostgreSQL
database given by --postgres); then times, median of R runs each, with the wall and the process's CPU time:
- the release board: `due_for_release(now, 24 h)` (what `/console` and `/api/console/board` ask);
- the bookings list, first page of 50, no search (counts all, sorts by scheduled release);
- the bookings list searched by a booking number fragment (a LIKE over every booking);
- the warrants waiting for service, first page of 50 (an anti-join on holds);
- one hold's view, by its warrant (`hold_view`: what the hold page reads), against every hold's view (`holds`:
  what the hold page read before, to find one);
- the alerts raised on the open holds (`wso.web.console.raised_alerts`: what `/console` and `/api/console/alerts`
  read), with an alert on every hold and one hold in ten still open.
Prints the load averages too: the machine is shared.

Usage: nice .venv/bin/python benchmarks/desk_bench.py [--bookings 100000] [--runs 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from wso.custody import Search, bookings, due_for_release, hold_view, holds, warrants
from wso.custody.models import Agency, Alert, Booking, Facility, Hold, Warrant
from wso.store import Database, open_database
from wso.web.console import raised_alerts

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
CHUNK = 10_000
DAY = timedelta(days=1)


def load(database: Database, count: int) -> None:
    """`count` bookings over a year around NOW, a warrant each, a hold on every other warrant (one in ten of those
    still open), an alert on every hold."""
    span = timedelta(days=365) / count
    with database.session() as session:
        session.execute(insert(Agency), [{"id": "AG", "name": "Bench County Sheriff", "state": "TX"}])
        session.execute(
            insert(Facility),
            [
                {
                    "id": "JAIL",
                    "agency_id": "AG",
                    "name": "Bench Jail",
                    "tz": "America/Chicago",
                    "detention_agreement": False,
                }
            ],
        )
        for start in range(0, count, CHUNK):
            rows = range(start, min(start + CHUNK, count))
            release = [NOW - timedelta(days=182) + span * i for i in rows]
            session.execute(
                insert(Booking),
                [
                    {"id": f"B{i:07d}", "facility_id": "JAIL", "scheduled_release": r, "person_name": f"Person {i}"}
                    for i, r in zip(rows, release, strict=True)
                ],
            )
            session.execute(
                insert(Warrant),
                [
                    {
                        "id": f"W{i:07d}",
                        "booking_id": f"B{i:07d}",
                        "form": "I-200",
                        "received_at": r - timedelta(days=1),
                    }
                    for i, r in zip(rows, release, strict=True)
                ],
            )
            session.execute(insert(Hold), [_hold(i, r) for i, r in zip(rows, release, strict=True) if i % 2 == 0])
            session.execute(
                insert(Alert),
                [
                    {"hold_id": f"hold-W{i:07d}", "kind": "overdue", "due_at": r + 2 * DAY, "raised_at": r + 2 * DAY}
                    for i, r in zip(rows, release, strict=True)
                    if i % 2 == 0
                ],
            )


def _hold(i: int, release: datetime) -> dict[str, object]:
    return {
        "id": f"hold-W{i:07d}",
        "warrant_id": f"W{i:07d}",
        "booking_id": f"B{i:07d}",
        "facility_id": "JAIL",
        "agency_id": "AG",
        "kind": "wso",
        "officer_id": None,
        "opened_at": release,
        "clock_start": release,
        "deadline": release + timedelta(hours=48),
        "deadline_rule": "WSO-48H",
        "deadline_reading": "flat",
        "status": "open" if i % 20 == 0 else "transferred",
        "last_seq": 1,
        "last_hash": "0" * 64,
    }


def timed(database: Database, runs: int, what: Callable[..., object]) -> tuple[float, float, object]:
    walls: list[float] = []
    cpus: list[float] = []
    answer: object = None
    for _ in range(runs):
        with database.session() as session:
            wall, cpu = time.perf_counter(), time.process_time()
            answer = what(session)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (its tables must be empty)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite:///{Path(tmp) / 'desk.sqlite3'}"
        database = open_database(url)
        started = time.perf_counter()
        load(database, args.bookings)
        print(
            f"loaded {args.bookings:,} bookings, warrants and {args.bookings // 2:,} holds in "
            f"{time.perf_counter() - started:.1f} s on {database.engine.dialect.name}"
        )
        cases: list[tuple[str, Callable[..., object]]] = [
            ("release board, 24 h", lambda s: len(due_for_release(s, NOW, timedelta(hours=24)))),
            ("bookings, page 1", lambda s: bookings(s, Search(), limit=50).total),
            ("bookings, q=B00123", lambda s: bookings(s, Search(q="B00123"), limit=50).total),
            ("warrants waiting, page 1", lambda s: warrants(s, Search(status="waiting"), limit=50).total),
            ("one hold's view (hold_view)", lambda s: int(hold_view(s, f"W{args.bookings // 2:07d}", NOW) is not None)),
            ("every hold's view (holds)", lambda s: len(holds(s, NOW))),
            ("alerts of the open holds", lambda s: len(raised_alerts(s))),
        ]
        for name, what in cases:
            wall, cpu, answer = timed(database, args.runs, what)
            print(f"{name:28s} median wall {wall:8.1f} ms  cpu {cpu:8.1f} ms  ({answer} rows)")
        database.dispose()
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
