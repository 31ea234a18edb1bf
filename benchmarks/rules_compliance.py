"""How long conflicts and coverage take on the registry built from the shared snapshots.

Run: PYTHONPATH=src python benchmarks/rules_compliance.py [SHEETS_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from wso.clock import FixedClock
from wso.registry import ingest
from wso.registry.compliance import conflicts, coverage
from wso.store import open_database


def main() -> None:
    # default: the captures the tests read, in the repository; another folder may be given on the command line
    default = Path(__file__).resolve().parents[1] / "tests" / "data" / "ice-287g-sheets"
    sheets = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(f"sqlite:///{tmp}/bench.sqlite3")
        with database.session() as session:
            ingest(session, [sheets], clock=FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))
        days = [date(2025, 7, 3), date(2026, 7, 1), date(2026, 9, 1)]
        with database.session() as session:
            for day in days:
                began = time.perf_counter()
                report = conflicts(session, day)
                took = time.perf_counter() - began
                print(
                    f"conflicts on {day}: {len(report.conflicts)} of {report.agreements_checked} agreements "
                    f"in {took * 1000:.0f} ms"
                )
            for state, day in (("FL", date(2025, 7, 3)), ("TX", date(2026, 12, 1))):
                began = time.perf_counter()
                answer = coverage(session, state, day)
                took = time.perf_counter() - began
                print(
                    f"coverage {state} on {day}: {answer.counties_covered} of {answer.counties_total} counties "
                    f"in {took * 1000:.0f} ms"
                )
        database.engine.dispose()


if __name__ == "__main__":
    main()
