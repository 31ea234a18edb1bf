"""A short confirmation after an action that redirects ("ICE notified at 10:05 EST"): kept in the signed session
for the page the action goes back to, and shown there once (the base template's `#flash`)."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KEY = "flash"

# What a person reads once the command has run; a command not named here says "<its label>: done".
DONE = {
    "ice.notify": "ICE notified",
    "custody.transfer": "Transferred to ICE",
    "custody.release": "Released",
    "custody.continue": "Custody continued under a detention agreement",
    "citizenship.claim": "Citizenship claim recorded",
    "citizenship.report": "Citizenship claim reported to ICE",
    "warrant.serve": "Warrant served",
}


def done_text(command: str, label: str, at: datetime, tz: str | None) -> str:
    """What `command` (labelled `label`) did and when, at the minute, in the facility's zone `tz` when known."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if tz:
        with suppress(ZoneInfoNotFoundError):  # an unknown zone: the moment's own offset stands
            moment = moment.astimezone(ZoneInfo(tz))
    what = DONE.get(command, f"{label}: done")
    return f"{what} at {moment:%H:%M} {moment.tzname() or ''}".rstrip()


def put(data: dict[str, Any], page: str, text: str) -> None:
    """Keep `text` in the session `data`, to be shown once on the page at `page`."""
    data[KEY] = {"page": page, "text": text}


def take(data: dict[str, Any], path: str) -> str | None:
    """The confirmation for the page at `path`, removed from the session (it is shown once); None if there is
    none for this page (another page's stays until that page is shown)."""
    kept = data.get(KEY)
    if not isinstance(kept, dict) or kept.get("page") != path or not isinstance(kept.get("text"), str):
        return None
    data.pop(KEY, None)
    return str(kept["text"])
