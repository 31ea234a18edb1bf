"""DATA-FUTURE-TIME on Parquet files, whose statistics let the future-time test skip the columns never after the
audit time: every future time is still found, to the second."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.audit.builders import AS_OF, SERVED, hold, holds_as_parquet, write_records
from wso.audit import load_records, run_audit
from wso.audit.rules import TIME_NAMES

H = timedelta(hours=1)


def _as_parquet(root: Path, holds: list[dict[str, Any]]) -> Path:
    """The records of ``holds`` with holds.parquet (times as TIMESTAMPTZ, as an export writes them) for holds.csv."""
    return holds_as_parquet(write_records(root, holds))


def _future(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {r["record_id"]: json.loads(r["evidence"])["columns"] for r in rows if r["rule_id"] == "DATA-FUTURE-TIME"}


def test_a_future_time_in_one_column_is_found_and_the_other_columns_are_skipped(tmp_path: Path) -> None:
    root = _as_parquet(
        tmp_path,
        [
            hold("PAST"),
            hold("REPORTED", citizenship_claim_at=SERVED + H, citizenship_reported_at=AS_OF + 2 * H),
            hold("HALF-SECOND", ended_at=AS_OF + timedelta(milliseconds=500)),
        ],
    )
    records = load_records(root)
    assert records.maybe_future(AS_OF) == ("reported_s",)  # the ended time is the audit time, to the second
    assert _future(run_audit(records, AS_OF).findings.to_pylist()) == {"REPORTED": "citizenship_reported_at"}


def test_no_future_time_skips_the_test_and_finds_none(tmp_path: Path) -> None:
    records = load_records(_as_parquet(tmp_path, [hold("A"), hold("B", ended_at=AS_OF)]))
    assert records.maybe_future(AS_OF) == ()
    assert _future(run_audit(records, AS_OF).findings.to_pylist()) == {}


def test_a_later_second_is_future(tmp_path: Path) -> None:
    records = load_records(_as_parquet(tmp_path, [hold("LATE", ended_at=AS_OF + timedelta(seconds=1))]))
    assert records.maybe_future(AS_OF) == ("ended_s",)
    assert _future(run_audit(records, AS_OF).findings.to_pylist()) == {"LATE": "ended_at"}


def test_csv_files_test_every_column(tmp_path: Path) -> None:
    write_records(tmp_path, [hold("FUTURE", served_at=AS_OF + 24 * H, ended_at=AS_OF + 30 * H)])
    records = load_records(tmp_path)
    assert len(records.maybe_future(AS_OF)) == len(TIME_NAMES)
    assert "FUTURE" in _future(run_audit(records, AS_OF).findings.to_pylist())


def test_the_extremes_come_from_the_files_statistics_to_the_microsecond(tmp_path: Path) -> None:
    late = AS_OF + timedelta(microseconds=1_500_001)
    records = load_records(_as_parquet(tmp_path, [hold("A"), hold("B", ended_at=late)]))
    records.con.close()
    assert records.latest["ended_at"] == late.replace(tzinfo=None)
    assert records.latest["citizenship_claim_at"] is None  # no value at all: nothing can be after the audit time
    assert records.first_time == SERVED.replace(tzinfo=None)
    assert set(records.latest) == set(TIME_NAMES)
    assert records.maybe_future(AS_OF) == ("ended_s",)
