"""Writing many rows fast: COPY on PostgreSQL, one prepared executemany on SQLite, Core executemany elsewhere.

Used for the registry's high-volume tables (rows, issues, listings), whose columns are text, integers and dates
only (no time zones to convert)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Date, Table, insert


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts keyed by column name, all with the same keys) into `table`, in the current
    transaction."""
    if not rows:
        return
    columns = list(rows[0])
    dialect = connection.dialect.name
    if dialect == "postgresql" and connection.dialect.driver == "psycopg":
        raw = connection.connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    if dialect == "sqlite":
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        dated = [c for c in columns if isinstance(table.c[c].type, Date)]
        if dated:
            rows = [{**row, **{c: _sqlite_value(row[c]) for c in dated}} for row in rows]
        data = [tuple(row[c] for c in columns) for row in rows]
        connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', data)
        return
    connection.execute(insert(table), list(rows))


def _sqlite_value(value: Any) -> Any:
    # SQLAlchemy's SQLite Date type stores ISO text; write the same text it would.
    if isinstance(value, date):
        return value.isoformat()
    return value
