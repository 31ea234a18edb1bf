"""Small lookup tables that let plain SQL handle time zones and business days, on any engine.

Engines disagree on time-zone functions, and no engine knows holidays, so the audit joins its hold records
against tables computed here in Python from ``zoneinfo`` and ``wso.program.business_calendar`` (the ledger's zones
and calendar):

- ``zone_segments``: per zone, its UTC offset at the start of each UTC hour, as the changes (what the rules inline);
- ``local_offsets``: (tz, local_hour) -> offset_s, the inverse (a repeated local hour takes the earlier offset);
- ``days``: (tz, state, day, business, n_before): local day number (days since 1970-01-01 in local time), whether
  it is a business day in that state, and how many business days precede it in the table;
- ``business_days``: (tz, state, n, day): the n-th business day.

Hours and days outside the table's range are clamped to its edges (the offset of the nearest covered hour), so the
range covers the records' own times plus a margin; see ``span``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from wso.program import STATES, business_calendar

DAY = 86_400
HOUR = 3_600
MAX_SPAN = timedelta(days=366 * 12)
#: the tables ``build`` returns, by name (the engine compiles the detainer readings against them before they exist)
LOCAL_OFFSETS_SCHEMA = pa.schema([("tz", pa.string()), ("local_hour", pa.int64()), ("offset_s", pa.int64())])
DAYS_SCHEMA = pa.schema(
    [
        ("tz", pa.string()),
        ("state", pa.string()),
        ("day", pa.int64()),
        ("business", pa.bool_()),
        ("n_before", pa.int64()),
    ]
)
BUSINESS_DAYS_SCHEMA = pa.schema([("tz", pa.string()), ("state", pa.string()), ("n", pa.int64()), ("day", pa.int64())])


@dataclass(frozen=True)
class CalendarTables:
    zone_offsets: dict[str, tuple[tuple[int, int], ...]]  # ``zone_segments`` of the tables' zones and range
    local_offsets: pa.Table
    days: pa.Table
    business_days: pa.Table


def span(first: datetime | None, last: datetime | None, as_of: datetime) -> tuple[datetime, datetime]:
    """The UTC range the tables cover: the records' times (clamped to 12 years around ``as_of``) plus margins."""
    naive_as_of = as_of.astimezone(UTC).replace(tzinfo=None)
    lo = first if first is not None else naive_as_of
    hi = max(last if last is not None else naive_as_of, naive_as_of)
    lo = max(lo, naive_as_of - MAX_SPAN)
    hi = min(hi, naive_as_of + MAX_SPAN)
    return lo - timedelta(days=3), hi + timedelta(days=40)


def _epoch(dt: datetime) -> int:
    return int(dt.replace(tzinfo=UTC).timestamp()) if dt.tzinfo is None else int(dt.timestamp())


def _hours(lo: datetime, hi: datetime) -> tuple[int, int]:
    return _epoch(lo) // HOUR, _epoch(hi) // HOUR


def _changes(tz: str, first_hour: int, last_hour: int) -> tuple[tuple[int, int], ...]:
    """Zone ``tz``'s UTC offset at the start of each UTC hour from ``first_hour`` to ``last_hour``, as its changes:
    (first UTC second, offset seconds), the first at ``first_hour``. Sampled a day apart and read hour by hour only
    in a day whose ends differ (no zone changes twice within a day and back)."""
    zone = ZoneInfo(tz)

    def offset(hour: int) -> int:
        delta = datetime.fromtimestamp(hour * HOUR, zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    current = offset(first_hour)
    out = [(first_hour * HOUR, current)]
    hour = first_hour
    while hour < last_hour:
        step = min(hour + 24, last_hour)
        if offset(step) != current:
            for h in range(hour + 1, step + 1):
                value = offset(h)
                if value != current:
                    out.append((h * HOUR, value))
                    current = value
        hour = step
    return tuple(out)


def zone_segments(zones: Iterable[str], lo: datetime, hi: datetime) -> dict[str, tuple[tuple[int, int], ...]]:
    """Per zone, its UTC offsets over UTC times ``lo``..``hi`` (naive UTC or aware) as changes: (first UTC second,
    offset seconds), in order; the first covers all before (``segments`` of ``build``'s ``offsets``, computed
    without the hourly table)."""
    first_hour, last_hour = _hours(lo, hi)
    return {tz: _changes(tz, first_hour, last_hour) for tz in sorted(set(zones))}


def build(zones: Iterable[str], lo: datetime, hi: datetime, pairs: Iterable[tuple[str, str]] = ()) -> CalendarTables:
    """Tables for ``zones`` covering UTC times ``lo``..``hi`` (naive UTC or aware); the day tables for each
    (zone, state) of ``pairs``, on that state's business calendar (``wso.program.business_calendar``: federal and
    the state's holidays, the packaged closures: the ledger's calendar)."""
    first_hour, last_hour = _hours(lo, hi)
    hours = np.arange(first_hour, last_hour + 1, dtype=np.int64)
    loc_tz: list[str] = []
    loc_hour: list[np.ndarray] = []
    loc_val: list[np.ndarray] = []
    day_cols: dict[str, list[object]] = {"tz": [], "state": [], "day": [], "business": [], "n_before": []}
    bday_cols: dict[str, list[object]] = {"tz": [], "state": [], "n": [], "day": []}
    wanted = sorted(set(pairs))
    local_range: dict[str, tuple[int, int]] = {}
    zone_offsets: dict[str, tuple[tuple[int, int], ...]] = {}
    for tz in sorted(set(zones) | {z for z, _ in wanted}):
        # the zone's UTC offset at the start of each UTC hour, from its changes
        changes = zone_offsets[tz] = _changes(tz, first_hour, last_hour)
        starts = np.array([at for at, _ in changes], dtype=np.int64)
        changed_to = np.array([off for _, off in changes], dtype=np.int64)
        values = changed_to[np.searchsorted(starts, hours * HOUR, side="right") - 1]
        local = hours * HOUR + values
        local_hours = local // HOUR
        # inverse: first UTC hour mapping to each local hour wins (a repeated hour keeps the earlier offset)
        uniq, idx = np.unique(local_hours, return_index=True)
        loc_tz.extend([tz] * len(uniq))
        loc_hour.append(uniq)
        loc_val.append(values[idx])
        local_range[tz] = (int((hours[0] * HOUR + values[0]) // DAY), int((hours[-1] * HOUR + values[-1]) // DAY))
    for tz, state in wanted:
        cal = business_calendar(state) if state in STATES else business_calendar(None)
        first_day, last_day = local_range[tz]
        n = 0
        for day in range(first_day, last_day + 1):
            d = date(1970, 1, 1) + timedelta(days=day)
            business = cal.is_business_day(d)
            day_cols["tz"].append(tz)
            day_cols["state"].append(state)
            day_cols["day"].append(day)
            day_cols["business"].append(business)
            day_cols["n_before"].append(n)
            if business:
                bday_cols["tz"].append(tz)
                bday_cols["state"].append(state)
                bday_cols["n"].append(n)
                bday_cols["day"].append(day)
                n += 1
    empty = np.array([], dtype=np.int64)
    local_offsets = pa.table(
        {
            "tz": loc_tz,
            "local_hour": np.concatenate(loc_hour) if loc_hour else empty,
            "offset_s": np.concatenate(loc_val) if loc_val else empty,
        },
        schema=LOCAL_OFFSETS_SCHEMA,
    )
    days = pa.table(day_cols, schema=DAYS_SCHEMA)
    business_days = pa.table(bday_cols, schema=BUSINESS_DAYS_SCHEMA)
    return CalendarTables(zone_offsets, local_offsets, days, business_days)
