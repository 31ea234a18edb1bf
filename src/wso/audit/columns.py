"""How each column of the hold-record schema is read from a file and checked, as DuckDB SQL: its typed value, the
test of a bad value and the message naming it; what the file's own statistics prove; and the error a check raises
(``RecordsError``, naming the file, the column and the first bad row)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import duckdb

from wso.audit.mapping import Mapping, TableMapping
from wso.program import hold_records as hr

TRUE_VALUES = ("true", "t", "1", "yes", "y")
FALSE_VALUES = ("false", "f", "0", "no", "n")
_OFFSET_RE = r"(Z|z|[+-]\d\d(:?\d\d)?)$"


class RecordsError(ValueError):
    """Records that cannot be audited as given. The message names the file, the column and the first bad row."""


class WrongType(RecordsError):
    """A whole column of the wrong type (a typed file such as Parquet); the loader adds the first row's value."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Col:
    name: str
    typed: str  # SQL expression for the typed value
    bad: str  # SQL predicate: this row's value is bad
    problem: str  # what "bad" means, for the message
    source: str  # SQL expression for the source value as text
    micros: str | None = None  # times: SQL for UTC epoch microseconds as the file gives them (else of `typed`)
    from_statistics: bool = False  # times: a Parquet TIMESTAMPTZ column, whose extremes the footer may give


@dataclass(frozen=True)
class _Input:
    """One schema column's source in the file, as SQL: where its value comes from and how it reads."""

    src: str  # SQL expression for the raw source value
    src_type: str  # its DuckDB type, upper case
    src_name: str  # the file's column name (or "constant ..." for a mapping constant)
    text: str  # SQL expression for the source value as text
    is_text: bool
    value: str  # SQL expression for the value, empty text as null
    required: str  # SQL predicate suffix: a required column's value is missing
    empty_msg: str  # message suffix for a required column
    where: str  # "<file>: column '<name>' (<table>.<column>)", for messages


def _input(table: hr.Table, col: hr.Column, spec: TableMapping, sources: dict[str, str], path: Path) -> _Input:
    missing_new = col.since > 1 and spec.columns.get(col.name, col.name) not in sources
    if col.name in spec.constants or missing_new:
        # a column added after the file's schema version is read as empty (hold-record schema v1 files)
        value = spec.constants.get(col.name, "")
        src = "NULL::VARCHAR" if value == "" else literal(value)
        src_type = "VARCHAR"
        src_name = f"constant {value!r}"
    else:
        src_name = spec.columns.get(col.name, col.name)
        if src_name not in sources:
            shown = ", ".join(sources) or "none"
            raise RecordsError(
                f"{path}: column {src_name!r} ({table.name}.{col.name}) is missing; the file has columns: {shown}"
            )
        src = quote(src_name)
        src_type = sources[src_name].upper()
    is_text = src_type == "VARCHAR"
    csv = path.suffix.lower() == ".csv" or col.name in spec.constants
    value = (f"NULLIF(TRIM({src}), '')" if csv else f"NULLIF({src}, '')") if is_text else src
    return _Input(
        src=src,
        src_type=src_type,
        src_name=src_name,
        text=f"CAST({src} AS VARCHAR)",
        is_text=is_text,
        value=value,
        required="" if col.nullable else f" OR ({value}) IS NULL",
        empty_msg="" if col.nullable else "; it may not be empty",
        where=f"{path}: column {src_name!r} ({table.name}.{col.name})",
    )


def column_sql(
    table: hr.Table, col: hr.Column, spec: TableMapping, mapping: Mapping, sources: dict[str, str], path: Path
) -> Col:
    got = _input(table, col, spec, sources, path)
    if col.type == "string":
        return _string_col(col, got)
    if col.type == "boolean":
        return _boolean_col(col, got, mapping)
    fmt = spec.time_formats.get(col.name, mapping.time_format)
    if col.type == "date":
        return _date_col(col, got, fmt)
    return _time_col(col, got, fmt, mapping.time_zone)


def _string_col(col: hr.Column, got: _Input) -> Col:
    if not (got.is_text or got.src_type in {"BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT", "UINTEGER"}):
        raise WrongType(f"{got.where} has type {got.src_type}, not text", got.src_name)
    typed = f"CAST({got.value} AS VARCHAR)"
    bad = f"FALSE{got.required}"
    problem = f"expected text{got.empty_msg}"
    if col.values:  # the loader adds the unknown values it finds (see load._load_table)
        problem = f"expected one of {', '.join(col.values)}{got.empty_msg}"
    if col.name == "facility_tz":  # likewise the unknown zones
        problem = "expected an IANA time zone such as America/New_York"
    return Col(col.name, typed, bad, problem, got.text)


def _boolean_col(col: hr.Column, got: _Input, mapping: Mapping) -> Col:
    if got.src_type == "BOOLEAN":
        return Col(col.name, got.src, f"FALSE{got.required}", f"expected true or false{got.empty_msg}", got.text)
    if not got.is_text:
        raise WrongType(f"{got.where} has type {got.src_type}, not boolean", got.src_name)
    trues = ", ".join(literal(v.lower()) for v in (*TRUE_VALUES, *mapping.true_values))
    falses = ", ".join(literal(v.lower()) for v in (*FALSE_VALUES, *mapping.false_values))
    low = f"LOWER({got.value})"
    typed = f"CASE WHEN {low} IN ({trues}) THEN TRUE WHEN {low} IN ({falses}) THEN FALSE END"
    bad = f"({got.value} IS NOT NULL AND ({typed}) IS NULL){got.required}"
    return Col(col.name, typed, bad, f"expected true or false{got.empty_msg}", got.text)


def _date_col(col: hr.Column, got: _Input, fmt: str | None) -> Col:
    src, value = got.src, got.value
    if got.src_type == "DATE":
        typed = src
    elif got.src_type.startswith("TIMESTAMP"):
        typed = f"CAST({src} AS DATE)"
    elif got.is_text:
        typed = f"TRY_CAST(TRY_STRPTIME({value}, {literal(fmt)}) AS DATE)" if fmt else f"TRY_CAST({value} AS DATE)"
    else:
        raise WrongType(f"{got.where} has type {got.src_type}, not a date", got.src_name)
    bad = f"({value} IS NOT NULL AND ({typed}) IS NULL){got.required}"
    return Col(col.name, typed, bad, f"expected a date{' in format ' + fmt if fmt else ' (YYYY-MM-DD)'}", got.text)


def _time_col(col: hr.Column, got: _Input, fmt: str | None, tz: str | None) -> Col:
    """Timestamps: naive UTC inside."""
    src, value = got.src, got.value
    zone = "facility_tz_src" if tz == "facility" else (literal(tz) if tz else None)
    if got.src_type in {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"}:
        # naive UTC floored to the second, without a per-row time-zone lookup; the microseconds as they are
        micros = f"epoch_us({src})"
        return Col(
            col.name,
            _seconds(f"make_timestamp({micros})"),
            f"FALSE{got.required}",
            f"expected a time{got.empty_msg}",
            got.text,
            micros,
            from_statistics=True,
        )
    if got.src_type.startswith("TIMESTAMP"):
        ts = f"CAST({src} AS TIMESTAMP)"
        typed = f"(timezone({zone}, {ts}) AT TIME ZONE 'UTC')" if zone else ts
        return Col(
            col.name,
            _seconds(typed),
            f"FALSE{got.required}",
            f"expected a time{got.empty_msg}",
            got.text,
            f"epoch_us({typed})",
        )
    if not got.is_text:
        raise WrongType(f"{got.where} has type {got.src_type}, not a time", got.src_name)
    if fmt:
        typed = _formatted_time(got, fmt, zone)
        problem = f"expected a time in format {fmt}"
    else:
        with_offset = f"(CAST(TRY_CAST({value} AS TIMESTAMPTZ) AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
        naive = f"TRY_CAST({value} AS TIMESTAMP)"
        local = f"(timezone({zone}, {naive}) AT TIME ZONE 'UTC')" if zone else "NULL::TIMESTAMP"
        typed = f"CASE WHEN regexp_matches({value}, {literal(_OFFSET_RE)}) THEN {with_offset} ELSE {local} END"
        problem = (
            "expected an ISO 8601 time"
            + ("" if zone else " with a UTC offset (or give time_zone in the mapping)")
            + got.empty_msg
        )
    bad = f"({value} IS NOT NULL AND ({typed}) IS NULL){got.required}"
    return Col(col.name, _seconds(typed), bad, problem, got.text, f"epoch_us({typed})")


def _formatted_time(got: _Input, fmt: str, zone: str | None) -> str:
    """A text time read with strptime format `fmt`, as naive UTC: by its own offset, else in `zone`."""
    parsed = f"TRY_STRPTIME({got.value}, {literal(fmt)})"
    if "%z" in fmt or "%Z" in fmt:
        return f"(CAST({parsed} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
    if zone:
        return f"(timezone({zone}, CAST({parsed} AS TIMESTAMP)) AT TIME ZONE 'UTC')"
    raise RecordsError(f"{got.where}: format {fmt!r} has no offset (%z); give time_zone in the mapping")


def _seconds(typed: str) -> str:
    """Times are audited to the whole second, floored (before 1970 too), so that every backend's arithmetic agrees:
    engines differ in whether a fractional epoch rounds or truncates. The rules read the microseconds
    (``Col.micros``) and floor them only where it can matter (``rules._tests`` in microseconds)."""
    return f"date_trunc('second', {typed})"


def proven_by_statistics(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[set[str], set[str]]:
    """Parquet columns whose own statistics prove (1) every row present and, for text, never empty: no row of
    them can fail a presence check, so the check scan need not read them; (2) never the empty text (the least
    value is not ''), so their values need no NULLIF. Without statistics, nothing is proven."""
    if path.suffix.lower() != ".parquet":
        return set(), set()
    try:
        rows = con.execute(
            "SELECT path_in_schema, bool_and(stats_null_count IS NOT NULL AND stats_null_count = 0), "
            "bool_and(stats_min_value IS NOT NULL AND stats_min_value <> '') "
            f"FROM parquet_metadata({literal(str(path))}) GROUP BY ALL"
        ).fetchall()
    except duckdb.Error:
        return set(), set()
    present = {str(name) for name, no_nulls, non_empty in rows if no_nulls and non_empty}
    return present, {str(name) for name, _no_nulls, non_empty in rows if non_empty}


def statistics_extremes(
    con: duckdb.DuckDBPyConnection, path: Path, columns: dict[str, str]
) -> dict[str, tuple[datetime | None, datetime | None]]:
    """The least and the greatest value (naive UTC) of time columns of Parquet file ``path`` (schema name -> the
    file's TIMESTAMPTZ column), from the row groups' statistics in a query of its own: the footer only, no value is
    read. A column whose statistics are missing or inexact in some row group is left out (the caller reads it)."""
    if not columns or path.suffix.lower() != ".parquet":
        return {}
    names = ", ".join(literal(src) for src in columns.values())
    try:
        rows = con.execute(
            "SELECT path_in_schema, min(CAST(stats_min_value AS TIMESTAMPTZ) AT TIME ZONE 'UTC'), "
            "max(CAST(stats_max_value AS TIMESTAMPTZ) AT TIME ZONE 'UTC'), "
            "bool_and(coalesce(stats_null_count = row_group_num_rows OR (stats_min_value IS NOT NULL "
            "AND stats_max_value IS NOT NULL AND coalesce(min_is_exact AND max_is_exact, TRUE)), FALSE)) "
            f"FROM parquet_metadata({literal(str(path))}) WHERE path_in_schema IN ({names}) GROUP BY ALL"
        ).fetchall()
    except duckdb.Error:
        return {}
    found = {str(src): (low, high) for src, low, high, known in rows if known}
    return {name: found[src] for name, src in columns.items() if src in found}


def source(path: Path, rejects: str | None = None) -> str:
    """The file as a relation. A CSV row that cannot be split into the header's fields (too few or too many, an
    unterminated quote) is skipped here and recorded in table ``rejects`` when given, so the loader can name it."""
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({literal(str(path))})"
    errors = (
        f"store_rejects = true, rejects_table = {literal(rejects)}, rejects_scan = {literal(rejects + '_scan')}"
        if rejects
        else "ignore_errors = true"
    )
    return f"read_csv({literal(str(path))}, all_varchar = true, header = true, auto_detect = true, {errors})"


def by_statistics(
    c: Col, table: hr.Table, spec: TableMapping, sources: dict[str, str], proven: set[str], never_empty: set[str]
) -> Col:
    """Column `c` simplified by what the file's own statistics prove (see proven_by_statistics)."""
    if c.name in spec.constants:
        return c
    src_name = spec.columns.get(c.name, c.name)
    if src_name in proven:
        c = replace(c, bad="FALSE")
    if src_name in never_empty and table.column(c.name).type == "string" and sources[src_name] == "VARCHAR":
        c = replace(c, typed=quote(src_name))  # no empty text to turn into null
    return c


def unknown_codes(table: hr.Table, coded: list[Col], got: dict[str, object]) -> dict[str, list[str]]:
    """The values of coded columns (and time zones) found by the scan that the schema does not know, by column."""
    strange: dict[str, list[str]] = {}
    for c in coded:
        allowed = set(table.column(c.name).values) if c.name != "facility_tz" else zoneinfo.available_timezones()
        seen = got[f"values_{c.name}"] or []  # null for an empty file
        assert isinstance(seen, list)
        bad_values = sorted(str(v) for v in seen if v is not None and v not in allowed)
        if bad_values:
            strange[c.name] = bad_values
    return strange
