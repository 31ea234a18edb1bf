"""Rows set aside: CSV lines that cannot be split into the header's fields, and ids on more than one row; refused by
name, or kept as ``Rejects`` (with the reason) under ``lenient``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from wso.audit.columns import Col, RecordsError, literal, quote, source


@dataclass
class Rejects:
    """Rows set aside under ``lenient``: the source row as text, where it came from and why."""

    table: str
    file: Path
    count: int
    rows: pa.Table


def broken_lines(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> list[tuple[int, str, str]]:
    """CSV lines that cannot be split into the header's fields: (line, what is wrong, the line's text)."""
    if path.suffix.lower() == ".parquet":
        return []
    name = f"__broken_{table}"
    try:
        con.execute(f"SELECT count(*) FROM {source(path, name)}").fetchall()
    except duckdb.Error as exc:
        raise RecordsError(f"{path}: cannot read the file: {str(exc).splitlines()[0]}") from exc
    rows = con.execute(
        f"SELECT line, arg_min(error_type || ' (' || error_message || ')', column_idx), any_value(csv_line) "
        f"FROM {name} GROUP BY line ORDER BY line"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"DROP TABLE IF EXISTS {name}_scan")
    return [(int(r[0]), str(r[1]).lower(), str(r[2])) for r in rows]


def refuse_broken(path: Path, broken: list[tuple[int, str, str]]) -> None:
    """Not lenient: a CSV line that cannot be split stops the load, naming the first such line."""
    line, problem, text = broken[0]
    raise RecordsError(
        f"{path}: line {line}: {problem}: {text!r} ({len(broken)} such line{'s' if len(broken) != 1 else ''} "
        "in the file); nothing was written (use --lenient to set bad rows aside)"
    )


def with_broken_lines(rows: pa.Table, path: Path, broken: list[tuple[int, str, str]]) -> pa.Table:
    """The rejected rows with the CSV lines that could not be split, in the file's order."""
    schema = rows.schema
    lines = pa.table(
        {
            "file": pa.array([str(path)] * len(broken), schema.field("file").type),
            "row": pa.array([line - 1 for line, _, _ in broken], schema.field("row").type),
            "reason": pa.array([f"line {line}: {problem}: {text}" for line, problem, text in broken]),
        }
    )
    rows = pa.concat_tables([lines, rows], promote_options="default")
    return rows.take(pc.sort_indices(rows, [("row", "ascending")]))


KEYS = {"holds": "record_id", "complaints": "complaint_id"}


@dataclass(frozen=True)
class Check:
    """How a loaded table was read: its file, its rows numbered as in the file, its columns, the test of a bad
    row, the line offset of a CSV header, and the view's query."""

    path: Path
    numbered: str
    cols: list[Col]
    any_bad: str
    line_offset: int
    body: str


def increasing(con: duckdb.DuckDBPyConnection, key: str, relation: str) -> bool:
    """Whether the ids (the SQL expression ``key`` over ``relation``, empty ones left out) are in strictly increasing
    order, an export's usual order: then they are distinct, proven by one streaming comparison instead of a hash
    table of every id. Any subset of the rows is then in that order too."""
    row = con.execute(
        f"SELECT count(*) FROM (SELECT k, lag(k) OVER () AS p FROM (SELECT {key} AS k FROM {relation} "
        "WHERE k IS NOT NULL)) WHERE k <= p"
    ).fetchone()
    return row is not None and row[0] == 0


def duplicates(
    con: duckdb.DuckDBPyConnection,
    name: str,
    key: str,
    check: Check,
    lenient: bool,
    rejects: Rejects | None,
    *,
    proven_distinct: bool = False,
) -> Rejects | None:
    """Ids that appear on more than one row: which row is the hold is unknown, so all of them are refused (or, with
    ``lenient``, set aside as rejects naming the id and its rows) and none is audited. ``proven_distinct``: the
    file's ids were found in increasing order already (``increasing``); otherwise the view's are tested first."""
    if proven_distinct or increasing(con, quote(key), name):
        return rejects
    found = con.execute(f"SELECT {quote(key)}, count(*) FROM {name} GROUP BY ALL HAVING count(*) > 1").fetchall()
    if not found:
        return rejects
    path, cols = check.path, check.cols
    dup_table = f"__dup_{name}"
    values = ", ".join(f"({literal(str(k))})" for k, _ in found)
    # not TEMP: the holds view names it, and a cursor (another connection to the database) must see it too
    con.execute(f"CREATE OR REPLACE TABLE {dup_table} AS SELECT * FROM (VALUES {values}) AS d(k)")
    typed = next(c for c in cols if c.name == key).typed
    rows = con.execute(
        f"SELECT {literal(str(path))} AS file, __row AS row, "
        f"'{key}: duplicate: ' || {typed} || ' appears on ' || count(*) OVER (PARTITION BY {typed}) || "
        f"' rows (' || string_agg(CAST(__row AS VARCHAR), ', ') OVER (PARTITION BY {typed} ORDER BY __row "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) || '); an id names one hold; ' AS reason, "
        + ", ".join(f"{c.source} AS {quote(c.name)}" for c in cols)
        + f" FROM {check.numbered} WHERE NOT ({check.any_bad}) AND {typed} IN (SELECT k FROM {dup_table}) "
        "ORDER BY __row"
    ).to_arrow_table()
    if not lenient:
        first = rows.slice(0, 1).to_pylist()[0]
        where = f"row {first['row']}" + (f" (line {first['row'] + check.line_offset})" if check.line_offset else "")
        shown = ", ".join(repr(str(k)) for k, _ in sorted(found)[:5]) + (", ..." if len(found) > 5 else "")
        raise RecordsError(
            f"{path}: column {key!r} ({name}.{key}), {where}: {first['reason'].rstrip('; ')} "
            f"({len(found)} id{'s' if len(found) != 1 else ''} on more than one row: {shown}); "
            "nothing was written (use --lenient to set them aside)"
        )
    con.execute(
        f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM ({check.body}) WHERE {quote(key)} NOT IN "
        f"(SELECT k FROM {dup_table})"
    )
    if rejects is not None:
        rows = pa.concat_tables([rejects.rows, rows], promote_options="default")
        rows = rows.take(pc.sort_indices(rows, [("row", "ascending")]))
    return Rejects(table=name, file=path, count=rows.num_rows, rows=rows)
