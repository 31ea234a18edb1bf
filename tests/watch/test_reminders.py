"""Records reminders: an e-mail some business days before an answer is due, once per request and due date, with
a one-click unsubscribe; the calendar's alarm on the same day. The tracker is read through wso.records."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from tests.watch.conftest import SITE
from wso.clock import FixedClock
from wso.records import Requester, facts_for, log_event, new_request
from wso.store import Database
from wso.watch import records_calendar, unsubscribe
from wso.watch.models import Subscription
from wso.watch.outbox import Sender, deliver_due
from wso.watch.reminders import business_days_before, enqueue_reminders
from wso.watch.transports import MemoryMail, MemoryWebhooks, Transports


def test_business_days_before_skip_weekends_and_the_states_holidays() -> None:
    assert business_days_before("TX", date(2025, 6, 3), 2) == date(2025, 5, 30)  # Mon Jun 2, Fri May 30
    assert business_days_before("TX", date(2025, 5, 28), 2) == date(2025, 5, 23)  # Memorial Day is skipped
    assert business_days_before("TX", date(2025, 5, 28), 0) == date(2025, 5, 28)


def test_a_reminder_goes_once_before_the_due_date_and_stops_when_asked(db: Database) -> None:
    clock = FixedClock(datetime(2025, 5, 29, 13, 0, tzinfo=UTC))
    mail = MemoryMail()
    sender = Sender(Transports(MemoryWebhooks(), mail), SITE, "wso <w@example.org>", rng=random.Random(0))
    with db.session() as session:
        for agency, sent in (
            ("Burnet County Sheriff's Office", date(2025, 5, 19)),
            ("Llano County", date(2025, 5, 20)),
        ):
            new_request(
                session,
                agency=agency,
                facts=facts_for("TX"),
                clock=clock,
                sent=sent,
                requester=Requester("Ana Pérez", email="ana@example.org"),
            )
    # due 2025-06-03 and 2025-06-04; two business days before: May 30 and Jun 2
    with db.session() as session:
        assert enqueue_reminders(session, clock=clock, days=2) == 0
    clock.set(datetime(2025, 5, 30, 13, 0, tzinfo=UTC))
    with db.session() as session:
        assert enqueue_reminders(session, clock=clock, days=2) == 1
        assert enqueue_reminders(session, clock=clock, days=2) == 0  # once per request and due date
    assert deliver_due(db, clock=clock, sender=sender).sent == 1
    (reminder,) = mail.sent
    assert str(reminder["To"]) == "ana@example.org"
    assert str(reminder["Subject"]) == "Records request 1: Burnet County Sheriff's Office must answer by 2025-06-03"
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with db.session() as session:  # the agency answers the first; the second's reminder day comes
        log_event(session, 1, "produced", clock=clock)
    clock.set(datetime(2025, 6, 2, 13, 0, tzinfo=UTC))
    with db.session() as session:
        assert enqueue_reminders(session, clock=clock, days=2) == 1
        token = session.query(Subscription.token).filter(Subscription.topic == "records").scalar()
        assert unsubscribe(session, str(token), clock=clock) is not None
    assert deliver_due(db, clock=clock, sender=sender).sent == 0  # stopped before it went: dropped
    with db.session() as session:
        log_event(session, 2, "extended", clock=clock, due=date(2025, 6, 10))
    clock.set(datetime(2025, 6, 6, 13, 0, tzinfo=UTC))
    with db.session() as session:
        assert enqueue_reminders(session, clock=clock, days=2) == 0  # the requester said stop
        ics = Calendar.from_ical(
            records_calendar(session, "ana@example.org", site=SITE, now=clock.now(), reminder_days=2)
        )
    (event,) = ics.walk("VEVENT")
    assert event.decoded("dtstart") == date(2025, 6, 10)
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=4)  # Thursday Jun 5: two business days before Tuesday
