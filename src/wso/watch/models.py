"""The watch room's tables: subscriptions, the changes seen, the durable outbox, runs, cursors, calendars.

A subscriber's address or webhook URL (`target`), a webhook's secret, and a calendar's owner are personal data:
they live only in these tables and are never shown on a public page or in a default listing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wso.store import Base, UTCDateTime


class Subscription(Base):
    """Who is told what: a channel and its target, a filter, and where the subscription stands."""

    __tablename__ = "watch_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(10))  # registry (ICE's lists) | records (due-date reminders)
    channel: Mapped[str] = mapped_column(String(8))  # webhook | email
    target: Mapped[str] = mapped_column(Text)  # personal data: the URL or the e-mail address
    secret: Mapped[str | None] = mapped_column(String(80))  # a webhook's signing secret (shown once)
    state: Mapped[str | None] = mapped_column(String(2))
    county: Mapped[str | None] = mapped_column(String(100))
    agency_id: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(3))
    change: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | active | removed
    origin: Mapped[str] = mapped_column(String(8))  # cli | web | records
    token: Mapped[str] = mapped_column(String(64), unique=True)  # confirm and unsubscribe links
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # deliveries that failed for good, in a row
    last_error: Mapped[str | None] = mapped_column(Text)


class WatchEvent(Base):
    """One change between two of ICE's publications, as told (or, for history, as recorded for the feeds)."""

    __tablename__ = "watch_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # derived: the same change has the same id
    seq: Mapped[int] = mapped_column(Integer, index=True)  # order of recording, for the feeds
    change: Mapped[str] = mapped_column(String(16))  # signed | removed | redated | pending_listed | pending_signed
    correction: Mapped[bool] = mapped_column(Boolean, default=False)
    corrects: Mapped[str | None] = mapped_column(String(40))  # the event a correction takes back
    agreement_id: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[str] = mapped_column(String(100), index=True)
    agency_name: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(2), index=True)
    county: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(3), index=True)
    signed: Mapped[date | None] = mapped_column(Date)
    signed_before: Mapped[date | None] = mapped_column(Date)
    list_kind: Mapped[str] = mapped_column(String(16))  # participating | pending
    old_label: Mapped[str] = mapped_column(String(40))
    old_sha256: Mapped[str] = mapped_column(String(64))
    old_published: Mapped[date] = mapped_column(Date)
    new_label: Mapped[str] = mapped_column(String(40))
    new_sha256: Mapped[str] = mapped_column(String(64), index=True)
    new_published: Mapped[date] = mapped_column(Date)
    history: Mapped[bool] = mapped_column(Boolean, default=False)  # recorded on the first run: told to nobody
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """The durable outbox: one message to one subscription, sent at least once under its idempotency key."""

    __tablename__ = "watch_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # the receiver's dedupe key (webhook-id, Message-ID)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("watch_subscriptions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # event | digest | confirm | reminder
    payload: Mapped[str] = mapped_column(Text)  # JSON: event ids, or what a reminder is about
    status: Mapped[str] = mapped_column(String(8), index=True)  # pending | sent | failed | dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Recipient(Base):
    """Which subscription was sent which event: a correction goes to exactly those who were told the original."""

    __tablename__ = "watch_recipients"

    event_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Cursor(Base):
    """How far the watcher has read each of ICE's lists: the last publication it compared, and the one before."""

    __tablename__ = "watch_cursors"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # participating | pending
    sha256: Mapped[str] = mapped_column(String(64))
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Run(Base):
    """One cycle of the watcher: when, what came of it, and whether it raised the alert."""

    __tablename__ = "watch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(8))  # running | ok | failed
    error: Mapped[str | None] = mapped_column(Text)
    new_publications: Mapped[int] = mapped_column(Integer, default=0)
    events: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)


class Lease(Base):
    """One watcher at a time: a named lease with an expiry, taken before a cycle and given back after."""

    __tablename__ = "watch_leases"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Calendar(Base):
    """A requester's private iCalendar feed of their public-records due dates; only the token's hash is kept."""

    __tablename__ = "watch_calendars"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(300), index=True)  # personal data
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
