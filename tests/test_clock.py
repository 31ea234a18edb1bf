from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from wso.clock import FixedClock, SystemClock, as_utc


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2025, 5, 6, 12, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(hours=48))
    assert clock.now() == datetime(2025, 5, 8, 12, tzinfo=UTC)


def test_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="naive"):
        FixedClock(datetime(2025, 5, 6, 12))


def test_as_utc_converts_offsets() -> None:
    assert as_utc(datetime(2025, 1, 1, 7, tzinfo=timezone(timedelta(hours=-5)))) == datetime(2025, 1, 1, 12, tzinfo=UTC)


def test_system_clock_is_aware() -> None:
    assert SystemClock().now().tzinfo is not None
