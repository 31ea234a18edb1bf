"""The sweep raises each alert once, at the right time, through the notifier seam."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy import text

from tests.custody.conftest import RELEASE, accepted
from wso.clock import FixedClock
from wso.custody import AlertMessage, Custody, LogNotifier, MemoryNotifier, WebhookNotifier, due_within, sweep
from wso.custody.sweep import deadline_alert
from wso.store import Database


def kinds(result: Any) -> list[str]:
    return sorted(a["kind"] for a in result.alerts)


def test_alerts_12_4_1_hours_then_overdue_each_once(jail: Custody, clock: FixedClock, notifier: MemoryNotifier) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    deadline = RELEASE + timedelta(hours=48)
    steps = [
        (deadline - timedelta(hours=12, seconds=1), []),
        (deadline - timedelta(hours=12), ["due_12h"]),
        (deadline - timedelta(hours=11), []),
        (deadline - timedelta(hours=4), ["due_4h"]),
        (deadline - timedelta(minutes=30), ["due_1h"]),
        (deadline - timedelta(minutes=1), []),
        (deadline, ["overdue"]),
        (deadline + timedelta(hours=5), []),
    ]
    for at, expected in steps:
        clock.set(at)
        assert kinds(jail.run("sweep")) == expected, at
    assert [m.kind for m in notifier.sent] == ["due_12h", "due_4h", "due_1h", "overdue"]
    assert all(m.warrant == "W1" and "Roe" not in m.text for m in notifier.sent)


def test_a_hold_first_seen_late_gets_only_the_most_urgent_window(jail: Custody, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.set(RELEASE + timedelta(hours=45))
    assert kinds(jail.run("sweep")) == ["due_4h"]


def test_ice_not_notified_and_citizenship_report_due(jail: Custody, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "citizenship.claim", {"warrant": "W1"})
    assert kinds(jail.run("sweep")) == ["citizenship_report_due"]
    clock.advance(timedelta(minutes=14))
    assert kinds(jail.run("sweep")) == []
    clock.advance(timedelta(minutes=1))
    assert kinds(jail.run("sweep")) == []  # 15 minutes: still within the window, as the audit reads it
    clock.advance(timedelta(seconds=1))
    assert kinds(jail.run("sweep")) == ["ice_not_notified"]
    accepted(jail, "ice.notify", {"warrant": "W1"})
    accepted(jail, "citizenship.report", {"warrant": "W1"})
    assert kinds(jail.run("sweep")) == []


def test_closed_holds_raise_nothing(jail: Custody, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    accepted(jail, "custody.transfer", {"warrant": "W1"})
    clock.advance(timedelta(hours=100))
    assert kinds(jail.run("sweep")) == []


def test_a_hold_ended_before_ice_was_told_still_raises_ice_not_notified_once(jail: Custody, clock: FixedClock) -> None:
    """Ended within the 15 minutes without a notification: the breach comes when the window ends, as the audit
    finds it; the answer to the transfer says the notification is still owed."""
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    clock.advance(timedelta(minutes=10))
    answer = jail.run("custody.transfer", {"warrant": "W1"})
    assert answer.accepted and "ice.notify" in answer.message and "WSO-NOTIFY-ICE" in answer.message
    clock.advance(timedelta(minutes=4))
    assert kinds(jail.run("sweep")) == []
    clock.advance(timedelta(minutes=2))
    assert kinds(jail.run("sweep")) == ["ice_not_notified"]
    clock.advance(timedelta(hours=3))
    assert kinds(jail.run("sweep")) == []


def test_ice_told_after_the_hold_ended_within_the_window_raises_nothing(jail: Custody, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    clock.advance(timedelta(minutes=5))
    accepted(jail, "custody.release", {"warrant": "W1"})
    clock.advance(timedelta(minutes=5))
    answer = jail.run("ice.notify", {"warrant": "W1"})
    assert answer.accepted and "late" not in answer.message
    clock.advance(timedelta(hours=1))
    assert kinds(jail.run("sweep")) == []


def test_two_sweeps_at_the_same_moment_raise_once(jail: Custody, db: Database, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.advance(timedelta(hours=49))
    with db.session() as first, db.session() as second:
        a = sweep(first, clock)
        first.commit()
        b = sweep(second, clock)
    assert [x.kind for x in a] == ["overdue"] and b == []


def test_sweeps_that_miss_each_others_alerts_still_raise_once(jail: Custody, db: Database, clock: FixedClock) -> None:
    """Two sweeps whose reads both come before either commits: the unique key keeps the alert single."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: a second sweep cannot read before the first commits")
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.advance(timedelta(hours=49))
    found: dict[str, Any] = {}

    def second() -> None:
        with db.session() as session:
            found["b"] = sweep(session, clock)

    with db.session() as first:
        a = sweep(first, clock)  # its alert inserted, not committed
        thread = threading.Thread(target=second)
        thread.start()
        with db.engine.connect() as watcher:  # until the second sweep waits on the first's uncommitted alert
            for _ in range(200):
                waiting = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND query LIKE 'INSERT INTO custody_alerts%'"
                    )
                ).scalar()
                if waiting:
                    break
                watcher.rollback()
                time.sleep(0.05)
        assert waiting == 1
    thread.join(timeout=30)
    assert [x.kind for x in a] == ["overdue"] and found["b"] == []


@pytest.mark.parametrize(
    ("hours_left", "kind"), [(13, None), (12, "due_12h"), (4, "due_4h"), (1, "due_1h"), (0, "overdue"), (-1, "overdue")]
)
def test_deadline_alert_windows(clock: FixedClock, hours_left: int, kind: str | None) -> None:
    now = clock.now()
    assert deadline_alert(now, now + timedelta(hours=hours_left)) == kind


@pytest.mark.parametrize(
    ("left", "kind"),
    [
        (timedelta(hours=12, milliseconds=200), "due_12h"),  # from .7 to .9: 12 h to the second, not 12 h 0.2 s
        (timedelta(hours=12, milliseconds=300), None),  # from .7 to .0 of the second after: 12 h 1 s
        (timedelta(milliseconds=200), "overdue"),  # 0.2 s before the exact deadline: in its second
        (timedelta(milliseconds=300), "due_1h"),  # 0.3 s before it: the second before
    ],
)
def test_deadline_alerts_read_whole_seconds(clock: FixedClock, left: timedelta, kind: str | None) -> None:
    now = clock.now() + timedelta(milliseconds=700)
    assert deadline_alert(now, now + left) == kind


def test_due_within_reads_whole_seconds(jail: Custody, db: Database, clock: FixedClock) -> None:
    """A deadline at .4 of a second is within an hour of .2 of the second an hour before (its second is), not of
    .9 of the second before that."""
    release = RELEASE + timedelta(milliseconds=400)
    accepted(jail, "booking", {"id": "B9", "facility": "JAIL", "scheduled_release": release.isoformat()})
    accepted(jail, "warrant.receive", {"id": "W9", "booking": "B9", "form": "I-200"})
    clock.set(release)
    accepted(jail, "warrant.serve", {"warrant": "W9", "officer": "O1", "facility": "JAIL"})
    deadline = release + timedelta(hours=48)
    hour = timedelta(hours=1)
    with db.session() as session:
        assert due_within(session, deadline - hour - timedelta(milliseconds=200), hour) == [("hold-W9", deadline)]
        assert due_within(session, deadline - hour - timedelta(milliseconds=500), hour) == []


MESSAGE = AlertMessage("overdue", "hold-W1", "W1", "JAIL", "2026-03-08T14:00:00Z", "2026-03-08T14:00:00Z", "x")


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            status = 500 if self.path == "/broken" else 204
            self.send_response(status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_notifier_posts_the_alert_as_json(webhook: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = webhook
    WebhookNotifier(url + "/alerts").notify(MESSAGE)
    assert received == [
        {
            "kind": "overdue",
            "hold": "hold-W1",
            "warrant": "W1",
            "facility": "JAIL",
            "at": "2026-03-08T14:00:00Z",
            "due_at": "2026-03-08T14:00:00Z",
            "text": "x",
        }
    ]


def test_a_failed_delivery_keeps_the_alert_recorded_and_logs(
    jail: Custody,
    db: Database,
    clock: FixedClock,
    webhook: tuple[str, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, received = webhook
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.advance(timedelta(hours=49))
    with caplog.at_level(logging.ERROR), db.session() as session:
        raised = sweep(session, clock, WebhookNotifier(url + "/broken"))
    assert [a.kind for a in raised] == ["overdue"] and len(received) == 1
    assert "could not deliver alert overdue" in caplog.text
    with db.session() as session:
        assert sweep(session, clock, WebhookNotifier(url)) == []


def test_log_notifier_writes_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="wso.custody.alerts"):
        LogNotifier().notify(MESSAGE)
    assert "overdue W1" in caplog.text


def test_due_within_lists_open_holds_due_soon_overdue_first(jail: Custody, db: Database, clock: FixedClock) -> None:
    for n in (2, 3, 4):
        release = RELEASE + timedelta(hours=n)
        accepted(jail, "booking", {"id": f"B{n}", "facility": "JAIL", "scheduled_release": release.isoformat()})
        accepted(jail, "warrant.receive", {"id": f"W{n}", "booking": f"B{n}", "form": "I-200"})
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    for n in (2, 3, 4):
        clock.set(RELEASE + timedelta(hours=n))
        accepted(jail, "warrant.serve", {"warrant": f"W{n}", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "custody.transfer", {"warrant": "W3"})
    now = RELEASE + timedelta(hours=49)  # W1 is an hour overdue; W2 due in 1 h, W4 in 3 h
    with db.session() as session:
        assert due_within(session, now, timedelta(hours=2)) == [
            ("hold-W1", RELEASE + timedelta(hours=48)),
            ("hold-W2", RELEASE + timedelta(hours=50)),
        ]
        assert [h for h, _ in due_within(session, now, timedelta(hours=4))] == ["hold-W1", "hold-W2", "hold-W4"]
