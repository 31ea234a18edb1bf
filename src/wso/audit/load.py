"""Read hold records (the schema's tables, as Parquet or CSV), map them, check them, type them.

Everything happens in one in-process DuckDB connection: each table becomes a view with the schema's columns and
types (times as naive UTC timestamps, dates as dates). A missing column, a wrong type, an unparseable time, an
empty required value or an unknown code stops the load with a message naming the file, the column and the first
bad row; with ``lenient=True`` the bad rows are set aside (kept, with the reason) and counted instead. How each
column is checked is in ``columns``, what is set aside in ``rejects``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from wso.audit import duck
from wso.audit.columns import (
    Col,
    RecordsError,
    WrongType,
    by_statistics,
    column_sql,
    literal,
    proven_by_statistics,
    quote,
    source,
    statistics_extremes,
    unknown_codes,
)
from wso.audit.facts import AgreementRow
from wso.audit.mapping import Mapping, TableMapping
from wso.audit.rejects import (
    KEYS,
    Check,
    Rejects,
    broken_lines,
    duplicates,
    increasing,
    refuse_broken,
    with_broken_lines,
)
from wso.audit.rules import TIME_NAMES, TIME_SLOTS, TIME_US, UNTIL_NAME, UNTIL_US
from wso.program import decision_second
from wso.program import hold_records as hr

__all__ = ["Records", "RecordsError", "Rejects", "load_records"]


_TABLE_ORDER = tuple(t.name for t in hr.ALL_TABLES)


@dataclass(frozen=True)
class PendingIds:
    """A table whose ids are still to be proven distinct: its key, the key's SQL over the file, and how it was read."""

    table: str
    key: str
    typed_key: str
    base: str
    check: Check


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
    #: the latest value (naive UTC) of each holds time column whose maximum the file's statistics give cheaply
    latest: dict[str, datetime | None] = field(default_factory=dict)
    #: ids not yet proven distinct (``load_records(..., defer_ids=True)``): ``prove_order``, then ``settle_ids``
    pending: list[PendingIds] = field(default_factory=list)
    lenient: bool = False

    def prove_order(self) -> list[bool]:
        """Whether each pending table's ids are in increasing order, so distinct (``rejects.increasing``); on
        cursors of its own, so that it may run in a thread while the records' connection is used."""
        return [_increasing_on_cursor(self.con, p.typed_key, p.base) for p in self.pending]

    def settle_ids(self, in_order: list[bool]) -> bool:
        """The pending tables' repeated ids, where their order did not prove them distinct: refused by name
        (``RecordsError``), or, lenient, set aside with the table's other rejects and left out of its view. Whether
        a view changed (then whatever was computed from it must be computed again)."""
        changed = False
        for pending, ordered in zip(self.pending, in_order, strict=True):
            before = next((r for r in self.rejects if r.table == pending.table), None)
            after = duplicates(
                self.con, pending.table, pending.key, pending.check, self.lenient, before, proven_distinct=ordered
            )
            if after is not before and after is not None:
                changed = True
                # in the table's place, as load_records lists them (by table)
                kept = [r for r in self.rejects if r is not before]
                at = sum(1 for r in kept if _TABLE_ORDER.index(r.table) < _TABLE_ORDER.index(pending.table))
                self.rejects = [*kept[:at], after, *kept[at:]]
        self.pending = []
        return changed

    def maybe_future(self, as_of: datetime) -> tuple[str, ...]:
        """The epoch-second slots (``TIME_SLOTS``) of the time columns that may hold a time after ``as_of``: all
        but those whose latest value, to the whole second, is not after it."""
        as_of_s = decision_second(as_of)
        epoch = datetime(1970, 1, 1)
        out = []
        for name, slot in zip(TIME_NAMES, TIME_SLOTS, strict=True):
            if name in self.latest:
                latest = self.latest[name]
                if latest is None or (latest - epoch) // timedelta(seconds=1) <= as_of_s:
                    continue
            out.append(slot)
        return tuple(out)

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
class _TableFile:
    """One schema table being read from its file: the connection, the file as a relation and its columns."""

    con: duckdb.DuckDBPyConnection
    table: hr.Table
    spec: TableMapping
    mapping: Mapping
    sources: dict[str, str]  # the file's column names and types
    path: Path
    src: str  # the file as a relation (see columns.source)


def _columns(f: _TableFile) -> list[Col]:
    """The SQL of every schema column of `table`; a column of the wrong type is refused, showing its row 1."""
    try:
        return [column_sql(f.table, c, f.spec, f.mapping, f.sources, f.path) for c in f.table.columns]
    except WrongType as exc:
        row1 = f.con.execute(f"SELECT CAST({quote(exc.column)} AS VARCHAR) FROM {f.src} LIMIT 1").fetchone()
        shown = "" if row1 is None else f"; row 1 is {row1[0]!r}"
        raise RecordsError(f"{exc}{shown} (the whole column has this type); nothing was written") from None


def _facility_source(f: _TableFile) -> str:
    """With time_zone 'facility': the extra select item `facility_tz_src`, the zone each row's times are in."""
    con, table, spec, sources, path, src = f.con, f.table, f.spec, f.sources, f.path, f.src
    if f.mapping.time_zone != "facility":
        return ""
    tz_name = spec.columns.get("facility_tz", "facility_tz")
    if "facility_tz" in spec.constants:
        return f", {literal(spec.constants['facility_tz'])} AS facility_tz_src"
    if table.name == "holds" and tz_name in sources:
        zone_of_row = f"NULLIF(TRIM(CAST({quote(tz_name)} AS VARCHAR)), '')"
        # an unknown zone cannot convert a time: it gives none (the row is reported for its zone)
        zones_seen = con.execute(f"SELECT DISTINCT {zone_of_row} FROM {src}").fetchall()
        known = zoneinfo.available_timezones()
        unknown = [str(r[0]) for r in zones_seen if r[0] is not None and r[0] not in known]
        if unknown:
            listed = ", ".join(literal(z) for z in unknown)
            zone_of_row = f"CASE WHEN {zone_of_row} IN ({listed}) THEN NULL ELSE {zone_of_row} END"
        return f", {zone_of_row} AS facility_tz_src"
    if table.name == "holds":
        raise RecordsError(f"{path}: time_zone 'facility' needs a facility_tz column in table holds")
    # officers, agreements: no zone of their own; their times need an offset (or are dates)
    return ", NULL::VARCHAR AS facility_tz_src"


def _load_table(
    con: duckdb.DuckDBPyConnection, table: hr.Table, path: Path, mapping: Mapping, lenient: bool, defer_ids: bool
) -> tuple[Rejects | None, dict[str, object]]:
    src = source(path)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    except duckdb.Error as exc:
        raise RecordsError(f"{path}: cannot read the file: {str(exc).splitlines()[0]}") from exc
    sources = {str(r[0]): str(r[1]) for r in described}
    spec = mapping.table(table.name)
    file = _TableFile(con, table, spec, mapping, sources, path, src)
    cols = _columns(file)
    broken = broken_lines(con, path, table.name)
    if broken and not lenient:
        refuse_broken(path, broken)
    facility_src = _facility_source(file)
    base = f"(SELECT *{facility_src} FROM {src})"
    proven, never_empty = proven_by_statistics(con, path)

    cols = [by_statistics(c, table, spec, sources, proven, never_empty) for c in cols]
    extra: dict[str, object] = {}
    stats = ""
    # coded columns (and time zones) have few distinct values: each is looked up once, after the scan
    coded = [c for c in cols if table.column(c.name).values or c.name == "facility_tz"]
    stats = "".join(f", list(DISTINCT {c.typed}) AS {quote('values_' + c.name)}" for c in coded)
    if table.name == "holds":
        by_name = {c.name: c for c in cols}

        # the extremes the file's statistics give, in a query of their own (the scan need not read those columns)
        known = statistics_extremes(
            con, path, {c.name: spec.columns.get(c.name, c.name) for c in cols if c.from_statistics}
        )
        latest = {name: high for name, (_low, high) in known.items() if name in TIME_NAMES}

        def extreme(fn: str, name: str) -> str:
            if name not in known:
                return f"{fn}({by_name[name].typed})"
            value = known[name][0 if fn == "min" else 1]
            return "NULL::TIMESTAMP" if value is None else f"TIMESTAMP {literal(value.isoformat(sep=' '))}"

        stats += (
            f", least({extreme('min', 'served_at')}, {extreme('min', 'scheduled_release_at')}) AS first_time"
            f", greatest({extreme('max', 'served_at')}, {extreme('max', 'scheduled_release_at')}) AS last_time"
            f", list(DISTINCT {by_name['state'].typed}) AS states"
        )

    def scan() -> dict[str, object]:
        flags = ", ".join(f"count(*) FILTER (WHERE {c.bad}) AS {quote('bad_' + c.name)}" for c in cols)
        cur = con.execute(f"SELECT count(*) AS n, {flags}{stats} FROM {base}")
        row = cur.fetchone()
        assert row is not None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    key = KEYS.get(table.name)
    typed_key = next(c.typed for c in cols if c.name == key) if key is not None else None
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # the ids' order, on a cursor of its own while the check scan runs: one streaming comparison on one core
            # beside a scan on both (in order, the file's ids are distinct, and so are those of any of its rows)
            prove = None if defer_ids else typed_key
            ordered = pool.submit(_increasing_on_cursor, con, prove, base) if prove is not None else None
            got = scan()
            in_order = ordered is not None and ordered.result()
        strange = unknown_codes(table, coded, got)
        if strange:  # only bad data pays for a second scan, which counts the rows with unknown codes
            cols = [
                replace(c, bad=f"{c.bad} OR ({c.typed} IN ({', '.join(literal(v) for v in strange[c.name])}))")
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
                 "zones": got["values_facility_tz"], "states": got["states"],
                 "latest": latest}  # fmt: skip
    # the holds' times once more as UTC epoch microseconds, the form the rules read (any backend reads them)
    select = ", ".join(f"{c.typed} AS {quote(c.name)}" for c in cols) + _micros_items(table.name, cols)
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
            f"CASE WHEN {c.bad} THEN {literal(c.name + ': ' + c.problem + '; ')} ELSE '' END" for c in cols
        )
        rows = con.execute(
            f"SELECT {literal(str(path))} AS file, __row AS row, {reasons} AS reason, "
            + ", ".join(f"{c.source} AS {quote(c.name)}" for c in cols)
            + f" FROM {numbered} WHERE {any_bad} ORDER BY __row"
        ).to_arrow_table()
        if broken:
            rows = with_broken_lines(rows, path, broken)
        rejects = Rejects(table=table.name, file=path, count=rows.num_rows, rows=rows)
        body = f"SELECT {select} FROM {base} WHERE NOT ({any_bad})"
    else:
        body = f"SELECT {select} FROM {base}"
    con.execute(f"CREATE OR REPLACE VIEW {table.name} AS {body}")
    if key is not None:
        check = Check(path, numbered, cols, any_bad, line_offset, body)
        ids = PendingIds(table.name, key, str(typed_key), base, check)
        rejects = _repeated_ids(con, ids, lenient, rejects, in_order, defer_ids, extra)
    extra["absent"] = [c.name for c in table.columns if c.since > 1 and c.name not in spec.constants
                       and spec.columns.get(c.name, c.name) not in sources]  # fmt: skip
    return rejects, extra


def _repeated_ids(
    con: duckdb.DuckDBPyConnection,
    ids: PendingIds,
    lenient: bool,
    rejects: Rejects | None,
    in_order: bool,
    defer: bool,
    extra: dict[str, object],
) -> Rejects | None:
    """The table's repeated ids (``duplicates``), or, deferred, ``ids`` noted as ``extra["pending"]``."""
    if defer:
        extra["pending"] = ids
        return rejects
    return duplicates(con, ids.table, ids.key, ids.check, lenient, rejects, proven_distinct=in_order)


def _increasing_on_cursor(con: duckdb.DuckDBPyConnection, key: str, relation: str) -> bool:
    """``rejects.increasing`` on a cursor of ``con`` (another connection to its database, for another thread); a
    file it cannot read is answered by the check scan's message, so here it only proves nothing."""
    cur = duck.cursor(con)
    try:
        return increasing(cur, key, relation)
    except duckdb.Error:
        return False
    finally:
        cur.close()


#: per table, the time columns the rules read as UTC epoch microseconds, and the names those take
MICROS: dict[str, tuple[tuple[str, str], ...]] = {
    "holds": (*zip(TIME_NAMES, TIME_US, strict=True), (UNTIL_NAME, UNTIL_US))
}


def _micros_items(table: str, cols: list[Col]) -> str:
    """The select items of ``table``'s times as epoch microseconds (``MICROS``), as the file gives them."""
    by_name = {c.name: c for c in cols}
    return "".join(
        f", CAST({by_name[name].micros or f'epoch_us({by_name[name].typed})'} AS BIGINT) AS {slot}"
        for name, slot in MICROS.get(table, ())
    )


def load_records(
    root: Path, mapping: Mapping | None = None, *, lenient: bool = False, defer_ids: bool = False
) -> Records:
    """Check and type the records in directory ``root`` (holds, officers, agreements as .parquet or .csv).

    ``defer_ids``: leave the proof that ids are distinct (a streaming pass over the ids, on one core) to the caller,
    as ``Records.pending``: ``run_audit`` runs it beside its last single-threaded step and, should lenient records
    lose repeated ids, audits them again. Nothing may be written before it is settled."""
    mapping = mapping or Mapping()
    if not root.is_dir():
        raise RecordsError(f"{root}: not a directory of hold records (holds, officers, agreements)")
    con = duck.connect()
    files: dict[str, Path] = {}
    rejects: list[Rejects] = []
    extra: dict[str, object] = {}
    absent: dict[str, tuple[str, ...]] = {}
    pending: list[PendingIds] = []
    for table in hr.ALL_TABLES:
        path = _find_file(root, table.name, mapping.table(table.name), optional=table.optional)
        if path is None:
            continue
        files[table.name] = path
        rej, info = _load_table(con, table, path, mapping, lenient, defer_ids)
        if rej is not None:
            rejects.append(rej)
        waiting = info.pop("pending", None)
        if isinstance(waiting, PendingIds):
            pending.append(waiting)
        absent[table.name] = tuple(str(c) for c in info.pop("absent", ()))  # type: ignore[attr-defined]
        extra.update(info)
    zones_found = extra.get("zones") or []
    states_found = extra.get("states") or []
    assert isinstance(zones_found, Iterable) and isinstance(states_found, Iterable)
    first, last = extra.get("first_time"), extra.get("last_time")
    latest = extra.get("latest") or {}
    assert isinstance(latest, dict)
    return Records(
        con=con,
        files=files,
        time_zones=tuple(sorted(str(z) for z in zones_found if z is not None)),
        states=tuple(sorted(str(z) for z in states_found if z is not None)),
        first_time=first if isinstance(first, datetime) else None,
        last_time=last if isinstance(last, datetime) else None,
        rejects=rejects,
        absent=absent,
        latest={str(k): v if isinstance(v, datetime) else None for k, v in latest.items()},
        pending=pending,
        lenient=lenient,
    )
