"""The durable outbox: changes put in it in the same transaction that records them, then sent at least once.

Every message has an idempotency key, unique in the table: a webhook carries it as `webhook-id`, an e-mail as
its Message-ID, so a receiver that keeps the keys it has seen sees each message once, even when the watcher
stopped between sending a message and recording that it went (it is then sent again, under the same key). A
failure is tried again with exponential backoff and jitter, up to `attempts` tries, then marked failed (and shown
by `wso watch list` and `wso watch status`); a webhook answered with 410 Gone ends its subscription."""

from __future__ import annotations

import hashlib
import json
import queue
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.store import Database
from wso.watch.filters import Facts, Filter
from wso.watch.messages import (
    Envelope,
    Site,
    body,
    confirm_email,
    confirm_json,
    digest_email,
    event_json,
    paragraph,
    reminder_email,
    webhook_headers,
)
from wso.watch.models import Delivery, Recipient, Subscription, WatchEvent
from wso.watch.transports import TransportError, Transports

BATCH = 500
# messages a sending thread takes at a time: one task per message cost more in the pool's bookkeeping and in
# handing the interpreter between threads than a webhook's whole POST; few enough that one slow receiver holds
# up only a few others
CHUNK = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)


# what sending needs of a subscription, read as plain rows (ORM objects cost several times more to load)
SUBSCRIPTION_COLUMNS = (
    Subscription.id,
    Subscription.channel,
    Subscription.target,
    Subscription.secret,
    Subscription.token,
    Subscription.status,
    Subscription.state,
    Subscription.county,
    Subscription.agency_id,
    Subscription.model,
    Subscription.change,
)
DELIVERY_COLUMNS = (Delivery.id, Delivery.subscription_id, Delivery.kind, Delivery.key, Delivery.payload)
SubscriptionRow = Any  # a Row of SUBSCRIPTION_COLUMNS (read by attribute: id, channel, target, ...)
DeliveryRow = Any  # a Row of DELIVERY_COLUMNS


def _filter(sub: Subscription | SubscriptionRow) -> Filter:
    return Filter(sub.state, sub.county, sub.agency_id, sub.model, sub.change)


def enqueue_events(session: Session, events: list[WatchEvent], *, clock: Clock) -> int:
    """Put the recorded changes in the outbox for every active subscription they concern: a change to those whose
    filter matches it, a correction to those who were sent what it corrects. A webhook gets one message per
    change; an e-mail subscription one message with all of this run's changes for it. Returns the messages."""
    if not events:
        return 0
    now = clock.now()
    fresh = [e for e in events if not e.correction]
    corrections = [e for e in events if e.correction]
    told: set[tuple[str, int]] = set()
    if corrections:
        stmt = select(Recipient.event_id, Recipient.subscription_id).where(
            Recipient.event_id.in_([str(e.corrects) for e in corrections])
        )
        told = {(eid, sid) for eid, sid in session.execute(stmt)}
    batch = hashlib.sha256("|".join(sorted(e.id for e in events)).encode()).hexdigest()[:24]
    deliveries: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    # each change's facts read once, in order, and the subscriptions as plain rows: a run matches every filter
    # against every change (10,000 subscriptions by 50 changes is half a million comparisons)
    facts = [
        (e, Facts.of(state=e.state, county=e.county, agency_id=e.agency_id, model=e.model, change=e.change))
        for e in sorted(fresh, key=lambda e: e.seq)
    ]
    corrections.sort(key=lambda e: e.seq)
    subs = session.execute(
        select(*SUBSCRIPTION_COLUMNS).where(Subscription.topic == "registry", Subscription.status == "active")
    )
    for sub in subs:
        mine = _filter(sub).select(facts) + [e for e in corrections if (str(e.corrects), sub.id) in told]
        if not mine:
            continue
        mine.sort(key=lambda e: e.seq)
        recipients.extend({"event_id": e.id, "subscription_id": sub.id} for e in mine)
        row = {"subscription_id": sub.id, "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        if sub.channel == "webhook":
            deliveries.extend(
                row | {"key": f"{e.id}.{sub.id}", "kind": "event", "payload": json.dumps([e.id])} for e in mine
            )
        else:
            ids = json.dumps([e.id for e in mine])
            deliveries.append(row | {"key": f"dg_{batch}.{sub.id}", "kind": "digest", "payload": ids})
    if deliveries:
        session.execute(insert(Delivery), deliveries)
        session.execute(insert(Recipient), recipients)
    return len(deliveries)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    error: TransportError | None


@dataclass(frozen=True)
class Sender:
    """How to reach subscribers: the transports, the site's address, the From address, the tries allowed."""

    transports: Transports
    site: Site
    mail_from: str
    attempts: int = 8
    concurrency: int = 16
    rng: random.Random = field(default_factory=random.Random)


def backoff(attempts: int, rng: random.Random) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 6 h, plus up to a quarter more at random (so retries do not stampede)."""
    delay = min(BACKOFF_BASE * (1 << min(max(attempts - 1, 0), 20)), BACKOFF_MAX)
    return delay * (1 + rng.random() / 4)


@dataclass
class Shared:
    """What every message of a run says alike about one change, built once: its JSON (a webhook adds only its
    subscription's id) and its paragraph in a digest."""

    site: Site
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)
    paragraphs: dict[str, str] = field(default_factory=dict)

    def event(self, e: WatchEvent) -> dict[str, Any]:
        found = self.bodies.get(e.id)
        if found is None:
            found = self.bodies[e.id] = event_json(e, self.site)
        return found

    def paragraph(self, e: WatchEvent, site: Site) -> str:
        found = self.paragraphs.get(e.id)
        if found is None:
            found = self.paragraphs[e.id] = paragraph(e, site)
        return found


def _job(
    d: DeliveryRow, sub: SubscriptionRow, events: dict[str, WatchEvent], sender: Sender, now: datetime, shared: Shared
) -> Callable[[], None]:
    """The call that sends one message; built here, in one thread, from what the database holds."""
    transports, site = sender.transports, sender.site
    if sub.channel == "webhook":
        if d.kind == "confirm":
            data = confirm_json(sub.id, sub.token, _filter(sub).describe(), site)
        else:
            data = shared.event(events[json.loads(d.payload)[0]]) | {"subscription": sub.id}
        payload = body(data)
        headers = webhook_headers(str(sub.secret), d.key, int(now.timestamp()), payload)
        return lambda: transports.webhooks.post(sub.target, payload, headers)
    env = Envelope(d.key, site, sender.mail_from, sub.target, sub.token, now)
    if d.kind == "confirm":
        message = confirm_email(env, _filter(sub).describe())
    elif d.kind == "reminder":
        message = reminder_email(env, json.loads(d.payload))
    else:
        events_told = [events[i] for i in json.loads(d.payload)]
        message = digest_email(env, events_told, _filter(sub).describe(), shared.paragraph)
    return lambda: transports.mail.send(message)


def _due(session: Session, now: datetime, after: int) -> list[DeliveryRow]:
    stmt = (
        select(*DELIVERY_COLUMNS)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now, Delivery.id > after)
        .order_by(Delivery.id)
        .limit(BATCH)
    )
    return list(session.execute(stmt))


def _record(session: Session, outcomes: list[Outcome], sender: Sender, now: datetime, report: DeliveryReport) -> None:
    """Write down what became of a batch of messages: two statements for those that went, one row at a time
    for the (few) that did not."""
    sent = [o.delivery_id for o in outcomes if o.error is None]
    if sent:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(sent))
            .values(status="sent", sent_at=now, last_error=None, attempts=Delivery.attempts + 1)
        )
        subs = select(Delivery.subscription_id).where(Delivery.id.in_(sent))
        session.execute(
            update(Subscription).where(Subscription.id.in_(subs), Subscription.failures != 0).values(failures=0)
        )
        report.sent += len(sent)
    for outcome in outcomes:
        if outcome.error is None:
            continue
        d = session.get(Delivery, outcome.delivery_id)
        assert d is not None
        sub = session.get(Subscription, d.subscription_id)
        assert sub is not None
        d.attempts += 1
        error = outcome.error
        d.last_error = str(error)
        sub.last_error = str(error)
        if error.gone and sub.status != "removed":
            sub.status, sub.removed_at = "removed", now
            session.execute(
                update(Delivery)
                .where(Delivery.subscription_id == sub.id, Delivery.status == "pending", Delivery.id != d.id)
                .values(status="dropped", last_error="the receiver ended the subscription (410 Gone)")
            )
        if error.permanent or d.attempts >= sender.attempts:
            d.status = "failed"
            sub.failures += 1
            report.failed += 1
            report.errors.append(f"delivery {d.id} to subscription {sub.id}: {error}")
        else:
            d.next_attempt_at = now + backoff(d.attempts, sender.rng)
            report.retrying += 1
        session.flush()


def _run(delivery_id: int, call: Callable[[], None]) -> Outcome:
    try:
        call()
    except TransportError as exc:
        return Outcome(delivery_id, exc)
    except Exception as exc:  # a bug or an unforeseen failure of one message must not stop the others
        return Outcome(delivery_id, TransportError(f"{exc.__class__.__name__}: {exc}"))
    return Outcome(delivery_id, None)


def _run_all(calls: list[tuple[int, Callable[[], None]]], results: queue.Queue[list[Outcome]]) -> None:
    """Send a few messages in turn; their outcomes go back together (one wake-up of the recording thread)."""
    results.put([_run(delivery_id, call) for delivery_id, call in calls])


def deliver_due(database: Database, *, clock: Clock, sender: Sender, flush_every: int = 50) -> DeliveryReport:
    """Send every message whose time has come, `sender.concurrency` at once, recording each outcome soon after
    it is known (in small transactions), so that a stop loses the record of as few sent messages as can be."""
    report = DeliveryReport()
    after = 0
    shared = Shared(sender.site)
    with ThreadPoolExecutor(max_workers=sender.concurrency, thread_name_prefix="wso-watch-send") as pool:
        while True:
            now = clock.now()
            results: queue.Queue[list[Outcome]] = queue.Queue()
            submitted = 0
            with database.session() as session:
                rows = _due(session, now, after)
                if not rows:
                    break
                after = rows[-1].id
                wanted = {r.subscription_id for r in rows}
                chosen = select(*SUBSCRIPTION_COLUMNS).where(Subscription.id.in_(wanted))
                subs = {s.id: s for s in session.execute(chosen)}
                ids = {i for r in rows if r.kind in ("event", "digest") for i in json.loads(r.payload)}
                found = session.scalars(select(WatchEvent).where(WatchEvent.id.in_(ids))) if ids else None
                events = {e.id: e for e in found} if found is not None else {}
                failed_now: list[Outcome] = []
                removed: list[int] = []
                calls: list[tuple[int, Callable[[], None]]] = []
                for d in rows:
                    sub = subs[d.subscription_id]
                    if sub.status == "removed":
                        removed.append(d.id)
                        continue
                    try:
                        call = _job(d, sub, events, sender, now, shared)
                    except TransportError as exc:
                        failed_now.append(Outcome(d.id, exc))
                        continue
                    calls.append((d.id, call))
                    submitted += 1
                    if len(calls) == CHUNK:  # sending starts while the next are built
                        pool.submit(_run_all, calls, results)
                        calls = []
                if calls:
                    pool.submit(_run_all, calls, results)
                if removed:
                    session.execute(
                        update(Delivery)
                        .where(Delivery.id.in_(removed))
                        .values(status="dropped", last_error="the subscription was removed")
                    )
                _record(session, failed_now, sender, now, report)
            while submitted:
                done = results.get()
                deadline = time.monotonic() + 0.2
                while len(done) < flush_every and time.monotonic() < deadline:
                    try:
                        done += results.get(timeout=max(deadline - time.monotonic(), 0))
                    except queue.Empty:
                        break
                submitted -= len(done)
                with database.session() as session:
                    _record(session, done, sender, clock.now(), report)
    return report
