"""The WSO custody clock and the detainer clock: constants and deadline arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wso.program._data import data_yaml
from wso.program.calendar import BusinessCalendar
from wso.program.errors import UnknownValue

WSO_HOLD = timedelta(hours=48)
"""WSO-48H: a person may be held no more than 48 hours (flat) after the release from criminal custody."""
SERVICE_TOLERANCE = timedelta(minutes=15)
"""WSO-SCHEDULED-RELEASE: service is lawful from the release from criminal custody to this long after it (the
default; the ledger's setting `WSO_SERVICE_TOLERANCE` and the audit's option override it)."""
ICE_NOTIFY_WINDOW = timedelta(minutes=15)
"""WSO-NOTIFY-ICE: "immediately after" service, read as within 15 minutes (stricter than the citizenship report's
"immediately, but generally within one hour", which the MOA words as a separate, looser standard)."""
CITIZENSHIP_REPORT = timedelta(hours=1)
"""WSO-CITIZENSHIP-1H: a claim of U.S. citizenship on a WSO hold is reported to ICE within one hour."""
COMPLAINT_REPORT_HOURS = 48
"""WSO-COMPLAINT-48H: complaints are reported within 48 hours, excluding weekends."""
EXAM_PASS_SCORE = 70
"""OFFICER-EXAM: the final exam's passing score, in percent."""
EXAM_MAX_ATTEMPTS = 2
"""OFFICER-EXAM: the exam and one retake; failing the retake disqualifies."""
TERMINATION_NOTICE = timedelta(days=90)
"""AGREEMENT-TERMINATION: either party ends the agreement on 90 days' written notice."""
DETAINER_HOLD = timedelta(hours=48)
"""DETAINER-48H: 48 hours, counted under one of two readings."""

DetainerReading = Literal["excluding", "flat"]
DETAINER_READINGS: tuple[DetainerReading, ...] = get_args(DetainerReading)
DEFAULT_DETAINER_READING: DetainerReading = "flat"
"""DETAINER-48H's default reading: the 2017 I-247A asks for no more than 48 hours beyond release, no exclusion."""


@dataclass(frozen=True)
class DetainerPolicy:
    """One reading of the detainer's 48 hours, with what it says and where."""

    reading: DetainerReading
    text: str
    citation: str
    source: str


@dataclass(frozen=True)
class DetainerDeadline:
    """A detainer deadline with the reading that produced it (every answer names its reading)."""

    start: datetime
    deadline: datetime
    reading: DetainerReading
    tz: str
    citation: str


def parse_reading(text: str) -> DetainerReading:
    value = text.strip().lower()
    if value not in DETAINER_READINGS:
        raise UnknownValue("detainer reading", text, DETAINER_READINGS)
    return value


@cache
def detainer_policies() -> tuple[DetainerPolicy, ...]:
    readings = data_yaml("detainer.yaml")["readings"]
    return tuple(
        DetainerPolicy(reading=parse_reading(name), text=r["text"], citation=r["citation"], source=r["source"])
        for name, r in readings.items()
    )


def detainer_policy(reading: DetainerReading | str) -> DetainerPolicy:
    wanted = parse_reading(reading)
    return next(p for p in detainer_policies() if p.reading == wanted)


# ---- whole seconds: how every time-based rule reads a time ---------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def decision_second(value: datetime) -> int:
    """The whole UTC epoch second an aware time falls in, floored (before 1970 too: 1969-12-31T23:59:59.5Z is
    23:59:59, not 1970). Every time-based rule decides on these, the ledger's and the audit's alike: a time, and a
    deadline, is read as its second; stored times keep their microseconds. A deadline computed from an exact
    start falls in the second of the one computed from the start's second (every window is whole seconds, and so
    is every local midnight), so the ledger's exact deadlines and the audit's agree."""
    return (_aware_utc(value, "a time") - _EPOCH) // _SECOND


def elapsed(start: datetime, end: datetime) -> timedelta:
    """From `start` to `end` as every rule counts it: whole seconds, between their floored seconds
    (`decision_second`); compared with a window (a timedelta), the window is read to the whole second too."""
    return timedelta(seconds=decision_second(end) - decision_second(start))


def second_start(second: int) -> datetime:
    """The first instant of a whole UTC epoch second (aware, UTC): `decision_second(t) <= s` is `t < second_start(s +
    1)`, the form a query on stored exact times takes."""
    return _EPOCH + second * _SECOND


def _aware_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownValue("time zone", tz, ["an IANA time zone such as America/Chicago"]) from exc


def wso_hold_deadline(release_at: datetime) -> datetime:
    """WSO-48H: 48 elapsed hours after the release from criminal custody (in UTC; daylight-saving changes do not
    move it). Served at release, the same as 48 hours from service; served during a detainer hold, still from the
    release, not from service. `release_at` is the actual release when recorded, else the scheduled one."""
    return _aware_utc(release_at, "release_at") + WSO_HOLD


def detainer_deadline(
    start: datetime,
    tz: str,
    reading: DetainerReading,
    calendar: BusinessCalendar | None = None,
) -> datetime:
    """DETAINER-48H: when a detainer hold that began at `start` must end (aware, UTC).

    "flat": 48 elapsed hours. "excluding": 48 elapsed hours not counting the hours that fall on a Saturday,
    Sunday or holiday (federal by default; `calendar` adds state holidays and closures) in the facility's
    local time zone `tz`. Elapsed hours are real hours: a local day with a daylight-saving change counts 23 or 25.
    """
    return detainer_answer(start, tz, reading, calendar).deadline


def detainer_answer(
    start: datetime,
    tz: str,
    reading: DetainerReading,
    calendar: BusinessCalendar | None = None,
) -> DetainerDeadline:
    """The detainer deadline with the reading and citation that produced it."""
    chosen = parse_reading(reading)
    begin = _aware_utc(start, "start")
    zone = _zone(tz)
    policy = detainer_policy(chosen)
    if chosen == "flat":
        return DetainerDeadline(begin, begin + DETAINER_HOLD, chosen, tz, policy.citation)
    days = calendar if calendar is not None else _federal_calendar()
    deadline = _counting_deadline(begin, zone, DETAINER_HOLD, days.is_business_day)
    return DetainerDeadline(begin, deadline, chosen, tz, policy.citation)


@cache
def _federal_calendar() -> BusinessCalendar:
    return BusinessCalendar()


def _counting_deadline(begin: datetime, zone: ZoneInfo, hours: timedelta, counts: Callable[[date], bool]) -> datetime:
    """`hours` of elapsed time after `begin`, counting only the local days of `zone` for which `counts` is true."""
    remaining = hours
    cursor = begin
    while True:
        local_day = cursor.astimezone(zone).date()
        next_midnight = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        if counts(local_day):
            available = next_midnight - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        cursor = next_midnight


def complaint_report_deadline(received_at: datetime, tz: str) -> datetime:
    """WSO-COMPLAINT-48H: 48 hours after the complaint, excluding Saturdays and Sundays in local time (aware, UTC)."""
    begin = _aware_utc(received_at, "received_at")
    return _counting_deadline(begin, _zone(tz), timedelta(hours=COMPLAINT_REPORT_HOURS), lambda d: d.weekday() < 5)


# ---- service at the release from criminal custody (WSO-SCHEDULED-RELEASE) ----------------------------------------

ServiceTiming = Literal["before_release", "at_release", "late", "during_detainer"]
ReleaseKind = Literal["actual", "scheduled"]


@dataclass(frozen=True)
class ServiceCheck:
    """When a WSO served, measured against the release from criminal custody.

    `release_at`: the actual release when recorded (`criminal_release_at`), else the scheduled one (`release_kind`
    says which). `timing`: "before_release" (served < release: unlawful), "at_release" (release <= served <=
    release + tolerance: lawful), "during_detainer" (later, but the person was lawfully held on an I-247A detainer
    at that moment: lawful) or "late" (later, nobody lawfully holding the person: unlawful), each time read as its
    whole second (`decision_second`). `late_by`: how long after release + tolerance, in whole seconds (None unless
    "late")."""

    served_at: datetime
    release_at: datetime
    release_kind: ReleaseKind
    tolerance: timedelta
    timing: ServiceTiming
    late_by: timedelta | None

    @property
    def lawful(self) -> bool:
        return self.timing in ("at_release", "during_detainer")


def criminal_release(scheduled_release_at: datetime, criminal_release_at: datetime | None = None) -> datetime:
    """The release from criminal custody: the actual one when recorded (bond posted, charges dropped), else the
    scheduled one. Both the WSO clock (WSO-48H) and the detainer clock (DETAINER-48H) start here."""
    chosen = criminal_release_at if criminal_release_at is not None else scheduled_release_at
    return _aware_utc(chosen, "release")


def service_check(
    served_at: datetime,
    scheduled_release_at: datetime,
    criminal_release_at: datetime | None = None,
    *,
    tolerance: timedelta = SERVICE_TOLERANCE,
    detainer_open: bool = False,
) -> ServiceCheck:
    """WSO-SCHEDULED-RELEASE: is service at `served_at` lawful?

    The MOA delegates service "at the time of the alien's scheduled release from criminal custody": lawful from the
    release (see `criminal_release`) to `tolerance` after it, both included; before it, never; after it, only when
    the person is lawfully held on an I-247A detainer at that moment (`detainer_open`: a detainer hold open at
    `served_at` and not past its DETAINER-48H deadline; the WSO's service then ends the detainer hold)."""
    if tolerance < timedelta(0):
        raise ValueError(f"tolerance must not be negative, got {tolerance}")
    served = _aware_utc(served_at, "served_at")
    release = criminal_release(scheduled_release_at, criminal_release_at)
    kind: ReleaseKind = "actual" if criminal_release_at is not None else "scheduled"
    late_by: timedelta | None = None
    timing: ServiceTiming
    since = elapsed(release, served)  # whole seconds, as every rule counts
    if since < timedelta(0):
        timing = "before_release"
    elif since <= tolerance:
        timing = "at_release"
    elif detainer_open:
        timing = "during_detainer"
    else:
        timing = "late"
        late_by = since - tolerance
    return ServiceCheck(served, release, kind, tolerance, timing, late_by)


# ---- the citizenship report (WSO-CITIZENSHIP-1H), by MOA template -------------------------------------------------

MoaTemplate = Literal["2019", "2025"]
MOA_TEMPLATES: tuple[MoaTemplate, ...] = get_args(MoaTemplate)
DEFAULT_MOA_TEMPLATE: MoaTemplate = "2025"
"""The template assumed when an agreement's is not recorded: the one ICE has signed since 2025 (most WSO MOAs)."""
CITIZENSHIP_INSTRUMENTS: tuple[str, ...] = ("I-200", "I-205")
"""WSO-CITIZENSHIP-1H applies to WSO holds only (a warrant a WSO served), not to detainer holds."""


@dataclass(frozen=True)
class CitizenshipStandard:
    """The citizenship report as an MOA template words it: the window, the words, and how a late report counts."""

    template: MoaTemplate
    window: timedelta
    words: str
    severity: Literal["violation", "warning"]
    citation: str


_CITIZENSHIP: dict[MoaTemplate, CitizenshipStandard] = {
    "2019": CitizenshipStandard(
        "2019",
        CITIZENSHIP_REPORT,
        "in no case more than one hour",
        "violation",
        'WSO MOA (2019), Appendix A: "immediately ... in no case more than one hour"',
    ),
    "2025": CitizenshipStandard(
        "2025",
        CITIZENSHIP_REPORT,
        "generally within one hour",
        "warning",
        'WSO MOA (2025), Appendix A: "immediately, but generally within one hour of the claim"',
    ),
}


def parse_moa_template(text: str) -> MoaTemplate:
    value = str(text).strip()
    for template in MOA_TEMPLATES:
        if value == template:
            return template
    raise UnknownValue("MOA template", value, MOA_TEMPLATES)


def citizenship_standard(template: str | None = None) -> CitizenshipStandard:
    """The citizenship report's standard under the agreement's MOA template (None: `DEFAULT_MOA_TEMPLATE`)."""
    return _CITIZENSHIP[parse_moa_template(template) if template else DEFAULT_MOA_TEMPLATE]


def citizenship_report_applies(instrument: str) -> bool:
    """Whether WSO-CITIZENSHIP-1H applies to a hold on this instrument: WSO holds (I-200, I-205) only."""
    return instrument in CITIZENSHIP_INSTRUMENTS


# ---- what a WSO may not ask about (WSO-NO-INTERROGATION) ----------------------------------------------------------

INTERVIEW_TOPICS: tuple[str, ...] = (
    "citizenship",
    "alienage",
    "nationality",
    "removability",
    "immigration status",
    "place of birth",
    "criminal case",
    "medical",
    "other",
)
"""The closed list an interview's `topic` is chosen from (never free text: no keyword matching)."""
WSO_FORBIDDEN_TOPICS: tuple[str, ...] = INTERVIEW_TOPICS[:6]
"""WSO-NO-INTERROGATION: the topics a WSO acting under the WSO model may not question anyone about."""


def parse_interview_topic(text: str) -> str:
    """One of `INTERVIEW_TOPICS` (case, and `_` or `-` for a space, ignored); else `UnknownValue`."""
    value = " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())
    if value not in INTERVIEW_TOPICS:
        raise UnknownValue("interview topic", str(text), INTERVIEW_TOPICS)
    return value
