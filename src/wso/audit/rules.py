"""The audit's rules, written once as Ibis expressions; any Ibis backend runs them (DuckDB, PySpark, ...).

One query runs on the backend: ``flagged``, a single pass over the holds that tests every row-level rule and keeps
only the rows that fail one (each rule a flag column). Time zones and small windows are plain comparisons, not
joins: each zone's UTC offset comes from its daylight-saving changes (``local_offset``), the program's state-law
windows and up to ``INLINE_AGREEMENTS`` agreement windows are inlined; officers' authorization windows are a range
join. The rest runs on the few flagged rows, on the engine's local DuckDB: ``detainers`` (the candidate I-247A holds
under both readings, with the business-day calendar) and ``unpivot`` (one row of one shape, ``FINDING_SCHEMA``, per
flag: the record, the rule id, and typed evidence slots: times as UTC epoch seconds, durations in seconds, a local
day number, text). The engine names the evidence last, so every backend's findings come out byte-identical.

Definitions the program leaves to us (documented in docs/audit.md):

- A WSO hold is one on an I-200 or I-205. ``WSO-48H``, ``WSO-AUTHORIZED-OFFICER``, ``WSO-JAIL-ONLY``,
  ``WSO-SCHEDULED-RELEASE``, ``WSO-AGREEMENT-IN-FORCE``, ``STATE-LAW`` and ``WSO-NOTIFY-ICE`` apply to WSO holds.
- ``WSO-48H``: held longer than 48 hours from service without a detention agreement; an open hold counts from
  service to the audit time. A hold whose end lies after the audit time is left to ``DATA-FUTURE-TIME``.
- ``WSO-NOTIFY-ICE``: "immediately" is read as within ``NOTIFY_TOLERANCE`` (one hour) of service; never notified
  counts once that hour has passed by the audit time.
- ``WSO-WARRANT-FORMS``: an I-247A detainer served by an officer (recorded with an ``officer_id``), i.e. a detainer
  treated as a warrant. Detainer holds with no officer are the jail's own detainer holds (only ``DETAINER-48H``).
- ``DETAINER-48H``: a detainer hold runs from the later of service and scheduled release; it is reported when it
  exceeds 48 hours under either reading (flat, or excluding Saturdays, Sundays and federal holidays in the
  facility's time zone, 8 C.F.R. 287.7(d)); the evidence gives both; severity "violation" when the excluding
  reading is exceeded, "warning" when only the flat one is.
- ``WSO-AGREEMENT-IN-FORCE`` and ``STATE-LAW`` use the local date of service in the facility's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import ibis
import ibis.expr.types as ir

WSO_INSTRUMENTS = ("I-200", "I-205")
NOTIFY_TOLERANCE = timedelta(hours=1)
HOLD_LIMIT = timedelta(hours=48)
CITIZENSHIP_LIMIT = timedelta(hours=1)
DAY = 86_400
HOUR = 3_600
FOREVER = 2**62  # stands for an open end of a window, so every window join is a plain range
#: the excluding reading's deadline is never more than this before the flat one (a daylight-saving hour)
DETAINER_MARGIN = 6 * HOUR

FINDING_SCHEMA = ibis.schema(
    {
        "record_id": "string",
        "rule_id": "string",
        "severity": "string",
        "state": "string",
        "agency_id": "string",
        "facility_id": "string",
        "t1": "int64",
        "t2": "int64",
        "t3": "int64",
        "t4": "int64",
        "s1": "int64",
        "s2": "int64",
        "day": "int64",
        "txt": "string",
        "txt2": "string",
    }
)


@dataclass(frozen=True)
class Inputs:
    """The tables the rules read, all on one backend."""

    holds: ir.Table
    officers: ir.Table
    agreements: ir.Table
    local_offsets: ir.Table
    #: per time zone, its UTC offsets over the covered range: (from UTC second, offset seconds), in order
    zone_offsets: dict[str, tuple[tuple[int, int], ...]]
    #: the WSO agreements' windows (agency, first day, last day or None) when few enough to inline; else None
    agreement_windows: tuple[tuple[str, int, int | None], ...] | None
    #: the state-law windows (state, from day, until day exclusive or None, law ids, citations)
    law_list: tuple[tuple[str, int, int | None, str, str], ...]
    days: ir.Table
    business_days: ir.Table


def _epoch(col: ir.TimestampValue) -> ir.IntegerValue:
    return col.epoch_seconds().cast("int64")


def _null_int() -> ir.IntegerValue:
    return ibis.null().cast("int64")


def _null_str() -> ir.StringValue:
    return ibis.null().cast("string")


def _finding(t: ir.Table, rule_id: str, severity: str | ir.StringValue = "", **slots: ir.Value) -> ir.Table:
    values: dict[str, ir.Value] = {
        "record_id": t.record_id,
        "rule_id": ibis.literal(rule_id),
        "severity": ibis.literal(severity) if isinstance(severity, str) else severity,
        "state": t.state,
        "agency_id": t.agency_id,
        "facility_id": t.facility_id,
    }
    for name, dtype in FINDING_SCHEMA.items():
        if name in values:
            continue
        if name in slots:
            values[name] = slots[name].cast(dtype)
        else:
            values[name] = _null_str() if dtype.is_string() else _null_int()
    return t.select(**values)


def local_offset(tz: ir.StringValue, t: ir.IntegerValue, zones: dict[str, tuple[tuple[int, int], ...]]) -> ir.Value:
    """The UTC offset (seconds) of zone ``tz`` at UTC second ``t``: plain comparisons with the zone's changes,
    so no join; before or after the covered range, the offset at its edge."""
    branches = []
    for zone, segments in sorted(zones.items()):
        later = [(ibis.literal(start, "int64"), ibis.literal(offset, "int64")) for start, offset in segments[1:]]
        value: ir.Value = ibis.literal(segments[0][1], "int64")
        if later:
            # the last change at or before t wins: test from the latest
            value = ibis.cases(*[(t >= start, offset) for start, offset in reversed(later)], else_=value)
        branches.append((zone, value))
    if not branches:
        return ibis.literal(0, "int64")
    return tz.cases(*branches, else_=ibis.literal(0, "int64"))


FLAGS: tuple[str, ...] = (
    "WSO-48H",
    "WSO-JAIL-ONLY",
    "WSO-WARRANT-FORMS",
    "WSO-SCHEDULED-RELEASE",
    "WSO-NOTIFY-ICE",
    "WSO-CITIZENSHIP-1H",
    "WSO-AUTHORIZED-OFFICER",
    "DATA-NO-OFFICER",
    "WSO-AGREEMENT-IN-FORCE",
    "STATE-LAW",
    "DATA-ENDED-BEFORE-SERVED",
    "DATA-FUTURE-TIME",
    "DETAINER-48H",
)


def _in_windows(
    key: ir.StringValue, day: ir.IntegerValue, windows: tuple[tuple[str, int, int | None], ...]
) -> ir.Value:
    """Whether ``day`` lies in one of ``key``'s windows (first day, last day inclusive or None for open)."""
    by_key: dict[str, list[ir.BooleanValue]] = {}
    for k, first, last in windows:
        inside = day >= first if last is None else (day >= first) & (day <= last)
        by_key.setdefault(k, []).append(inside)
    if not by_key:
        return ibis.literal(False)
    branches = [(k, ibis.or_(*tests)) for k, tests in sorted(by_key.items())]
    return key.cases(*branches, else_=ibis.literal(False))


def _law_value(
    state: ir.StringValue, day: ir.IntegerValue, laws: tuple[tuple[str, int, int | None, str, str], ...], field: int
) -> ir.StringValue:
    """Field ``field`` (3: law ids, 4: citations) of the law window covering ``state`` on ``day``, else null."""
    cases = []
    for law in laws:
        st, first, until = law[0], law[1], law[2]
        test = (state == st) & (day >= first)
        if until is not None:
            test = test & (day < until)
        cases.append((test, ibis.literal(str(law[field]))))
    if not cases:
        return _null_str()
    return ibis.cases(*cases, else_=_null_str())


def flag_name(rule_id: str) -> str:
    return "f_" + rule_id.lower().replace("-", "_")


def _fresh(t: ir.Table) -> ir.Table:
    """A new relation over ``t`` (after a join), so that later joins may use its computed columns."""
    return t.mutate(_fresh=ibis.literal(True)).drop("_fresh")


def flagged(inputs: Inputs, as_of: datetime) -> ir.Table:
    """One pass over the holds: every row-level rule as a flag column; only the rows with a flag set.

    The joins (time-zone offsets, officers' windows, agreements' windows, state-law windows) are left joins on
    small tables, so each hold is read once. Overlapping windows can repeat a row; the engine drops repeats.
    """
    as_of_s = int(as_of.astimezone(UTC).timestamp())
    h = inputs.holds  # times also as epoch seconds (served_s, ...): the loader adds them, see TIME_SLOTS
    h = h.mutate(
        wso=h.instrument.isin(WSO_INSTRUMENTS),
    )
    # the hold's end as known at the audit time: open holds run to the audit time; an end after it is unknown
    h = h.mutate(
        end_s=ibis.cases((h.ended_s.isnull(), as_of_s), (h.ended_s <= as_of_s, h.ended_s), else_=_null_int()),
        open=h.ended_s.isnull(),
    )
    # the local date of service (facility time zone)
    h = h.mutate(
        served_day=((h.served_s + local_offset(h.facility_tz, h.served_s, inputs.zone_offsets)) // DAY).cast("int64")
    )
    # an authorization window of this officer, in this agency, covering the service
    o = inputs.officers
    cov = o.select(
        cov_officer=o.officer_id,
        cov_agency=o.agency_id,
        cov_from=_epoch(o.authorized_from),
        cov_until=_epoch(o.authorized_until).fill_null(FOREVER),
    )
    h = h.left_join(
        cov,
        [
            h.officer_id == cov.cov_officer,
            h.agency_id == cov.cov_agency,
            cov.cov_from <= h.served_s,
            h.served_s < cov.cov_until,
        ],
    ).select(h, authorized=cov.cov_officer.notnull())
    h = _fresh(h)
    # a WSO agreement of the agency in force on the local date of service
    if inputs.agreement_windows is not None:
        h = h.mutate(in_force=_in_windows(h.agency_id, h.served_day, inputs.agreement_windows))
    else:
        a = inputs.agreements
        agr = a.filter(a.model == "WSO").select(
            agr_agency=a.agency_id,
            agr_from=(_epoch(a.in_force_from.cast("timestamp")) // DAY).cast("int64"),
            agr_until=(_epoch(a.in_force_until.cast("timestamp")) // DAY).cast("int64").fill_null(FOREVER),
        )
        h = h.left_join(
            agr, [h.agency_id == agr.agr_agency, agr.agr_from <= h.served_day, h.served_day <= agr.agr_until]
        ).select(h, in_force=agr.agr_agency.notnull())
        h = _fresh(h)
    # a state law prohibiting it on that date (the program's own windows: few, so inlined)
    h = h.mutate(
        law_ids=_law_value(h.state, h.served_day, inputs.law_list, 3),
        law_citations=_law_value(h.state, h.served_day, inputs.law_list, 4),
    )

    # filter first, on the bare tests (a null test is false in a filter), then name the flags of the few rows kept
    wso_tests, other_tests = _tests(h, as_of_s)
    h = h.filter((h.wso & ibis.or_(*wso_tests.values())) | ibis.or_(*other_tests.values()))
    wso_tests, other_tests = _tests(h, as_of_s)
    flag_values = {flag_name(k): (h.wso & v).fill_null(False) for k, v in wso_tests.items()}
    flag_values.update({flag_name(k): v.fill_null(False) for k, v in other_tests.items()})
    h = h.mutate(**{flag_name(k): flag_values[flag_name(k)] for k in FLAGS})
    keep = [
        "record_id", "state", "agency_id", "facility_id", "facility_tz", "officer_id", "instrument", "open", "end_s",
        "served_day", "law_ids", "law_citations", *TIME_SLOTS, *(flag_name(k) for k in FLAGS),
    ]  # fmt: skip
    return h.select(*keep)


def _tests(h: ir.Table, as_of_s: int) -> tuple[dict[str, ir.BooleanValue], dict[str, ir.BooleanValue]]:
    """Each row-level rule's test: those that apply to WSO holds only (without the WSO test), and the others."""
    limit = int(HOLD_LIMIT.total_seconds())
    tol = int(NOTIFY_TOLERANCE.total_seconds())
    climit = int(CITIZENSHIP_LIMIT.total_seconds())
    served_by_now = h.served_s <= as_of_s
    wso_tests: dict[str, ir.BooleanValue] = {
        # held past 48 hours from service without a detention agreement (open holds: up to the audit time)
        "WSO-48H": ~h.detention_agreement & served_by_now & (h.end_s - h.served_s > limit),
        "WSO-JAIL-ONLY": ~h.served_inside_facility,
        "WSO-SCHEDULED-RELEASE": h.served_s < h.release_s,
        "WSO-NOTIFY-ICE": served_by_now
        & ((h.notified_s.isnull() & (as_of_s - h.served_s > tol)) | (h.notified_s - h.served_s > tol)),
        "WSO-AUTHORIZED-OFFICER": h.officer_id.notnull() & ~h.authorized,
        "DATA-NO-OFFICER": h.officer_id.isnull(),
        "WSO-AGREEMENT-IN-FORCE": ~h.in_force,
        "STATE-LAW": h.law_ids.notnull(),
    }
    other_tests: dict[str, ir.BooleanValue] = {
        # a detainer served by an officer as though it were a warrant
        "WSO-WARRANT-FORMS": (h.instrument == "I-247A") & h.officer_id.notnull(),
        "WSO-CITIZENSHIP-1H": h.claim_s.notnull()
        & (h.claim_s <= as_of_s)
        & ((h.reported_s.isnull() & (as_of_s - h.claim_s > climit)) | (h.reported_s - h.claim_s > climit)),
        "DATA-ENDED-BEFORE-SERVED": h.ended_s < h.served_s,
        # greatest() skips nulls on every engine: one comparison instead of six
        "DATA-FUTURE-TIME": ibis.greatest(*[h[c] for c in TIME_SLOTS]) > as_of_s,
        # a candidate only: held past 48 hours minus a margin for a daylight-saving hour on a business day; the
        # exact readings (``detainers``) need the calendar, so run on these few rows
        "DETAINER-48H": (h.instrument == "I-247A")
        & (ibis.greatest(h.served_s, h.release_s) <= as_of_s)
        & (h.end_s - ibis.greatest(h.served_s, h.release_s) > limit - DETAINER_MARGIN),
    }
    return wso_tests, other_tests


TIME_SLOTS = ("served_s", "release_s", "notified_s", "claim_s", "reported_s", "ended_s")
TIME_NAMES = (
    "served_at",
    "scheduled_release_at",
    "ice_notified_at",
    "citizenship_claim_at",
    "citizenship_reported_at",
    "ended_at",
)


def unpivot(w: ir.Table, as_of: datetime) -> ir.Table:
    """The flagged rows (``flagged``'s output, on any backend) as one finding row per flag set."""
    as_of_s = int(as_of.astimezone(UTC).timestamp())
    limit = int(HOLD_LIMIT.total_seconds())
    tol = int(NOTIFY_TOLERANCE.total_seconds())

    def rows(rule_id: str) -> ir.Table:
        return w.filter(w[flag_name(rule_id)])

    out: list[ir.Table] = []
    t = rows("WSO-48H")
    out.append(
        _finding(
            t,
            "WSO-48H",
            t1=t.served_s,
            t2=t.served_s + limit,
            t3=t.ended_s,
            t4=ibis.ifelse(t.open, as_of_s, _null_int()),
            s1=t.end_s - t.served_s - limit,
        )
    )
    t = rows("WSO-JAIL-ONLY")
    out.append(_finding(t, "WSO-JAIL-ONLY", t1=t.served_s))
    t = rows("WSO-WARRANT-FORMS")
    out.append(_finding(t, "WSO-WARRANT-FORMS", t1=t.served_s, txt=t.officer_id, txt2=t.instrument))
    t = rows("WSO-SCHEDULED-RELEASE")
    out.append(_finding(t, "WSO-SCHEDULED-RELEASE", t1=t.served_s, t2=t.release_s, s1=t.release_s - t.served_s))
    t = rows("WSO-NOTIFY-ICE")
    out.append(
        _finding(
            t, "WSO-NOTIFY-ICE", t1=t.served_s, t2=t.notified_s, s1=t.notified_s - t.served_s, s2=ibis.literal(tol)
        )
    )
    t = rows("WSO-CITIZENSHIP-1H")
    out.append(_finding(t, "WSO-CITIZENSHIP-1H", t1=t.claim_s, t2=t.reported_s, s1=t.reported_s - t.claim_s))
    t = rows("WSO-AUTHORIZED-OFFICER")
    out.append(_finding(t, "WSO-AUTHORIZED-OFFICER", t1=t.served_s, txt=t.officer_id))
    t = rows("DATA-NO-OFFICER")
    out.append(_finding(t, "DATA-NO-OFFICER", "data", t1=t.served_s, txt2=t.instrument))
    t = rows("WSO-AGREEMENT-IN-FORCE")
    out.append(_finding(t, "WSO-AGREEMENT-IN-FORCE", t1=t.served_s, day=t.served_day))
    t = rows("STATE-LAW")
    out.append(_finding(t, "STATE-LAW", t1=t.served_s, day=t.served_day, txt=t.law_ids, txt2=t.law_citations))
    t = rows("DATA-ENDED-BEFORE-SERVED")
    out.append(_finding(t, "DATA-ENDED-BEFORE-SERVED", "data", t1=t.served_s, t2=t.ended_s, s1=t.served_s - t.ended_s))
    t = rows("DATA-FUTURE-TIME")
    listed = ibis.literal("")
    for c, name in zip(TIME_SLOTS, TIME_NAMES, strict=True):
        listed = listed + ibis.ifelse(t[c] > as_of_s, name + " ", "")
    latest = ibis.greatest(*[t[c].fill_null(0) for c in TIME_SLOTS])
    out.append(_finding(t, "DATA-FUTURE-TIME", "data", t1=latest, t2=ibis.literal(as_of_s), txt=listed.strip()))
    return ibis.union(*out, distinct=False)


def detainers(w: ir.Table, inputs: Inputs, as_of: datetime) -> ir.Table:
    """DETAINER-48H under both readings (rows of ``FINDING_SCHEMA``) for the candidate detainer holds of
    ``flagged`` (any backend's answer, evaluated where the calendar tables are: the engine's local DuckDB)."""
    as_of_s = int(as_of.astimezone(UTC).timestamp())
    limit = int(HOLD_LIMIT.total_seconds())
    det = w.filter(w[flag_name("DETAINER-48H")])
    det = det.mutate(
        start_s=ibis.greatest(det.served_s, det.release_s),
        end_s=ibis.cases((det.ended_s.isnull(), as_of_s), (det.ended_s <= as_of_s, det.ended_s), else_=_null_int()),
        open=det.ended_s.isnull(),
    )
    det = det.mutate(local0=det.start_s + local_offset(det.facility_tz, det.start_s, inputs.zone_offsets))
    det = det.mutate(d0=(det.local0 // DAY).cast("int64"))
    det = det.mutate(s0=det.local0 - det.d0 * DAY)
    days = inputs.days
    det = det.left_join(days, [det.facility_tz == days.tz, det.d0 == days.day]).select(
        det, business0=days.business, n_before0=days.n_before
    )
    det = _fresh(det)
    # counted seconds since the table's start, then the 48th counted hour: on the n-th business day, at rem
    det = det.mutate(target=det.n_before0 * DAY + ibis.ifelse(det.business0, det.s0, 0) + limit)
    det = det.mutate(n_use=((det.target + DAY - 1) // DAY - 1).cast("int64"))
    det = det.mutate(rem=det.target - det.n_use * DAY)
    bd = inputs.business_days
    det = det.left_join(bd, [det.facility_tz == bd.tz, det.n_use == bd.n]).select(
        det, deadline_local=bd.day * DAY + det.rem
    )
    det = _fresh(det)
    det = det.mutate(deadline_hour=(det.deadline_local // HOUR).cast("int64"))
    lo = inputs.local_offsets
    det = det.left_join(lo, [det.facility_tz == lo.tz, det.deadline_hour == lo.local_hour]).select(
        det, excl_deadline=det.deadline_local - lo.offset_s
    )
    det = _fresh(det)
    det = det.mutate(flat_deadline=det.start_s + limit)
    det = det.filter(
        det.start_s <= as_of_s,
        det.end_s.notnull(),
        (det.end_s > det.flat_deadline) | (det.end_s > det.excl_deadline),
    )
    return _finding(
        det,
        "DETAINER-48H",
        ibis.ifelse(det.end_s > det.excl_deadline, "violation", "warning"),
        t1=det.start_s,
        t2=det.flat_deadline,
        t3=det.excl_deadline,
        t4=ibis.ifelse(det.open, as_of_s, det.ended_s),
        s1=det.end_s - det.flat_deadline,
        s2=det.end_s - det.excl_deadline,
        txt=ibis.ifelse(det.open, "open", "ended"),
    )
