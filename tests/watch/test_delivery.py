"""The outbox: retries with backoff and jitter, failures that cannot heal, 410 Gone, e-mail digests, and doing the
same work twice sending nothing twice. In-package fake transports; a real database."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from sqlalchemy import select

from tests.watch.conftest import SITE
from tests.watch.helpers import REVERT_TICKS, watch_ticks
from wso.clock import FixedClock
from wso.store import Database
from wso.watch import list_subscriptions, make_filter, subscribe
from wso.watch.models import Delivery, Recipient, WatchEvent
from wso.watch.outbox import Sender, backoff, deliver_due, enqueue_events
from wso.watch.transports import MemoryMail, MemoryWebhooks, TransportError, Transports

HOOK = "https://receiver.example.org/hook"


def _sender(hooks: MemoryWebhooks, mail: MemoryMail, attempts: int = 3) -> Sender:
    return Sender(Transports(hooks, mail), SITE, "wso <w@example.org>", attempts=attempts, rng=random.Random(1))


def test_backoff_doubles_up_to_six_hours_with_a_quarter_of_jitter() -> None:
    rng = random.Random(3)
    delays = [backoff(n, rng) for n in range(1, 16)]
    assert timedelta(seconds=30) <= delays[0] <= timedelta(seconds=37.5)
    assert timedelta(minutes=4) <= delays[3] <= timedelta(minutes=5)
    assert all(timedelta(hours=6) <= d <= timedelta(hours=7.5) for d in delays[10:])


def test_a_failing_webhook_is_retried_with_backoff_then_marked_failed_and_shown(
    db: Database, clock: FixedClock
) -> None:
    hooks, mail = MemoryWebhooks(), MemoryMail()
    with db.session() as session:
        sub = subscribe(session, clock=clock, filter=make_filter(state="PA"), webhook=HOOK).subscription
    ticks = watch_ticks(db, clock, REVERT_TICKS[:2])
    with db.session() as session:
        assert enqueue_events(session, [session.merge(e) for e in ticks[1]], clock=clock) == 3
    hooks.fail[HOOK] = TransportError("POST: HTTP 503 Service Unavailable")
    sender = _sender(hooks, mail, attempts=3)
    first = deliver_due(db, clock=clock, sender=sender)
    assert (first.sent, first.retrying, first.failed) == (0, 3, 0)
    assert deliver_due(db, clock=clock, sender=sender).retrying == 0  # nothing is due again before its backoff
    clock.advance(timedelta(minutes=1))
    assert deliver_due(db, clock=clock, sender=sender).retrying == 3
    clock.advance(timedelta(minutes=3))
    third = deliver_due(db, clock=clock, sender=sender)
    assert (third.sent, third.failed) == (0, 3) and "HTTP 503" in third.errors[0]
    with db.session() as session:
        (view,) = list_subscriptions(session)
        assert (view.failed, view.pending, view.failures) == (3, 0, 3) and "503" in str(view.last_error)
        assert {d.attempts for d in session.scalars(select(Delivery))} == {3}
    assert hooks.posts == [] and sub.id == view.id


def test_a_client_error_fails_at_once_and_410_gone_ends_the_subscription(db: Database, clock: FixedClock) -> None:
    hooks, mail = MemoryWebhooks(), MemoryMail()
    with db.session() as session:
        subscribe(session, clock=clock, filter=make_filter(state="PA"), webhook=HOOK)
        subscribe(session, clock=clock, filter=make_filter(state="PA"), webhook=HOOK + "/gone")
    ticks = watch_ticks(db, clock, REVERT_TICKS[:2])
    with db.session() as session:
        enqueue_events(session, [session.merge(e) for e in ticks[1]], clock=clock)
    hooks.fail[HOOK] = TransportError("POST: HTTP 400 Bad Request", permanent=True)
    hooks.fail[HOOK + "/gone"] = TransportError("POST: HTTP 410 Gone", gone=True)
    report = deliver_due(db, clock=clock, sender=_sender(hooks, mail))
    assert (report.sent, report.retrying, report.failed) == (0, 0, 6)  # no retry: 3 refused, 3 gone (in flight)
    with db.session() as session:
        views = {v.id: v for v in list_subscriptions(session)}
    assert views[1].status == "active" and views[2].status == "removed"
    # the removed subscription gets nothing more: the next changes are not even put in the outbox
    more = watch_ticks(db, clock, REVERT_TICKS[2:])
    with db.session() as session:
        enqueue_events(session, [session.merge(e) for e in more[0]], clock=clock)
        queued = {d.subscription_id for d in session.scalars(select(Delivery).where(Delivery.status == "pending"))}
    assert queued == {1}


def test_email_gets_one_digest_per_run_and_enqueueing_twice_sends_once(db: Database, clock: FixedClock) -> None:
    hooks, mail = MemoryWebhooks(), MemoryMail()
    with db.session() as session:
        made = subscribe(session, clock=clock, filter=make_filter(state="PA"), email="pa@example.org")
        from wso.watch import confirm_subscription

        token = session.scalars(select(Delivery.key)).one()
        assert token == f"confirm-{made.subscription.id}"
    deliver_due(db, clock=clock, sender=_sender(hooks, mail))
    (confirm,) = mail.sent
    link = confirm.get_body(("plain",)).get_content().split("/watch/confirm/")[1].split()[0]  # type: ignore[union-attr]
    with db.session() as session:
        confirm_subscription(session, link, clock=clock)
    ticks = watch_ticks(db, clock, REVERT_TICKS[:2])
    with db.session() as session:
        events = [session.merge(e) for e in ticks[1]]
        assert enqueue_events(session, events, clock=clock) == 1
    with db.session() as session:
        # the same changes again (a retried transaction, say): the outbox already holds their keys
        events = list(session.scalars(select(WatchEvent).where(WatchEvent.history.is_(False))))
        try:
            enqueue_events(session, events, clock=clock)
            raise AssertionError("the same key went into the outbox twice")
        except Exception as exc:  # the unique key refuses it; the transaction is rolled back
            assert "unique" in str(exc).lower() or "duplicate" in str(exc).lower()
            session.rollback()
    report = deliver_due(db, clock=clock, sender=_sender(hooks, mail))
    assert report.sent == 1
    digest = mail.sent[1]
    assert str(digest["Subject"]) == "287(g): 3 changes in ICE's lists of 2025-05-21"
    assert digest["List-Unsubscribe"] and digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    lines = digest.get_body(("plain",)).get_content().splitlines()  # type: ignore[union-attr]
    assert sum("listed by ICE as pending" in line for line in lines) == 3
    with db.session() as session:
        assert session.scalars(select(Recipient.subscription_id).distinct()).all() == [made.subscription.id]
        assert len(json.loads(session.scalars(select(Delivery.payload).where(Delivery.kind == "digest")).one())) == 3
