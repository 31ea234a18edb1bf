"""How the console reads a form: a time typed in the facility's zone becomes UTC, and one that a daylight-saving
change skips or repeats is refused saying what to type; where a form may send the browser afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wso.web.commandforms import FieldError, args_from_form, local_to_utc, moment, safe_next

ZONES = ("America/New_York", "America/Chicago", "America/Phoenix", "Pacific/Honolulu", "America/Anchorage")


def test_a_local_time_is_read_in_the_facilitys_zone() -> None:
    assert local_to_utc(datetime(2026, 3, 6, 9, 0), "America/New_York") == datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    assert local_to_utc(datetime(2026, 7, 6, 9, 0), "America/New_York") == datetime(2026, 7, 6, 13, 0, tzinfo=UTC)
    args = args_from_form(
        "booking", {"id": "B", "facility": "f", "scheduled_release": "2026-03-06T09:00"}, "America/Chicago"
    )
    assert args["scheduled_release"] == "2026-03-06T15:00:00+00:00"
    with_offset = {"id": "B", "facility": "f", "scheduled_release": "2026-03-06T09:00-05:00"}
    assert args_from_form("booking", with_offset, "America/Chicago")["scheduled_release"] == "2026-03-06T14:00:00+00:00"


def test_a_time_the_clocks_skip_or_repeat_is_refused_saying_what_to_type() -> None:
    with pytest.raises(ValueError, match=r"2026-03-08 02:30 does not exist in America/New_York"):
        local_to_utc(datetime(2026, 3, 8, 2, 30), "America/New_York")
    with pytest.raises(
        ValueError, match=r"happens twice .* 2026-11-01T01:30-04:00 \(the first\) or 2026-11-01T01:30-05:00"
    ):
        local_to_utc(datetime(2026, 11, 1, 1, 30), "America/New_York")
    with pytest.raises(FieldError, match="field 'scheduled_release'") as raised:
        args_from_form("booking", {"scheduled_release": "2026-03-08T02:30"}, "America/New_York")
    assert raised.value.field == "scheduled_release"
    assert moment("2026-11-01T01:30-05:00", "America/New_York", "x") == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    with pytest.raises(FieldError, match="not a date and time"):
        moment("tomorrow", "America/New_York", "occurred_at")
    with pytest.raises(FieldError, match="time zone is not known"):
        moment("2026-03-06T09:00", None, "occurred_at")
    with pytest.raises(FieldError, match="1996-2100"):
        moment("9999-12-31T23:59", "America/New_York", "occurred_at")


@given(
    zone=st.sampled_from(ZONES),
    local=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
)
def test_every_local_time_is_either_read_back_exactly_or_refused(zone: str, local: datetime) -> None:
    """A time that is read is the one the wall clock showed; a refused one is a gap or an overlap of the zone."""
    tz = ZoneInfo(zone)
    try:
        utc = local_to_utc(local, zone)
    except ValueError:
        offsets = {local.replace(tzinfo=tz, fold=f).utcoffset() for f in (0, 1)}
        assert len(offsets) == 2  # daylight saving changes here
        return
    assert utc.astimezone(tz).replace(tzinfo=None) == local
    assert utc.tzinfo == UTC and abs(utc.replace(tzinfo=None) - local) < timedelta(hours=12)


def test_a_form_goes_on_only_to_a_console_page() -> None:
    assert safe_next("/console/holds/W-1") == "/console/holds/W-1"
    assert safe_next("/console/setup") == "/console/setup"
    for bad in ("https://evil.example/console/", "//evil.example/console/", "/public", "/console/\\\\evil", "", None):
        assert safe_next(bad) is None, bad
    assert safe_next("/console/x\r\nSet-Cookie: a=b") is None
