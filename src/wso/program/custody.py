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
"""WSO-48H: a person may be held no more than 48 hours (flat) after service of the warrant."""
CITIZENSHIP_REPORT = timedelta(hours=1)
"""WSO-CITIZENSHIP-1H: a claim of U.S. citizenship is reported to ICE within one hour."""
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


def _aware_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownValue("time zone", tz, ["an IANA time zone such as America/Chicago"]) from exc


def wso_hold_deadline(served_at: datetime) -> datetime:
    """WSO-48H: 48 elapsed hours after service (in UTC; daylight-saving changes do not move it)."""
    return _aware_utc(served_at, "served_at") + WSO_HOLD


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
