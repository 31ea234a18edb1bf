"""The WSO hold clock (48 hours flat), the detainer clock (two readings), complaints, and business days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wso.program import (
    BusinessCalendar,
    UnknownValue,
    complaint_report_deadline,
    detainer_answer,
    detainer_deadline,
    wso_hold_deadline,
)

NY = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
LA = ZoneInfo("America/Los_Angeles")


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


# --- detainer, "excluding" (8 C.F.R. 287.7(d)) and "flat" (the form) ------------------------------------


def test_detainer_over_a_weekend_and_the_spring_dst_change() -> None:
    start = local(NY, 2026, 3, 6, 13, 0)  # Friday 13:00 EST; clocks go forward on Sunday 2026-03-08
    excluding = detainer_deadline(start, "America/New_York", "excluding")
    # Friday: 11 hours; Saturday and Sunday do not count; Monday: 24; Tuesday: 13 -> 13:00 EDT
    assert excluding == local(NY, 2026, 3, 10, 13, 0)
    assert excluding.tzinfo is UTC
    assert excluding == datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    flat = detainer_deadline(start, "America/New_York", "flat")
    assert flat - start == timedelta(hours=48)
    assert flat.astimezone(NY).hour == 14  # 48 real hours show as 49 on the wall clock across the change


def test_detainer_starting_on_a_saturday_counts_from_monday_midnight() -> None:
    start = local(NY, 2026, 3, 7, 10, 0)
    assert detainer_deadline(start, "America/New_York", "excluding") == local(NY, 2026, 3, 11, 0, 0)


def test_detainer_over_a_federal_holiday() -> None:
    start = local(CHICAGO, 2026, 7, 2, 10, 0)  # Thursday; Friday 2026-07-03 is Independence Day (observed)
    assert detainer_deadline(start, "America/Chicago", "excluding") == local(CHICAGO, 2026, 7, 7, 10, 0)
    assert detainer_deadline(start, "America/Chicago", "flat") == local(CHICAGO, 2026, 7, 4, 10, 0)


def test_detainer_across_the_autumn_dst_change() -> None:
    start = local(LA, 2026, 10, 30, 12, 0)  # Friday 12:00 PDT; clocks go back on Sunday 2026-11-01
    excluding = detainer_deadline(start, "America/Los_Angeles", "excluding")
    assert excluding == local(LA, 2026, 11, 3, 12, 0)  # Tuesday 12:00 PST
    assert excluding == datetime(2026, 11, 3, 20, 0, tzinfo=UTC)
    flat = detainer_deadline(start, "America/Los_Angeles", "flat")
    assert flat == datetime(2026, 11, 1, 19, 0, tzinfo=UTC)
    assert flat.astimezone(LA).hour == 11  # 48 real hours show as 47 on the wall clock


def test_detainer_uses_the_facility_time_zone_for_weekends() -> None:
    start = datetime(2026, 3, 7, 3, 0, tzinfo=UTC)  # Saturday in UTC, still Friday 19:00 in Los Angeles
    in_la = detainer_deadline(start, "America/Los_Angeles", "excluding")
    in_ny = detainer_deadline(start, "America/New_York", "excluding")
    assert in_la == local(LA, 2026, 3, 10, 19, 0)  # Friday 5h, Monday 24h, Tuesday 19h
    assert in_ny == local(NY, 2026, 3, 10, 22, 0)  # already Friday 22:00 in NY: 2h, Monday 24h, Tuesday 22h


def test_detainer_with_a_state_holiday_and_a_one_off_closure() -> None:
    start = local(CHICAGO, 2026, 2, 27, 12, 0)  # Friday; Monday 2026-03-02 is Texas Independence Day
    federal = detainer_deadline(start, "America/Chicago", "excluding")
    texas = detainer_deadline(start, "America/Chicago", "excluding", BusinessCalendar("TX"))
    assert federal == local(CHICAGO, 2026, 3, 3, 12, 0)
    assert texas == local(CHICAGO, 2026, 3, 4, 12, 0)
    flooded = BusinessCalendar("TX", {date(2026, 3, 3): "Courthouse closed (flood)"})
    assert detainer_deadline(start, "America/Chicago", "excluding", flooded) == local(CHICAGO, 2026, 3, 5, 12, 0)


def test_every_detainer_answer_names_its_reading_and_citation() -> None:
    start = local(NY, 2026, 3, 6, 13, 0)
    excluding = detainer_answer(start, "America/New_York", "excluding")
    flat = detainer_answer(start, "America/New_York", "flat")
    assert excluding.reading == "excluding" and "287.7(d)" in excluding.citation
    assert flat.reading == "flat" and "I-247A" in flat.citation
    assert excluding.deadline > flat.deadline


def test_detainer_refuses_naive_times_unknown_zones_and_readings() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        detainer_deadline(datetime(2026, 3, 6, 13, 0), "America/New_York", "flat")
    with pytest.raises(UnknownValue, match="time zone"):
        detainer_deadline(local(NY, 2026, 3, 6, 13, 0), "America/Gotham", "flat")
    with pytest.raises(UnknownValue, match="flat"):
        detainer_deadline(local(NY, 2026, 3, 6, 13, 0), "America/New_York", "lenient")  # type: ignore[arg-type]


# --- the WSO hold: 48 hours flat ---------------------------------------------------------------------------


def test_wso_hold_is_flat_across_the_autumn_dst_change() -> None:
    served = local(NY, 2026, 10, 31, 1, 30)  # Saturday 01:30 EDT
    deadline = wso_hold_deadline(served)
    assert deadline == datetime(2026, 11, 2, 5, 30, tzinfo=UTC)
    assert deadline.astimezone(NY) == local(NY, 2026, 11, 2, 0, 30)  # wall clock shows 47 hours
    assert deadline - served == timedelta(hours=48)


def test_wso_hold_is_flat_across_the_spring_dst_change_and_weekends() -> None:
    served = local(NY, 2026, 3, 7, 12, 0)  # Saturday; weekends count for a WSO hold
    assert wso_hold_deadline(served).astimezone(NY) == local(NY, 2026, 3, 9, 13, 0)


def test_wso_hold_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="release_at"):
        wso_hold_deadline(datetime(2026, 3, 7, 12, 0))


# --- complaints: 48 hours excluding weekends (holidays count) ------------------------------------------


def test_complaint_report_skips_weekends_but_not_holidays() -> None:
    received = local(CHICAGO, 2026, 7, 2, 10, 0)  # Thursday before the observed Independence Day
    assert complaint_report_deadline(received, "America/Chicago") == local(CHICAGO, 2026, 7, 6, 10, 0)


# --- business calendar --------------------------------------------------------------------------------------


def test_calendar_federal_holidays_and_observed_days() -> None:
    calendar = BusinessCalendar()
    assert calendar.holiday_name(date(2026, 7, 3)) == "Independence Day (observed)"
    assert not calendar.is_business_day(date(2026, 7, 3))
    assert not calendar.is_business_day(date(2026, 7, 4))  # Saturday and a holiday
    assert calendar.is_business_day(date(2026, 7, 6))
    assert calendar.holiday_name(date(2026, 7, 6)) is None


def test_calendar_state_only_holiday() -> None:
    patriots_day = date(2026, 4, 20)
    assert BusinessCalendar().is_business_day(patriots_day)
    assert not BusinessCalendar("MA").is_business_day(patriots_day)
    assert BusinessCalendar("Massachusetts").holiday_name(patriots_day) == "Patriots' Day"
    assert BusinessCalendar("TX").holiday_name(date(2026, 3, 2)) == "Texas Independence Day"


def test_calendar_packaged_closures_can_be_left_out() -> None:
    carter = date(2025, 1, 9)
    assert "Carter" in (BusinessCalendar().holiday_name(carter) or "")
    assert not BusinessCalendar().is_business_day(carter)
    assert BusinessCalendar(include_closures=False).is_business_day(carter)


def test_calendar_overrides_add_closures_and_win() -> None:
    calendar = BusinessCalendar("FL", {date(2026, 9, 28): "Hurricane closure"})
    assert calendar.holiday_name(date(2026, 9, 28)) == "Hurricane closure"
    assert calendar.add_business_days(date(2026, 9, 25), 1) == date(2026, 9, 29)


def test_add_and_next_business_day() -> None:
    calendar = BusinessCalendar()
    assert calendar.add_business_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert calendar.add_business_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    assert calendar.next_business_day(date(2026, 12, 26)) == date(2026, 12, 28)
    assert calendar.next_business_day(date(2026, 12, 28)) == date(2026, 12, 28)
    assert calendar.add_business_days(date(2026, 12, 26), 0) == date(2026, 12, 28)
    with pytest.raises(ValueError):
        calendar.add_business_days(date(2026, 12, 23), -1)


def test_calendar_refuses_unknown_state() -> None:
    with pytest.raises(UnknownValue):
        BusinessCalendar("ZZ")


# --- properties ---------------------------------------------------------------------------------------------

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Pacific/Guam",
    "America/Havana",
]
instants = st.datetimes(min_value=datetime(2018, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))
FEDERAL = BusinessCalendar()


@settings(max_examples=300, deadline=None)
@given(start=instants, tz=st.sampled_from(ZONES))
def test_excluding_deadline_is_never_before_flat(start: datetime, tz: str) -> None:
    excluding = detainer_deadline(start, tz, "excluding", FEDERAL)
    flat = detainer_deadline(start, tz, "flat", FEDERAL)
    assert excluding >= flat
    assert flat - start == timedelta(hours=48)
    # the 48 counted hours fit within 48 hours plus at most two weeks of excluded days
    assert excluding - start <= timedelta(days=16)


@settings(max_examples=300, deadline=None)
@given(start=instants, tz=st.sampled_from(ZONES))
def test_excluding_deadline_ends_in_a_business_day(start: datetime, tz: str) -> None:
    end = detainer_deadline(start, tz, "excluding", FEDERAL).astimezone(ZoneInfo(tz))
    day = end.date()
    if end.time() == datetime.min.time():
        day -= timedelta(days=1)  # exactly midnight: the last counted hour was the day before
    assert FEDERAL.is_business_day(day)


@settings(max_examples=200, deadline=None)
@given(start=instants, tz=st.sampled_from(ZONES))
def test_wso_hold_is_always_48_elapsed_hours(start: datetime, tz: str) -> None:
    served = start.astimezone(ZoneInfo(tz))
    assert wso_hold_deadline(served) - served == timedelta(hours=48)


@settings(max_examples=300, deadline=None)
@given(
    d=st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
    state=st.sampled_from([None, "TX", "MA", "FL", "CA"]),
)
def test_add_business_days_lands_on_a_business_day(d: date, n: int, state: str | None) -> None:
    calendar = BusinessCalendar(state)
    result = calendar.add_business_days(d, n)
    assert calendar.is_business_day(result)
    assert result >= d
    if n >= 1:
        assert result > d
        assert calendar.add_business_days(d, n + 1) > result
        between = [d + timedelta(days=i) for i in range(1, (result - d).days + 1)]
        assert sum(calendar.is_business_day(x) for x in between) == n


def test_packaged_closures_are_weekdays_that_federal_holidays_miss() -> None:
    from wso.program import packaged_closures

    closures = packaged_closures()
    assert len(closures) >= 6
    without = BusinessCalendar(include_closures=False)
    for day, name in closures.items():
        assert day.weekday() < 5, name
        assert without.is_business_day(day), f"{day} is already a holiday: {name}"
