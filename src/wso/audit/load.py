"""Read hold records (the schema's three tables, as Parquet or CSV), map them, check them, type them.

Everything happens in one in-process DuckDB connection: each table becomes a view with the schema's columns and
types (times as naive UTC timestamps, dates as dates). A missing column, a wrong type, an unparseable time, an
empty required value or an unknown code stops the load with a message naming the file, the column and the first
bad row; with ``lenient=True`` the bad rows are set aside (kept, with the reason) and counted instead.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from wso.audit.facts import AgreementRow
from wso.audit.mapping import Mapping, TableMapping
from wso.audit.rules import TIME_NAMES, TIME_SLOTS
from wso.program import hold_records as hr

TRUE_VALUES = ("true", "t", "1", "yes", "y")
FALSE_VALUES = ("false", "f", "0", "no", "n")
_OFFSET_RE = r"(Z|z|[+-]\d\d(:?\d\d)?)$"


class RecordsError(ValueError):
    """Records that cannot be audited as given. The message names the file, the column and the first bad row."""


class _WrongType(RecordsError):
    """A whole column of the wrong type (a typed file such as Parquet); the loader adds the first row's value."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass
class Rejects:
    """Rows set aside under ``lenient``: the source row as text, where it came from and why."""

    table: str
    file: Path
    count: int
    rows: pa.Table


@dataclass
class Records:
    """Checked, typed hold records in a DuckDB connection: views ``holds``, ``officers``, ``agreements``."""

    con: duckdb.DuckDBPyConnection
    files: dict[str, Path]
    time_zones: tuple[str, ...]
    states: tuple[str, ...]
    first_time: datetime | None
    last_time: datetime | None
    rejects: list[Rejects] = field(default_factory=list)
    #: per table, the columns of a later schema version the file lacks (read as empty)
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(r.count for r in self.rejects)

    def count(self, table: str) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def agreement_rows(self) -> list[AgreementRow]:
        """The agreements, as the state-law windows read them."""
        rows = self.con.execute(
            "SELECT agency_id, state, model, in_force_from, in_force_until, agency_kind, signed_on FROM agreements "
            "ORDER BY ALL"
        ).fetchall()
        return [AgreementRow(*row) for row in rows]

    def templates(self) -> dict[str, tuple[tuple[int, int | None, str | None], ...]]:
        """Per agency, its WSO agreements' windows (first and last local day number) and MOA templates."""
        rows = self.con.execute(
            "SELECT agency_id, in_force_from - DATE '1970-01-01', in_force_until - DATE '1970-01-01', moa_template "
            "FROM agreements WHERE model = 'WSO' ORDER BY ALL"
        ).fetchall()
        out: dict[str, list[tuple[int, int | None, str | None]]] = {}
        for agency, first, last, template in rows:
            out.setdefault(str(agency), []).append((int(first), None if last is None else int(last), template))
        return {k: tuple(v) for k, v in out.items()}

    def complaints(self) -> list[tuple[str, str, str, datetime, datetime | None]]:
        """The complaints (none when the directory has no complaints table), times aware UTC."""
        if "complaints" not in self.files:
            return []
        rows = self.con.execute(
            "SELECT complaint_id, agency_id, facility_tz, received_at, reported_at FROM complaints ORDER BY ALL"
        ).fetchall()
        return [
            (str(c), str(a), str(tz), r.replace(tzinfo=UTC), None if p is None else p.replace(tzinfo=UTC))
            for c, a, tz, r, p in rows
        ]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _find_file(root: Path, table: str, spec: TableMapping, optional: bool = False) -> Path | None:
    if spec.file is not None:
        path = Path(spec.file)
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            raise RecordsError(f"{path}: no such file (the mapping names it for table {table})")
        return path
    for ext in (".parquet", ".csv"):
        path = root / f"{table}{ext}"
        if path.is_file():
            return path
    if optional:
        return None
    raise RecordsError(f"{root}: no {table}.parquet or {table}.csv (the hold-record schema needs table {table})")


@dataclass(frozen=True)
class _Col:
    name: str
    typed: str  # SQL expression for the typed value
    bad: str  # SQL predicate: this row's value is bad
    problem: str  # what "bad" means, for the message
    source: str  # SQL expression for the source value as text
    seconds: str | None = None  # times: SQL expression for UTC epoch seconds (whole, floored)
    extreme: str | None = None  # times: SQL template ({} = min or max) for the column's extreme, naive UTC


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
        src = "NULL::VARCHAR" if value == "" else _lit(value)
        src_type = "VARCHAR"
        src_name = f"constant {value!r}"
    else:
        src_name = spec.columns.get(col.name, col.name)
        if src_name not in sources:
            shown = ", ".join(sources) or "none"
            raise RecordsError(
                f"{path}: column {src_name!r} ({table.name}.{col.name}) is missing; the file has columns: {shown}"
            )
        src = _q(src_name)
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


def _column_sql(
    table: hr.Table, col: hr.Column, spec: TableMapping, mapping: Mapping, sources: dict[str, str], path: Path
) -> _Col:
    got = _input(table, col, spec, sources, path)
    if col.type == "string":
        return _string_col(col, got)
    if col.type == "boolean":
        return _boolean_col(col, got, mapping)
    fmt = spec.time_formats.get(col.name, mapping.time_format)
    if col.type == "date":
        return _date_col(col, got, fmt)
    return _time_col(col, got, fmt, mapping.time_zone)


def _string_col(col: hr.Column, got: _Input) -> _Col:
    if not (got.is_text or got.src_type in {"BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT", "UINTEGER"}):
        raise _WrongType(f"{got.where} has type {got.src_type}, not text", got.src_name)
    typed = f"CAST({got.value} AS VARCHAR)"
    bad = f"FALSE{got.required}"
    problem = f"expected text{got.empty_msg}"
    if col.values:  # the loader adds the unknown values it finds (see _load_table)
        problem = f"expected one of {', '.join(col.values)}{got.empty_msg}"
    if col.name == "facility_tz":  # likewise the unknown zones
        problem = "expected an IANA time zone such as America/New_York"
    return _Col(col.name, typed, bad, problem, got.text)


def _boolean_col(col: hr.Column, got: _Input, mapping: Mapping) -> _Col:
    if got.src_type == "BOOLEAN":
        return _Col(col.name, got.src, f"FALSE{got.required}", f"expected true or false{got.empty_msg}", got.text)
    if not got.is_text:
        raise _WrongType(f"{got.where} has type {got.src_type}, not boolean", got.src_name)
    trues = ", ".join(_lit(v.lower()) for v in (*TRUE_VALUES, *mapping.true_values))
    falses = ", ".join(_lit(v.lower()) for v in (*FALSE_VALUES, *mapping.false_values))
    low = f"LOWER({got.value})"
    typed = f"CASE WHEN {low} IN ({trues}) THEN TRUE WHEN {low} IN ({falses}) THEN FALSE END"
    bad = f"({got.value} IS NOT NULL AND ({typed}) IS NULL){got.required}"
    return _Col(col.name, typed, bad, f"expected true or false{got.empty_msg}", got.text)


def _date_col(col: hr.Column, got: _Input, fmt: str | None) -> _Col:
    src, value = got.src, got.value
    if got.src_type == "DATE":
        typed = src
    elif got.src_type.startswith("TIMESTAMP"):
        typed = f"CAST({src} AS DATE)"
    elif got.is_text:
        typed = f"TRY_CAST(TRY_STRPTIME({value}, {_lit(fmt)}) AS DATE)" if fmt else f"TRY_CAST({value} AS DATE)"
    else:
        raise _WrongType(f"{got.where} has type {got.src_type}, not a date", got.src_name)
    bad = f"({value} IS NOT NULL AND ({typed}) IS NULL){got.required}"
    return _Col(col.name, typed, bad, f"expected a date{' in format ' + fmt if fmt else ' (YYYY-MM-DD)'}", got.text)


def _time_col(col: hr.Column, got: _Input, fmt: str | None, tz: str | None) -> _Col:
    """Timestamps: naive UTC inside."""
    src, value = got.src, got.value
    zone = "facility_tz_src" if tz == "facility" else (_lit(tz) if tz else None)
    if got.src_type in {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"}:
        # naive UTC to the whole second, without a per-row time-zone lookup
        typed = f"make_timestamp((epoch_us({src}) // 1000000) * 1000000)"
        seconds = f"(epoch_us({src}) // 1000000)"
        extreme = f"make_timestamp(epoch_us({{}}({src})))"  # the column's own min/max: Parquet statistics answer
        return _Col(
            col.name, typed, f"FALSE{got.required}", f"expected a time{got.empty_msg}", got.text, seconds, extreme
        )
    if got.src_type.startswith("TIMESTAMP"):
        ts = f"CAST({src} AS TIMESTAMP)"
        typed = f"(timezone({zone}, {ts}) AT TIME ZONE 'UTC')" if zone else ts
        return _Col(col.name, _seconds(typed), f"FALSE{got.required}", f"expected a time{got.empty_msg}", got.text)
    if not got.is_text:
        raise _WrongType(f"{got.where} has type {got.src_type}, not a time", got.src_name)
    if fmt:
        typed = _formatted_time(got, fmt, zone)
        problem = f"expected a time in format {fmt}"
    else:
        with_offset = f"(CAST(TRY_CAST({value} AS TIMESTAMPTZ) AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
        naive = f"TRY_CAST({value} AS TIMESTAMP)"
        local = f"(timezone({zone}, {naive}) AT TIME ZONE 'UTC')" if zone else "NULL::TIMESTAMP"
        typed = f"CASE WHEN regexp_matches({value}, {_lit(_OFFSET_RE)}) THEN {with_offset} ELSE {local} END"
        problem = (
            "expected an ISO 8601 time"
            + ("" if zone else " with a UTC offset (or give time_zone in the mapping)")
            + got.empty_msg
        )
    bad = f"({value} IS NOT NULL AND ({typed}) IS NULL){got.required}"
    return _Col(col.name, _seconds(typed), bad, problem, got.text)


def _formatted_time(got: _Input, fmt: str, zone: str | None) -> str:
    """A text time read with strptime format `fmt`, as naive UTC: by its own offset, else in `zone`."""
    parsed = f"TRY_STRPTIME({got.value}, {_lit(fmt)})"
    if "%z" in fmt or "%Z" in fmt:
        return f"(CAST({parsed} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
    if zone:
        return f"(timezone({zone}, CAST({parsed} AS TIMESTAMP)) AT TIME ZONE 'UTC')"
    raise RecordsError(f"{got.where}: format {fmt!r} has no offset (%z); give time_zone in the mapping")


def _seconds(typed: str) -> str:
    """Times are audited to the whole second (truncated), so that every backend's arithmetic agrees: engines
    differ in whether a fractional epoch rounds or truncates."""
    return f"date_trunc('second', {typed})"


def _proven_by_statistics(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[set[str], set[str]]:
    """Parquet columns whose own statistics prove (1) every row present and, for text, never empty: no row of
    them can fail a presence check, so the check scan need not read them; (2) never the empty text (the least
    value is not ''), so their values need no NULLIF. Without statistics, nothing is proven."""
    if path.suffix.lower() != ".parquet":
        return set(), set()
    try:
        rows = con.execute(
            "SELECT path_in_schema, bool_and(stats_null_count IS NOT NULL AND stats_null_count = 0), "
            "bool_and(stats_min_value IS NOT NULL AND stats_min_value <> '') "
            f"FROM parquet_metadata({_lit(str(path))}) GROUP BY ALL"
        ).fetchall()
    except duckdb.Error:
        return set(), set()
    present = {str(name) for name, no_nulls, non_empty in rows if no_nulls and non_empty}
    return present, {str(name) for name, _no_nulls, non_empty in rows if non_empty}


def _source(path: Path, rejects: str | None = None) -> str:
    """The file as a relation. A CSV row that cannot be split into the header's fields (too few or too many, an
    unterminated quote) is skipped here and recorded in table ``rejects`` when given, so the loader can name it."""
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({_lit(str(path))})"
    errors = (
        f"store_rejects = true, rejects_table = {_lit(rejects)}, rejects_scan = {_lit(rejects + '_scan')}"
        if rejects
        else "ignore_errors = true"
    )
    return f"read_csv({_lit(str(path))}, all_varchar = true, header = true, auto_detect = true, {errors})"


def _broken_lines(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> list[tuple[int, str, str]]:
    """CSV lines that cannot be split into the header's fields: (line, what is wrong, the line's text)."""
    if path.suffix.lower() == ".parquet":
        return []
    name = f"__broken_{table}"
    try:
        con.execute(f"SELECT count(*) FROM {_source(path, name)}").fetchall()
    except duckdb.Error as exc:
        raise RecordsError(f"{path}: cannot read the file: {str(exc).splitlines()[0]}") from exc
    rows = con.execute(
        f"SELECT line, arg_min(error_type || ' (' || error_message || ')', column_idx), any_value(csv_line) "
        f"FROM {name} GROUP BY line ORDER BY line"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"DROP TABLE IF EXISTS {name}_scan")
    return [(int(r[0]), str(r[1]).lower(), str(r[2])) for r in rows]


@dataclass(frozen=True)
class _TableFile:
    """One schema table being read from its file: the connection, the file as a relation and its columns."""

    con: duckdb.DuckDBPyConnection
    table: hr.Table
    spec: TableMapping
    mapping: Mapping
    sources: dict[str, str]  # the file's column names and types
    path: Path
    src: str  # the file as a relation (see _source)


def _columns(f: _TableFile) -> list[_Col]:
    """The SQL of every schema column of `table`; a column of the wrong type is refused, showing its row 1."""
    try:
        return [_column_sql(f.table, c, f.spec, f.mapping, f.sources, f.path) for c in f.table.columns]
    except _WrongType as exc:
        row1 = f.con.execute(f"SELECT CAST({_q(exc.column)} AS VARCHAR) FROM {f.src} LIMIT 1").fetchone()
        shown = "" if row1 is None else f"; row 1 is {row1[0]!r}"
        raise RecordsError(f"{exc}{shown} (the whole column has this type); nothing was written") from None


def _refuse_broken(path: Path, broken: list[tuple[int, str, str]]) -> None:
    """Not lenient: a CSV line that cannot be split stops the load, naming the first such line."""
    line, problem, text = broken[0]
    raise RecordsError(
        f"{path}: line {line}: {problem}: {text!r} ({len(broken)} such line{'s' if len(broken) != 1 else ''} "
        "in the file); nothing was written (use --lenient to set bad rows aside)"
    )


def _facility_source(f: _TableFile) -> str:
    """With time_zone 'facility': the extra select item `facility_tz_src`, the zone each row's times are in."""
    con, table, spec, sources, path, src = f.con, f.table, f.spec, f.sources, f.path, f.src
    if f.mapping.time_zone != "facility":
        return ""
    tz_name = spec.columns.get("facility_tz", "facility_tz")
    if "facility_tz" in spec.constants:
        return f", {_lit(spec.constants['facility_tz'])} AS facility_tz_src"
    if table.name == "holds" and tz_name in sources:
        zone_of_row = f"NULLIF(TRIM(CAST({_q(tz_name)} AS VARCHAR)), '')"
        # an unknown zone cannot convert a time: it gives none (the row is reported for its zone)
        zones_seen = con.execute(f"SELECT DISTINCT {zone_of_row} FROM {src}").fetchall()
        known = zoneinfo.available_timezones()
        unknown = [str(r[0]) for r in zones_seen if r[0] is not None and r[0] not in known]
        if unknown:
            listed = ", ".join(_lit(z) for z in unknown)
            zone_of_row = f"CASE WHEN {zone_of_row} IN ({listed}) THEN NULL ELSE {zone_of_row} END"
        return f", {zone_of_row} AS facility_tz_src"
    if table.name == "holds":
        raise RecordsError(f"{path}: time_zone 'facility' needs a facility_tz column in table holds")
    # officers, agreements: no zone of their own; their times need an offset (or are dates)
    return ", NULL::VARCHAR AS facility_tz_src"


def _by_statistics(
    c: _Col, table: hr.Table, spec: TableMapping, sources: dict[str, str], proven: set[str], never_empty: set[str]
) -> _Col:
    """Column `c` simplified by what the file's own statistics prove (see _proven_by_statistics)."""
    if c.name in spec.constants:
        return c
    src_name = spec.columns.get(c.name, c.name)
    if src_name in proven:
        c = replace(c, bad="FALSE")
    if src_name in never_empty and table.column(c.name).type == "string" and sources[src_name] == "VARCHAR":
        c = replace(c, typed=_q(src_name))  # no empty text to turn into null
    return c


def _unknown_codes(table: hr.Table, coded: list[_Col], got: dict[str, object]) -> dict[str, list[str]]:
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


def _with_broken_lines(rows: pa.Table, path: Path, broken: list[tuple[int, str, str]]) -> pa.Table:
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


def _load_table(
    con: duckdb.DuckDBPyConnection, table: hr.Table, path: Path, mapping: Mapping, lenient: bool
) -> tuple[Rejects | None, dict[str, object]]:
    src = _source(path)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    except duckdb.Error as exc:
        raise RecordsError(f"{path}: cannot read the file: {str(exc).splitlines()[0]}") from exc
    sources = {str(r[0]): str(r[1]) for r in described}
    spec = mapping.table(table.name)
    file = _TableFile(con, table, spec, mapping, sources, path, src)
    cols = _columns(file)
    broken = _broken_lines(con, path, table.name)
    if broken and not lenient:
        _refuse_broken(path, broken)
    facility_src = _facility_source(file)
    base = f"(SELECT *{facility_src} FROM {src})"
    proven, never_empty = _proven_by_statistics(con, path)

    cols = [_by_statistics(c, table, spec, sources, proven, never_empty) for c in cols]
    extra: dict[str, object] = {}
    stats = ""
    # coded columns (and time zones) have few distinct values: each is looked up once, after the scan
    coded = [c for c in cols if table.column(c.name).values or c.name == "facility_tz"]
    stats = "".join(f", list(DISTINCT {c.typed}) AS {_q('values_' + c.name)}" for c in coded)
    if table.name == "holds":
        by_name = {c.name: c for c in cols}

        def extreme(fn: str, name: str) -> str:
            c = by_name[name]
            return c.extreme.format(fn) if c.extreme else f"{fn}({c.typed})"

        stats += (
            f", least({extreme('min', 'served_at')}, {extreme('min', 'scheduled_release_at')}) AS first_time"
            f", greatest({extreme('max', 'served_at')}, {extreme('max', 'scheduled_release_at')}) AS last_time"
            f", list(DISTINCT {by_name['state'].typed}) AS states"
        )

    def scan() -> dict[str, object]:
        flags = ", ".join(f"count(*) FILTER (WHERE {c.bad}) AS {_q('bad_' + c.name)}" for c in cols)
        cur = con.execute(f"SELECT count(*) AS n, {flags}{stats} FROM {base}")
        row = cur.fetchone()
        assert row is not None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    try:
        got = scan()
        strange = _unknown_codes(table, coded, got)
        if strange:  # only bad data pays for a second scan, which counts the rows with unknown codes
            cols = [
                replace(c, bad=f"{c.bad} OR ({c.typed} IN ({', '.join(_lit(v) for v in strange[c.name])}))")
                if c.name in strange
                else c
                for c in cols
            ]
            got = scan()
    except duckdb.Error as exc:
        raise RecordsError(f"{path}: cannot read the file: {str(exc).splitlines()[0]}") from exc
    bad_counts = {c.name: got[f"bad_{c.name}"] for c in cols}
    if table.name == "holds":
        extra = {"first_time": got["first_time"], "last_time": got["last_time"],
                 "zones": got["values_facility_tz"], "states": got["states"]}  # fmt: skip
    select = ", ".join(f"{c.typed} AS {_q(c.name)}" for c in cols)
    if table.name == "holds":
        # the times once more as UTC epoch seconds, the form the rules compute with (any backend reads them)
        by_name = {c.name: c for c in cols}
        select += "".join(
            f", CAST({by_name[name].seconds or f'(epoch_us({by_name[name].typed}) // 1000000)'} AS BIGINT) AS {slot}"
            for name, slot in zip(TIME_NAMES, TIME_SLOTS, strict=True)
        )
    any_bad = " OR ".join(f"({c.bad})" for c in cols)
    line_offset = 1 if path.suffix.lower() == ".csv" else 0
    # rows are numbered as in the file: a row after k skipped broken lines is k rows further down
    gaps = ", ".join(f"({line - 1 - i})" for i, (line, _, _) in enumerate(broken, start=1))
    shift = f" + (SELECT count(*) FROM (VALUES {gaps}) AS __g(g) WHERE g < __r0)" if broken else ""
    numbered = (
        f"(SELECT __r0{shift} AS __row, * EXCLUDE (__r0) FROM (SELECT row_number() OVER () AS __r0, * FROM {base}))"
    )
    rejects = None
    if any(bad_counts.values()):
        first = next(c for c in cols if bad_counts[c.name])
        found = con.execute(
            f"SELECT __row, {first.source} FROM {numbered} WHERE {first.bad} ORDER BY __row LIMIT 1"
        ).fetchone()
        assert found is not None
        n_bad = con.execute(f"SELECT count(*) FROM {base} WHERE {any_bad}").fetchone()
        total_bad = int(n_bad[0]) if n_bad else 0
        where = f"row {found[0]}" + (f" (line {found[0] + line_offset})" if line_offset else "")
        shown = "empty" if found[1] is None or str(found[1]).strip() == "" else repr(found[1])
        message = (
            f"{path}: column {spec.columns.get(first.name, first.name)!r} ({table.name}.{first.name}), {where}: "
            f"{shown}: {first.problem} ({total_bad} bad row{'s' if total_bad != 1 else ''} in the file)"
        )
        if not lenient:
            raise RecordsError(message + "; nothing was written (use --lenient to set bad rows aside)")
    if any(bad_counts.values()) or broken:
        reasons = " || ".join(
            f"CASE WHEN {c.bad} THEN {_lit(c.name + ': ' + c.problem + '; ')} ELSE '' END" for c in cols
        )
        rows = con.execute(
            f"SELECT {_lit(str(path))} AS file, __row AS row, {reasons} AS reason, "
            + ", ".join(f"{c.source} AS {_q(c.name)}" for c in cols)
            + f" FROM {numbered} WHERE {any_bad} ORDER BY __row"
        ).to_arrow_table()
        if broken:
            rows = _with_broken_lines(rows, path, broken)
        rejects = Rejects(table=table.name, file=path, count=rows.num_rows, rows=rows)
        body = f"SELECT {select} FROM {base} WHERE NOT ({any_bad})"
    else:
        body = f"SELECT {select} FROM {base}"
    con.execute(f"CREATE OR REPLACE VIEW {table.name} AS {body}")
    key = KEYS.get(table.name)
    if key is not None:
        check = _Check(path, numbered, cols, any_bad, line_offset, body)
        rejects = _duplicates(con, table.name, key, check, lenient, rejects)
    extra["absent"] = [c.name for c in table.columns if c.since > 1 and c.name not in spec.constants
                       and spec.columns.get(c.name, c.name) not in sources]  # fmt: skip
    return rejects, extra


#: the column that names one row of a table: an id that appears twice names no one row
KEYS = {"holds": "record_id", "complaints": "complaint_id"}


@dataclass(frozen=True)
class _Check:
    """How a loaded table was read: its file, its rows numbered as in the file, its columns, the test of a bad
    row, the line offset of a CSV header, and the view's query."""

    path: Path
    numbered: str
    cols: list[_Col]
    any_bad: str
    line_offset: int
    body: str


def _duplicates(
    con: duckdb.DuckDBPyConnection, name: str, key: str, check: _Check, lenient: bool, rejects: Rejects | None
) -> Rejects | None:
    """Ids that appear on more than one row: which row is the hold is unknown, so all of them are refused (or, with
    ``lenient``, set aside as rejects naming the id and its rows) and none is audited."""
    # ids in strictly increasing order (an export's usual order) are proven distinct by one streaming comparison;
    # only otherwise are they counted, which costs a hash table of every id
    unsorted = con.execute(
        f"SELECT count(*) FROM (SELECT {_q(key)} AS k, lag({_q(key)}) OVER () AS p FROM {name}) WHERE k <= p"
    ).fetchone()
    if unsorted is not None and unsorted[0] == 0:
        return rejects
    found = con.execute(f"SELECT {_q(key)}, count(*) FROM {name} GROUP BY ALL HAVING count(*) > 1").fetchall()
    if not found:
        return rejects
    path, cols = check.path, check.cols
    dup_table = f"__dup_{name}"
    values = ", ".join(f"({_lit(str(k))})" for k, _ in found)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {dup_table} AS SELECT * FROM (VALUES {values}) AS d(k)")
    typed = next(c for c in cols if c.name == key).typed
    rows = con.execute(
        f"SELECT {_lit(str(path))} AS file, __row AS row, "
        f"'{key}: duplicate: ' || {typed} || ' appears on ' || count(*) OVER (PARTITION BY {typed}) || "
        f"' rows (' || string_agg(CAST(__row AS VARCHAR), ', ') OVER (PARTITION BY {typed} ORDER BY __row "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) || '); an id names one hold; ' AS reason, "
        + ", ".join(f"{c.source} AS {_q(c.name)}" for c in cols)
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
        f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM ({check.body}) WHERE {_q(key)} NOT IN "
        f"(SELECT k FROM {dup_table})"
    )
    if rejects is not None:
        rows = pa.concat_tables([rejects.rows, rows], promote_options="default")
        rows = rows.take(pc.sort_indices(rows, [("row", "ascending")]))
    return Rejects(table=name, file=path, count=rows.num_rows, rows=rows)


def load_records(root: Path, mapping: Mapping | None = None, *, lenient: bool = False) -> Records:
    """Check and type the records in directory ``root`` (holds, officers, agreements as .parquet or .csv)."""
    mapping = mapping or Mapping()
    if not root.is_dir():
        raise RecordsError(f"{root}: not a directory of hold records (holds, officers, agreements)")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    files: dict[str, Path] = {}
    rejects: list[Rejects] = []
    extra: dict[str, object] = {}
    absent: dict[str, tuple[str, ...]] = {}
    for table in hr.ALL_TABLES:
        path = _find_file(root, table.name, mapping.table(table.name), optional=table.optional)
        if path is None:
            continue
        files[table.name] = path
        rej, info = _load_table(con, table, path, mapping, lenient)
        if rej is not None:
            rejects.append(rej)
        absent[table.name] = tuple(str(c) for c in info.pop("absent", ()))  # type: ignore[attr-defined]
        extra.update(info)
    zones_found = extra.get("zones") or []
    states_found = extra.get("states") or []
    assert isinstance(zones_found, Iterable) and isinstance(states_found, Iterable)
    first, last = extra.get("first_time"), extra.get("last_time")
    return Records(
        con=con,
        files=files,
        time_zones=tuple(sorted(str(z) for z in zones_found if z is not None)),
        states=tuple(sorted(str(z) for z in states_found if z is not None)),
        first_time=first if isinstance(first, datetime) else None,
        last_time=last if isinstance(last, datetime) else None,
        rejects=rejects,
        absent=absent,
    )
