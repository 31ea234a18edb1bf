"""The server's own alert sweeps (`wso.web.sweeper`), on the app's fake clock and a wait that never sleeps: alerts
are raised on schedule and the console's board shows them without anyone pressing a button."""

from __future__ import annotations

import threading
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from wso.accounts import WebAction
from wso.clock import FixedClock
from wso.custody import Custody, MemoryNotifier
from wso.settings import get_settings
from wso.store import Database
from wso.web.sweeper import ACTOR, run_sweeps, start_alert_sweeps, sweep_once

from .conftest import seed_jail, sign_in

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}


def _served(database: Database, clock: FixedClock) -> Custody:
    seed_jail(database, clock)
    custody = Custody(database, clock, notifier=MemoryNotifier())
    assert custody.run("warrant.serve", SERVE, actor="seed").accepted
    return custody


def test_scheduled_sweeps_raise_alerts_the_board_shows_without_a_button(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    custody = _served(sqlite_db, clock)
    stop = threading.Event()
    steps = iter([timedelta(minutes=1), timedelta(hours=47), timedelta(hours=2)])
    seen: list[float] = []

    def wait(interval: float) -> bool:  # the schedule's pause: the clock moves on, nobody sleeps
        seen.append(interval)
        step = next(steps, None)
        if step is None:
            return True
        clock.advance(step)
        return False

    raised: list[int] = []

    def sweep() -> int:
        raised.append(sweep_once(custody, sqlite_db))
        return raised[-1]

    runs = run_sweeps(sweep, 60.0, stop, wait)
    assert runs == 4 and seen == [60.0] * 4
    assert sum(raised) >= 2 and raised[0] == 0  # nothing due a minute after service; later, each alert once
    assert sweep_once(custody, sqlite_db) == 0  # raised once: a further sweep raises nothing again
    sign_in(client, "clerk")
    home = client.get("/console").text
    assert 'id="alerts"' in home and 'id="no-alerts"' not in home and 'id="sweep-result"' not in home
    assert 'id="sweep"' not in home  # a clerk has no button, and needs none
    with sqlite_db.session() as session:
        journal = session.execute(select(WebAction.actor, WebAction.detail).where(WebAction.actor == ACTOR)).all()
    assert journal and all(detail.startswith("sweep: accepted") for _, detail in journal)


def test_a_failed_sweep_does_not_end_the_schedule() -> None:
    calls: list[int] = []

    def sweep() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database gone for a moment")
        return 0

    answers = iter([False, False, True])
    assert run_sweeps(sweep, 1.0, threading.Event(), lambda _: next(answers)) == 3 and len(calls) == 3


def test_the_thread_sweeps_at_once_and_stops_when_asked(sqlite_db: Database, clock: FixedClock) -> None:
    _served(sqlite_db, clock)
    clock.advance(timedelta(hours=49))  # past the 48 hours: alerts are due
    off = get_settings().model_copy(update={"alert_sweep_seconds": 0})
    assert start_alert_sweeps(sqlite_db, off, clock, MemoryNotifier()) is None
    hourly = get_settings().model_copy(update={"alert_sweep_seconds": 3600})
    notifier = MemoryNotifier()
    started = start_alert_sweeps(sqlite_db, hourly, clock, notifier)
    assert started is not None
    thread, stop = started
    stop.set()  # the first sweep runs at once; the wait after it ends at once
    thread.join(timeout=30)
    assert not thread.is_alive() and notifier.sent  # raised, and sent through the app's notifier
    with sqlite_db.session() as session:
        assert session.scalars(select(WebAction.detail).where(WebAction.actor == ACTOR)).all()
