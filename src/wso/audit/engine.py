"""Run the audit: build the lookup tables, run the Ibis rules on a backend, name the evidence, order the findings."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import ibis
import pyarrow as pa

from wso.audit import calendar, facts
from wso.audit.load import Records
from wso.audit.rules import Inputs, detainers, flagged, unpivot

Backend = Literal["duckdb", "pyspark"]
BACKENDS: tuple[str, ...] = ("duckdb", "pyspark")

FINDING_COLUMNS = ("record_id", "rule_id", "severity", "citation", "evidence", "state", "agency_id", "facility_id")

_T = "time"
_H = "hours"
_S = "text"
_D = "date"
#: rule id -> evidence keys: (key, slot, kind); constants are added as they are.
EVIDENCE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "WSO-48H": (("served_at", "t1", _T), ("deadline", "t2", _T), ("ended_at", "t3", _T),
                ("open_as_of", "t4", _T), ("hours_over", "s1", _H)),
    "WSO-JAIL-ONLY": (("served_at", "t1", _T),),
    "WSO-WARRANT-FORMS": (("served_at", "t1", _T), ("officer_id", "txt", _S), ("instrument", "txt2", _S)),
    "WSO-SCHEDULED-RELEASE": (("served_at", "t1", _T), ("scheduled_release_at", "t2", _T),
                              ("hours_early", "s1", _H)),
    "WSO-NOTIFY-ICE": (("served_at", "t1", _T), ("ice_notified_at", "t2", _T), ("hours_after_service", "s1", _H),
                       ("tolerance_hours", "s2", _H)),
    "WSO-CITIZENSHIP-1H": (("citizenship_claim_at", "t1", _T), ("citizenship_reported_at", "t2", _T),
                           ("hours_to_report", "s1", _H)),
    "WSO-AUTHORIZED-OFFICER": (("served_at", "t1", _T), ("officer_id", "txt", _S)),
    "WSO-AGREEMENT-IN-FORCE": (("served_at", "t1", _T), ("local_date", "day", _D)),
    "STATE-LAW": (("served_at", "t1", _T), ("local_date", "day", _D), ("law_ids", "txt", _S)),
    "DETAINER-48H": (("start", "t1", _T), ("flat_deadline", "t2", _T), ("excluding_deadline", "t3", _T),
                     ("end", "t4", _T), ("flat_hours_over", "s1", _H), ("excluding_hours_over", "s2", _H),
                     ("status", "txt", _S)),
    "DATA-NO-OFFICER": (("served_at", "t1", _T), ("instrument", "txt2", _S)),
    "DATA-ENDED-BEFORE-SERVED": (("served_at", "t1", _T), ("ended_at", "t2", _T), ("hours_backwards", "s1", _H)),
    "DATA-FUTURE-TIME": (("latest_time", "t1", _T), ("as_of", "t2", _T), ("columns", "txt", _S)),
}  # fmt: skip
CONSTANT_EVIDENCE: dict[str, str] = {
    "WSO-JAIL-ONLY": "'served_inside_facility', false",
    "DETAINER-48H": "'readings', 'flat = 48 h from start; excluding = 48 h not counting Saturdays, Sundays and "
    "federal holidays in the facility time zone (8 C.F.R. 287.7(d))'",
}


class BackendError(RuntimeError):
    """The chosen backend cannot be started."""


@dataclass
class AuditResult:
    findings: pa.Table  # FINDING_COLUMNS, ordered by record_id, rule_id, evidence
    holds: int
    as_of: datetime
    backend: str
    rejected: int


def _evidence_sql() -> str:
    def value(slot: str, kind: str) -> str:
        if kind == _T:
            return f"strftime(make_timestamp({slot} * 1000000), '%Y-%m-%dT%H:%M:%SZ')"
        if kind == _H:
            return f"round({slot} / 3600.0, 2)"
        if kind == _D:
            return f"strftime(DATE '1970-01-01' + CAST({slot} AS INTEGER), '%Y-%m-%d')"
        return slot

    cases = []
    for rule_id, keys in EVIDENCE.items():
        parts = [f"'{key}', {value(slot, kind)}" for key, slot, kind in keys]
        if rule_id in CONSTANT_EVIDENCE:
            parts.append(CONSTANT_EVIDENCE[rule_id])
        cases.append(f"WHEN '{rule_id}' THEN CAST(json_object({', '.join(parts)}) AS VARCHAR)")
    return "CASE rule_id " + " ".join(cases) + " END"


def finalize(raw: pa.Table) -> pa.Table:
    """Raw rule rows (``rules.FINDING_SCHEMA``) -> findings with citation, severity and evidence JSON, ordered."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("raw", raw)
    con.register("rule_info", facts.rule_table())
    sql = f"""
        SELECT raw.record_id, raw.rule_id,
               CASE WHEN raw.severity IS NULL OR raw.severity = '' THEN rule_info.rule_severity
                    ELSE raw.severity END AS severity,
               CASE WHEN raw.rule_id = 'STATE-LAW' AND raw.txt2 IS NOT NULL
                    THEN rule_info.citation || '; ' || raw.txt2 ELSE rule_info.citation END AS citation,
               {_evidence_sql()} AS evidence,
               raw.state, raw.agency_id, raw.facility_id
        FROM (SELECT DISTINCT * FROM raw) AS raw JOIN rule_info USING (rule_id)
        ORDER BY raw.record_id, raw.rule_id, evidence
    """
    table = con.execute(sql).to_arrow_table()
    con.close()
    return table


def _normalise(table: pa.Table) -> pa.Table:
    """Backends answer with slightly different Arrow types (large strings, int32); make them one schema."""
    fields = []
    for f in table.schema:
        if pa.types.is_integer(f.type):
            fields.append(pa.field(f.name, pa.int64()))
        elif pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            fields.append(pa.field(f.name, pa.string()))
        else:
            fields.append(f)
    return table.cast(pa.schema(fields))


def _unpivot_locally(wide: pa.Table, inputs: Inputs, as_of: datetime) -> pa.Table:
    """The flagged rows as finding rows, by the same Ibis expressions on an in-process DuckDB (the detainer
    readings too: they need the calendar tables, and only the few candidate rows)."""
    local = ibis.duckdb.connect()
    w = ibis.memtable(_normalise(wide))
    expr = ibis.union(unpivot(w, as_of), detainers(w, inputs, as_of), distinct=False)
    raw = local.to_pyarrow(expr)
    local.disconnect()
    return _normalise(raw)


#: up to this many WSO agreement windows are checked inline (comparisons); more are joined
INLINE_AGREEMENTS = 64


def _agreement_windows(records: Records) -> tuple[tuple[str, int, int | None], ...] | None:
    row = records.con.execute("SELECT count(*) FROM agreements WHERE model = 'WSO'").fetchone()
    if row is None or int(row[0]) > INLINE_AGREEMENTS:
        return None
    rows = records.con.execute(
        "SELECT agency_id, in_force_from - DATE '1970-01-01', in_force_until - DATE '1970-01-01' "
        "FROM agreements WHERE model = 'WSO' ORDER BY ALL"
    ).fetchall()
    return tuple((str(a), int(f), None if u is None else int(u)) for a, f, u in rows)


def _inputs(con: Any, records: Records, as_of: datetime, tables: dict[str, Any]) -> Inputs:
    lo, hi = calendar.span(records.first_time, records.last_time, as_of)
    cal = calendar.build(records.time_zones, lo, hi)
    laws = facts.prohibited_windows(records.states, lo.date(), hi.date())
    return Inputs(
        holds=tables["holds"],
        officers=tables["officers"],
        agreements=tables["agreements"],
        local_offsets=ibis.memtable(cal.local_offsets),
        days=ibis.memtable(cal.days),
        business_days=ibis.memtable(cal.business_days),
        zone_offsets=calendar.segments(cal.offsets),
        agreement_windows=_agreement_windows(records),
        law_list=tuple(
            (str(r["state"]), int(r["from_day"]), r["until_day"], str(r["law_ids"]), str(r["law_citations"]))
            for r in laws.to_pylist()
        ),
    )


_spark_session: Any = None


def spark_session() -> Any:
    """A local PySpark session (one per process), in UTC."""
    global _spark_session
    if _spark_session is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise BackendError("the pyspark backend needs pyspark (and Java 17): pip install pyspark") from exc
        _spark_session = (
            SparkSession.builder.master("local[2]")
            .appName("wso-audit")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
    return _spark_session


def is_url(backend: str) -> bool:
    """Any other Ibis backend is named by its connection URL (``postgres://...``, ``sqlite:///...``, ...)."""
    return "://" in backend


def _run_on_url(records: Records, as_of: datetime, url: str) -> tuple[pa.Table, Inputs]:
    """Upload the checked records to the backend ``ibis.connect(url)`` names (temporary tables), run the rules."""
    try:
        con = ibis.connect(url)
    except Exception as exc:  # each backend raises its own errors (missing driver, refused connection, ...)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BackendError(f"backend {url.split('://')[0]}: cannot connect: {first}") from exc
    try:
        suffix = uuid.uuid4().hex[:12]
        tables: dict[str, Any] = {}
        for name in ("holds", "officers", "agreements"):
            data = records.con.execute(f"SELECT * FROM {name}").to_arrow_table()
            tables[name] = con.create_table(f"wso_audit_{name}_{suffix}", data, temp=True)
        inputs = _inputs(con, records, as_of, tables)
        wide = con.to_pyarrow(flagged(inputs, as_of))
    finally:
        con.disconnect()
    return wide, inputs


def run_audit(records: Records, as_of: datetime, backend: str = "duckdb", *, spark: Any = None) -> AuditResult:
    """Audit ``records`` as of ``as_of`` (aware) on ``backend``; the findings are the same on every backend."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be an aware datetime")
    as_of = as_of.astimezone(UTC)
    holds = records.count("holds")
    if backend == "duckdb":
        con = ibis.duckdb.from_connection(records.con)
        tables = {name: con.table(name) for name in ("holds", "officers", "agreements")}
        inputs = _inputs(con, records, as_of, tables)
        wide = con.to_pyarrow(flagged(inputs, as_of))
    elif backend == "pyspark":
        session = spark if spark is not None else spark_session()
        con = ibis.pyspark.connect(session)
        with tempfile.TemporaryDirectory(prefix="wso-audit-") as tmp:
            tables = {}
            for name in ("holds", "officers", "agreements"):
                path = Path(tmp) / f"{name}.parquet"
                records.con.execute(f"COPY (SELECT * FROM {name}) TO '{path}' (FORMAT parquet)")
                tables[name] = con.read_parquet(str(path), table_name=f"wso_audit_{name}")
            inputs = _inputs(con, records, as_of, tables)
            wide = con.to_pyarrow(flagged(inputs, as_of))
    elif is_url(backend):
        wide, inputs = _run_on_url(records, as_of, backend)
    else:
        raise BackendError(
            f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}, or an Ibis connection URL "
            "such as postgres://user@host/db"
        )
    raw = _unpivot_locally(wide, inputs, as_of)
    return AuditResult(findings=finalize(raw), holds=holds, as_of=as_of, backend=backend, rejected=records.rejected)
