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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, select
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


_OPEN_DUE = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.deadline).where(
    Hold.status == "open", Hold.deadline.is_not(None), Hold.deadline <= bindparam("horizon")
)
_CLAIMS = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.citizenship_claim_at).where(
    Hold.citizenship_claim_at.is_not(None), Hold.citizenship_reported_at.is_(None)
)
_SILENT = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.opened_at).where(
    and_(
        Hold.status == "open",
        Hold.kind == "wso",
        Hold.ice_notified_at.is_(None),
        Hold.opened_at <= bindparam("served_before"),
    )
)


def _stamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def raise_alerts(session: Session, now: datetime) -> list[tuple[RaisedAlert, AlertMessage]]:
    """Record every alert due at `now` not raised before; return each with the message to send (not sent)."""
    wanted: list[tuple[str, str, str, str, datetime | None]] = []  # hold, warrant, facility, kind, due
    for hold, warrant, facility, deadline in session.execute(_OPEN_DUE, {"horizon": now + WINDOWS[-1][1]}):
        kind = deadline_alert(now, deadline) if deadline is not None else None
        if kind:
            wanted.append((hold, warrant, facility, kind, deadline))
    for hold, warrant, facility, claim in session.execute(_CLAIMS):
        assert claim is not None
        wanted.append((hold, warrant, facility, "citizenship_report_due", claim + CITIZENSHIP_REPORT))
    for hold, warrant, facility, opened in session.execute(_SILENT, {"served_before": now - ICE_NOTICE_GRACE}):
        wanted.append((hold, warrant, facility, "ice_not_notified", opened + ICE_NOTICE_GRACE))
    if not wanted:
        return []
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # one batched statement (SQLAlchemy's insertmanyvalues); a (hold, kind) already raised is skipped by
    # UNIQUE(hold_id, kind) and returns nothing, so what returns is exactly what this sweep raised
    alerts = cast(Table, Alert.__table__)
    statement = (
        insert(alerts)
        .on_conflict_do_nothing(index_elements=["hold_id", "kind"])
        .returning(alerts.c.hold_id, alerts.c.kind)
    )
    rows = [{"hold_id": h, "kind": k, "due_at": due, "raised_at": now} for h, _w, _f, k, due in wanted]
    inserted = {(h, k) for h, k in session.execute(statement, rows)}
    out: list[tuple[RaisedAlert, AlertMessage]] = []
    stamp = _stamp(now)
    for hold, warrant, facility, kind, due_at in wanted:
        if (hold, kind) not in inserted:
            continue
        due = _stamp(due_at) if due_at else None
        out.append(
            (
                RaisedAlert(kind, hold, warrant, stamp, due),
                AlertMessage(kind, hold, warrant, facility, stamp, due, TEXT[kind]),
            )
        )
    return out


def deliver(notifier: Notifier, messages: Iterable[AlertMessage]) -> None:
    """Send each message; a failed delivery is logged, and the alert stays recorded."""
    for message in messages:
        try:
            notifier.notify(message)
        except Exception:
            log.exception("could not deliver alert %s on %s", message.kind, message.hold)


def sweep(session: Session, clock: Clock, notifier: Notifier | None = None) -> list[RaisedAlert]:
    """Raise every alert due at `clock.now()` that has not been raised yet; notify each one raised."""
    raised = raise_alerts(session, clock.now())
    if notifier is not None:
        deliver(notifier, [message for _, message in raised])
    return [alert for alert, _ in raised]
