"""Benchmark of `wso audit` on synthetic hold records (default: 10,000,000 holds).

Prints, in one run:
- generation time of the synthetic records (not part of the comparison);
- the floor: a bare DuckDB scan of the same Parquet file that only computes each hold's duration (and counts
  those over 48 hours);
- two lower bounds for any audit of the file on DuckDB, as multiples of the floor: a bare scan that only reads the
  columns the rules read, and the rules' row-level tests alone in one hand-written query (no officers' windows,
  local dates, checks, evidence or output);
- the engine: load and check the records, run every rule (Ibis on DuckDB), summarise, and write the findings as
  Parquet (the time of `wso audit run ... --format parquet`);
- the straightforward pandas approach an analyst would write (read the file, then check each row in a Python loop
  with dict lookups for officers and agreements), measured on a sample and scaled to the full size;
- peak memory of this process (resource.getrusage) after the engine ran (before the pandas sample).

Usage: python benchmarks/audit_bench.py [--holds N] [--sample N] [--dir DIR] [--seed S]

The generated records are cached under $TMPDIR/wso-audit-bench/ (generation of 10M holds takes about a minute).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import duckdb
import pandas as pd
import synth_records

from wso.audit import audit_to_file
from wso.audit.synth import AS_OF

T = TypeVar("T")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_scan(path: Path) -> float:
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(
        f"""
        SELECT count(*) FILTER (WHERE d > 48 * 3600), sum(d) FROM (
          SELECT epoch(coalesce(ended_at, TIMESTAMPTZ '{AS_OF.isoformat()}')) - epoch(served_at) AS d
          FROM read_parquet('{path}'))
        """
    ).fetchall()
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


#: the columns the rules must read (besides the record's identity, needed only for its findings)
RULE_COLUMNS = (
    "instrument", "officer_id", "agency_id", "facility_tz", "state", "served_inside_facility", "detention_agreement",
    "served_at", "scheduled_release_at", "ice_notified_at", "citizenship_claim_at", "citizenship_reported_at",
    "ended_at",
)  # fmt: skip


def read_only_scan(path: Path) -> float:
    """A lower bound: a bare DuckDB scan that only reads the columns the rules read (and counts the rows)."""
    con = duckdb.connect()
    touch = " OR ".join(f"{c} IS NULL" for c in RULE_COLUMNS)
    t = time.perf_counter()
    con.execute(f"SELECT count(*) FILTER (WHERE {touch}) FROM read_parquet('{path}')").fetchall()
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def row_tests_scan(path: Path) -> float:
    """A lower bound: the rules' row-level tests only, as one hand-written DuckDB query in integer microseconds,
    counting the holds that fail one: no officers' windows, no local dates, no agreement or state-law windows, no
    input checks, no evidence, no output. Whatever else the audit does comes on top of this."""
    a, h = int(AS_OF.timestamp()) * 1_000_000, 3_600_000_000
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(
        f"""
        SELECT count(*) FROM (
          SELECT instrument IN ('I-200', 'I-205') AS wso, instrument, officer_id, detention_agreement AS da,
                 served_inside_facility AS inside, epoch_us(served_at) AS s, epoch_us(scheduled_release_at) AS r,
                 epoch_us(ice_notified_at) AS n, epoch_us(citizenship_claim_at) AS c,
                 epoch_us(citizenship_reported_at) AS p, epoch_us(ended_at) AS e
          FROM read_parquet('{path}'))
        WHERE (wso AND ((NOT da AND s <= {a} AND coalesce(e, {a}) - s > {48 * h}) OR NOT inside OR s < r
                        OR (s <= {a} AND ((n IS NULL AND {a} - s > {h}) OR n - s > {h})) OR officer_id IS NULL))
           OR (instrument = 'I-247A' AND officer_id IS NOT NULL)
           OR (c IS NOT NULL AND c <= {a} AND ((p IS NULL AND {a} - c > {h}) OR p - c > {h}))
           OR e < s OR greatest(s, r, n, c, p, e) > {a}
           OR (instrument = 'I-247A' AND greatest(s, r) <= {a} AND coalesce(e, {a}) - greatest(s, r) > {42 * h})
        """
    ).fetchall()
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


def pandas_row_by_row(root: Path, sample: int) -> tuple[float, int]:
    """What an analyst would write: read everything into pandas, then check each row in Python."""
    t = time.perf_counter()
    con = duckdb.connect()
    holds = con.execute(f"SELECT * FROM read_parquet('{root / 'holds.parquet'}') LIMIT {sample}").df()
    officers = pd.read_parquet(root / "officers.parquet")
    agreements = pd.read_parquet(root / "agreements.parquet")
    windows: dict[tuple[str, str], list[tuple[datetime, datetime | None]]] = {}
    for _, o in officers.iterrows():
        until = None if pd.isna(o.authorized_until) else o.authorized_until
        windows.setdefault((o.officer_id, o.agency_id), []).append((o.authorized_from, until))
    in_force: dict[str, list[tuple[object, object]]] = {}
    for _, a in agreements[agreements.model == "WSO"].iterrows():
        in_force.setdefault(a.agency_id, []).append((a.in_force_from, a.in_force_until))
    as_of = pd.Timestamp(AS_OF)
    found = 0
    for _, h in holds.iterrows():
        wso = h.instrument in ("I-200", "I-205")
        ended = None if pd.isna(h.ended_at) else h.ended_at
        if wso:
            end = ended if ended is not None else as_of
            if not h.detention_agreement and end - h.served_at > timedelta(hours=48):
                found += 1
            if not h.served_inside_facility:
                found += 1
            if h.served_at < h.scheduled_release_at:
                found += 1
            if pd.isna(h.ice_notified_at) or h.ice_notified_at - h.served_at > timedelta(hours=1):
                found += 1
            ok = any(
                f <= h.served_at and (u is None or h.served_at < u)
                for f, u in windows.get((h.officer_id, h.agency_id), [])
            )
            found += not ok
            local_day = h.served_at.tz_convert(h.facility_tz).date()
            ok = any(f <= local_day and (pd.isna(u) or local_day <= u) for f, u in in_force.get(h.agency_id, []))
            found += not ok
        if h.instrument == "I-247A" and ended is not None and ended - h.served_at > timedelta(hours=48):
            found += 1
        if not pd.isna(h.citizenship_claim_at):
            rep = h.citizenship_reported_at
            if pd.isna(rep) or rep - h.citizenship_claim_at > timedelta(hours=1):
                found += 1
    return time.perf_counter() - t, found


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """fn's result, wall seconds, and CPU seconds of this process (all threads): on a shared machine the CPU time
    says what the work costs, the wall time what the other tenants left of the two cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    synth_records.add_options(ap)
    ap.add_argument("--sample", type=int, default=50_000)
    args = ap.parse_args()
    root = synth_records.records(args)
    size = (root / "holds.parquet").stat().st_size / 1e6
    print(f"holds.parquet:   {size:8.1f} MB")

    floors = [timed(lambda: floor_scan(root / "holds.parquet")) for _ in range(3)]
    _, floor, floor_cpu = min(floors, key=lambda x: x[1])
    print(f"floor (bare DuckDB scan computing hold durations, best of 3): {floor:8.2f} s wall  {floor_cpu:8.2f} s CPU")

    for label, scan in (
        ("lower bound: bare DuckDB scan reading only the 13 columns the rules read", read_only_scan),
        ("lower bound: the rules' row tests alone, one hand-written DuckDB query", row_tests_scan),
    ):
        best = min((timed(lambda scan=scan: scan(root / "holds.parquet")) for _ in range(3)), key=lambda x: x[1])
        print(f"{label} (best of 3): {best[1]:8.2f} s wall  {best[2]:8.2f} s CPU  = {best[1] / floor:5.2f} x floor")

    out = Path(tempfile.mkdtemp()) / "findings.parquet"
    runs = []
    for _ in range(2):
        run, engine, engine_cpu = timed(lambda: audit_to_file(root, out, as_of=AS_OF.astimezone(UTC), fmt="parquet"))
        runs.append((engine, engine_cpu))
    engine, engine_cpu = min(runs)
    peak = peak_mb()
    print(
        f"engine (load + check + all rules + summary + write Parquet, best of 2): {engine:8.2f} s wall  "
        f"{engine_cpu:8.2f} s CPU   findings: {run.summary['findings']:,}"
    )
    print(f"engine / floor:  {engine / floor:8.2f} x wall   {engine_cpu / floor_cpu:8.2f} x CPU   (goal: 2 x)")
    print(f"peak memory (max RSS of this process) after the engine: {peak:,.0f} MB   (goal: < 4,096 MB)")
    exact = answer_key_matches(root, out)
    print(f"findings == planted answer key (precision and recall 1.0): {exact}")

    sample = min(args.sample, args.holds)
    if sample:
        p_time, _ = pandas_row_by_row(root, sample)
        scaled = p_time * args.holds / sample
        print(f"pandas row-by-row: {p_time:.2f} s for {sample:,} holds -> {scaled:,.0f} s scaled to {args.holds:,}")
        print(f"engine speed-up over pandas: {scaled / engine:8.1f} x   (goal: 50 x)")


def answer_key_matches(root: Path, findings: Path) -> bool:
    con = duckdb.connect()
    row = con.execute(
        f"""
        WITH f AS (SELECT record_id, rule_id FROM read_parquet('{findings}')),
             k AS (SELECT record_id, rule_id FROM read_csv('{root / "answer_key.csv"}'))
        SELECT (SELECT count(*) FROM (SELECT * FROM f EXCEPT SELECT * FROM k)),
               (SELECT count(*) FROM (SELECT * FROM k EXCEPT SELECT * FROM f))
        """
    ).fetchone()
    con.close()
    return row is not None and row[0] == 0 and row[1] == 0


if __name__ == "__main__":
    main()
