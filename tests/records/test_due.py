"""Due dates by the rule in docs/records.md, across weekends and state holidays (worked examples, then properties)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wso.records import due_dates, due_dates_for, facts_for, state_facts


def test_business_days_skip_the_weekend() -> None:
    # Georgia, 3 business days: sent Thursday 2026-01-08 -> Fri 9, Mon 12, Tue 13.
    assert due_dates(facts_for("GA"), date(2026, 1, 8)).due == date(2026, 1, 13)


def test_business_days_skip_a_state_holiday_only_where_the_state_keeps_it() -> None:
    # Sent Friday 2026-11-20, 5 business days. Thanksgiving (26th) is everywhere; Texas also closes Friday 27th
    # ("Friday After Thanksgiving"), Kentucky does not.
    assert due_dates_for("KY", "business", 5, date(2026, 11, 20)).due == date(2026, 11, 30)
    assert due_dates_for("TX", "business", 5, date(2026, 11, 20)).due == date(2026, 12, 1)
    # Texas's own 10 business days over the same week: Mon 23 .. Wed 25, Mon 30 .. Tue Dec 8.
    assert due_dates(facts_for("TX"), date(2026, 11, 20)).due == date(2026, 12, 8)


def test_patriots_day_counts_in_massachusetts_only() -> None:
    # Sent Monday 2026-04-13, 10 business days; Patriots' Day is Monday 2026-04-20 in Massachusetts.
    assert due_dates(facts_for("MA"), date(2026, 4, 13)).due == date(2026, 4, 28)
    assert due_dates_for("NY", "business", 10, date(2026, 4, 13)).due == date(2026, 4, 27)


def test_calendar_days_landing_on_holidays_move_to_the_next_business_day() -> None:
    # California, 10 calendar days: sent Monday 2026-11-16 -> Thursday 26 (Thanksgiving) -> Friday 27 (Day After
    # Thanksgiving in CA) -> weekend -> Monday 30.
    assert due_dates(facts_for("CA"), date(2026, 11, 16)).due == date(2026, 11, 30)
    # Wyoming, 30 calendar days: sent 2026-10-27 -> Thanksgiving -> Friday 27 is a business day in Wyoming.
    assert due_dates(facts_for("WY"), date(2026, 10, 27)).due == date(2026, 11, 27)
    # Maryland, 30 calendar days: the same Friday is American Indian Heritage Day there.
    assert due_dates(facts_for("MD"), date(2026, 10, 28)).due == date(2026, 11, 30)


def test_calendar_days_landing_on_a_weekend_then_a_holiday() -> None:
    # California: sent Wednesday 2026-01-07 + 10 = Saturday 17 -> Monday 19 is Martin Luther King Jr. Day -> Tue 20.
    assert due_dates(facts_for("CA"), date(2026, 1, 7)).due == date(2026, 1, 20)
    # Indiana, 7 calendar days: Thursday 2026-11-19 + 7 = Thanksgiving; Indiana keeps Lincoln's Birthday the day
    # after -> Monday 30.
    assert due_dates(facts_for("IN"), date(2026, 11, 19)).due == date(2026, 11, 30)


def test_calendar_days_on_a_business_day_stay_put() -> None:
    assert due_dates(facts_for("CA"), date(2026, 3, 2)).due == date(2026, 3, 12)


def test_no_legal_number_gives_a_follow_up_ten_business_days_later() -> None:
    # Alabama: sent Monday 2026-11-16 -> 17..20 (4), 23..25 (7), Thanksgiving, 27 (8), 30 (9), Dec 1 (10).
    dates = due_dates(facts_for("AL"), date(2026, 11, 16))
    assert dates.due is None
    assert dates.follow_up == date(2026, 12, 1)


def test_a_due_date_has_no_follow_up() -> None:
    assert due_dates(facts_for("TX"), date(2026, 11, 20)).follow_up is None


FACTS = state_facts()
STATES_WITH_DAYS = sorted(code for code, f in FACTS.items() if f.deadline_kind != "none")


@cache
def state_holidays(state: str) -> holidays.HolidayBase:
    return holidays.country_holidays("US", subdiv=state)


def closed(state: str, day: date) -> bool:
    """Independently of wso: a weekend day or one of the state's public holidays in the holidays package."""
    return day.weekday() >= 5 or day in state_holidays(state)


def check_rule(state: str, kind: str, days: int, sent: date, day: date) -> None:
    """`day` is what the rule in docs/records.md gives for `days` days of `kind` from `sent` in `state`, checked day
    by day."""
    assert not closed(state, day), f"{state}: {day} is a weekend day or a holiday"
    if kind == "business":
        # Exactly `days` open days after the day sent, the last of them `day`: never earlier, never later.
        open_days = [sent + timedelta(n) for n in range(1, (day - sent).days + 1)]
        assert sum(not closed(state, d) for d in open_days) == days
    else:
        # Never before sent + N; every day from sent + N up to `day` (excluded) is closed, so none was skipped.
        earliest = sent + timedelta(days)
        assert day >= earliest
        assert all(closed(state, earliest + timedelta(n)) for n in range((day - earliest).days))


SENT_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@settings(max_examples=300, deadline=None)
@given(state=st.sampled_from(sorted(FACTS)), sent=SENT_DAYS)
def test_a_due_date_is_never_closed_and_never_earlier_than_the_law_allows(state: str, sent: date) -> None:
    facts = FACTS[state]
    dates = due_dates(facts, sent)
    if facts.deadline_kind == "none":
        assert dates.due is None and dates.follow_up is not None
        check_rule(state, "business", 10, sent, dates.follow_up)
    else:
        assert dates.due is not None and dates.follow_up is None and facts.response_deadline_days is not None
        check_rule(state, facts.deadline_kind, facts.response_deadline_days, sent, dates.due)


@pytest.mark.parametrize("kind", ["business", "calendar"])
@settings(max_examples=200, deadline=None)
@given(state=st.sampled_from(sorted(FACTS)), days=st.integers(min_value=1, max_value=90), sent=SENT_DAYS)
def test_every_state_counted_either_way_gets_an_open_day_never_earlier_than_allowed(
    kind: str, state: str, days: int, sent: date
) -> None:
    # Only a few laws count calendar days, so both counts are also tried on every state's holidays.
    dates = due_dates_for(state, kind, days, sent)
    assert dates.due is not None and dates.follow_up is None
    check_rule(state, kind, days, sent, dates.due)


@settings(max_examples=100, deadline=None)
@given(state=st.sampled_from(sorted(FACTS)), sent=SENT_DAYS)
def test_no_number_gives_no_due_date_and_a_follow_up_ten_business_days_later(state: str, sent: date) -> None:
    dates = due_dates_for(state, "none", None, sent)
    assert dates.due is None and dates.follow_up is not None
    check_rule(state, "business", 10, sent, dates.follow_up)


def test_the_facts_count_deadlines_each_way() -> None:
    kinds = {f.deadline_kind for f in FACTS.values()}
    assert kinds == {"business", "calendar", "none"}


@pytest.mark.parametrize("state", STATES_WITH_DAYS)
def test_every_state_with_a_number_gets_a_due_date(state: str) -> None:
    assert due_dates(FACTS[state], date(2026, 12, 23)).due is not None
