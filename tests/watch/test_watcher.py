"""The watcher's cycle against a local ICE that is down, slow, or fine: retries with backoff, the alert after
failed runs in a row, deliveries that go on while ICE is down, one watcher at a time."""

from __future__ import annotations

import random
from datetime import timedelta
from email.message import EmailMessage

from tests.watch.conftest import SITE
from tests.watch.servers import FakeIce
from tests.watch.test_golden import TICKS
from wso.clock import FixedClock
from wso.store import Database
from wso.watch import make_filter, subscribe, watch_status
from wso.watch.outbox import Sender
from wso.watch.transports import MemoryMail, MemoryWebhooks, Transports
from wso.watch.watcher import WatchConfig, run_once, take_lease


def _sender() -> tuple[Sender, MemoryWebhooks, MemoryMail]:
    hooks, mail = MemoryWebhooks(), MemoryMail()
    return Sender(Transports(hooks, mail), SITE, "wso <w@example.org>", rng=random.Random(2)), hooks, mail


def test_ice_down_is_retried_with_backoff_and_alerts_once_after_three_failed_runs(
    db: Database, ice: FakeIce, clock: FixedClock, config: WatchConfig
) -> None:
    config = WatchConfig(
        urls=ice.urls, data_dir=config.data_dir, fetch_attempts=3, alert_after=3, alert_email="ops@example.org"
    )
    sender, _, mail = _sender()
    ice.tick(*TICKS[0])
    assert run_once(db, clock=clock, config=config, sender=sender, sleep=lambda _: None).outcome == "ok"
    with db.session() as session:
        subscribe(session, clock=clock, filter=make_filter(), webhook="https://r.example.org/h")
    ice.down = True
    slept: list[float] = []
    reports = []
    for _ in range(4):
        clock.advance(timedelta(hours=1))
        before = ice.requests
        reports.append(run_once(db, clock=clock, config=config, sender=sender, sleep=slept.append))
        assert ice.requests - before == 3  # three tries (the first download of each fails, so one request each)
    assert [r.outcome for r in reports] == ["failed"] * 4
    assert "HTTP 503" in str(reports[0].error)
    assert slept == [2.0, 4.0] * 4  # backoff between the tries of a run
    assert [r.alerted for r in reports] == [False, False, True, False]  # once per streak
    alerts = [m for m in mail.sent if isinstance(m, EmailMessage) and str(m["To"]) == "ops@example.org"]
    assert len(alerts) == 1 and "3 runs in a row" in alerts[0].get_content()
    with db.session() as session:
        status = watch_status(session)
    assert status.failed_in_a_row == 4 and status.alert
    ice.down = False
    ice.tick(*TICKS[1])
    clock.advance(timedelta(hours=1))
    back = run_once(db, clock=clock, config=config, sender=sender, sleep=slept.append)
    assert (back.outcome, back.events, back.delivery.sent) == ("ok", 15, 15)
    with db.session() as session:
        status = watch_status(session)
    assert status.failed_in_a_row == 0 and not status.alert and status.runs[0].sent == 15


def test_a_slow_ice_times_out_and_deliveries_waiting_still_go(
    db: Database, ice: FakeIce, clock: FixedClock, config: WatchConfig
) -> None:
    sender, _, mail = _sender()
    with db.session() as session:
        subscribe(session, clock=clock, filter=make_filter(), email="reader@example.org")  # its confirmation waits
    ice.tick(*TICKS[0])
    ice.slow = 1.5
    config = WatchConfig(urls=ice.urls, data_dir=config.data_dir, fetch_timeout=0.5, fetch_attempts=1)
    report = run_once(db, clock=clock, config=config, sender=sender, sleep=lambda _: None)
    assert report.outcome == "failed" and "Timeout" in str(report.error)
    assert report.delivery.sent == 1 and str(mail.sent[0]["To"]) == "reader@example.org"


def test_one_watcher_at_a_time(db: Database, ice: FakeIce, clock: FixedClock, config: WatchConfig) -> None:
    sender, _, _ = _sender()
    assert take_lease(db, clock, "otherhost:1:1")
    ice.tick(*TICKS[0])
    report = run_once(db, clock=clock, config=config, sender=sender, sleep=lambda _: None)
    assert report.outcome == "busy" and ice.requests == 0
    clock.advance(timedelta(minutes=31))  # the other watcher's lease has run out
    assert run_once(db, clock=clock, config=config, sender=sender, sleep=lambda _: None).outcome == "ok"
