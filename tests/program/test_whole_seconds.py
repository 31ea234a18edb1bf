"""Whole seconds, floored: how every time-based rule reads a time (``decision_second``, ``elapsed``,
``second_start``), service at the release decided on them, and every deadline, computed from an exact start, in the
second of the one computed from the start's floored second (what the audit computes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wso.program import (
    SERVICE_TOLERANCE,
    complaint_report_deadline,
    decision_second,
    detainer_deadline,
    elapsed,
    second_start,
    service_check,
    wso_hold_deadline,
)

S = timedelta(seconds=1)
MS = timedelta(milliseconds=1)
US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RELEASE = datetime(2026, 4, 6, 13, 0, tzinfo=UTC)


def test_a_time_is_its_whole_second_floored_before_1970_too() -> None:
    assert decision_second(EPOCH) == 0
    assert decision_second(EPOCH + 999_999 * US) == 0
    assert decision_second(EPOCH - US) == -1  # floored: 1969-12-31T23:59:59.999999Z is 23:59:59, not 1970
    assert decision_second(EPOCH - 500 * MS) == -1
    assert decision_second(EPOCH - S) == -1
    assert decision_second(EPOCH - S - US) == -2
    # the offset does not matter, only the instant
    assert decision_second(datetime(2026, 4, 6, 9, 0, 0, 400_000, tzinfo=ZoneInfo("America/New_York"))) == (
        decision_second(RELEASE)
    )


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decision_second(datetime(2026, 4, 6, 9, 0))


def test_elapsed_counts_between_floored_seconds() -> None:
    assert elapsed(RELEASE + 900 * MS, RELEASE + S) == S  # 0.1 s apart, but in two seconds
    assert elapsed(RELEASE + 100 * MS, RELEASE + 900 * MS) == timedelta(0)  # 0.8 s apart, one second
    assert elapsed(RELEASE + 500 * MS, RELEASE + 200 * MS) == timedelta(0)  # backwards within a second: none
    assert elapsed(RELEASE + 200 * MS, RELEASE - 300 * MS) == -S


@settings(max_examples=300, deadline=None)
@given(t=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_second_start_bounds_a_second(t: datetime) -> None:
    s = decision_second(t)
    assert second_start(s) <= t < second_start(s + 1)
    assert decision_second(second_start(s)) == s


@pytest.mark.parametrize(
    ("served", "timing"),
    [
        (RELEASE - 300 * MS, "before_release"),  # in the second before the release's
        (RELEASE, "at_release"),  # 0.4 s before the release, but in its second
        (RELEASE + 100 * MS, "at_release"),
        (RELEASE + SERVICE_TOLERANCE + 900 * MS, "at_release"),  # 15 min 0.5 s after it: 15 minutes to the second
        (RELEASE + SERVICE_TOLERANCE + S, "late"),
    ],
)
def test_service_at_the_release_is_decided_on_whole_seconds(served: datetime, timing: str) -> None:
    check = service_check(served, RELEASE + 400 * MS)  # the release itself at 13:00:00.4
    assert check.timing == timing
    assert check.served_at == served and check.release_at == RELEASE + 400 * MS  # the times are kept exact
    if timing == "late":
        assert check.late_by == S


def test_service_late_by_is_whole_seconds() -> None:
    check = service_check(RELEASE + SERVICE_TOLERANCE + 2 * S + 100 * MS, RELEASE + 900 * MS)
    assert check.timing == "late" and check.late_by == 2 * S


ZONES = ["America/New_York", "America/Chicago", "America/Phoenix", "Pacific/Honolulu", "Pacific/Guam"]
instants = st.datetimes(min_value=datetime(2018, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))
fractions = st.integers(1, 999_999).map(lambda n: n * US)


@settings(max_examples=300, deadline=None)
@given(start=instants, fraction=fractions, tz=st.sampled_from(ZONES))
def test_a_deadline_from_an_exact_start_is_in_the_second_of_the_floored_starts(
    start: datetime, fraction: timedelta, tz: str
) -> None:
    """What makes the ledger's exact deadlines and the audit's (computed from floored times) decide alike."""
    whole = start.replace(microsecond=0)
    exact = whole + fraction
    assert decision_second(wso_hold_deadline(exact)) == decision_second(wso_hold_deadline(whole))
    for reading in ("flat", "excluding"):
        assert decision_second(detainer_deadline(exact, tz, reading)) == decision_second(
            detainer_deadline(whole, tz, reading)
        ), reading
    assert decision_second(complaint_report_deadline(exact, tz)) == decision_second(
        complaint_report_deadline(whole, tz)
    )
