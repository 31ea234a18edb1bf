"""Fractions of a second: every input type (CSV, Parquet, the PySpark path) audits a time floored to the whole
second, before 1970 too; and the ledger and the audit of its export agree, where fractions decide too (every rule
decides on whole seconds, floored: ``wso.program.decision_second``; each rule's edges are in
``tests/conformance/test_subsecond_agreement.py``).

The ledger history is conformance case 02 (``tests/conformance/cases/02-late-transfer.jsonl``) with its times moved
by fractions of a second."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.audit.builders import AS_OF, SERVED, hold, holds_as_parquet, write_records
from tests.conformance.harness import finding_set, ledger_late, run_audit_of_export, run_ledger
from wso.audit import load_records, run_audit
from wso.store import Database

H = timedelta(hours=1)
MS = timedelta(milliseconds=1)
#: half a second before the epoch: floored, 1969-12-31T23:59:59Z (truncated toward zero it would be 1970)
BEFORE_1970 = datetime(1970, 1, 1, tzinfo=UTC) - 500 * MS


def _holds() -> list[dict[str, Any]]:
    return [
        # 48 h to the second once floored: not over
        hold("EDGE", ended_at=SERVED + 48 * H + 600 * MS),
        hold("LATER-START", served_at=SERVED + 400 * MS, ended_at=SERVED + 48 * H),
        # one second over, with fractions on both ends
        hold("OVER", served_at=SERVED + 250 * MS, ended_at=SERVED + 48 * H + 1_900 * MS),
        # ICE told 15 minutes and 0.9 s after service: 15 minutes once floored, not late
        hold("NOTIFY", ice_notified_at=SERVED + 15 * timedelta(minutes=1) + 900 * MS),
        # ended 0.3 s before it was served: the same second, not backwards
        hold("SAME-SECOND", served_at=SERVED + 500 * MS, ended_at=SERVED + 200 * MS),
        # before 1970: no agreement in force then; the evidence shows the floored second
        hold("OLD", served_at=BEFORE_1970, scheduled_release_at=BEFORE_1970, ice_notified_at=BEFORE_1970,
             ended_at=BEFORE_1970 + H),
    ]  # fmt: skip


def _csv(root: Path) -> Path:
    return write_records(root, _holds())


def _parquet(root: Path) -> Path:
    """The same records with holds.parquet (times as TIMESTAMPTZ, microseconds kept) for holds.csv."""
    return holds_as_parquet(write_records(root, _holds()))


def _audit(root: Path, backend: str = "duckdb", spark: Any = None) -> list[dict[str, Any]]:
    records = load_records(root)
    try:
        rows = run_audit(records, AS_OF, backend, spark=spark).findings.to_pylist()
    finally:
        records.con.close()
    return rows


def _check(rows: list[dict[str, Any]]) -> None:
    found = {(r["record_id"], r["rule_id"]) for r in rows}
    assert {rid for rid, _ in found} == {"OVER", "OLD"}
    assert ("OVER", "WSO-48H") in found
    over = next(r for r in rows if r["record_id"] == "OVER" and r["rule_id"] == "WSO-48H")
    evidence = json.loads(over["evidence"])
    assert evidence["served_at"] == "2025-03-04T15:00:00Z"
    assert evidence["ended_at"] == "2025-03-06T15:00:01Z"
    assert evidence["hours_over"] == round(1 / 3600, 2)
    old = next(r for r in rows if r["record_id"] == "OLD" and r["rule_id"] == "WSO-AGREEMENT-IN-FORCE")
    assert json.loads(old["evidence"])["served_at"] == "1969-12-31T23:59:59Z"
    assert json.loads(old["evidence"])["local_date"] == "1969-12-31"


def test_csv_and_parquet_floor_fractions_alike(tmp_path: Path) -> None:
    on_csv = _audit(_csv(tmp_path / "csv"))
    on_parquet = _audit(_parquet(tmp_path / "parquet"))
    _check(on_csv)
    assert on_parquet == on_csv


def test_the_loaded_times_are_floored_before_1970_too(tmp_path: Path) -> None:
    for root in (_csv(tmp_path / "csv"), _parquet(tmp_path / "parquet")):
        records = load_records(root)
        row = records.con.execute("SELECT served_at FROM holds WHERE record_id = 'OLD'").fetchone()
        records.con.close()
        assert row is not None and row[0] == datetime(1969, 12, 31, 23, 59, 59), root.name


@pytest.mark.spark
def test_the_pyspark_path_floors_fractions_alike(tmp_path: Path, spark: Any) -> None:
    on_duckdb = _audit(_parquet(tmp_path / "duckdb"))
    assert _audit(_parquet(tmp_path / "pyspark"), "pyspark", spark) == on_duckdb


HISTORY = (Path(__file__).parents[1] / "conformance" / "cases" / "02-late-transfer.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("serve", "transfer", "late"),
    [
        ("09:00:00.250", "2026-04-08T11:00:00.250", True),  # two hours late, fractions alike on both ends
        ("09:00:00.250", "2026-04-08T08:59:59.750", False),  # a quarter second before the deadline
        ("09:00:00.999", "2026-04-08T09:00:00.000", False),  # at the deadline to the microsecond
        # the deadline runs from the scheduled release (09:00:00 sharp), whatever the fraction of service:
        ("09:00:00.250", "2026-04-08T09:00:00.750", False),  # 0.75 s past it, in its second: not late
        ("09:00:00.250", "2026-04-08T09:00:01.100", True),  # 1.1 s past it, the next second: one second late
    ],
)
def test_the_ledger_and_the_audit_agree_on_fractional_times(
    db: Database, tmp_path: Path, serve: str, transfer: str, late: bool
) -> None:
    serve_line = '"2026-04-06T09:00:00-04:00", "cmd": "warrant.serve"'
    text = HISTORY.replace(serve_line, serve_line.replace("09:00:00", serve))
    text = text.replace("2026-04-08T11:00:00-04:00", f"{transfer}-04:00")
    text = "\n".join(line for line in text.splitlines() if '"cmd": "sweep"' not in line)  # alerts are not compared
    assert serve in text and transfer in text
    as_of = datetime(2026, 4, 10, tzinfo=UTC)
    run_ledger(db, text, as_of)
    rows = run_audit_of_export(db, tmp_path / "export", as_of)
    assert finding_set(rows) == ledger_late(db, as_of)
    assert (("hold-W1", "WSO-48H") in finding_set(rows)) is late
