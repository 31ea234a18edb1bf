"""Benchmark of the cost view (`wso audit cost`) on the audit's synthetic hold records (default: 10,000,000 holds).

Prints, in one run:
- generation time of the synthetic records (not part of the figure; cached, shared with benchmarks/audit_bench.py);
- the floor: a bare DuckDB scan of the same Parquet file that sums each hold's seconds (no months, no zones);
- loading and checking the records (`load_records`, what every audit does first);
- the cost: every hold through `wso.program.cost`'s tally, per facility and local month, with rates (the time of
  `wso audit cost RECORDS --per-diem 85.50 --reimbursement 90 --json`, less printing);
- holds counted, facility-months, the total hours, and the peak memory of this process.

Usage: python benchmarks/cost_bench.py [--holds N] [--dir DIR] [--seed S]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import duckdb
import synth_records

from wso.audit import load_records, records_cost
from wso.audit.synth import AS_OF
from wso.program.cost import parse_rates


def main() -> None:
    ap = argparse.ArgumentParser()
    synth_records.add_options(ap)
    args = ap.parse_args()
    root = synth_records.records(args)

    con = duckdb.connect()
    t, c = time.perf_counter(), time.process_time()
    as_of = f"TIMESTAMPTZ '{AS_OF.isoformat()}'"
    (total,) = con.execute(
        f"SELECT sum(greatest(0, epoch(least(coalesce(ended_at, {as_of}), {as_of})) "
        f"- epoch(greatest(served_at, scheduled_release_at)))) / 3600 "
        f"FROM read_parquet('{root / 'holds.parquet'}') WHERE instrument <> 'judicial'"
    ).fetchone() or (0,)
    print(f"floor (bare DuckDB scan summing hold hours): {time.perf_counter() - t:8.2f} s wall  "
          f"{time.process_time() - c:8.2f} s CPU  ({total:,.0f} h)")  # fmt: skip

    t, c = time.perf_counter(), time.process_time()
    records = load_records(root)
    print(f"load and check the records:                  {time.perf_counter() - t:8.2f} s wall  "
          f"{time.process_time() - c:8.2f} s CPU")  # fmt: skip
    t, c = time.perf_counter(), time.process_time()
    report = records_cost(records, AS_OF, rates=parse_rates("85.50", "90"))
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    holds = sum(row.holds for row in report.facilities)
    print(f"cost per facility and month (the tally):     {wall:8.2f} s wall  {cpu:8.2f} s CPU  "
          f"= {wall / max(1, args.holds) * 1e6:.2f} µs a hold")  # fmt: skip
    hours = sum(row.hours for row in report.facilities)
    unpaid = sum(row.unreimbursed_hours for row in report.facilities)
    aside = ", ".join(f"{s.count:,} {s.reason}" for s in report.set_aside) or "none"
    print(f"holds counted: {holds:,}; facility-months: {len(report.months):,}; hours: {hours:,} "
          f"(unreimbursed {unpaid:,}); set aside: {aside}")  # fmt: skip
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
