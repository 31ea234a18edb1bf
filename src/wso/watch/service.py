"""The watcher wired from the settings: transports, the site's address, the feeds folder, the reminders. The CLI
and `wso serve` call these; tests wire the parts by hand."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from wso.clock import Clock
from wso.settings import Settings
from wso.store import Database
from wso.watch.feeds import write_feeds
from wso.watch.messages import Site
from wso.watch.outbox import Sender
from wso.watch.reminders import enqueue_reminders
from wso.watch.transports import HttpWebhooks, MailTransport, NoMail, SmtpMail, Transports
from wso.watch.watcher import RunReport, WatchConfig, run_forever, run_once


def mail_from_settings(settings: Settings) -> MailTransport:
    if not settings.smtp_host:
        return NoMail()
    return SmtpMail(
        settings.smtp_host,
        settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        ca_file=settings.smtp_ca_file,
    )


def sender_from_settings(settings: Settings) -> Sender:
    transports = Transports(HttpWebhooks(), mail_from_settings(settings))
    return Sender(
        transports,
        Site(settings.public_url),
        settings.smtp_from,
        attempts=settings.watch_delivery_attempts,
        concurrency=settings.watch_concurrency,
    )


def close(sender: Sender) -> None:
    for transport in (sender.transports.webhooks, sender.transports.mail):
        closer = getattr(transport, "close", None)
        if closer is not None:
            closer()


Hooks = tuple[Callable[[Database, Path], list[Path]], Callable[[Database], int]]


def _hooks(settings: Settings, clock: Clock, site: Site) -> Hooks:
    def feeds(database: Database, out: Path) -> list[Path]:
        with database.session() as session:
            return write_feeds(session, out, site=site, now=clock.now())

    def reminders(database: Database) -> int:
        days = settings.records_reminder_days
        if days is None:
            return 0
        with database.session() as session:
            return enqueue_reminders(session, clock=clock, days=days)

    return feeds, reminders


def run_once_with_settings(database: Database, settings: Settings, clock: Clock) -> RunReport:
    sender = sender_from_settings(settings)
    hooks = _hooks(settings, clock, sender.site)
    try:
        return run_once(
            database,
            clock=clock,
            config=WatchConfig.from_settings(settings),
            sender=sender,
            write_feeds=hooks[0],
            enqueue_reminders=hooks[1],
        )
    finally:
        close(sender)


def run_forever_with_settings(database: Database, settings: Settings, clock: Clock, stop: threading.Event) -> None:
    sender = sender_from_settings(settings)
    hooks = _hooks(settings, clock, sender.site)
    try:
        run_forever(
            database,
            clock=clock,
            config=WatchConfig.from_settings(settings),
            sender=sender,
            stop=stop,
            write_feeds=hooks[0],
            enqueue_reminders=hooks[1],
        )
    finally:
        close(sender)


def start_in_background(
    database: Database, settings: Settings, clock: Clock
) -> tuple[threading.Thread, threading.Event]:
    """The watcher on a daemon thread (for `wso serve` with WSO_WATCH_IN_SERVE); set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever_with_settings, args=(database, settings, clock, stop), name="wso-watch", daemon=True
    )
    thread.start()
    return thread, stop
