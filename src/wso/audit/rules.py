"""The audit's rules, written once as Ibis expressions; any Ibis backend runs them (DuckDB, PySpark, ...).

One query runs on the backend: ``flagged``, a single pass over the holds that tests every row-level rule and keeps
only the rows that fail one (each rule a flag column). Time zones and small windows are plain comparisons, not
joins: each zone's UTC offset comes from its daylight-saving changes (``local_offset``), the state-law windows and
up to ``INLINE_AGREEMENTS`` agreement windows are inlined; officers' authorization windows are a range join. The
rest runs on the few flagged rows, on the engine's local DuckDB: ``detainers`` (the candidate I-247A holds under
both readings, with the business-day calendar) and ``unpivot`` (one row of one shape, ``FINDING_SCHEMA``, per
flag: the record, the rule id, and typed evidence slots: times as UTC epoch seconds, durations in seconds, a local
day number, text). The engine settles what needs the program's own functions on those few rows (a detainer hold
open at a late service, the citizenship report's words by MOA template, complaints) and names the evidence last,
so every backend's findings come out byte-identical.

Every decision is ``wso.program``'s (the ledger makes the same one per command; docs/rules.md states each once):

- A WSO hold is one on an I-200 or I-205. The release from criminal custody is ``criminal_release_at`` when
  recorded, else ``scheduled_release_at`` (``wso.program.criminal_release``).
- ``WSO-SCHEDULED-RELEASE`` (``wso.program.service_check``): served before the release, or later than the release
  plus the tolerance (``SERVICE_TOLERANCE``, an option) unless a detainer hold on the same person was open at that
  moment and not past its DETAINER-48H deadline.
- ``WSO-48H`` (``wso_hold_deadline``): held past 48 hours from the release; the hours stop counting when the hold
  moved onto a detention agreement (``detention_agreement_from``; a v1 file's ``detention_agreement`` = true lifts
  the limit, as v1 defined it); they count again from the moment the agreement stopped covering the hold
  (``detention_agreement_until``, ``wso.program.detention_agreement_until``; a file without the column has no end):
  the hours counted are those before the move plus those after the cover's end. An open hold counts to the audit
  time; an end after it is left to ``DATA-FUTURE-TIME``.
- ``WSO-NOTIFY-ICE``: ICE told later than ``ICE_NOTIFY_WINDOW`` after service, or never once it has passed.
- ``WSO-CITIZENSHIP-1H``: WSO holds only; its severity and words from the agreement's MOA template
  (``citizenship_standard``).
- ``STATE-LAW``: a WSO service on a day state law prohibits the agency's agreement (``eligibility`` with the
  agreement's signing day and the agency's kind), or a detainer hold on a day state law bars such holds
  (``detainer_hold_bar``); both on the local date of service in the facility's zone.
- ``DETAINER-48H``: from the release, past the deadline of the chosen reading (default ``flat``); the evidence
  gives both readings (the excluding one on the facility state's business calendar).
- ``WSO-WARRANT-FORMS``: an I-247A detainer served by an officer (recorded with an ``officer_id``), i.e. a detainer
  treated as a warrant. Detainer holds with no officer are the jail's own detainer holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import ibis
import ibis.expr.types as ir

from wso.program import (
    CITIZENSHIP_INSTRUMENTS,
    CITIZENSHIP_REPORT,
    DETAINER_HOLD,
    ICE_NOTIFY_WINDOW,
    WSO_HOLD,
    decision_second,
)

WSO_INSTRUMENTS = ("I-200", "I-205")
DAY = 86_400
HOUR = 3_600
US = 1_000_000  #: microseconds in a second: the holds' times are read as UTC epoch microseconds (``TIME_US``)
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
        "t5": "int64",
        "s1": "int64",
        "s2": "int64",
        "day": "int64",
        "txt": "string",
        "txt2": "string",
    }
)

#: WSO agreements' windows: (agency id, first day, last day inclusive or None)
AgreementWindows = tuple[tuple[str, int, int | None], ...]
#: a law window: (key: an agency id or a state, first day, until day exclusive or None, law ids)
LawWindow = tuple[str, int, int | None, str]


@dataclass(frozen=True)
class LawWindows:
    """Days on which a state law bars something, as windows: for the agencies whose agreement rows say their kind
    and signing day (``by_agency``), and for every other agency of a state (``by_state``: a county agency, a new
    agreement). ``own``: per state, the agencies with windows of their own (the state's windows skip them)."""

    by_agency: tuple[LawWindow, ...] = ()
    by_state: tuple[LawWindow, ...] = ()
    own: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Inputs:
    """The tables the rules read, all on one backend, and the audit's settings."""

    holds: ir.Table
    officers: ir.Table
    agreements: ir.Table
    #: per time zone, its UTC offsets over the covered range: (from UTC second, offset seconds), in order
    zone_offsets: dict[str, tuple[tuple[int, int], ...]]
    #: the WSO agreements' windows (agency, first day, last day or None) when few enough to inline; else None
    agreement_windows: AgreementWindows | None
    #: days on which state law prohibits the agency's WSO agreement (``eligibility``)
    wso_laws: LawWindows
    #: days on which state law bars holds on detainers (``detainer_hold_bar``)
    detainer_laws: LawWindows
    #: service is lawful up to this many seconds after the release
    tolerance_s: int
    #: the file has no detention_agreement_from (a hold-record schema v1 file): detention_agreement lifts the limit
    v1_detention: bool
    #: the file has detention_agreement_until: a moved hold is late again after its agreement's cover ended (a file
    #: without the column is not read for it)
    detention_until: bool
    #: the time slots that may hold a time after the audit time (the others are proven not to: the future-time
    #: test skips them); ``TIME_SLOTS`` when nothing is known
    future_slots: tuple[str, ...]


@dataclass(frozen=True)
class CalendarInputs:
    """The calendar tables the detainer readings need (local, for the few candidate rows)."""

    local_offsets: ir.Table
    days: ir.Table
    business_days: ir.Table
    zone_offsets: dict[str, tuple[tuple[int, int], ...]]


def _epoch(col: ir.TimestampValue) -> ir.IntegerValue:
    return col.epoch_seconds().cast("int64")


def seconds(us: ir.IntegerValue) -> ir.IntegerValue:
    """Epoch microseconds as whole seconds, floored (before 1970 too: a fractional negative epoch floors)."""
    return (us // US).cast("int64")


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


def local_offset(
    tz: ir.StringValue, t: ir.IntegerValue, zones: dict[str, tuple[tuple[int, int], ...]], unit: int = 1
) -> ir.Value:
    """The UTC offset of zone ``tz`` at UTC time ``t``, both in ``unit``s of a second (1: seconds, ``US``:
    microseconds): plain comparisons with the zone's changes, so no join; before or after the covered range, the
    offset at its edge."""
    branches = []
    for zone, segments in sorted(zones.items()):
        later = [(ibis.literal(at * unit, "int64"), ibis.literal(off * unit, "int64")) for at, off in segments[1:]]
        value: ir.Value = ibis.literal(segments[0][1] * unit, "int64")
        if later:
            # the last change at or before t wins: test from the latest
            value = ibis.cases(*[(t >= start, offset) for start, offset in reversed(later)], else_=value)
        branches.append((zone, value))
    if not branches:
        return ibis.literal(0, "int64")
    return tz.cases(*branches, else_=ibis.literal(0, "int64"))


def local_day(
    tz: ir.StringValue, t: ir.IntegerValue, zones: dict[str, tuple[tuple[int, int], ...]], unit: int = 1
) -> ir.Value:
    """The local day number of UTC time ``t`` (in ``unit``s of a second) in zone ``tz`` (one of ``zones``: the
    loader checks every row's zone). Where the least and the greatest offset of all the zones give the same day,
    that is the day, whatever the zone: most rows skip the per-zone comparisons of ``local_offset``."""
    offsets = {offset * unit for segments in zones.values() for _, offset in segments}
    day = DAY * unit
    exact = ((t + local_offset(tz, t, zones, unit)) // day).cast("int64")
    if len(offsets) < 2:
        return exact
    early, late = ((t + min(offsets)) // day).cast("int64"), ((t + max(offsets)) // day).cast("int64")
    return ibis.cases((early == late, early), else_=exact)


def local_day_at_least(
    tz: ir.StringValue, t: ir.IntegerValue, day: int, zones: dict[str, tuple[tuple[int, int], ...]], unit: int = 1
) -> ir.BooleanValue:
    """Whether the local day of UTC time ``t`` (in ``unit``s of a second) in zone ``tz`` is ``day`` or later
    (``local_day(tz, t) >= day``) without computing the day: ``t`` is compared with two constants (the day's start
    less the greatest and the least offset of all the zones); only a time between them looks its zone's offset up.
    In microseconds, the same as on the time floored to the second (offsets and days are whole seconds)."""
    start = day * DAY * unit
    offsets = {offset * unit for segments in zones.values() for _, offset in segments}
    if len(offsets) < 2:
        return t >= start - (next(iter(offsets)) if offsets else 0)
    exact = t + local_offset(tz, t, zones, unit) >= start
    return ibis.cases((t >= start - min(offsets), True), (t < start - max(offsets), False), else_=exact)


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


def _in_windows(key: ir.StringValue, at_least: Callable[[int], ir.BooleanValue], windows: AgreementWindows) -> ir.Value:
    """Whether the day (``at_least(d)``: it is ``d`` or later) lies in one of ``key``'s windows (first day, last day
    inclusive or None for open). Keys with the same windows (most agencies' agreements began on the same day) share
    one test: one set membership and the day's comparisons, instead of a comparison with every key."""
    by_key: dict[str, set[tuple[int, int | None]]] = {}
    for k, first, last in windows:
        by_key.setdefault(k, set()).add((first, last))
    if not by_key:
        return ibis.literal(False)
    by_windows: dict[tuple[tuple[int, int | None], ...], list[str]] = {}
    for k, found in by_key.items():
        by_windows.setdefault(tuple(sorted(found, key=lambda w: (w[0], -1 if w[1] is None else w[1]))), []).append(k)
    tests = []
    for spans, keys in sorted(by_windows.items(), key=lambda item: sorted(item[1])):
        inside = ibis.or_(
            *[at_least(first) if last is None else at_least(first) & ~at_least(last + 1) for first, last in spans]
        )
        tests.append((key == keys[0] if len(keys) == 1 else key.isin(sorted(keys))) & inside)
    return ibis.or_(*tests).fill_null(False)


def _law_cases(
    agency: ir.StringValue, state: ir.StringValue, at_least: Callable[[int], ir.BooleanValue], laws: LawWindows
) -> ir.StringValue:
    """The law ids of the window covering the hold's agency on its day (``at_least(d)``: it is ``d`` or later; for
    an agency without windows of its own, its state's), else null."""
    cases = []
    for key, first, until, ids in laws.by_agency:
        test = (agency == key) & at_least(first)
        if until is not None:
            test = test & ~at_least(until)
        cases.append((test, ibis.literal(ids)))
    for key, first, until, ids in laws.by_state:
        test = (state == key) & at_least(first)
        if until is not None:
            test = test & ~at_least(until)
        own = laws.own.get(key, ())
        if own:
            test = test & ~agency.isin(own)
        cases.append((test, ibis.literal(ids)))
    if not cases:
        return _null_str()
    return ibis.cases(*cases, else_=_null_str())


def _law_ids(
    h: ir.Table, at_least: Callable[[int], ir.BooleanValue], wso_laws: LawWindows, detainer_laws: LawWindows
) -> ir.StringValue:
    """The ids of the state laws that bar the hold on its local date of service: a WSO agreement's for a WSO service
    (``wso_laws``), holds on detainers for a detainer hold (``detainer_laws``); else null. Most holds are in states
    without such a law: one test of the state (and of the agencies with windows of their own) lets them skip the
    rest."""
    laws = (wso_laws, detainer_laws)
    states = sorted({key for w in laws for key, *_ in w.by_state})
    agencies = sorted({key for w in laws for key, *_ in w.by_agency})
    if not states and not agencies:
        return _null_str()
    # the state's test is a CASE condition, which the engines evaluate as a filter of the rows (no true/false column
    # of every row); a null state or agency is no law's: the CASE falls through to null, as the windows would
    concerned = ibis.or_(
        *([h.state.isin(states)] if states else []), *([h.agency_id.isin(agencies)] if agencies else [])
    )
    by_kind = ibis.cases(
        (h.wso, _law_cases(h.agency_id, h.state, at_least, wso_laws)),
        (h.instrument == "I-247A", _law_cases(h.agency_id, h.state, at_least, detainer_laws)),
        else_=_null_str(),
    )
    return ibis.cases((concerned, by_kind), else_=_null_str())


def flag_name(rule_id: str) -> str:
    return "f_" + rule_id.lower().replace("-", "_")


def _fresh(t: ir.Table) -> ir.Table:
    """A new relation over ``t`` (after a join), so that later joins may use its computed columns."""
    return t.mutate(_fresh=ibis.literal(True)).drop("_fresh")


def flagged(inputs: Inputs, as_of: datetime) -> ir.Table:
    """One pass over the holds: every row-level rule as a flag column; only the rows with a flag set.

    The joins (officers' windows, and agreements' windows when too many to inline) are left joins on small tables,
    so each hold is read once. Overlapping windows can repeat a row; the engine drops repeats.
    """
    as_of_s = decision_second(as_of)
    after_us = (as_of_s + 1) * US  # a time floored to the second is at most the audit time when before this
    h = inputs.holds  # times also as epoch microseconds (served_us, ...): the loader adds them, see TIME_US
    # only the columns the rules read: each step's SELECT then carries those, not every column of the records
    # (compiling costs Python time per column and layer; the backend reads only what is used either way)
    h = h.select(*READ, *TIME_US, UNTIL_US, *(["detention_agreement"] if inputs.v1_detention else []))
    # an authorization window of this officer, in this agency, covering the service
    o = inputs.officers
    cov = o.select(
        cov_officer=o.officer_id,
        cov_agency=o.agency_id,
        # whole seconds (the loader floors them): compared with the microseconds, the same as with the seconds
        cov_from=_epoch(o.authorized_from) * US,
        cov_until=(_epoch(o.authorized_until) * US).fill_null(FOREVER),
    )
    # each step below is one SELECT over the one before: every column a step computes from the step's input (not
    # from a column computed in the same step), so that the query stays a few layers deep (compiling costs Python
    # time per layer) while every test is written once
    h = h.left_join(
        cov,
        [
            h.officer_id == cov.cov_officer,
            h.agency_id == cov.cov_agency,
            cov.cov_from <= h.served_us,
            h.served_us < cov.cov_until,
        ],
    ).select(
        h,
        authorized=cov.cov_officer.notnull(),
        wso=h.instrument.isin(WSO_INSTRUMENTS),
        # the release from criminal custody: the actual one when recorded, else the scheduled one
        rel_us=ibis.coalesce(h.actual_us, h.release_us),
        # the hold's end as known at the audit time: open holds run to the audit time; an end after it is unknown
        end_us=ibis.cases((h.ended_us.isnull(), as_of_s * US), (h.ended_us < after_us, h.ended_us), else_=_null_int()),
    )

    # the local date of service (facility time zone), for the windows: compared with each window's days, so that
    # most rows need no offset of their zone; the date itself is computed on the rows kept
    def at_least(day: int) -> ir.BooleanValue:
        return local_day_at_least(h.facility_tz, h.served_us, day, inputs.zone_offsets, US)

    # a WSO agreement of the agency in force on the local date of service
    if inputs.agreement_windows is not None:
        in_force: ir.BooleanValue = _in_windows(h.agency_id, at_least, inputs.agreement_windows)
    else:
        h = _fresh(h)  # the join below uses the columns computed above
        h = h.mutate(served_day=local_day(h.facility_tz, h.served_us, inputs.zone_offsets, US))
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
        in_force = h.in_force
    # a state law prohibiting it on that date (the program's own windows: few, so inlined): a WSO agreement for a
    # WSO service, holds on detainers for a detainer hold
    h = h.mutate(in_force=in_force, law_ids=_law_ids(h, at_least, inputs.wso_laws, inputs.detainer_laws))

    # filter first, on the candidates' tests in microseconds (a null test is false in a filter); then, on the rows
    # kept, the times in whole seconds and each rule's own test on them, which names the flags
    wso_cands, other_cands = _tests(h, as_of_s, inputs, US)
    h = h.filter((h.wso & ibis.or_(*wso_cands.values())) | ibis.or_(*other_cands.values()))
    h = h.mutate(
        **{slot: seconds(h[us]) for slot, us in zip(TIME_SLOTS, TIME_US, strict=True)},
        dau_s=seconds(h[UNTIL_US]) if inputs.detention_until else _null_int(),
    )
    h = h.mutate(
        rel_s=ibis.coalesce(h.actual_s, h.release_s),
        end_s=ibis.cases((h.ended_s.isnull(), as_of_s), (h.ended_s <= as_of_s, h.ended_s), else_=_null_int()),
    )
    wso_tests, other_tests = _tests(h, as_of_s, inputs)
    flag_values = {flag_name(k): (h.wso & v).fill_null(False) for k, v in wso_tests.items()}
    flag_values.update({flag_name(k): v.fill_null(False) for k, v in other_tests.items()})
    h = h.mutate(open=h.ended_s.isnull(), **{flag_name(k): flag_values[flag_name(k)] for k in FLAGS})
    h = h.filter(ibis.or_(*[h[flag_name(k)] for k in FLAGS]))  # a candidate within a second of a limit may pass
    if "served_day" not in h.columns:
        h = h.mutate(served_day=local_day(h.facility_tz, h.served_s, inputs.zone_offsets))
    keep = [
        "record_id", "state", "agency_id", "facility_id", "facility_tz", "officer_id", "instrument", "person_ref",
        "open", "end_s", "rel_s", "served_day", "law_ids", *TIME_SLOTS, "dau_s", *(flag_name(k) for k in FLAGS),
    ]  # fmt: skip
    return h.select(*keep)


def _tests(
    h: ir.Table, as_of_s: int, inputs: Inputs, unit: int = 1
) -> tuple[dict[str, ir.BooleanValue], dict[str, ir.BooleanValue]]:
    """Each row-level rule's test: those that apply to WSO holds only (without the WSO test), and the others.

    On the times in whole seconds (``unit`` 1: ``served_s``, ...) each test is the rule's own. On the times in
    microseconds as read (``unit`` ``US``: ``served_us``, ...), with no division per row, the same expression is a
    candidate: true wherever the test on the floored times is, and at most a second of difference beyond, because
    each comparison is written so that it holds for both: a test against a whole second is exact (``floor(x) <= s``
    is ``x < (s + 1) s``); a difference of two floored times over ``k`` seconds implies the microseconds' difference
    over ``k`` seconds; ``floor(a) < floor(b)`` implies ``a < b``."""
    suffix = "_s" if unit == 1 else "_us"

    def t(name: str) -> ir.IntegerValue:
        return h[name + suffix]

    def by(seconds: int) -> int:  # a time at most ``seconds`` (floored): before this
        return (seconds + 1) * unit

    limit = int(WSO_HOLD.total_seconds()) * unit
    window = int(ICE_NOTIFY_WINDOW.total_seconds())
    climit = int(CITIZENSHIP_REPORT.total_seconds())
    served, rel, end = t("served"), t("rel"), t("end")
    served_by_now = served < by(as_of_s)
    # the 48 hours stop counting when the hold moved onto a detention agreement: the hours counted end at the
    # earlier of the end and that move, so both must be past the deadline (the end first: it rejects most holds)
    daf = t("daf")
    counted = daf.isnull() | (daf - rel > limit)
    if inputs.detention_until:
        # the limit applies again once the agreement stopped covering the hold: the hours before the move and those
        # after the cover's end together over the limit. Two floored differences over k seconds imply the
        # microseconds' sum over k - 1 seconds by more than 1 microsecond: ``limit - (unit - 1)`` is both bounds
        counted = counted | ((daf - rel) + (end - t("dau")) > limit - (unit - 1))
    over_48 = (end - rel > limit) & counted & served_by_now
    if inputs.v1_detention:
        over_48 = over_48 & ~h.detention_agreement
    wso_tests: dict[str, ir.BooleanValue] = {
        "WSO-48H": over_48,
        "WSO-JAIL-ONLY": ~h.served_inside_facility,
        # before the release, or after it beyond the tolerance (a candidate: a detainer hold open at that moment
        # makes it lawful, which the engine settles on these few rows)
        "WSO-SCHEDULED-RELEASE": (served < rel) | (served - rel > inputs.tolerance_s * unit),
        "WSO-NOTIFY-ICE": served_by_now
        & ((t("notified").isnull() & (served < (as_of_s - window) * unit)) | (t("notified") - served > window * unit)),
        "WSO-AUTHORIZED-OFFICER": h.officer_id.notnull() & ~h.authorized,
        "DATA-NO-OFFICER": h.officer_id.isnull(),
        "WSO-AGREEMENT-IN-FORCE": ~h.in_force,
    }
    if set(CITIZENSHIP_INSTRUMENTS) == set(WSO_INSTRUMENTS):  # the citizenship report: WSO holds only
        claim, reported = t("claim"), t("reported")
        wso_tests["WSO-CITIZENSHIP-1H"] = (
            claim.notnull()
            & (claim < by(as_of_s))
            & ((reported.isnull() & (claim < (as_of_s - climit) * unit)) | (reported - claim > climit * unit))
        )
    else:  # pragma: no cover - guards against a change of scope in wso.program
        raise RuntimeError("WSO-CITIZENSHIP-1H: the program's scope is no longer the WSO instruments")
    slots = inputs.future_slots if unit == 1 else tuple(TIME_US[TIME_SLOTS.index(s)] for s in inputs.future_slots)
    other_tests: dict[str, ir.BooleanValue] = {
        # a detainer served by an officer as though it were a warrant
        "WSO-WARRANT-FORMS": (h.instrument == "I-247A") & h.officer_id.notnull(),
        "STATE-LAW": h.law_ids.notnull(),
        "DATA-ENDED-BEFORE-SERVED": t("ended") < served,
        # greatest() skips nulls on every engine: one comparison instead of eight
        "DATA-FUTURE-TIME": _future(h, slots, as_of_s, unit),
        # a candidate only: held past 48 hours from the release minus a margin for a daylight-saving hour on a
        # business day; the exact readings (``detainers``) need the calendar, so run on these few rows
        "DETAINER-48H": (h.instrument == "I-247A")
        & (rel < by(as_of_s))
        & (end - rel > (int(DETAINER_HOLD.total_seconds()) - DETAINER_MARGIN) * unit),
    }
    return wso_tests, other_tests


def _event_times(t: ir.Table, slots: tuple[str, ...] | None = None) -> list[ir.IntegerValue]:
    """The record's times (of ``slots``: ``TIME_SLOTS`` or ``TIME_US``) that say something happened: a scheduled
    release counts only while no actual release replaced it (after an early release it is a plan, and may lie after
    the audit time)."""
    slots = TIME_SLOTS if slots is None else slots
    actual, release = ("actual_us", "release_us") if set(slots) <= set(TIME_US) else ("actual_s", "release_s")
    planned = ibis.ifelse(t[actual].isnull(), t[release], ibis.null().cast(t[release].type()))
    return [planned if c == release else t[c] for c in slots]


def _future(h: ir.Table, slots: tuple[str, ...], as_of_s: int, unit: int) -> ir.BooleanValue:
    """A time after the audit time (to the second), in one of ``slots`` (the columns that may hold one), in
    ``unit``s of a second."""
    if not slots:
        return ibis.literal(False)
    times = _event_times(h, slots)
    latest = times[0] if len(times) == 1 else ibis.greatest(*times)
    return latest >= (as_of_s + 1) * unit


#: the holds' columns the rules read besides the times (``flagged``)
READ = ("record_id", "state", "agency_id", "facility_id", "facility_tz", "officer_id", "instrument", "person_ref",
        "served_inside_facility")  # fmt: skip
TIME_SLOTS = ("served_s", "release_s", "actual_s", "notified_s", "claim_s", "reported_s", "daf_s", "ended_s")
#: the same times as the loader gives them: UTC epoch microseconds (TIMESTAMPTZ columns as read, not yet floored)
TIME_US = ("served_us", "release_us", "actual_us", "notified_us", "claim_us", "reported_us", "daf_us", "ended_us")
#: the end of a detention agreement's cover (a time the rules read, not an event: it may lie after the audit time)
UNTIL_NAME, UNTIL_US = "detention_agreement_until", "dau_us"
TIME_NAMES = (
    "served_at",
    "scheduled_release_at",
    "criminal_release_at",
    "ice_notified_at",
    "citizenship_claim_at",
    "citizenship_reported_at",
    "detention_agreement_from",
    "ended_at",
)


def unpivot(w: ir.Table, as_of: datetime, tolerance_s: int) -> ir.Table:
    """The flagged rows (``flagged``'s output, on any backend) as one finding row per flag set."""
    as_of_s = decision_second(as_of)
    limit = int(WSO_HOLD.total_seconds())
    window = int(ICE_NOTIFY_WINDOW.total_seconds())

    def rows(rule_id: str) -> ir.Table:
        return w.filter(w[flag_name(rule_id)])

    out: list[ir.Table] = []
    t = rows("WSO-48H")
    counted_end = ibis.ifelse(t.daf_s.notnull() & (t.daf_s < t.end_s), t.daf_s, t.end_s)
    # the hours after the cover's end count again (``dau_s`` is null where the file has no such end)
    again = ibis.ifelse(t.daf_s.notnull() & (t.dau_s < t.end_s), t.end_s - t.dau_s, 0).fill_null(0)
    out.append(
        _finding(
            t,
            "WSO-48H",
            t1=t.served_s,
            t2=t.rel_s + limit,
            t3=t.ended_s,
            t4=ibis.ifelse(t.open, as_of_s, _null_int()),
            s1=counted_end - t.rel_s + again - limit,
            s2=t.daf_s,
            t5=t.dau_s,
            day=t.rel_s,
        )
    )
    t = rows("WSO-JAIL-ONLY")
    out.append(_finding(t, "WSO-JAIL-ONLY", t1=t.served_s))
    t = rows("WSO-WARRANT-FORMS")
    out.append(_finding(t, "WSO-WARRANT-FORMS", t1=t.served_s, txt=t.officer_id, txt2=t.instrument))
    t = rows("WSO-SCHEDULED-RELEASE")
    early = t.served_s < t.rel_s
    out.append(
        _finding(
            t,
            "WSO-SCHEDULED-RELEASE",
            t1=t.served_s,
            t2=t.rel_s,
            s1=ibis.ifelse(early, t.rel_s - t.served_s, _null_int()),
            s2=ibis.ifelse(early, _null_int(), t.served_s - t.rel_s - tolerance_s),
            txt=ibis.ifelse(t.actual_s.notnull(), "actual", "scheduled"),
            txt2=ibis.ifelse(early, "before_release", "late"),
        )
    )
    t = rows("WSO-NOTIFY-ICE")
    out.append(_finding(t, "WSO-NOTIFY-ICE", t1=t.served_s, t2=t.notified_s, s1=t.notified_s - t.served_s,
                        s2=ibis.literal(window)))  # fmt: skip
    t = rows("WSO-CITIZENSHIP-1H")
    out.append(
        _finding(t, "WSO-CITIZENSHIP-1H", t1=t.claim_s, t2=t.reported_s, s1=t.reported_s - t.claim_s, day=t.served_day)
    )
    t = rows("WSO-AUTHORIZED-OFFICER")
    out.append(_finding(t, "WSO-AUTHORIZED-OFFICER", t1=t.served_s, txt=t.officer_id))
    t = rows("DATA-NO-OFFICER")
    out.append(_finding(t, "DATA-NO-OFFICER", "data", t1=t.served_s, txt2=t.instrument))
    t = rows("WSO-AGREEMENT-IN-FORCE")
    out.append(_finding(t, "WSO-AGREEMENT-IN-FORCE", t1=t.served_s, day=t.served_day))
    t = rows("STATE-LAW")
    out.append(_finding(t, "STATE-LAW", t1=t.served_s, day=t.served_day, txt=t.law_ids, txt2=t.instrument))
    t = rows("DATA-ENDED-BEFORE-SERVED")
    out.append(_finding(t, "DATA-ENDED-BEFORE-SERVED", "data", t1=t.served_s, t2=t.ended_s, s1=t.served_s - t.ended_s))
    t = rows("DATA-FUTURE-TIME")
    listed = ibis.literal("")
    times = _event_times(t)
    for time, name in zip(times, TIME_NAMES, strict=True):
        listed = listed + ibis.ifelse(time > as_of_s, name + " ", "")
    latest = ibis.greatest(*[time.fill_null(0) for time in times])
    out.append(_finding(t, "DATA-FUTURE-TIME", "data", t1=latest, t2=ibis.literal(as_of_s), txt=listed.strip()))
    return ibis.union(*out, distinct=False)


def detainers(w: ir.Table, cal: CalendarInputs, as_of: datetime, reading: str) -> ir.Table:
    """DETAINER-48H under both readings (rows of ``FINDING_SCHEMA``) for the candidate detainer holds of
    ``flagged`` (any backend's answer, evaluated where the calendar tables are: the engine's local DuckDB). The
    hold runs from the release from criminal custody; ``reading`` decides: past its deadline, a violation (past
    only the flat one under the excluding reading, a warning)."""
    as_of_s = decision_second(as_of)
    limit = int(DETAINER_HOLD.total_seconds())
    det = w.filter(w[flag_name("DETAINER-48H")])
    # only the columns used below: each step's SELECT then carries a few columns, not all of ``w``'s (compiling
    # costs Python time per column and layer)
    det = det.select("record_id", "state", "agency_id", "facility_id", "facility_tz", "open", "end_s", "ended_s",
                     start_s=det.rel_s)  # fmt: skip
    det = excluding_deadline(det, cal)
    det = det.mutate(flat_deadline=det.start_s + limit)
    chosen = det.flat_deadline if reading == "flat" else det.excl_deadline
    det = det.filter(
        det.start_s <= as_of_s,
        det.end_s.notnull(),
        (det.end_s > det.flat_deadline) | (det.end_s > det.excl_deadline),
    )
    return _finding(
        det,
        "DETAINER-48H",
        ibis.ifelse(det.end_s > chosen, "violation", "warning"),
        t1=det.start_s,
        t2=det.flat_deadline,
        t3=det.excl_deadline,
        t4=ibis.ifelse(det.open, as_of_s, det.ended_s),
        s1=det.end_s - det.flat_deadline,
        s2=det.end_s - det.excl_deadline,
        txt=ibis.ifelse(det.open, "open", "ended"),
    )


def excluding_deadline(det: ir.Table, cal: CalendarInputs) -> ir.Table:
    """``det`` (rows with ``start_s``, ``facility_tz`` and ``state``) with ``excl_deadline``: 48 hours from the
    start not counting Saturdays, Sundays and the holidays of the facility's state in its zone."""
    limit = int(DETAINER_HOLD.total_seconds())
    det = det.mutate(local0=det.start_s + local_offset(det.facility_tz, det.start_s, cal.zone_offsets))
    det = det.mutate(d0=(det.local0 // DAY).cast("int64"))
    det = det.mutate(s0=det.local0 - det.d0 * DAY)
    days = cal.days
    det = det.left_join(days, [det.facility_tz == days.tz, det.state == days.state, det.d0 == days.day]).select(
        det, business0=days.business, n_before0=days.n_before
    )
    det = _fresh(det)
    # counted seconds since the table's start, then the 48th counted hour: on the n-th business day, at rem
    det = det.mutate(target=det.n_before0 * DAY + ibis.ifelse(det.business0, det.s0, 0) + limit)
    det = det.mutate(n_use=((det.target + DAY - 1) // DAY - 1).cast("int64"))
    det = det.mutate(rem=det.target - det.n_use * DAY)
    bd = cal.business_days
    det = det.left_join(bd, [det.facility_tz == bd.tz, det.state == bd.state, det.n_use == bd.n]).select(
        det, deadline_local=bd.day * DAY + det.rem
    )
    det = _fresh(det)
    det = det.mutate(deadline_hour=(det.deadline_local // HOUR).cast("int64"))
    lo = cal.local_offsets
    det = det.left_join(lo, [det.facility_tz == lo.tz, det.deadline_hour == lo.local_hour]).select(
        det, excl_deadline=det.deadline_local - lo.offset_s
    )
    det = _fresh(det)
    return det.drop("local0", "d0", "s0", "target", "n_use", "rem", "deadline_local", "deadline_hour")
