"""Run the audit: build the lookup tables, run the Ibis rules on a backend, name the evidence, order the findings."""

from __future__ import annotations

import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from wso.audit import calendar, duck, facts, rules
from wso.audit.columns import literal
from wso.audit.load import Records
from wso.audit.rules import AgreementWindows, CalendarInputs, Inputs, detainers, flagged, unpivot
from wso.program import (
    DEFAULT_DETAINER_READING,
    SERVICE_TOLERANCE,
    STATES,
    CitizenshipStandard,
    DetainerReading,
    business_calendar,
    citizenship_standard,
    complaint_report_deadline,
    decision_second,
    detainer_deadline,
    parse_reading,
)

Backend = Literal["duckdb", "pyspark"]
BACKENDS: tuple[str, ...] = ("duckdb", "pyspark")

FINDING_COLUMNS = ("record_id", "rule_id", "severity", "citation", "evidence", "state", "agency_id", "facility_id")

_T = "time"
_H = "hours"
_S = "text"
_D = "date"
#: rule id -> evidence keys: (key, slot, kind); constants are added as they are.
EVIDENCE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "WSO-48H": (("served_at", "t1", _T), ("release_at", "day", _T), ("deadline", "t2", _T), ("ended_at", "t3", _T),
                ("open_as_of", "t4", _T), ("detention_agreement_from", "s2", _T),
                ("detention_agreement_until", "t5", _T), ("hours_over", "s1", _H)),
    "WSO-JAIL-ONLY": (("served_at", "t1", _T),),
    "WSO-WARRANT-FORMS": (("served_at", "t1", _T), ("officer_id", "txt", _S), ("instrument", "txt2", _S)),
    "WSO-SCHEDULED-RELEASE": (("served_at", "t1", _T), ("release_at", "t2", _T), ("release", "txt", _S),
                              ("timing", "txt2", _S), ("hours_early", "s1", _H), ("hours_late", "s2", _H)),
    "WSO-NOTIFY-ICE": (("served_at", "t1", _T), ("ice_notified_at", "t2", _T), ("hours_after_service", "s1", _H),
                       ("window_hours", "s2", _H)),
    "WSO-CITIZENSHIP-1H": (("citizenship_claim_at", "t1", _T), ("citizenship_reported_at", "t2", _T),
                           ("hours_to_report", "s1", _H), ("moa_template", "txt", _S), ("standard", "txt2", _S)),
    "WSO-AUTHORIZED-OFFICER": (("served_at", "t1", _T), ("officer_id", "txt", _S)),
    "WSO-AGREEMENT-IN-FORCE": (("served_at", "t1", _T), ("local_date", "day", _D)),
    "STATE-LAW": (("served_at", "t1", _T), ("local_date", "day", _D), ("law_ids", "txt", _S)),
    "DETAINER-48H": (("start", "t1", _T), ("flat_deadline", "t2", _T), ("excluding_deadline", "t3", _T),
                     ("end", "t4", _T), ("flat_hours_over", "s1", _H), ("excluding_hours_over", "s2", _H),
                     ("status", "txt", _S)),
    "WSO-COMPLAINT-48H": (("received_at", "t1", _T), ("deadline", "t2", _T), ("reported_at", "t3", _T),
                          ("open_as_of", "t4", _T), ("hours_over", "s1", _H)),
    "DATA-NO-OFFICER": (("served_at", "t1", _T), ("instrument", "txt2", _S)),
    "DATA-ENDED-BEFORE-SERVED": (("served_at", "t1", _T), ("ended_at", "t2", _T), ("hours_backwards", "s1", _H)),
    "DATA-FUTURE-TIME": (("latest_time", "t1", _T), ("as_of", "t2", _T), ("columns", "txt", _S)),
}  # fmt: skip


def constant_evidence(tolerance: timedelta, reading: str) -> dict[str, str]:
    """Evidence every finding of a rule carries as it is (the settings the audit ran with)."""
    other = "excluding" if reading == "flat" else "flat"
    return {
        "WSO-JAIL-ONLY": "'served_inside_facility', false",
        "WSO-SCHEDULED-RELEASE": f"'tolerance_minutes', {tolerance.total_seconds() / 60:g}",
        "DETAINER-48H": f"'reading', '{reading}', 'readings', 'flat = 48 h from the release from criminal custody; "
        "excluding = 48 h not counting Saturdays, Sundays and the federal and state holidays in the facility "
        f"time zone (8 C.F.R. 287.7(d)); the {reading} reading decides, the {other} one is shown'",
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


def _evidence_sql(constants: dict[str, str]) -> str:
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
        if rule_id in constants:
            parts.append(constants[rule_id])
        cases.append(f"WHEN '{rule_id}' THEN CAST(json_object({', '.join(parts)}) AS VARCHAR)")
    return "CASE rule_id " + " ".join(cases) + " END"


def finalize(raw: pa.Table, constants: dict[str, str] | None = None, *, distinct: bool = True) -> pa.Table:
    """Raw rule rows (``rules.FINDING_SCHEMA``) -> findings with citation, severity and evidence JSON, ordered.
    A row's ``citation`` (when given) replaces the rule's: a state law's, an MOA template's words. ``distinct``:
    drop repeated rows (``_repeats_possible``); without it, ``raw`` must have none.

    DuckDB writes the evidence and orders the rows by (record_id, rule_id, evidence), carrying only each row's
    index through the sort; the other columns are taken by that index and the rule's severity and citation looked
    up in Arrow. A sort that carried every column (the citation's words on every row) took 200 MB at its peak for
    200,000 findings, twice the findings themselves."""
    given = constant_evidence(SERVICE_TOLERANCE, DEFAULT_DETAINER_READING) if constants is None else constants
    info = facts.rule_table()
    index = _row_numbers(raw.num_rows)
    con = duck.connect()
    try:
        # a few hundred thousand rows at most: one thread keeps one set of hash and sort buffers, not one per core
        con.execute("SET threads = 1")
        con.register("raw", raw.append_column("__i", index))
        rows = (
            # one row of each repeated set (its first); every column but the index decides what repeats
            "(SELECT min(__i) AS __i, * EXCLUDE (__i) FROM raw GROUP BY ALL)" if distinct else "raw"
        )
        order = con.execute(
            f"SELECT r.__i, {_evidence_sql(given)} AS evidence FROM {rows} AS r "
            "ORDER BY r.record_id, r.rule_id, evidence, r.__i"
        ).to_arrow_table()
    finally:
        con.close()
    # one chunk first: taking by index from a table of several chunks (``_settle`` concatenates its parts) is five
    # times slower
    columns = raw.select(["record_id", "rule_id", "severity", "citation", "state", "agency_id", "facility_id"])
    taken = columns.combine_chunks().take(order["__i"])
    rule_at = pc.index_in(taken["rule_id"], value_set=info["rule_id"])
    if rule_at.null_count:  # a rule the audit does not know has no citation: its rows are not findings
        known = pc.is_valid(rule_at)
        taken, order, rule_at = taken.filter(known), order.filter(known), rule_at.filter(known)
    rule_severity = info["rule_severity"].take(rule_at)
    rule_citation = info["citation"].take(rule_at)
    severity, citation = taken["severity"], taken["citation"]
    # a row's own severity when it has one; a state law's citation follows the rule's, other rows' replace it
    no_severity = pc.or_(pc.is_null(severity), pc.fill_null(pc.equal(severity, ""), True))
    state_law = pc.and_(pc.equal(taken["rule_id"], "STATE-LAW"), pc.is_valid(citation))
    named = {
        "record_id": taken["record_id"],
        "rule_id": taken["rule_id"],
        "severity": pc.if_else(no_severity, rule_severity, severity),
        "citation": pc.if_else(
            state_law,
            pc.binary_join_element_wise(rule_citation, citation, "; "),
            pc.coalesce(citation, rule_citation),
        ),
        "evidence": order["evidence"],
        "state": taken["state"],
        "agency_id": taken["agency_id"],
        "facility_id": taken["facility_id"],
    }
    return pa.table({name: _as_string(values) for name, values in named.items()})


def _row_numbers(n: int) -> pa.Array:
    """0, 1, ..., n - 1 in Arrow, vectorised (``pa.array(range(n))`` takes 0.2 s for 200,000)."""
    if n == 0:
        return pa.array([], pa.int64())
    return pc.subtract(pc.cumulative_sum(pa.nulls(n, pa.int64()).fill_null(1)), 1)


def _as_string(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return values if values.type == pa.string() else values.cast(pa.string())


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


#: the rules whose finding rows the program's functions settle (``_settle``)
SETTLED = ("WSO-SCHEDULED-RELEASE", "WSO-CITIZENSHIP-1H", "STATE-LAW")


def _settle(raw: pa.Table, lawful: set[str], records: Records) -> pa.Table:
    """What needs the program's own functions, on the few finding rows: a late service during a lawful detainer
    hold (``lawful``: ``_served_during_detainer``) is no finding; the citizenship report's severity and words by
    MOA template; a state law's citation. All vectorised, the program's functions called once per distinct input
    (the findings of ten million holds are many)."""
    citation = pa.field("citation", pa.string())
    settle = pc.is_in(raw["rule_id"], pa.array(SETTLED))
    rest = raw.filter(pc.invert(settle))
    rest = rest.append_column(citation, pa.nulls(rest.num_rows, pa.string()))
    few = raw.filter(settle)
    if few.num_rows == 0:
        return rest
    if lawful:
        excused = pc.and_(
            pc.and_(pc.equal(few["rule_id"], "WSO-SCHEDULED-RELEASE"), pc.equal(few["txt2"], "late")),
            pc.is_in(few["record_id"], pa.array(sorted(lawful), pa.string())),
        )
        few = few.filter(pc.invert(pc.fill_null(excused, False)))
    few = few.append_column(citation, pa.nulls(few.num_rows, pa.string()))
    is_citizenship = pc.equal(few["rule_id"], "WSO-CITIZENSHIP-1H")
    parts = [few.filter(pc.invert(is_citizenship)), _citizenship_words(few.filter(is_citizenship), records)]
    settled = pa.concat_tables(parts)
    is_law = pc.fill_null(pc.and_(pc.equal(settled["rule_id"], "STATE-LAW"), pc.not_equal(settled["txt"], "")), False)
    if pc.any(is_law).as_py():
        ids = pc.if_else(is_law, settled["txt"], pa.scalar(None, pa.string()))
        distinct = pc.unique(ids).drop_null()
        cited = pa.array([facts.law_citations(str(v)) for v in distinct.to_pylist()], pa.string())
        found = pc.coalesce(pc.take(cited, pc.index_in(ids, distinct)), settled["citation"])
        settled = settled.set_column(settled.schema.get_field_index("citation"), citation, found)
    return pa.concat_tables([rest, settled])


def _citizenship_words(rows: pa.Table, records: Records) -> pa.Table:
    """The citizenship report's findings with the severity, template, words and citation of the MOA template the
    agency's agreement followed on the day of service (``day``, then cleared)."""
    if rows.num_rows == 0:
        return rows
    templates = records.templates()
    standards: list[CitizenshipStandard] = []
    seen: dict[tuple[str | None, int | None], int] = {}
    index = []
    for agency, day in zip(rows["agency_id"].to_pylist(), rows["day"].to_pylist(), strict=True):
        at = seen.get((agency, day))
        if at is None:
            at = seen[(agency, day)] = len(standards)
            standards.append(_standard(_template_on(templates.get(agency, ()), day)))
        index.append(at)
    picks = pa.array(index, pa.int64())

    def column(values: list[str]) -> pa.Array:
        return pc.take(pa.array(values, pa.string()), picks)

    replaced = {
        "severity": column([s.severity for s in standards]),
        "txt": column([s.template for s in standards]),
        "txt2": column([s.words for s in standards]),
        "citation": column([s.citation for s in standards]),
        "day": pa.nulls(rows.num_rows, pa.int64()),
    }
    for name, values in replaced.items():
        i = rows.schema.get_field_index(name)
        rows = rows.set_column(i, rows.schema.field(i), values.cast(rows.schema.field(i).type))
    return rows


@cache
def _standard(template: str | None) -> CitizenshipStandard:
    return citizenship_standard(template)


def _template_on(windows: tuple[tuple[int, int | None, str | None], ...], day: int | None) -> str | None:
    for first, last, template in windows:
        if day is not None and first <= day and (last is None or day <= last):
            return template
    return None


#: up to this many people are named in the detainer lookup's filter (which the scan applies); more are joined
LISTED_PEOPLE = 2_000


def _served_during_detainer(wide: pa.Table, records: Records, settings: Settings) -> set[str]:
    """The late WSO services (later than the release plus the tolerance) at which a detainer hold on the same person
    was open and not past its DETAINER-48H deadline (``wso.program.service_check``'s ``detainer_open``)."""
    flag = rules.flag_name("WSO-SCHEDULED-RELEASE")
    late = pc.and_(wide[flag], pc.greater(wide["served_s"], pc.add(wide["rel_s"], settings.tolerance_s)))
    cand = wide.select(["record_id", "person_ref", "served_s"]).filter(late)  # the columns needed, then the rows
    if cand.num_rows == 0:
        return set()
    con = duck.cursor(records.con)  # another connection to the records: it may run beside the engine's other work
    try:
        con.register("__late", cand)
        # a semi-join first, reading two columns: the people of a late service who have a detainer hold at all
        # (usually few or none); only their detainer holds' times are read then, by a filter the scan applies
        people = con.execute(
            "SELECT DISTINCT d.person_ref FROM holds AS d WHERE d.instrument = 'I-247A' "
            "AND d.person_ref IN (SELECT person_ref FROM __late)"
        ).fetchall()
        if not people:
            return set()
        only = (
            f" AND d.person_ref IN ({', '.join(literal(str(p)) for (p,) in people)})"
            if len(people) <= LISTED_PEOPLE
            else ""
        )
        rows = con.execute(
            # the holds' times are epoch microseconds; compared with whole seconds as though floored to them
            "SELECT l.record_id, l.served_s, CAST(floor(coalesce(d.actual_us, d.release_us) / 1000000) AS BIGINT), "
            "d.facility_tz, d.state FROM __late AS l JOIN holds AS d ON d.person_ref = l.person_ref "
            "WHERE d.instrument = 'I-247A' AND d.served_us < (l.served_s + 1) * 1000000 "
            f"AND (d.ended_us IS NULL OR d.ended_us >= l.served_s * 1000000){only}"
        ).fetchall()
    finally:
        con.close()
    out: set[str] = set()
    for record_id, served, release, tz, state in rows:
        start = datetime.fromtimestamp(release, UTC)
        calendar = business_calendar(state) if state in STATES else business_calendar(None)
        deadline = detainer_deadline(start, tz, settings.reading, calendar)
        if served <= decision_second(deadline):
            out.add(str(record_id))
    return out


#: the names the local plan's SQL gives the flagged rows and the calendar tables (``local_plan``)
WIDE, DAYS, BUSINESS_DAYS, LOCAL_OFFSETS = "__wide", "__days", "__business_days", "__local_offsets"


@dataclass(frozen=True)
class LocalPlan:
    """The flagged rows' finding queries (``unpivot``; ``detainers``, which needs the calendar tables) compiled to
    DuckDB SQL over tables named ``WIDE``, ``DAYS``, ``BUSINESS_DAYS`` and ``LOCAL_OFFSETS``: built before the
    flagged rows are there, from their schema alone, so that the Python work of building and compiling runs beside
    the backend's pass (``_flagged_rows``)."""

    unpivot_sql: str
    detainers_sql: str


def _normal_type(dtype: Any) -> Any:
    """``_normalise``'s types as Ibis types: every integer int64, every string a string."""
    return "int64" if dtype.is_integer() else dtype


def local_plan(
    schema: ibis.Schema, zone_offsets: dict[str, tuple[tuple[int, int], ...]], as_of: datetime, settings: Settings
) -> LocalPlan:
    """The ``LocalPlan`` for flagged rows of ``schema`` (``flagged``'s), as of ``as_of``; ``zone_offsets``: the
    changes of every zone of the records (a superset of the candidate detainer holds' zones, which is all the
    excluding reading's local offset needs)."""
    import holidays.countries  # noqa: F401  (the first business calendar imports every country's module: 0.1 s)

    w = ibis.table({name: _normal_type(dtype) for name, dtype in schema.items()}, name=WIDE)
    inputs = CalendarInputs(
        local_offsets=ibis.table(ibis.Schema.from_pyarrow(calendar.LOCAL_OFFSETS_SCHEMA), name=LOCAL_OFFSETS),
        days=ibis.table(ibis.Schema.from_pyarrow(calendar.DAYS_SCHEMA), name=DAYS),
        business_days=ibis.table(ibis.Schema.from_pyarrow(calendar.BUSINESS_DAYS_SCHEMA), name=BUSINESS_DAYS),
        zone_offsets=zone_offsets,
    )
    return LocalPlan(
        unpivot_sql=str(ibis.to_sql(unpivot(w, as_of, settings.tolerance_s), dialect="duckdb", pretty=False)),
        detainers_sql=str(ibis.to_sql(detainers(w, inputs, as_of, settings.reading), dialect="duckdb", pretty=False)),
    )


def _flagged_rows(con: Any, inputs: Inputs, as_of: datetime, settings: Settings) -> tuple[pa.Table, LocalPlan]:
    """The backend's one pass (``flagged``) and, built and compiled on a thread of its own while the backend runs
    it (a core the pass leaves partly idle, and Python that would otherwise wait for the rows), the local plan."""
    expr = flagged(inputs, as_of)
    with ThreadPoolExecutor(max_workers=1) as pool:
        plan = pool.submit(local_plan, expr.schema(), inputs.zone_offsets, as_of, settings)
        wide = con.to_pyarrow(expr)
        return wide, plan.result()


def _unpivot_locally(
    wide: pa.Table, plan: LocalPlan, records: Records, as_of: datetime, settings: Settings
) -> pa.Table:
    """The flagged rows as finding rows, by the local plan's SQL on an in-process DuckDB (the detainer readings
    too: they need the calendar tables, and only the few candidate rows); then complaints, and what needs the
    program's functions (``_settle``)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the detainer lookup for the late services scans the holds on both cores while this thread runs the
        # flagged rows' queries on one
        lawful = pool.submit(_served_during_detainer, wide, records, settings)
        raw = _finding_rows(wide, plan, records, as_of)
        return _settle(raw, lawful.result(), records)


def _finding_rows(wide: pa.Table, plan: LocalPlan, records: Records, as_of: datetime) -> pa.Table:
    """The flagged rows' finding rows (``FINDING_SCHEMA``), complaints' included, before settling."""
    schema = rules.FINDING_SCHEMA.to_pyarrow()
    local = duck.connect()
    try:
        # the few flagged rows: one thread keeps one set of buffers, not one per core
        local.execute("SET threads = 1")
        wide = _normalise(wide)
        local.register(WIDE, wide)
        parts = [_normalise(local.sql(plan.unpivot_sql).to_arrow_table()).cast(schema)]
        det = wide.select(["facility_tz", "state"]).filter(wide[rules.flag_name("DETAINER-48H")])
        if det.num_rows:
            pairs = {
                (str(z), str(s)) for z, s in zip(det["facility_tz"].to_pylist(), det["state"].to_pylist(), strict=True)
            }
            lo, hi = calendar.span(records.first_time, records.last_time, as_of)
            cal = calendar.build([z for z, _ in pairs], lo, hi, pairs)
            local.register(LOCAL_OFFSETS, cal.local_offsets)
            local.register(DAYS, cal.days)
            local.register(BUSINESS_DAYS, cal.business_days)
            parts.append(_normalise(local.sql(plan.detainers_sql).to_arrow_table()).cast(schema))
    finally:
        local.close()
    raw = pa.concat_tables(parts)
    complaints = records.complaints()
    if complaints:
        raw = pa.concat_tables([raw, _complaint_findings(complaints, as_of).cast(schema)])
    return raw


def _complaint_findings(complaints: list[tuple[str, str, str, datetime, datetime | None]], as_of: datetime) -> pa.Table:
    """WSO-COMPLAINT-48H: reported to ICE later than 48 hours after the complaint, not counting Saturdays and
    Sundays in the zone given (``wso.program.complaint_report_deadline``), or not yet once that has passed."""
    as_of_s = decision_second(as_of)
    rows: dict[str, list[object]] = {name: [] for name in rules.FINDING_SCHEMA.names}
    for complaint_id, agency_id, tz, received, reported in complaints:
        deadline = complaint_report_deadline(received, tz)
        received_s, deadline_s = decision_second(received), decision_second(deadline)
        if received_s > as_of_s:
            continue
        reported_s = decision_second(reported) if reported is not None else None
        end = reported_s if reported_s is not None and reported_s <= as_of_s else (None if reported_s else as_of_s)
        if end is None or end <= deadline_s:
            continue
        values: dict[str, object] = {
            "record_id": complaint_id, "rule_id": "WSO-COMPLAINT-48H", "severity": "", "state": None,
            "agency_id": agency_id, "facility_id": None, "t1": received_s, "t2": deadline_s, "t3": reported_s,
            "t4": as_of_s if reported_s is None else None, "s1": end - deadline_s,
        }  # fmt: skip
        for name in rows:
            rows[name].append(values.get(name))
    return pa.table(rows, schema=rules.FINDING_SCHEMA.to_pyarrow())


#: up to this many WSO agreement windows are checked inline (comparisons); more are joined
INLINE_AGREEMENTS = 64


def _repeats_possible(records: Records, windows: AgreementWindows | None) -> bool:
    """Whether the backend's pass may give a hold's row twice, so that its findings repeat: a join that matches two
    rows, i.e. an officer with overlapping authorization windows in one agency, or the WSO agreements joined instead
    of inlined (``windows``, ``_agreement_windows``'s, is None; overlapping ones match twice). Otherwise every
    finding row is one hold's (ids are distinct: the loader proves it) and one rule's, and ``finalize`` need not
    look for repeats."""
    if windows is None:
        return True
    row = records.con.execute(
        # windows [from, until) in whole seconds, as the pass compares them: one starting before an earlier one of
        # the same officer and agency ends overlaps it
        "SELECT count(*) FROM (SELECT epoch(authorized_from) AS f, max(coalesce(epoch(authorized_until), 'infinity'))"
        " OVER (PARTITION BY officer_id, agency_id ORDER BY authorized_from ROWS BETWEEN UNBOUNDED PRECEDING AND"
        " 1 PRECEDING) AS reach FROM officers WHERE officer_id IS NOT NULL AND agency_id IS NOT NULL) WHERE f < reach"
    ).fetchone()
    return row is None or int(row[0]) > 0


def _agreement_windows(records: Records) -> AgreementWindows | None:
    row = records.con.execute("SELECT count(*) FROM agreements WHERE model = 'WSO'").fetchone()
    if row is None or int(row[0]) > INLINE_AGREEMENTS:
        return None
    rows = records.con.execute(
        "SELECT agency_id, in_force_from - DATE '1970-01-01', in_force_until - DATE '1970-01-01' "
        "FROM agreements WHERE model = 'WSO' ORDER BY ALL"
    ).fetchall()
    return tuple((str(a), int(f), None if u is None else int(u)) for a, f, u in rows)


@dataclass(frozen=True)
class Settings:
    """The audit's settings: the service tolerance (``SERVICE_TOLERANCE`` by default, the ledger's too) and the
    detainer reading (``DEFAULT_DETAINER_READING``)."""

    tolerance: timedelta = SERVICE_TOLERANCE
    reading: DetainerReading = DEFAULT_DETAINER_READING

    @property
    def tolerance_s(self) -> int:
        return int(self.tolerance.total_seconds())


def _inputs(
    records: Records, as_of: datetime, tables: dict[str, Any], settings: Settings, windows: AgreementWindows | None
) -> Inputs:
    lo, hi = calendar.span(records.first_time, records.last_time, as_of)
    agreements = records.agreement_rows()
    states = set(records.states)
    return Inputs(
        holds=tables["holds"],
        officers=tables["officers"],
        agreements=tables["agreements"],
        zone_offsets=calendar.zone_segments(records.time_zones, lo, hi),
        agreement_windows=windows,
        wso_laws=facts.wso_law_windows(states, agreements, lo.date(), hi.date()),
        detainer_laws=facts.detainer_law_windows(states, agreements, lo.date(), hi.date()),
        tolerance_s=settings.tolerance_s,
        v1_detention="detention_agreement_from" in records.absent.get("holds", ()),
        detention_until=rules.UNTIL_NAME not in records.absent.get("holds", ()),
        future_slots=records.maybe_future(as_of),
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


def _run_on_url(
    records: Records, as_of: datetime, url: str, settings: Settings, windows: AgreementWindows | None
) -> tuple[pa.Table, LocalPlan]:
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
        return _flagged_rows(con, _inputs(records, as_of, tables, settings, windows), as_of, settings)
    finally:
        con.disconnect()


def run_audit(
    records: Records,
    as_of: datetime,
    backend: str = "duckdb",
    *,
    spark: Any = None,
    tolerance: timedelta = SERVICE_TOLERANCE,
    reading: str = DEFAULT_DETAINER_READING,
) -> AuditResult:
    """Audit ``records`` as of ``as_of`` (aware) on ``backend``; the findings are the same on every backend.
    ``tolerance``: how long after the release from criminal custody service is still at the release; ``reading``:
    the detainer reading that decides DETAINER-48H (``flat`` or ``excluding``)."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be an aware datetime")
    if tolerance < timedelta(0):
        raise ValueError(f"the service tolerance must not be negative, got {tolerance}")
    settings = Settings(tolerance=tolerance, reading=parse_reading(reading))
    as_of = as_of.astimezone(UTC)
    holds = records.count("holds")
    windows = _agreement_windows(records)  # inlined when few, and whether the pass may repeat a row
    repeats = _repeats_possible(records, windows)
    if backend == "duckdb":
        con = ibis.duckdb.from_connection(records.con)
        tables = {name: con.table(name) for name in ("holds", "officers", "agreements")}
        wide, plan = _flagged_rows(con, _inputs(records, as_of, tables, settings, windows), as_of, settings)
    elif backend == "pyspark":
        session = spark if spark is not None else spark_session()
        con = ibis.pyspark.connect(session)
        with tempfile.TemporaryDirectory(prefix="wso-audit-") as tmp:
            tables = {}
            for name in ("holds", "officers", "agreements"):
                path = Path(tmp) / f"{name}.parquet"
                records.con.execute(f"COPY (SELECT * FROM {name}) TO '{path}' (FORMAT parquet)")
                tables[name] = con.read_parquet(str(path), table_name=f"wso_audit_{name}")
            wide, plan = _flagged_rows(con, _inputs(records, as_of, tables, settings, windows), as_of, settings)
    elif is_url(backend):
        wide, plan = _run_on_url(records, as_of, backend, settings, windows)
    else:
        raise BackendError(
            f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}, or an Ibis connection URL "
            "such as postgres://user@host/db"
        )
    raw = _unpivot_locally(wide, plan, records, as_of, settings)
    del wide  # the flagged rows are settled: let their memory go before the findings are named and ordered
    with ThreadPoolExecutor(max_workers=1) as pool:
        # ids still to be proven distinct (``load_records(..., defer_ids=True)``): their streaming order check on the
        # core that naming and ordering the findings leaves idle
        order = pool.submit(records.prove_order) if records.pending else None
        findings = finalize(raw, constant_evidence(settings.tolerance, settings.reading), distinct=repeats)
        if order is not None and records.settle_ids(order.result()):
            # lenient records lost repeated ids: what was computed from their rows is computed again
            return run_audit(records, as_of, backend, spark=spark, tolerance=tolerance, reading=reading)
    return AuditResult(findings=findings, holds=holds, as_of=as_of, backend=backend, rejected=records.rejected)
