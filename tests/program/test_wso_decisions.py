"""The decisions both engines share (wso.program): service window, clocks, notification, citizenship, topics,
detention agreements, one business calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wso.program import (
    DEFAULT_DETAINER_READING,
    ICE_NOTIFY_WINDOW,
    INTERVIEW_TOPICS,
    SERVICE_TOLERANCE,
    WSO_FORBIDDEN_TOPICS,
    UnknownValue,
    business_calendar,
    citizenship_report_applies,
    citizenship_standard,
    criminal_release,
    detention_agreement_from,
    detention_agreement_until,
    detention_cover,
    detention_cover_ended,
    detention_cover_last_day,
    parse_detention_kind,
    parse_interview_topic,
    service_check,
    wso_hold_deadline,
)

RELEASE = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)


def test_defaults() -> None:
    assert timedelta(minutes=15) == SERVICE_TOLERANCE
    assert timedelta(minutes=15) == ICE_NOTIFY_WINDOW
    assert DEFAULT_DETAINER_READING == "flat"


def test_service_at_release_within_the_tolerance() -> None:
    assert service_check(RELEASE, RELEASE).timing == "at_release"
    edge = service_check(RELEASE + SERVICE_TOLERANCE, RELEASE)
    assert edge.lawful and edge.release_kind == "scheduled"
    early = service_check(RELEASE - timedelta(seconds=1), RELEASE)
    assert early.timing == "before_release" and not early.lawful


def test_service_twelve_hours_after_release_is_late_unless_a_detainer_holds_the_person() -> None:
    late = service_check(RELEASE + timedelta(hours=12), RELEASE)
    assert late.timing == "late" and not late.lawful
    assert late.late_by == timedelta(hours=12) - SERVICE_TOLERANCE
    held = service_check(RELEASE + timedelta(hours=12), RELEASE, detainer_open=True)
    assert held.timing == "during_detainer" and held.lawful and held.late_by is None


def test_an_actual_release_replaces_the_scheduled_one() -> None:
    bond = RELEASE - timedelta(days=2)
    check = service_check(bond + timedelta(minutes=5), RELEASE, bond)
    assert check.lawful and check.release_kind == "actual" and check.release_at == bond
    assert criminal_release(RELEASE, None) == RELEASE and criminal_release(RELEASE, bond) == bond
    assert service_check(RELEASE, RELEASE, bond).timing == "late"


def test_tolerance_is_a_parameter() -> None:
    assert service_check(RELEASE + timedelta(hours=1), RELEASE, tolerance=timedelta(hours=2)).lawful
    with pytest.raises(ValueError):
        service_check(RELEASE, RELEASE, tolerance=timedelta(minutes=-1))


@given(st.integers(min_value=-10_000, max_value=10_000), st.booleans())
def test_service_lawful_exactly_in_the_window_or_under_a_detainer(minutes: int, detainer: bool) -> None:
    served = RELEASE + timedelta(minutes=minutes)
    check = service_check(served, RELEASE, detainer_open=detainer)
    in_window = RELEASE <= served <= RELEASE + SERVICE_TOLERANCE
    assert check.lawful == (in_window or (served > RELEASE and detainer))


def test_wso_48_hours_run_from_the_release() -> None:
    assert wso_hold_deadline(RELEASE) == RELEASE + timedelta(hours=48)
    assert detention_agreement_from(RELEASE) == wso_hold_deadline(RELEASE)
    with pytest.raises(ValueError):
        wso_hold_deadline(datetime(2026, 3, 6, 9, 0))


def test_citizenship_report_by_template_and_only_for_wso_holds() -> None:
    old, new = citizenship_standard("2019"), citizenship_standard("2025")
    assert (old.words, old.severity) == ("in no case more than one hour", "violation")
    assert (new.words, new.severity) == ("generally within one hour", "warning")
    assert old.window == new.window == timedelta(hours=1)
    assert citizenship_standard(None) == new
    with pytest.raises(UnknownValue):
        citizenship_standard("2021")
    assert citizenship_report_applies("I-200") and citizenship_report_applies("I-205")
    assert not citizenship_report_applies("I-247A") and not citizenship_report_applies("judicial")


def test_interview_topics_are_a_closed_list() -> None:
    assert WSO_FORBIDDEN_TOPICS == (
        "citizenship", "alienage", "nationality", "removability", "immigration status", "place of birth",
    )  # fmt: skip
    assert INTERVIEW_TOPICS[6:] == ("criminal case", "medical", "other")
    assert parse_interview_topic("Immigration_Status") == "immigration status"
    assert parse_interview_topic("place-of-birth") == "place of birth"
    with pytest.raises(UnknownValue) as caught:
        parse_interview_topic("country of birth")  # free text is not matched against keywords
    assert "place of birth" in str(caught.value)


def test_detention_agreement_kinds() -> None:
    assert parse_detention_kind("igsa") == "IGSA"
    with pytest.raises(UnknownValue):
        parse_detention_kind("contract")
    on = date(2026, 3, 8)
    assert detention_cover("IGSA", date(2020, 1, 1), None, "FL", on).lifts
    assert detention_cover("USMS", date(2020, 1, 1), None, "FL", on).lifts
    boa = detention_cover("BOA", date(2020, 1, 1), None, "FL", on)
    assert not boa.lifts and "does not lift" in boa.reason
    ended = detention_cover("IGSA", date(2020, 1, 1), date(2026, 3, 7), "FL", on)
    assert not ended.lifts and not ended.in_force
    assert detention_cover("IGSA", date(2020, 1, 1), on, "FL", on).lifts  # the last day is included


def test_a_detention_agreements_cover_ends_at_the_local_midnight_after_its_last_day() -> None:
    # the user walk's IGSA, in force until 2026-04-10: the cover ends when 2026-04-11 begins in the facility's zone
    until = detention_agreement_until(date(2026, 4, 10), "America/New_York")
    assert until == datetime(2026, 4, 11, 4, tzinfo=UTC)
    assert detention_agreement_until(date(2026, 4, 10), "America/Los_Angeles") == datetime(2026, 4, 11, 7, tzinfo=UTC)
    # the day after the last one begins in standard time: the offset of that midnight, not of the last day
    assert detention_agreement_until(date(2026, 10, 31), "America/Chicago") == datetime(2026, 11, 1, 5, tzinfo=UTC)
    assert detention_agreement_until(None, "America/New_York") is None  # open-ended: never ends
    # late strictly after it, to the whole second, as every time rule
    assert not detention_cover_ended(until, until + timedelta(microseconds=999_999))
    assert detention_cover_ended(until, until + timedelta(seconds=1))
    assert not detention_cover_ended(None, datetime(2100, 1, 1, tzinfo=UTC))


def test_of_several_agreements_the_hold_is_covered_until_the_latest_last_day() -> None:
    assert detention_cover_last_day([date(2026, 4, 10), date(2026, 6, 30)]) == date(2026, 6, 30)
    assert detention_cover_last_day([date(2026, 4, 10), None]) is None
    with pytest.raises(ValueError, match="no detention agreement"):
        detention_cover_last_day([])


def test_detention_agreement_barred_by_state_law_with_its_grace_period() -> None:
    # Illinois Way Forward Act: agreements signed before 2021-08-02 could run until 2022-01-01
    before = detention_cover("IGSA", date(2015, 1, 1), None, "IL", date(2021, 12, 31))
    assert before.lifts
    after = detention_cover("IGSA", date(2015, 1, 1), None, "IL", date(2022, 1, 1))
    assert not after.lifts and after.barred_by is not None and after.barred_by.id == "IL-WFA-DETENTION"
    new = detention_cover("IGSA", date(2021, 9, 1), None, "IL", date(2021, 9, 2))
    assert not new.lifts
    # the signing day, when given, decides the grace period
    signed = detention_cover("IGSA", date(2021, 9, 1), None, "IL", date(2021, 9, 2), signed=date(2021, 1, 1))
    assert signed.lifts


def test_one_business_calendar_with_state_holidays() -> None:
    federal, maryland = business_calendar(), business_calendar("MD")
    assert business_calendar("md") is maryland  # one calendar per state, shared
    day_after_thanksgiving = date(2025, 11, 28)  # a Maryland holiday (American Indian Heritage Day), not federal
    assert federal.is_business_day(day_after_thanksgiving)
    assert not maryland.is_business_day(day_after_thanksgiving)
    assert not federal.is_business_day(date(2025, 12, 25))
