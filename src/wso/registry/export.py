"""Export the registry as CSV, Parquet or JSON: one file per table in a folder.

Tables: snapshots, rows (every row ICE published, with its raw cells and what was read from them: the stored row
joined to its reading), issues, agencies, agreements, listings (which agency and agreement each row lists).
The registry holds no personal data (agencies are public bodies), so everything is exported.
In CSV an empty field is null (the registry never stores empty text); dates are ISO 8601, capture and ingest
times ISO 8601 in UTC with offset. In Parquet dates are date32 and times UTC timestamps. JSON: one array of
objects per table, dates and times as in CSV.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Date, Integer, Select, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from wso.registry.models import AGENCIES, AGREEMENTS, ISSUES, PENDING_LISTINGS, READINGS, ROWS, SNAPSHOTS
from wso.registry.readings import READING_FIELDS
from wso.store import UTCDateTime

Format = Literal["csv", "parquet", "json"]
FORMATS: tuple[Format, ...] = ("csv", "parquet", "json")


def _rows() -> Select[Any]:
    fields = [READINGS.c[f] for f in READING_FIELDS]
    return (
        select(ROWS.c.snapshot_id, ROWS.c.row_number, ROWS.c.reading_id, *fields)
        .join(READINGS, READINGS.c.id == ROWS.c.reading_id)
        .order_by(ROWS.c.snapshot_id, ROWS.c.row_number)
    )


def _listings() -> Select[Any]:
    participating = (
        select(
            ROWS.c.snapshot_id,
            ROWS.c.row_number,
            READINGS.c.agency_id,
            READINGS.c.agreement_id,
        )
        .join(READINGS, READINGS.c.id == ROWS.c.reading_id)
        .join(SNAPSHOTS, SNAPSHOTS.c.id == ROWS.c.snapshot_id)
        .where(SNAPSHOTS.c.kind == "participating", READINGS.c.agreement_id.is_not(None))
    )
    pending = (
        select(
            PENDING_LISTINGS.c.snapshot_id,
            PENDING_LISTINGS.c.row_number,
            AGREEMENTS.c.agency_id,
            PENDING_LISTINGS.c.agreement_id,
        )
    ).join(AGREEMENTS, AGREEMENTS.c.id == PENDING_LISTINGS.c.agreement_id)
    both = union_all(participating, pending).subquery()
    return select(both).order_by(both.c.snapshot_id, both.c.row_number)


def _table(table: Any) -> Select[Any]:
    return select(table).order_by(*table.primary_key.columns)


SOURCES: dict[str, Select[Any]] = {
    "snapshots": _table(SNAPSHOTS),
    "rows": _rows(),
    "issues": _table(ISSUES),
    "agencies": _table(AGENCIES),
    "agreements": _table(AGREEMENTS),
    "listings": _listings(),
}
TABLES = tuple(SOURCES)


def table_rows(session: Session, name: str) -> list[dict[str, Any]]:
    """Every row of the exported table `name` as a dict, ordered by its key."""
    return [dict(row._mapping) for row in session.execute(SOURCES[name])]


def _write_parquet(path: Path, rows: list[dict[str, Any]], source: Select[Any]) -> None:
    """`rows` as Parquet: dates as date32, times as UTC timestamps (pyarrow loaded here, not at import: only
    Parquet needs it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow_type(kind: TypeEngine[Any]) -> pa.DataType:
        if isinstance(kind, UTCDateTime):
            return pa.timestamp("us", tz="UTC")
        if isinstance(kind, Date):
            return pa.date32()
        if isinstance(kind, Integer):
            return pa.int64()
        return pa.string()

    schema = pa.schema([(c.name, arrow_type(c.type)) for c in source.selected_columns])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def _text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export(session: Session, fmt: str, folder: Path) -> list[Path]:
    """Write every registry table to `folder` (created if needed) in `fmt`; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in SOURCES.items():
        rows = table_rows(session, name)
        columns = [c.name for c in source.selected_columns]
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows([["" if r[c] is None else _text(r[c]) for c in columns] for r in rows])
        elif fmt == "json":
            data = [{c: _text(r[c]) for c in columns} for r in rows]
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            _write_parquet(path, rows, source)
        written.append(path)
    return written
