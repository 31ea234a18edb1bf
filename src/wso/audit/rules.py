"""The audit's rules, written once as Ibis expressions; any Ibis backend runs them (DuckDB, PySpark, ...).

Every rule is a filter over the hold records that yields rows of one shape (``FINDING_SCHEMA``): the record, the
rule id, and typed evidence slots (times as UTC epoch seconds, durations in seconds, a local day number, text).
The engine turns the slots into named evidence after the backend has answered, so every backend's findings come
out byte-identical.

Definitions the program leaves to us (documented in the README):

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
    offsets: ir.Table
    local_offsets: ir.Table
    days: ir.Table
    business_days: ir.Table
    law_windows: ir.Table
    first_hour: int
    last_hour: int


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


def _clamp_hour(expr: ir.IntegerValue, inputs: Inputs) -> ir.IntegerValue:
    return ibis.greatest(ibis.least(expr, inputs.last_hour), inputs.first_hour)


def findings(inputs: Inputs, as_of: datetime) -> ir.Table:
    """Every finding, as one Ibis table of ``FINDING_SCHEMA`` (unordered)."""
    as_of_s = int(as_of.astimezone(UTC).timestamp())
    h0 = inputs.holds
    h0 = h0.mutate(
        served_s=_epoch(h0.served_at),
        release_s=_epoch(h0.scheduled_release_at),
        notified_s=_epoch(h0.ice_notified_at),
        claim_s=_epoch(h0.citizenship_claim_at),
        reported_s=_epoch(h0.citizenship_reported_at),
        ended_s=_epoch(h0.ended_at),
        wso=h0.instrument.isin(WSO_INSTRUMENTS),
    )
    h0 = h0.mutate(served_hour=_clamp_hour(h0.served_s // HOUR, inputs))
    off = inputs.offsets
    h = h0.left_join(off, [h0.facility_tz == off.tz, h0.served_hour == off.utc_hour]).select(
        h0, served_day=((h0.served_s + off.offset_s.fill_null(0)) // DAY).cast("int64")
    )
    # the hold's end as known at the audit time: open holds run to the audit time; an end after it is unknown
    end_s = ibis.cases((h.ended_s.isnull(), as_of_s), (h.ended_s <= as_of_s, h.ended_s), else_=_null_int())
    h = h.mutate(end_s=end_s, open=h.ended_s.isnull())
    wso = h.filter(h.wso)
    out: list[ir.Table] = []

    # WSO-48H
    limit = int(HOLD_LIMIT.total_seconds())
    over48 = wso.filter(
        ~wso.detention_agreement, wso.served_s <= as_of_s, wso.end_s.notnull(), wso.end_s - wso.served_s > limit
    )
    out.append(
        _finding(
            over48,
            "WSO-48H",
            t1=over48.served_s,
            t2=over48.served_s + limit,
            t3=over48.ended_s,
            t4=ibis.ifelse(over48.open, as_of_s, _null_int()),
            s1=over48.end_s - over48.served_s - limit,
        )
    )

    # WSO-JAIL-ONLY
    outside = wso.filter(~wso.served_inside_facility)
    out.append(_finding(outside, "WSO-JAIL-ONLY", t1=outside.served_s))

    # WSO-WARRANT-FORMS: a detainer served by an officer as though it were a warrant
    forms = h.filter(h.instrument == "I-247A", h.officer_id.notnull())
    out.append(_finding(forms, "WSO-WARRANT-FORMS", t1=forms.served_s, txt=forms.officer_id, txt2=forms.instrument))

    # WSO-SCHEDULED-RELEASE
    early = wso.filter(wso.served_s < wso.release_s)
    out.append(
        _finding(
            early, "WSO-SCHEDULED-RELEASE", t1=early.served_s, t2=early.release_s, s1=early.release_s - early.served_s
        )
    )

    # WSO-NOTIFY-ICE
    tol = int(NOTIFY_TOLERANCE.total_seconds())
    late = wso.filter(
        wso.served_s <= as_of_s,
        (wso.notified_s.isnull() & (as_of_s - wso.served_s > tol)) | (wso.notified_s - wso.served_s > tol),
    )
    out.append(
        _finding(
            late,
            "WSO-NOTIFY-ICE",
            t1=late.served_s,
            t2=late.notified_s,
            s1=late.notified_s - late.served_s,
            s2=ibis.literal(tol),
        )
    )

    # WSO-CITIZENSHIP-1H (any hold)
    climit = int(CITIZENSHIP_LIMIT.total_seconds())
    claims = h.filter(
        h.claim_s.notnull(),
        h.claim_s <= as_of_s,
        (h.reported_s.isnull() & (as_of_s - h.claim_s > climit)) | (h.reported_s - h.claim_s > climit),
    )
    out.append(
        _finding(
            claims,
            "WSO-CITIZENSHIP-1H",
            t1=claims.claim_s,
            t2=claims.reported_s,
            s1=claims.reported_s - claims.claim_s,
        )
    )

    # WSO-AUTHORIZED-OFFICER: no authorization window of this officer, in this agency, covers the service
    offi = inputs.officers
    named = wso.filter(wso.officer_id.notnull())
    covered = offi.mutate(from_s=_epoch(offi.authorized_from), until_s=_epoch(offi.authorized_until))
    unauthorized = named.anti_join(
        covered,
        [
            named.officer_id == covered.officer_id,
            named.agency_id == covered.agency_id,
            covered.from_s <= named.served_s,
            covered.until_s.isnull() | (named.served_s < covered.until_s),
        ],
    )
    out.append(_finding(unauthorized, "WSO-AUTHORIZED-OFFICER", t1=unauthorized.served_s, txt=unauthorized.officer_id))

    nobody = wso.filter(wso.officer_id.isnull())
    out.append(_finding(nobody, "DATA-NO-OFFICER", "data", t1=nobody.served_s, txt2=nobody.instrument))

    # WSO-AGREEMENT-IN-FORCE: no WSO agreement of the agency in force on the local date of service
    agr = inputs.agreements.filter(inputs.agreements.model == "WSO")
    agr = agr.mutate(
        from_day=(_epoch(agr.in_force_from.cast("timestamp")) // DAY).cast("int64"),
        until_day=(_epoch(agr.in_force_until.cast("timestamp")) // DAY).cast("int64"),
    )
    no_agreement = wso.anti_join(
        agr,
        [
            wso.agency_id == agr.agency_id,
            agr.from_day <= wso.served_day,
            agr.until_day.isnull() | (wso.served_day <= agr.until_day),
        ],
    )
    out.append(_finding(no_agreement, "WSO-AGREEMENT-IN-FORCE", t1=no_agreement.served_s, day=no_agreement.served_day))

    # STATE-LAW: a state law prohibited the agreement on the local date of service
    laws = inputs.law_windows
    banned = wso.join(
        laws,
        [
            wso.state == laws.state,
            laws.from_day <= wso.served_day,
            laws.until_day.isnull() | (wso.served_day < laws.until_day),
        ],
    ).select(wso, law_ids=laws.law_ids, law_citations=laws.law_citations)
    out.append(
        _finding(
            banned,
            "STATE-LAW",
            t1=banned.served_s,
            day=banned.served_day,
            txt=banned.law_ids,
            txt2=banned.law_citations,
        )
    )

    # DETAINER-48H, both readings
    det = h.filter(h.instrument == "I-247A")
    det = det.mutate(start_s=ibis.greatest(det.served_s, det.release_s))
    det = det.mutate(start_hour=_clamp_hour(det.start_s // HOUR, inputs))
    o2 = inputs.offsets.view()
    det = det.left_join(o2, [det.facility_tz == o2.tz, det.start_hour == o2.utc_hour]).select(
        det, local0=det.start_s + o2.offset_s.fill_null(0)
    )
    det = det.mutate(d0=(det.local0 // DAY).cast("int64"))
    det = det.mutate(s0=det.local0 - det.d0 * DAY)
    days = inputs.days
    det = det.left_join(days, [det.facility_tz == days.tz, det.d0 == days.day]).select(
        det, business0=days.business, n_before0=days.n_before
    )
    det = det.mutate(
        target=det.n_before0 * DAY + ibis.ifelse(det.business0, det.s0, 0) + limit,
    )
    det = det.mutate(n_use=((det.target + DAY - 1) // DAY - 1).cast("int64"))
    det = det.mutate(rem=det.target - det.n_use * DAY)
    bd = inputs.business_days
    det = det.left_join(bd, [det.facility_tz == bd.tz, det.n_use == bd.n]).select(
        det, deadline_local=bd.day * DAY + det.rem
    )
    det = det.mutate(deadline_hour=(det.deadline_local // HOUR).cast("int64"))
    lo = inputs.local_offsets
    det = det.left_join(lo, [det.facility_tz == lo.tz, det.deadline_hour == lo.local_hour]).select(
        det, excl_deadline=det.deadline_local - lo.offset_s
    )
    det = det.mutate(flat_deadline=det.start_s + limit)
    det = det.filter(
        det.start_s <= as_of_s,
        det.end_s.notnull(),
        (det.end_s > det.flat_deadline) | (det.end_s > det.excl_deadline),
    )
    out.append(
        _finding(
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
    )

    # data findings
    backwards = h.filter(h.ended_s < h.served_s)
    out.append(
        _finding(
            backwards, "DATA-ENDED-BEFORE-SERVED", "data", t1=backwards.served_s, t2=backwards.ended_s,
            s1=backwards.served_s - backwards.ended_s,
        )
    )  # fmt: skip
    time_cols = ("served_s", "release_s", "notified_s", "claim_s", "reported_s", "ended_s")
    names = ("served_at", "scheduled_release_at", "ice_notified_at", "citizenship_claim_at",
             "citizenship_reported_at", "ended_at")  # fmt: skip
    future_any = ibis.or_(*[h[c] > as_of_s for c in time_cols])
    future = h.filter(future_any)
    listed = ibis.literal("")
    for c, name in zip(time_cols, names, strict=True):
        listed = listed + ibis.ifelse(future[c] > as_of_s, name + " ", "")
    latest = ibis.greatest(*[future[c].fill_null(0) for c in time_cols])
    out.append(_finding(future, "DATA-FUTURE-TIME", "data", t1=latest, t2=ibis.literal(as_of_s), txt=listed.strip()))

    return ibis.union(*out, distinct=False)
