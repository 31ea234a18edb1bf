"""One way the console shows a moment: "Sat 5 Dec 2026, 04:21 CST", in the facility's zone when it is known
(else in the offset the value carries), never ISO with microseconds. Registered as the Jinja filter `when`."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def when(value: datetime | str | None, tz: str | None = None) -> str:
    """`value` (a datetime or ISO 8601 text; naive means UTC) as a person reads it; "" for nothing."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if tz:
        with suppress(ZoneInfoNotFoundError, OverflowError):  # unknown zone, year 1 or 9999: its own offset stands
            moment = moment.astimezone(ZoneInfo(tz))
    zone = moment.tzname() or ""
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} {zone}".strip()
