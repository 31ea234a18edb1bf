"""The rules' local date of service (``rules.local_day``) is the date zoneinfo gives in the facility's zone."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import ibis
import pyarrow as pa

from wso.audit import calendar
from wso.audit.rules import local_day, local_day_at_least

ZONES = ("America/Anchorage", "America/New_York", "America/Phoenix", "Pacific/Honolulu", "Asia/Kolkata")


def _days_by_rules(zones: tuple[str, ...], times: list[tuple[str, int]]) -> list[int]:
    lo, hi = datetime(2024, 12, 1), datetime(2027, 3, 1)
    offsets = calendar.zone_segments(zones, lo, hi)
    table = ibis.memtable(pa.table({"tz": [z for z, _ in times], "t": [t for _, t in times]}))
    con = ibis.duckdb.connect()
    got = con.to_pyarrow(table.select(day=local_day(table.tz, table.t, offsets)))["day"].to_pylist()
    con.disconnect()
    return [int(d) for d in got]


def _day_by_zoneinfo(zone: str, t: int) -> int:
    local = datetime.fromtimestamp(t, UTC).astimezone(ZoneInfo(zone)).date()
    return (local - datetime(1970, 1, 1).date()).days


def test_the_local_day_is_the_zones_date_at_every_hour_and_around_the_changes() -> None:
    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2026, 12, 31, tzinfo=UTC).timestamp())
    rng = random.Random(7)
    times = [(z, t) for z in ZONES for t in range(start, end, 3_600 * 7 + 13)]
    # each side of midnight and of the daylight-saving changes, to the second
    for zone in ZONES:
        for day in range(0, 730, 3):
            midnight = datetime(2025, 1, 1, tzinfo=ZoneInfo(zone)) + timedelta(days=day)
            m = int(midnight.timestamp())
            times += [(zone, m - 1), (zone, m), (zone, m + 1)]
        times += [(zone, rng.randrange(start, end)) for _ in range(500)]
    for zone, t in zip(("America/New_York", "America/Anchorage"), (1741503600, 1762063200), strict=True):
        times += [(zone, t + d) for d in (-3601, -3600, -1, 0, 1, 3599, 3600)]
    got = _days_by_rules(ZONES, times)
    assert got == [_day_by_zoneinfo(z, t) for z, t in times]


def test_one_zone_or_one_offset_uses_the_exact_day() -> None:
    times = [("America/Phoenix", t) for t in range(1_735_689_600, 1_735_689_600 + 3 * 86_400, 1_800)]
    assert _days_by_rules(("America/Phoenix",), times) == [_day_by_zoneinfo(z, t) for z, t in times]


def test_at_least_a_day_is_the_zones_date_compared_with_it() -> None:
    lo, hi = datetime(2024, 12, 1), datetime(2027, 3, 1)
    offsets = calendar.zone_segments(ZONES, lo, hi)
    rng = random.Random(11)
    times: list[tuple[str, int]] = []
    for zone in ZONES:
        for day in range(0, 730, 5):
            m = int((datetime(2025, 1, 1, tzinfo=ZoneInfo(zone)) + timedelta(days=day)).timestamp())
            times += [(zone, m + d) for d in (-86_401, -3_601, -1, 0, 1, 3_600, 86_399)]
        times += [(zone, rng.randrange(1_735_689_600, 1_798_761_600)) for _ in range(300)]
    days = sorted({_day_by_zoneinfo(z, t) for z, t in times})[::7]
    table = ibis.memtable(pa.table({"tz": [z for z, _ in times], "t": [t for _, t in times]}))
    con = ibis.duckdb.connect()
    got = con.to_pyarrow(table.select(**{f"d{d}": local_day_at_least(table.tz, table.t, d, offsets) for d in days}))
    con.disconnect()
    for d in days:
        assert got[f"d{d}"].to_pylist() == [_day_by_zoneinfo(z, t) >= d for z, t in times], d


def _offset_by_zoneinfo(zone: str, t: int) -> int:
    delta = datetime.fromtimestamp(t, ZoneInfo(zone)).utcoffset()
    assert delta is not None
    return int(delta.total_seconds())


def test_zone_segments_give_zoneinfos_offset_at_every_hour() -> None:
    """The offsets the rules inline are the ledger's (zoneinfo's), hour by hour: across the daylight-saving
    changes, for half-hour zones, and after 2037, where the tz database's 32-bit data ends and only its rule
    gives the changes (Arrow's time zones had no daylight saving time there)."""
    zones = (*ZONES, "Australia/Lord_Howe", "America/St_Johns", "Europe/Dublin")
    for lo, hi in ((datetime(2024, 11, 20), datetime(2027, 2, 1)), (datetime(2037, 6, 1), datetime(2040, 12, 1))):
        segments = calendar.zone_segments(zones, lo, hi)
        assert sorted(segments) == sorted(zones)
        first = int(lo.replace(tzinfo=UTC).timestamp())
        for zone, changes in segments.items():
            assert changes[0][0] == first
            for t in range(first, int(hi.replace(tzinfo=UTC).timestamp()), 3_600):
                offset = next(off for at, off in reversed(changes) if at <= t)
                assert offset == _offset_by_zoneinfo(zone, t), (zone, t)
            if zone == "America/New_York":
                summers = [at for at, off in changes if off == -4 * 3_600]
                assert any(at > 2**31 for at in summers) or hi.year < 2038


def test_the_detainers_tables_are_built_on_the_same_changes() -> None:
    for lo, hi in ((datetime(2025, 1, 1), datetime(2026, 6, 1)), (datetime(2039, 1, 1), datetime(2040, 1, 1))):
        tables = calendar.build(ZONES, lo, hi)
        assert tables.zone_offsets == calendar.zone_segments(ZONES, lo, hi)
    july = int(datetime(2039, 7, 1, 12, tzinfo=UTC).timestamp()) // 3_600 - 4  # 08:00 in New York, summer time
    offsets = tables.local_offsets.to_pylist()
    assert {"tz": "America/New_York", "local_hour": july, "offset_s": -4 * 3_600} in offsets
