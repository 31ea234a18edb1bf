"""The sweep: every open hold against the clock; each alert raised once.

Kinds: `due_12h`, `due_4h`, `due_1h` (the deadline is that close; a sweep raises only the most urgent window
that applies, so a hold first seen 3 hours before its deadline gets `due_4h`, not `due_12h` too), `overdue` (an
open hold at or past its deadline: the person must be released, WSO-RELEASE), `citizenship_report_due` (a
citizenship claim not yet reported to ICE; due one hour after the claim, WSO-CITIZENSHIP-1H) and
`ice_not_notified` (a WSO hold whose service ICE has not been told of `ICE_NOTICE_GRACE` after it,
WSO-NOTIFY-ICE). `UNIQUE(hold_id, kind)` makes "once" hold even for two sweeps at the same moment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.custody.models import Alert, Hold
from wso.custody.notify import AlertMessage, Notifier
from wso.custody.policy import CITIZENSHIP_REPORT

log = logging.getLogger("wso.custody.sweep")

WINDOWS = (("due_1h", timedelta(hours=1)), ("due_4h", timedelta(hours=4)), ("due_12h", timedelta(hours=12)))
ICE_NOTICE_GRACE = timedelta(minutes=15)
KINDS = ("due_12h", "due_4h", "due_1h", "overdue", "citizenship_report_due", "ice_not_notified")

TEXT = {
    "due_12h": "deadline in 12 hours or less: arrange transfer to ICE or release",
    "due_4h": "deadline in 4 hours or less: arrange transfer to ICE or release",
    "due_1h": "deadline in 1 hour or less: transfer to ICE or release now",
    "overdue": "past the deadline: the person must be released now (WSO-RELEASE / DETAINER-48H)",
    "citizenship_report_due": "a U.S. citizenship claim is not yet reported to ICE (WSO-CITIZENSHIP-1H)",
    "ice_not_notified": "ICE has not been notified of the service (WSO-NOTIFY-ICE)",
}


@dataclass(frozen=True)
class RaisedAlert:
    kind: str
    hold: str
    warrant: str
    at: str
    due_at: str | None


def deadline_alert(now: datetime, deadline: datetime) -> str | None:
    """Which deadline alert applies at `now`, if any."""
    if now >= deadline:
        return "overdue"
    left = deadline - now
    for kind, window in WINDOWS:
        if left <= window:
            return kind
    return None


def sweep(session: Session, clock: Clock, notifier: Notifier | None = None) -> list[RaisedAlert]:
    """Raise every alert due at `clock.now()` that has not been raised yet; notify each one raised."""
    now = clock.now()
    wanted: list[tuple[Hold, str, datetime | None]] = []
    horizon = now + WINDOWS[-1][1]
    due = session.execute(
        select(Hold).where(Hold.status == "open", Hold.deadline.is_not(None), Hold.deadline <= horizon)
    ).scalars()
    for hold in due:
        assert hold.deadline is not None
        kind = deadline_alert(now, hold.deadline)
        if kind:
            wanted.append((hold, kind, hold.deadline))
    claims = session.execute(
        select(Hold).where(Hold.citizenship_claim_at.is_not(None), Hold.citizenship_reported_at.is_(None))
    ).scalars()
    for hold in claims:
        assert hold.citizenship_claim_at is not None
        wanted.append((hold, "citizenship_report_due", hold.citizenship_claim_at + CITIZENSHIP_REPORT))
    silent = session.execute(
        select(Hold).where(
            and_(
                Hold.status == "open",
                Hold.kind == "wso",
                Hold.ice_notified_at.is_(None),
                Hold.opened_at <= now - ICE_NOTICE_GRACE,
            )
        )
    ).scalars()
    for hold in silent:
        wanted.append((hold, "ice_not_notified", hold.opened_at + ICE_NOTICE_GRACE))
    raised: list[tuple[Hold, str, datetime | None]] = []
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for hold, kind, due_at in wanted:
        statement = (
            insert(Alert)
            .values(hold_id=hold.id, kind=kind, due_at=due_at, raised_at=now)
            .on_conflict_do_nothing(index_elements=["hold_id", "kind"])
            .returning(Alert.id)
        )
        if session.execute(statement).scalar_one_or_none() is not None:
            raised.append((hold, kind, due_at))
    session.flush()
    stamp = now.isoformat().replace("+00:00", "Z")
    out = [
        RaisedAlert(
            kind, hold.id, hold.warrant_id, stamp, due_at.isoformat().replace("+00:00", "Z") if due_at else None
        )
        for hold, kind, due_at in raised
    ]
    if notifier is not None:
        for (hold, kind, _), alert in zip(raised, out, strict=True):
            message = AlertMessage(kind, hold.id, hold.warrant_id, hold.facility_id, alert.at, alert.due_at, TEXT[kind])
            try:
                notifier.notify(message)
            except Exception:  # the alert stays recorded; a failed delivery is logged, not lost
                log.exception("could not deliver alert %s on %s", kind, hold.id)
    return out
