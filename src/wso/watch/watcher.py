"""The watcher: fetch ICE's lists, record what changed, deliver it; once (`wso watch --once`) or on a schedule.

One cycle: take the lease (one watcher at a time), download both lists with `wso registry fetch` (retried with
backoff when ICE is down or slow), record the changes and put them in the outbox in one transaction, send what
the outbox holds, write the static feeds if asked, and record the run. Deliveries do not wait for ICE: a run
whose download failed still sends what is waiting. After `alert_after` failed runs in a row the watcher raises
its alert once (logged, shown by `wso watch status`, e-mailed to `alert_email` if set)."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.mime.text import MIMEText
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from wso.clock import Clock
from wso.settings import Settings
from wso.store import Database

if TYPE_CHECKING:  # httpx is loaded by a fetch, not by `wso serve`'s start (0.1 s)
    import httpx
from wso.watch.changes import record_changes
from wso.watch.models import Lease, Run
from wso.watch.outbox import DeliveryReport, Sender, deliver_due, enqueue_events
from wso.watch.transports import TransportError

log = logging.getLogger("wso.watch")
LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class WatchConfig:
    """What a cycle needs to know, from the settings."""

    urls: dict[str, str]
    data_dir: Path
    fetch_timeout: float = 60.0
    fetch_attempts: int = 4
    alert_after: int = 3
    alert_email: str | None = None
    feeds_dir: Path | None = None
    interval: int = 3600
    jitter: int = 300
    reminder_days: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> WatchConfig:
        return cls(
            urls={"participating": settings.fetch_participating_url, "pending": settings.fetch_pending_url},
            data_dir=settings.data_dir,
            fetch_timeout=settings.watch_fetch_timeout,
            fetch_attempts=settings.watch_fetch_attempts,
            alert_after=settings.watch_alert_after,
            alert_email=settings.watch_alert_email,
            feeds_dir=settings.watch_feeds_dir,
            interval=settings.watch_interval,
            jitter=settings.watch_jitter,
            reminder_days=settings.records_reminder_days,
        )


@dataclass
class RunReport:
    run_id: int | None
    outcome: str  # ok | failed | busy (another watcher holds the lease)
    error: str | None = None
    new_publications: int = 0
    events: int = 0
    queued: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    alerted: bool = False
    feeds: list[Path] = field(default_factory=list)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def holder_is_dead(holder: str) -> bool:
    """Whether the lease's holder was a process on this machine that no longer runs (killed, say): its lease
    need not be waited out."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_lease(database: Database, clock: Clock, holder: str) -> bool:
    """Take the watcher's lease unless another live watcher holds it."""
    now = clock.now()
    try:
        with database.session() as session:
            lease = session.get(Lease, "watcher", with_for_update=True)
            if lease is None:
                session.add(Lease(name="watcher", holder=holder, expires_at=now + LEASE))
                return True
            if lease.holder != holder and lease.expires_at > now and not holder_is_dead(lease.holder):
                return False
            lease.holder, lease.expires_at = holder, now + LEASE
            return True
    except IntegrityError:  # another watcher took it at the same moment
        return False


def give_lease(database: Database, holder: str) -> None:
    with database.session() as session:
        lease = session.get(Lease, "watcher")
        if lease is not None and lease.holder == holder:
            session.delete(lease)


def _fetch(
    database: Database,
    *,
    clock: Clock,
    config: WatchConfig,
    client: httpx.Client | None,
    sleep: Callable[[float], None],
) -> None:
    """`wso registry fetch` into the database, tried `fetch_attempts` times with backoff (2 s, 4 s, 8 s, ...)."""
    # an exported module of wso.registry, kept out of `import wso.registry`: it loads httpx
    import httpx

    from wso.registry.fetch import FetchError, fetch

    own = client is None
    http = client or httpx.Client(
        follow_redirects=True, timeout=httpx.Timeout(config.fetch_timeout), headers={"User-Agent": "wso-watch"}
    )
    try:
        for attempt in range(1, config.fetch_attempts + 1):
            try:
                with database.session() as session:
                    fetch(session, clock=clock, data_dir=config.data_dir, urls=config.urls, client=http)
                return
            except FetchError as exc:
                if attempt == config.fetch_attempts:
                    raise
                log.warning("fetch attempt %d of %d failed: %s", attempt, config.fetch_attempts, exc)
                sleep(2.0**attempt)
    finally:
        if own:
            http.close()


def _failed_in_a_row(database: Database) -> int:
    with database.session() as session:
        outcomes = session.scalars(
            select(Run.outcome).where(Run.outcome != "running").order_by(Run.id.desc()).limit(1000)
        )
        count = 0
        for outcome in outcomes:
            if outcome != "failed":
                break
            count += 1
        return count


def _alert(config: WatchConfig, sender: Sender, clock: Clock, failed: int, error: str) -> None:
    text = f"wso watch: {failed} runs in a row could not read ICE's lists; the last said: {error}"
    log.error(text)
    if config.alert_email is None:
        return
    message = MIMEText(text + "\n\n`wso watch status` shows the runs.\n", "plain", "utf-8")
    message["From"], message["To"] = sender.mail_from, config.alert_email
    message["Subject"] = f"wso watch: {failed} failed runs in a row"
    message["Date"] = format_datetime(clock.now())
    try:
        sender.transports.mail.send(message)
    except TransportError as exc:
        log.error("the alert could not be e-mailed to %s: %s", config.alert_email, exc)


def run_once(
    database: Database,
    *,
    clock: Clock,
    config: WatchConfig,
    sender: Sender,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    write_feeds: Callable[[Database, Path], list[Path]] | None = None,
    enqueue_reminders: Callable[[Database], int] | None = None,
) -> RunReport:
    """One fetch-and-deliver cycle."""
    holder = holder_name()
    if not take_lease(database, clock, holder):
        return RunReport(None, "busy", "another watcher is running (its lease has not expired)")
    try:
        with database.session() as session:
            run = Run(started_at=clock.now(), outcome="running", new_publications=0, events=0, sent=0, alerted=False)
            session.add(run)
            session.flush()
            report = RunReport(run.id, "ok")
        try:
            _fetch(database, clock=clock, config=config, client=client, sleep=sleep)
        except Exception as exc:  # the download or the reading of what came: the run fails, deliveries go on
            report.outcome, report.error = "failed", str(exc)
            log.error("fetching ICE's lists failed: %s", exc)
        with database.session() as session:
            events, report.new_publications = record_changes(session, clock=clock)
            report.events = len(events)
            report.queued = enqueue_events(session, events, clock=clock)
        if enqueue_reminders is not None:
            report.queued += enqueue_reminders(database)
        report.delivery = deliver_due(database, clock=clock, sender=sender)
        if write_feeds is not None and config.feeds_dir is not None:
            report.feeds = write_feeds(database, config.feeds_dir)
        with database.session() as session:
            row = session.get(Run, report.run_id)
            assert row is not None
            row.finished_at, row.outcome, row.error = clock.now(), report.outcome, report.error
            row.new_publications, row.events, row.sent = report.new_publications, report.events, report.delivery.sent
        if report.outcome == "failed":
            failed = _failed_in_a_row(database)
            if failed == config.alert_after:
                report.alerted = True
                _alert(config, sender, clock, failed, str(report.error))
                with database.session() as session:
                    row = session.get(Run, report.run_id)
                    assert row is not None
                    row.alerted = True
        return report
    finally:
        give_lease(database, holder)


def run_forever(
    database: Database,
    *,
    clock: Clock,
    config: WatchConfig,
    sender: Sender,
    stop: threading.Event,
    rng: random.Random | None = None,
    write_feeds: Callable[[Database, Path], list[Path]] | None = None,
    enqueue_reminders: Callable[[Database], int] | None = None,
) -> None:
    """Run a cycle, wait `interval` seconds plus up to `jitter` at random, again, until `stop` is set."""
    chance = rng or random.Random()
    while not stop.is_set():
        try:
            report = run_once(
                database,
                clock=clock,
                config=config,
                sender=sender,
                write_feeds=write_feeds,
                enqueue_reminders=enqueue_reminders,
            )
            log.info(
                "watch run %s: %s, %d new publications, %d changes, %d sent",
                report.run_id,
                report.outcome,
                report.new_publications,
                report.events,
                report.delivery.sent,
            )
        except Exception:  # a cycle that breaks is logged; the schedule goes on
            log.exception("watch run failed")
        stop.wait(config.interval + chance.uniform(0, config.jitter))
