"""How the watcher is doing: its latest runs, failures in a row and the alert, the outbox, the subscriptions.
What `wso watch status` prints and the console shows; no subscriber's address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wso.watch.models import Cursor, Delivery, Run, Subscription


@dataclass(frozen=True)
class RunView:
    id: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    error: str | None
    new_publications: int
    events: int
    sent: int
    alerted: bool


@dataclass(frozen=True)
class FailedDelivery:
    id: int
    subscription: int
    kind: str
    attempts: int
    error: str | None


@dataclass(frozen=True)
class WatchStatus:
    runs: tuple[RunView, ...]  # the latest first
    failed_in_a_row: int
    alert: bool  # the latest failure streak reached the alert
    cursors: dict[str, str]  # list -> sha256 of the last publication compared
    outbox: dict[str, int]  # status -> messages
    subscriptions: dict[str, int]  # status -> subscriptions (ICE's lists)
    failed: tuple[FailedDelivery, ...]  # the latest deliveries that failed for good


def watch_status(session: Session, *, runs: int = 10) -> WatchStatus:
    rows = list(session.scalars(select(Run).order_by(Run.id.desc()).limit(runs)))
    views = tuple(
        RunView(r.id, r.started_at, r.finished_at, r.outcome, r.error, r.new_publications, r.events, r.sent, r.alerted)
        for r in rows
    )
    streak = 0
    alert = False
    for r in session.scalars(select(Run).where(Run.outcome != "running").order_by(Run.id.desc()).limit(1000)):
        if r.outcome != "failed":
            break
        streak += 1
        alert = alert or r.alerted
    outbox = {s: n for s, n in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))}
    subs = {
        s: n
        for s, n in session.execute(
            select(Subscription.status, func.count())
            .where(Subscription.topic == "registry")
            .group_by(Subscription.status)
        )
    }
    failed = tuple(
        FailedDelivery(d.id, d.subscription_id, d.kind, d.attempts, d.last_error)
        for d in session.scalars(
            select(Delivery).where(Delivery.status == "failed").order_by(Delivery.id.desc()).limit(20)
        )
    )
    cursors = {c.kind: c.sha256 for c in session.scalars(select(Cursor))}
    return WatchStatus(views, streak, alert, cursors, outbox, subs, failed)
