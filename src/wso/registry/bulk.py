"""Writing many rows fast: COPY on PostgreSQL, multi-row INSERTs on SQLite, Core executemany elsewhere.

Used for the registry's high-volume tables (rows, readings, issues, pending listings), whose columns are text,
integers and dates only (no time zones to convert)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import chain, starmap
from typing import Any

from sqlalchemy import Connection, Date, Table, insert


def bulk_insert(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    *,
    columns: Sequence[str] | None = None,
    plain: bool = False,
) -> None:
    """Insert `rows` into `table` in the current transaction: dicts keyed by column name (all with the same
    keys), or tuples in the order of `columns`. `plain` promises that every value is an int or a str of letters,
    digits and dashes (ids, hashes, numbers), so PostgreSQL's COPY text needs no escaping."""
    with sending(connection, table, rows, columns=columns, plain=plain):
        pass


@contextmanager
def sending(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]],
    *,
    columns: Sequence[str] | None = None,
    plain: bool = False,
) -> Iterator[None]:
    """`bulk_insert`, around a block that must not use the connection. On PostgreSQL the rows are sent by COPY
    before the block runs and the COPY is finished after it, so the server stores them while Python works on the
    block; elsewhere they are inserted before the block."""
    if not rows:
        yield
        return
    if columns is None:
        dicts: Sequence[Mapping[str, Any]] = rows  # type: ignore[assignment]
        columns = list(dicts[0])
        data: Sequence[Sequence[Any]] = [tuple(row[c] for c in columns) for row in dicts]
    else:
        data = rows  # type: ignore[assignment]
    dialect = connection.dialect.name
    names = ", ".join(f'"{c}"' for c in columns)
    if dialect == "postgresql" and connection.dialect.driver == "psycopg":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
            if plain:  # nothing to escape: one format call per row, in C
                line = ("\t".join(["{}"] * len(columns)) + "\n").format
                copy.write("".join(starmap(line, data)))
            else:  # psycopg formats (and escapes) each row in C
                for row in data:
                    copy.write_row(row)
            yield
        return
    if dialect == "sqlite":
        dated = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date)]
        head = f'INSERT INTO "{table.name}" ({names}) VALUES '
        _sqlite_insert(connection.connection.driver_connection, head, data, dated)
    else:
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in data])
    yield


# SQLite's page cache while a bulk write runs, in KiB (negative: SQLite's unit for a size); the default is 2 MB
_SQLITE_WRITE_CACHE_KIB = 65536


@contextmanager
def large_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a page cache of 64 MB for this connection while the block runs (the default's 2 MB is less than
    a whole archive's rows and their key: the B-tree's pages were read back from the file as they were split),
    then the size it had; elsewhere nothing. SQLite takes the memory only as it fills it."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or 0)}")


# rows per SQLite INSERT: as many as 999 parameters allow (measured fastest; larger statements cost more to prepare)
_SQLITE_PARAMETERS = 999


def _sqlite_insert(raw: Any, head: str, data: Sequence[Sequence[Any]], dated: Sequence[int]) -> None:
    """`data` inserted by `head` ("INSERT INTO t (a, b) VALUES ") with many rows to a statement: SQLite's cost is
    mostly per statement, not per row. The columns at `dated` hold dates, written as SQLAlchemy's SQLite Date type
    writes them (ISO text)."""
    width = len(data[0])
    per = max(1, min(_SQLITE_PARAMETERS, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) // width)
    one = "(" + ", ".join("?" * width) + ")"
    full = head + ", ".join([one] * per)
    cursor = raw.cursor()
    try:
        for start in range(0, len(data), per):
            chunk = data[start : start + per]
            sql = full if len(chunk) == per else head + ", ".join([one] * len(chunk))
            values = list(chain.from_iterable(chunk))
            for column in dated:  # every width-th value, from the column's place in the first row
                values[column::width] = [v.isoformat() if isinstance(v, date) else v for v in values[column::width]]
            cursor.execute(sql, values)
    finally:
        cursor.close()
