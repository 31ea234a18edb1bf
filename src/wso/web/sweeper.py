"""The server's own alert sweeps: `wso serve` raises every custody alert that is due, once each, every
`WSO_ALERT_SWEEP_SECONDS` (default 60; 0 turns it off) on a thread, with the app's clock and notifier, so that the
console shows alerts without anyone pressing "Run a sweep now". A sweep that raised something is journaled with the
actor `scheduler`; a failed sweep is logged and the next one tries again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from wso.accounts import record_action
from wso.clock import Clock
from wso.custody import Custody, Notifier
from wso.settings import Settings
from wso.store import Database

ACTOR = "scheduler"
log = logging.getLogger(__name__)


def sweep_once(custody: Custody, database: Database) -> int:
    """Raise what is due now (custody's `sweep` command, as the scheduler); the number of alerts raised."""
    result = custody.run("sweep", {}, actor=ACTOR)
    if result.accepted and result.alerts:
        with database.session() as session:
            record_action(
                session,
                at=custody.clock.now(),
                actor=ACTOR,
                kind="command",
                detail=f"sweep: accepted: {result.message}",
                ok=True,
                remote=None,
            )
    return len(result.alerts)


def run_sweeps(
    sweep: Callable[[], int], interval: float, stop: threading.Event, wait: Callable[[float], bool] | None = None
) -> int:
    """Sweep at once, then after every `interval` seconds until `stop` is set (`wait(interval)` answers True when
    it is: `stop.wait` unless a test gives its own); the number of sweeps run."""
    pause = wait or stop.wait
    runs = 0
    while True:
        try:
            sweep()
        except Exception:  # a database gone for a moment must not end the schedule: log it, try again next time
            log.exception("wso: the scheduled alert sweep failed; trying again in %s s", interval)
        runs += 1
        if stop.is_set() or pause(interval):
            return runs


def start_alert_sweeps(
    database: Database, settings: Settings, clock: Clock, notifier: Notifier
) -> tuple[threading.Thread, threading.Event] | None:
    """The sweeps on a daemon thread (None when `settings.alert_sweep_seconds` is 0); set the event to stop them."""
    if settings.alert_sweep_seconds <= 0:
        return None
    custody = Custody(
        database,
        clock,
        detainer_reading=settings.detainer_reading,
        service_tolerance=timedelta(minutes=settings.service_tolerance_minutes),
        notifier=notifier,
    )
    stop = threading.Event()
    thread = threading.Thread(
        target=run_sweeps,
        args=(lambda: sweep_once(custody, database), float(settings.alert_sweep_seconds), stop),
        name="wso-alert-sweeps",
        daemon=True,
    )
    thread.start()
    return thread, stop
