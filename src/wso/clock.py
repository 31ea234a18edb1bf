"""The clock seam: domain code asks an injected `Clock` for the time, never the system.

`SystemClock` is for the doors (CLI, web); `FixedClock` is the in-package fake that tests move by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can say what time it is, as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time. Only the doors construct one."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move. For tests and replays."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, by: timedelta) -> datetime:
        self._at = self._at + by
        return self._at


def as_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive datetime is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} has no time zone; give an offset")
    return value.astimezone(UTC)
