"""Export the registry as CSV, Parquet or JSON: one file per table in a folder.

Tables: snapshots, rows (every row ICE published, with its raw cells), issues, agencies, agreements, listings.
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

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Date, Integer, Table, select
from sqlalchemy.orm import Session

from wso.registry.models import AGENCIES, AGREEMENTS, ISSUES, LISTINGS, ROWS, SNAPSHOTS
from wso.store import UTCDateTime

Format = Literal["csv", "parquet", "json"]
FORMATS: tuple[Format, ...] = ("csv", "parquet", "json")
TABLES: dict[str, Table] = {
    "snapshots": SNAPSHOTS,
    "rows": ROWS,
    "issues": ISSUES,
    "agencies": AGENCIES,
    "agreements": AGREEMENTS,
    "listings": LISTINGS,
}


def table_rows(session: Session, table: Table) -> list[dict[str, Any]]:
    """Every row of `table` as a dict, ordered by primary key."""
    stmt = select(table).order_by(*table.primary_key.columns)
    return [dict(row._mapping) for row in session.execute(stmt)]


def _arrow_type(table: Table, column: str) -> pa.DataType:
    kind = table.c[column].type
    if isinstance(kind, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, Integer):
        return pa.int64()
    return pa.string()


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
    for name, table in TABLES.items():
        rows = table_rows(session, table)
        columns = [c.name for c in table.columns]
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
            schema = pa.schema([(c, _arrow_type(table, c)) for c in columns])
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
        written.append(path)
    return written
