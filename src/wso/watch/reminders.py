"""Records reminders: a requester's public-records due dates as a private iCalendar feed, and a reminder e-mail
some business days before each (`WSO_RECORDS_REMINDER_DAYS`).

The requests come from the records tracker through `wso.records`' public functions; a requester is known by the
e-mail address the tracker holds for them. The calendar's address carries a secret token (only its SHA-256 is
kept; it is shown once). A reminder e-mail goes through the outbox, once per request and due date, with a
one-click unsubscribe that stops every reminder to that address."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.program import BusinessCalendar
from wso.records import AWAITING, RequestView, list_requests
from wso.watch.messages import Site
from wso.watch.models import Calendar, Subscription
from wso.watch.subscriptions import check_email, enqueue


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar(session: Session, email: str, *, clock: Clock) -> str:
    """A new secret token for `email`'s calendar feed (/feeds/records/<token>.ics); shown once, never stored."""
    address = check_email(email)
    token = secrets.token_urlsafe(24)
    session.add(Calendar(email=address, token_sha256=_sha(token), created_at=clock.now()))
    return token


def calendar_owner(session: Session, token: str) -> str | None:
    """The address a calendar token was issued to, or None."""
    if not token or len(token) > 64:
        return None
    row = session.scalar(select(Calendar).where(Calendar.token_sha256 == _sha(token)))
    return row.email if row is not None else None


def awaited(session: Session, email: str) -> list[tuple[RequestView, date, str]]:
    """The requests of `email` still awaiting an answer, each with the day that counts (due, or follow-up where
    the law sets no deadline) and which it is."""
    wanted = email.strip().lower()
    out = []
    for view in list_requests(session, identified=True):
        owner = view.requester.email if view.requester else None
        if owner is None or owner.strip().lower() != wanted or view.status not in AWAITING:
            continue
        if view.due is not None:
            out.append((view, view.due, "due"))
        elif view.follow_up is not None:
            out.append((view, view.follow_up, "follow_up"))
    return out


def business_days_before(state: str, day: date, n: int) -> date:
    """The n-th business day before `day` in `state` (weekends and the state's public holidays skipped)."""
    calendar = BusinessCalendar(state, include_closures=False)
    count = 0
    while count < n:
        day -= timedelta(days=1)
        if calendar.is_business_day(day):
            count += 1
    return day


def records_calendar(session: Session, email: str, *, site: Site, now: datetime, reminder_days: int | None) -> bytes:
    """The iCalendar (RFC 5545) of `email`'s awaited answers: one all-day event per request, on its due date
    (or follow-up date), with an alarm `reminder_days` business days before when reminders are on."""
    from icalendar import Alarm, Event
    from icalendar import Calendar as ICalendar

    cal = ICalendar()
    cal.add("prodid", "-//wso//public-records due dates//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Public-records requests: answers due")
    for view, day, kind in awaited(session, email):
        event = Event()
        event.add("uid", f"records-{view.id}-{kind}@{site.host}")
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        verb = "answer due" if kind == "due" else "follow up (no deadline in the law)"
        event.add("summary", f"{view.agency} ({view.state}): records request {view.id}, {verb}")
        event.add(
            "description",
            f"{view.law_name} ({view.citation}). Sent {view.sent}; status {view.status}. "
            f"Deadline: {view.deadline_days or 'none'} {view.deadline_kind} days.",
        )
        event.add("transp", "TRANSPARENT")
        if reminder_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Records request {view.id}: {verb} on {day.isoformat()}")
            before = business_days_before(view.state, day, reminder_days)
            alarm.add("trigger", -(day - before))
            event.add_component(alarm)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def _contact(session: Session, email: str, now: datetime) -> Subscription | None:
    """The records-reminder subscription of `email` (made on its first reminder); None if its owner stopped it."""
    rows = list(
        session.scalars(
            select(Subscription)
            .where(Subscription.topic == "records", Subscription.target == email)
            .order_by(Subscription.id)
        )
    )
    if rows:
        return rows[-1] if rows[-1].status == "active" else None
    row = Subscription(
        topic="records",
        channel="email",
        target=email,
        status="active",
        origin="records",
        token=secrets.token_urlsafe(32),
        created_at=now,
        confirmed_at=now,
        failures=0,
    )
    session.add(row)
    session.flush()
    return row


def enqueue_reminders(session: Session, *, clock: Clock, days: int) -> int:
    """Put in the outbox a reminder for each awaited request whose day is `days` business days away or nearer
    (and not past), once per request and day. Returns how many were added."""
    now = clock.now()
    today = now.date()
    added = 0
    emails = {
        v.requester.email.strip()
        for v in list_requests(session, identified=True)
        if v.requester is not None and v.requester.email and v.status in AWAITING
    }
    for email in sorted(emails):
        for view, day, kind in awaited(session, email):
            if not business_days_before(view.state, day, days) <= today <= day:
                continue
            contact = _contact(session, email, now)
            if contact is None:
                break
            about = {
                "request": view.id,
                "agency": view.agency,
                "state": view.state,
                "law": view.law_name,
                "citation": view.citation,
                "sent": view.sent.isoformat() if view.sent else None,
                "when": day.isoformat(),
                "kind": kind,
            }
            added += enqueue(
                session, contact, key=f"rm-{view.id}-{day.isoformat()}", kind="reminder", payload=about, at=now
            )
    return added
