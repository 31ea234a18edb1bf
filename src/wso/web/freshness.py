"""How old the newest of ICE's lists in the registry is, for the banner every public page shows when it is more
than `STALE_AFTER` older than the clock's today (ICE overwrites its lists; an old one may miss agreements signed
or ended since). Read at most every `TTL` seconds per app: an ingest shows within that time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import Request

from wso import registry

STALE_AFTER = timedelta(days=30)
TTL = 30.0
_lock = threading.Lock()


@dataclass(frozen=True)
class Freshness:
    newest: date  # the publication day of the newest participating list loaded
    today: date
    days_old: int

    @property
    def stale(self) -> bool:
        return self.days_old > STALE_AFTER.days


def freshness_of(newest: date | None, today: date) -> Freshness | None:
    """None when no list is loaded (the overview says so itself)."""
    if newest is None:
        return None
    return Freshness(newest, today, (today - newest).days)


def freshness(request: Request) -> Freshness | None:
    """The app's registry against the app's clock (cached for `TTL` seconds)."""
    today = request.app.state.clock.now().date()
    now = time.monotonic()
    cached = getattr(request.app.state, "freshness_cache", None)
    if cached is not None and cached[0] == today and now - cached[1] < TTL:
        value: Freshness | None = cached[2]
        return value
    with _lock, request.app.state.database.session() as session:
        value = freshness_of(registry.latest_snapshot_date(session), today)
        request.app.state.freshness_cache = (today, now, value)
    return value
