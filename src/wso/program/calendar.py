"""Business days for deadline arithmetic: federal holidays, a state's public holidays, and one-off closures."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

from wso.program._data import data_text
from wso.program.states import parse_state


@cache
def packaged_closures() -> MappingProxyType[date, str]:
    """One-off federal closures (days of mourning, Christmas Eve by executive order) from data/closures.csv."""
    reader = csv.DictReader(io.StringIO(data_text("closures.csv")))
    return MappingProxyType({date.fromisoformat(row["date"]): row["name"] for row in reader})


class BusinessCalendar:
    """Weekdays that are not holidays.

    Holidays are the federal ones (with their observed days), the state's public holidays when `state` is
    given, the packaged one-off federal closures (`include_closures`), and `overrides` (date -> name), which
    win over everything else.
    """

    def __init__(
        self,
        state: str | None = None,
        overrides: Mapping[date, str] | None = None,
        *,
        include_closures: bool = True,
    ) -> None:
        self.state = parse_state(state) if state is not None else None
        closures: dict[date, str] = dict(packaged_closures()) if include_closures else {}
        self.overrides: Mapping[date, str] = MappingProxyType(closures | dict(overrides or {}))
        import holidays  # here, not at import: loading it costs ~90 ms that most commands never need

        if self.state is None:
            self._holidays = holidays.country_holidays("US")
        else:
            self._holidays = holidays.country_holidays("US", subdiv=self.state)

    def __repr__(self) -> str:
        return f"BusinessCalendar(state={self.state!r}, overrides={len(self.overrides)})"

    def holiday_name(self, d: date) -> str | None:
        if d in self.overrides:
            return self.overrides[d]
        name = self._holidays.get(d)
        return str(name) if name is not None else None

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and self.holiday_name(d) is None

    def next_business_day(self, d: date) -> date:
        """`d` itself if it is a business day, else the first business day after it."""
        while not self.is_business_day(d):
            d += timedelta(days=1)
        return d

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day after `d` (n >= 0; n == 0 gives `next_business_day(d)`)."""
        if n < 0:
            raise ValueError(f"add_business_days: n must be >= 0, not {n}")
        if n == 0:
            return self.next_business_day(d)
        count = 0
        while count < n:
            d += timedelta(days=1)
            if self.is_business_day(d):
                count += 1
        return d


def business_calendar(state: str | None = None) -> BusinessCalendar:
    """The one business calendar of both engines (ledger and audit): weekdays that are not federal holidays, the
    packaged one-off federal closures, or public holidays of the facility's `state` (None: federal only). One
    shared object per state."""
    return _calendar_of(parse_state(state) if state is not None else None)


@cache
def _calendar_of(state: str | None) -> BusinessCalendar:
    return BusinessCalendar(state=state)
