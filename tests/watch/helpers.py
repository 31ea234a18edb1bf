"""Building watch state from real files without servers: ingest ICE's lists publication by publication and record
the changes after each, as the watcher would."""

from __future__ import annotations

from datetime import timedelta

from tests.watch.servers import sheet
from wso.clock import FixedClock
from wso.registry import ingest
from wso.store import Database
from wso.watch.changes import record_changes
from wso.watch.models import WatchEvent

# 05-20pm is the first run (history), then a pending list with two listings ICE dropped in the next list.
REVERT_TICKS = [
    ("participatingAgencies05202025pm.xlsx", "pendingAgencies05202025pm.xlsx"),
    ("participatingAgencies05202025pm.xlsx", "pendingAgencies05212025pm.xlsx"),
    ("participatingAgencies05232025am.xlsx", "pendingAgencies05232025am.xlsx"),
]


def watch_ticks(db: Database, clock: FixedClock, ticks: list[tuple[str, str]]) -> list[list[WatchEvent]]:
    """Each tick: ingest its two files (captured at the clock's time), then record the changes; the changes
    recorded per tick (the first: none, it is history)."""
    out = []
    for names in ticks:
        with db.session() as session:
            ingest(session, [sheet(n) for n in names], clock=clock, captured_at=clock.now())
        with db.session() as session:
            events, _ = record_changes(session, clock=clock)
            session.expunge_all()
        out.append(events)
        clock.advance(timedelta(hours=1))
    return out
