"""Small, hand-written hold-record directories for rule tests: one lawful hold by default, override any field."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from wso.audit.columns import literal
from wso.audit.rules import TIME_NAMES, UNTIL_NAME
from wso.program import hold_records as hr

SERVED = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)  # a Tuesday, 10:00 in New York
AS_OF = datetime(2025, 3, 20, tzinfo=UTC)


def iso(t: datetime | None) -> str:
    return "" if t is None else t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def hold(record_id: str = "R1", **over: Any) -> dict[str, Any]:
    served = over.pop("served_at", SERVED)
    row: dict[str, Any] = {
        "record_id": record_id,
        "state": "FL",
        "agency_id": "FL-A",
        "agency_name": "A County Sheriff",
        "facility_id": "FL-A-JAIL",
        "facility_tz": "America/New_York",
        "instrument": "I-200",
        "officer_id": "OF-1",
        "served_at": served,
        "scheduled_release_at": served,
        "served_inside_facility": "true",
        "ice_notified_at": served + timedelta(minutes=10),
        "citizenship_claim_at": None,
        "citizenship_reported_at": None,
        "detention_agreement": "false",
        "ended_at": served + timedelta(hours=20),
        "end_reason": "transferred",
        "person_ref": f"P-{record_id}",
    }
    row.update(over)
    return row


def officer(officer_id: str = "OF-1", **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "officer_id": officer_id,
        "agency_id": "FL-A",
        "authorized_from": datetime(2024, 1, 1, tzinfo=UTC),
        "authorized_until": None,
    }
    row.update(over)
    return row


def agreement(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "agency_id": "FL-A",
        "state": "FL",
        "model": "WSO",
        "in_force_from": "2024-01-01",
        "in_force_until": "",
    }
    row.update(over)
    return row


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return iso(v)
    return str(v)


def write_table(path: Path, table: hr.Table, rows: list[dict[str, Any]], columns: list[str] | None = None) -> None:
    names = columns or list(table.column_names)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for r in rows:
            w.writerow([_cell(r.get(n)) for n in names])


def write_records(
    root: Path,
    holds: list[dict[str, Any]],
    officers: list[dict[str, Any]] | None = None,
    agreements: list[dict[str, Any]] | None = None,
    *,
    holds_columns: list[str] | None = None,
    complaints: list[dict[str, Any]] | None = None,
) -> Path:
    """The records as CSV files in ``root``; ``holds_columns`` to write only some columns (a v1 file)."""
    root.mkdir(parents=True, exist_ok=True)
    write_table(root / "holds.csv", hr.HOLDS, holds, holds_columns)
    if complaints is not None:
        write_table(root / "complaints.csv", hr.COMPLAINTS, complaints)
    write_table(root / "officers.csv", hr.OFFICERS, officers if officers is not None else [officer()])
    write_table(root / "agreements.csv", hr.AGREEMENTS, agreements if agreements is not None else [agreement()])
    return root


def holds_as_parquet(root: Path) -> Path:
    """``root``'s holds.csv replaced by holds.parquet, times as TIMESTAMPTZ (as an export writes them, microseconds
    kept)."""
    csv = root / "holds.csv"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    names = [*TIME_NAMES, UNTIL_NAME] if UNTIL_NAME in csv.read_text(encoding="utf-8").split("\n", 1)[0] else TIME_NAMES
    times = ", ".join(f"CAST(NULLIF({name}, '') AS TIMESTAMPTZ) AS {name}" for name in names)
    con.execute(
        f"COPY (SELECT * REPLACE ({times}) FROM read_csv({literal(str(csv))}, all_varchar = true, header = true)) "
        f"TO {literal(str(root / 'holds.parquet'))} (FORMAT parquet)"
    )
    con.close()
    csv.unlink()
    return root
