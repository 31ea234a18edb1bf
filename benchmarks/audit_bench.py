"""Benchmark of `wso audit` on synthetic hold records (default: 10,000,000 holds).

Prints, in one run:
- generation time of the synthetic records (not part of the comparison);
- the floor: a bare DuckDB scan of the same Parquet file that only computes each hold's duration (and counts
  those over 48 hours);
- the engine: load and check the records, run every rule (Ibis on DuckDB), summarise, and write the findings as
  Parquet (the time of `wso audit run ... --format parquet`);
- the straightforward pandas approach an analyst would write (read the file, then check each row in a Python loop
  with dict lookups for officers and agreements), measured on a sample and scaled to the full size;
- peak memory of this process (resource.getrusage) after the engine ran (before the pandas sample).

Usage: python benchmarks/audit_bench.py [--holds N] [--sample N] [--dir DIR] [--seed S]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import duckdb
import pandas as pd

from wso.audit import audit_to_file, generate
from wso.audit.synth import AS_OF


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--holds", type=int, default=10_000_000)
    ap.add_argument("--sample", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=0.02)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    root = args.dir or Path(tempfile.gettempdir()) / f"wso-audit-bench-{args.holds}-{args.seed}"
    print(f"holds: {args.holds:,}  seed: {args.seed}  violation rate: {args.rate}  records: {root}")
    if not (root / "synth.json").exists():
        t = time.perf_counter()
        generate(root, args.holds, args.seed, args.rate)
        print(f"generate:        {time.perf_counter() - t:8.2f} s   (peak so far {peak_mb():,.0f} MB)")
    size = (root / "holds.parquet").stat().st_size / 1e6
    print(f"holds.parquet:   {size:8.1f} MB")

    floor = min(floor_scan(root / "holds.parquet") for _ in range(3))
    print(f"floor (DuckDB duration scan, best of 3): {floor:8.2f} s")

    out = Path(tempfile.mkdtemp()) / "findings.parquet"
    t = time.perf_counter()
    run = audit_to_file(root, out, as_of=AS_OF.astimezone(UTC), fmt="parquet")
    engine = time.perf_counter() - t
    peak = peak_mb()
    print(
        f"engine (load + check + all rules + summary + write): {engine:8.2f} s   findings: {run.summary['findings']:,}"
    )
    print(f"engine / floor:  {engine / floor:8.2f} x")
    print(f"peak memory after the engine: {peak:,.0f} MB")

    sample = min(args.sample, args.holds)
    if sample:
        p_time, _ = pandas_row_by_row(root, sample)
        scaled = p_time * args.holds / sample
        print(f"pandas row-by-row: {p_time:.2f} s for {sample:,} holds -> {scaled:,.0f} s scaled to {args.holds:,}")
        print(f"engine speed-up over pandas: {scaled / engine:8.1f} x")


if __name__ == "__main__":
    main()
