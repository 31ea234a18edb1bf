"""When an answer is due, by one rule (stated in docs/records.md):

- business days: the N-th business day after the day sent, skipping Saturdays, Sundays and the state's public
  holidays as the `holidays` package lists them for that state;
- calendar days: the day sent plus N, moved forward to the next business day when it falls on a weekend or one of
  those holidays;
- no number in the law: `due` is None and `follow_up` is 10 business days after sending.

Business days come from `wso.program.BusinessCalendar(state, include_closures=False)`: the holidays package's
federal and state public holidays, without the one-off federal closures by executive order (they close federal
offices, not the state and local agencies a records request goes to, and the rule names the holidays package only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from wso.program import BusinessCalendar
from wso.records.facts import StateFacts

FOLLOW_UP_BUSINESS_DAYS = 10


@dataclass(frozen=True)
class DueDates:
    """The answer's due date (None when the law sets no number) and, then, a follow-up date instead."""

    due: date | None
    follow_up: date | None


@lru_cache(maxsize=128)
def state_calendar(state: str) -> BusinessCalendar:
    """The business calendar of one state (weekends, federal and the state's public holidays), built once."""
    return BusinessCalendar(state, include_closures=False)


def due_dates_for(
    state: str, kind: str, days: int | None, sent: date, calendar: BusinessCalendar | None = None
) -> DueDates:
    """The due date (or follow-up date) of a request sent on `sent` to an agency in `state` whose law gives `days`
    days of `kind` ("business", "calendar" or "none")."""
    cal = calendar if calendar is not None else state_calendar(state)
    if kind == "business" and days is not None:
        return DueDates(due=cal.add_business_days(sent, days), follow_up=None)
    if kind == "calendar" and days is not None:
        return DueDates(due=cal.next_business_day(sent + timedelta(days=days)), follow_up=None)
    return DueDates(due=None, follow_up=cal.add_business_days(sent, FOLLOW_UP_BUSINESS_DAYS))


def due_dates(facts: StateFacts, sent: date, calendar: BusinessCalendar | None = None) -> DueDates:
    """The due date (or follow-up date) of a request under `facts`' law sent on `sent`."""
    return due_dates_for(facts.state, facts.deadline_kind, facts.response_deadline_days, sent, calendar)
