"""The tracker against a model of it (hypothesis state machine): any sequence of events, dates and extensions, legal
or not, leaves a request exactly where the model says, and a refused event writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.records.test_tracker import EXPECTED, snapshot
from wso.clock import FixedClock
from wso.records import (
    EVENTS,
    BadEventDate,
    IllegalTransition,
    TrackerError,
    due_dates,
    due_requests,
    facts_for,
    log_event,
    new_request,
    show_request,
)
from wso.store import Database

CLOCK = FixedClock(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
TODAY = date(2027, 3, 1)
START = date(2026, 11, 2)
AWAITING_ANSWER = {"sent", "acknowledged", "extended", "fee-estimate", "partially-produced"}
"""The statuses `wso records due` lists (docs/records.md says which)."""


@dataclass
class Model:
    state: str
    status: str
    sent: date | None
    due: date | None
    follow_up: date | None
    last: date | None
    events: int


class TrackerMachine(RuleBasedStateMachine):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.request_id = 0
        self.model = Model("TX", "draft", None, None, None, None, 0)

    @initialize(
        state=st.sampled_from(["TX", "CA", "AL"]),  # business days, calendar days, no number
        sent_after=st.none() | st.integers(min_value=0, max_value=60),
    )
    def create(self, state: str, sent_after: int | None) -> None:
        sent = None if sent_after is None else START + timedelta(sent_after)
        with self.db.session() as session:
            view = new_request(
                session, agency="Harris County Sheriff's Office", facts=facts_for(state), clock=CLOCK, sent=sent
            )
        self.request_id = view.id
        dates = due_dates(facts_for(state), sent) if sent is not None else None
        self.model = Model(
            state=state,
            status="draft" if sent is None else "sent",
            sent=sent,
            due=dates.due if dates else None,
            follow_up=dates.follow_up if dates else None,
            last=sent,
            events=0 if sent is None else 1,
        )

    def refusal(self, event: str, on: date, due: date | None) -> type[TrackerError] | None:
        """Why the model refuses `event` on `on` (with new due date `due`), or None when it takes it."""
        m = self.model
        if event not in EXPECTED[m.status]:
            return IllegalTransition
        if on > TODAY or (m.last is not None and on < m.last):
            return BadEventDate
        if event == "extended":
            current = m.due or m.follow_up
            if due is None or due < on or (current is not None and due <= current):
                return BadEventDate
        elif due is not None:
            return BadEventDate
        return None

    @rule(
        event=st.sampled_from(EVENTS),
        gap=st.integers(min_value=-3, max_value=30),
        due_after=st.none() | st.integers(min_value=-5, max_value=60),
    )
    def log_any(self, event: str, gap: int, due_after: int | None) -> None:
        """Any event, any date, with or without a new due date: mostly refused."""
        self.log(event, gap, due_after)

    @precondition(lambda self: bool(EXPECTED[self.model.status]))
    @rule(data=st.data(), gap=st.integers(min_value=0, max_value=20), due_after=st.integers(min_value=0, max_value=60))
    def log_allowed(self, data: st.DataObject, gap: int, due_after: int) -> None:
        """An event that may follow the status (a new due date only for an extension): mostly applied."""
        event = data.draw(st.sampled_from(sorted(EXPECTED[self.model.status])))
        self.log(event, gap, due_after if event == "extended" else None)

    def log(self, event: str, gap: int, due_after: int | None) -> None:
        on = (self.model.last or START) + timedelta(gap)
        due = None if due_after is None else on + timedelta(due_after)
        refused = self.refusal(event, on, due)
        before = snapshot(self.db, self.request_id)
        if refused is not None:
            with pytest.raises(refused), self.db.session() as session:
                log_event(session, self.request_id, event, clock=CLOCK, on=on, due=due)
            assert snapshot(self.db, self.request_id) == before
            return
        with self.db.session() as session:
            log_event(session, self.request_id, event, clock=CLOCK, on=on, due=due)
        m = self.model
        if event == "sent":
            dates = due_dates(facts_for(m.state), on)
            m.sent, m.due, m.follow_up = on, dates.due, dates.follow_up
        elif event == "extended":
            m.due, m.follow_up = due, None
        m.status, m.last, m.events = event, on, m.events + 1

    @invariant()
    def matches_the_model(self) -> None:
        if not self.request_id:
            return
        with self.db.session() as session:
            view = show_request(session, self.request_id)
            listed = {entry.id for entry in due_requests(session, date(2100, 1, 1))}
        m = self.model
        assert (view.status, view.sent, view.due, view.follow_up) == (m.status, m.sent, m.due, m.follow_up)
        assert len(view.events) == m.events
        assert [e.seq for e in view.events] == list(range(1, m.events + 1))
        if view.events:
            assert view.events[-1].event == m.status and view.events[-1].on == m.last
        assert (self.request_id in listed) == (m.status in AWAITING_ANSWER)


def test_the_tracker_follows_its_model(module_db: Database) -> None:
    run_state_machine_as_test(
        lambda: TrackerMachine(module_db),
        settings=settings(
            max_examples=30, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
