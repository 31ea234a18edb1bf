"""Benchmark of the console's audit upload (`/console/audit`) at its row limit (default: 200,000 holds, the
default WSO_CONSOLE_AUDIT_MAX_ROWS), through the same functions the routes call, without HTTP.

Prints, each with wall and CPU (user + system) seconds of this process:
- the upload's audit without the cost tally (what the form does unless "Also tally what the holds cost" is ticked);
- the same with the cost tally (what `wso audit run --format html` always pays);
- the memory the kept result takes (the findings, Arrow bytes), against the store's bounds;
- paging: the last page of all findings, and of one rule;
- each download: findings.csv, findings.parquet, report.html, report.pdf (WeasyPrint).

Usage: nice python benchmarks/console_audit.py [--holds N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wso.audit import generate
from wso.web.auditstore import MAX_RESULT_BYTES, MAX_TOTAL_BYTES, PAGE_SIZE, download, report_page
from wso.web.auditupload import AuditDone, Upload, audit_upload

T = TypeVar("T")
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, work: Callable[[], T]) -> T:
    wall, used = time.perf_counter(), cpu()
    out = work()
    print(f"{label:<44} wall {time.perf_counter() - wall:7.2f} s   cpu {cpu() - used:7.2f} s", flush=True)
    return out


def upload(folder: Path, with_cost: bool) -> AuditDone:
    files = [Upload(p.name, p.open("rb")) for p in sorted(folder.glob("*.csv"))]
    try:
        return audit_upload(files, AS_OF, max_rows=None, with_cost=with_cost)
    finally:
        for f in files:
            f.source.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--holds", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"console audit, {args.holds:,} holds; load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="wso-bench-console-audit-") as tmp:
        folder = Path(tmp)
        generate(folder, args.holds, seed=args.seed, violation_rate=0.02, file_format="csv")
        done = timed("audit, no cost tally (the form's default)", lambda: upload(folder, False))
        timed("audit with the cost tally (asked)", lambda: upload(folder, True))
        total = done.result.findings.num_rows
        print(
            f"findings {total:,}; kept result {done.result.findings.nbytes / 2**20:.1f} MiB "
            f"(bounds: {MAX_RESULT_BYTES / 2**20:.0f} MiB a result, {MAX_TOTAL_BYTES / 2**20:.0f} MiB in all)"
        )
        last = max(1, -(-total // PAGE_SIZE))
        timed(f"page {last} of all findings", lambda: report_page(done, "", None, page=last))
        rule = str(max(done.summary["by_rule"], key=lambda r: r["findings"])["rule_id"])
        timed(f"page 1 of {rule}", lambda: report_page(done, "", None, page=1, rule=rule))
        for name in ("findings.csv", "findings.parquet", "report.html", "report.pdf"):
            size = len(timed(f"download {name}", lambda name=name: download(done, name)))  # type: ignore[misc]
            print(f"{'':<44} {size / 1024:,.0f} KiB")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
