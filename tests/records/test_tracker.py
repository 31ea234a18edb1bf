"""The tracker: every transition, legal and illegal (refused with a message, writing nothing), due lists, privacy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from wso.clock import FixedClock
from wso.records import (
    EVENTS,
    STATUSES,
    TRANSITIONS,
    BadEventDate,
    IllegalTransition,
    Requester,
    TrackerError,
    UnknownEvent,
    UnknownRequest,
    due_dates,
    due_requests,
    facts_for,
    list_requests,
    log_event,
    new_request,
    record_set,
    show_request,
)
from wso.records.models import RecordsRequest, RecordsRequestEvent
from wso.store import Database

CLOCK = FixedClock(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
SENT = date(2026, 11, 20)

# What may follow what, written out from the issue's lifecycle (independently of wso.records.tracker.TRANSITIONS).
# While an answer is awaited the requester may also appeal (no answer in time is a denial under many laws, and fee
# estimates can be appealed); an appeal may be taken further; nothing follows `closed`.
AWAITED = {"extended", "fee-estimate", "produced", "partially-produced", "denied", "appealed", "closed"}
EXPECTED: dict[str, set[str]] = {
    "draft": {"sent", "closed"},
    "sent": AWAITED | {"acknowledged"},
    "acknowledged": AWAITED,
    "extended": AWAITED,
    "fee-estimate": AWAITED,
    "partially-produced": AWAITED,
    "produced": {"appealed", "closed"},
    "denied": {"appealed", "closed"},
    "appealed": {"produced", "partially-produced", "denied", "appealed", "closed"},
    "closed": set(),
}
# How to reach each status from a new request sent on SENT (None: a draft, never sent).
PATHS: dict[str, list[str] | None] = {
    "draft": None,
    "sent": [],
    "acknowledged": ["acknowledged"],
    "extended": ["extended"],
    "fee-estimate": ["fee-estimate"],
    "partially-produced": ["partially-produced"],
    "produced": ["produced"],
    "denied": ["denied"],
    "appealed": ["denied", "appealed"],
    "closed": ["closed"],
}


def later(n: int) -> date:
    return date(2026, 12, 1 + n)


def make(db: Database, status: str, state: str = "TX") -> int:
    path = PATHS[status]
    with db.session() as session:
        view = new_request(
            session,
            agency="Harris County Sheriff's Office",
            facts=facts_for(state),
            clock=CLOCK,
            sent=None if path is None else SENT,
            requester=Requester("Ana Pérez", "ana@example.org", "1 Main St, Houston, TX 77002"),
        )
        for n, event in enumerate(path or []):
            due = date(2027, 1, 15) if event == "extended" else None
            log_event(session, view.id, event, clock=CLOCK, on=later(n), due=due)
        return view.id


def snapshot(db: Database, request_id: int) -> tuple[object, ...]:
    with db.session() as session:
        row = session.get(RecordsRequest, request_id)
        assert row is not None
        events = session.scalar(
            select(func.count()).select_from(RecordsRequestEvent).where(RecordsRequestEvent.request_id == request_id)
        )
        return (row.status, row.due_on, row.follow_up_on, row.sent_on, row.updated_at, events)


def test_the_expected_table_covers_every_status_and_event() -> None:
    assert set(EXPECTED) == set(PATHS)
    assert all(events <= set(EVENTS) for events in EXPECTED.values())


PAIRS = [(status, event) for status in EXPECTED for event in EVENTS]
ON = date(2027, 1, 20)
NEW_DUE = date(2027, 2, 26)


def totals(db: Database) -> tuple[int, int]:
    """How many requests and events the whole database holds."""
    with db.session() as session:
        requests = session.scalar(select(func.count()).select_from(RecordsRequest))
        events = session.scalar(select(func.count()).select_from(RecordsRequestEvent))
    return int(requests or 0), int(events or 0)


def show_request_status(db: Database, request_id: int) -> str:
    with db.session() as session:
        return show_request(session, request_id).status


def test_the_table_below_has_every_status_event_pair() -> None:
    assert len(PAIRS) == len(STATUSES) * len(EVENTS) == 90
    assert {status: set(events) for status, events in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize(
    ("status", "event"), PAIRS, ids=[f"{e}-after-{s}-{'legal' if e in EXPECTED[s] else 'illegal'}" for s, e in PAIRS]
)
def test_every_event_after_every_status_is_applied_or_refused_writing_nothing(
    module_db: Database, status: str, event: str
) -> None:
    request_id = make(module_db, status)
    assert show_request_status(module_db, request_id) == status
    before, everything = snapshot(module_db, request_id), totals(module_db)
    due = NEW_DUE if event == "extended" else None
    if event in EXPECTED[status]:
        with module_db.session() as session:
            view = log_event(session, request_id, event, clock=CLOCK, on=ON, due=due)
        assert view.status == event == show_request_status(module_db, request_id)
        assert (view.events[-1].seq, view.events[-1].event, view.events[-1].on) == (len(view.events), event, ON)
        assert totals(module_db) == (everything[0], everything[1] + 1)
        if event == "sent":
            assert (view.sent, view.due) == (ON, due_dates(facts_for("TX"), ON).due)
        elif event == "extended":
            assert (view.due, view.follow_up, view.events[-1].due) == (NEW_DUE, None, NEW_DUE)
        else:  # other events leave the dates alone
            assert (view.due, view.follow_up, view.sent) == before[1:4]
    else:
        with pytest.raises(IllegalTransition) as caught, module_db.session() as session:
            log_event(session, request_id, event, clock=CLOCK, on=ON, due=due)
        assert f"request {request_id} is {status}: {event!r} cannot follow it" in str(caught.value)
        assert snapshot(module_db, request_id) == before
        assert totals(module_db) == everything


def test_a_new_request_gets_its_due_date_and_prints_the_issues_fields(db: Database) -> None:
    with db.session() as session:
        view = new_request(
            session, agency="Harris County Sheriff's Office", facts=facts_for("TX"), clock=CLOCK, sent=SENT
        )
    assert (view.state, view.citation, view.sent, view.deadline_kind, view.deadline_days) == (
        "TX",
        "Tex. Gov't Code ch. 552",
        SENT,
        "business",
        10,
    )
    assert view.due == date(2026, 12, 8) and view.follow_up is None and view.status == "sent"
    assert [(e.seq, e.event, e.on) for e in view.events] == [(1, "sent", SENT)]
    assert len(view.sets) == 10


def test_a_draft_gets_its_due_date_when_sent(db: Database) -> None:
    request_id = make(db, "draft", state="CA")
    with db.session() as session:
        assert show_request(session, request_id).due is None
        view = log_event(session, request_id, "sent", clock=CLOCK, on=date(2026, 11, 16))
    assert view.due == date(2026, 11, 30)  # California, 10 calendar days over Thanksgiving


def test_a_law_with_no_number_gets_a_follow_up_date(db: Database) -> None:
    with db.session() as session:
        view = new_request(
            session, agency="Mobile County Sheriff", facts=facts_for("AL"), clock=CLOCK, sent=date(2026, 11, 16)
        )
    assert view.due is None and view.follow_up == date(2026, 12, 1)


def test_an_extension_replaces_the_due_date(db: Database) -> None:
    request_id = make(db, "sent")
    with db.session() as session:
        view = log_event(session, request_id, "extended", clock=CLOCK, on=date(2026, 12, 4), due=date(2026, 12, 22))
    assert view.due == date(2026, 12, 22)
    assert view.events[-1].due == date(2026, 12, 22)
    with db.session() as session:
        view = log_event(session, request_id, "extended", clock=CLOCK, on=date(2026, 12, 21), due=date(2027, 1, 8))
    assert view.due == date(2027, 1, 8)


@pytest.mark.parametrize(
    ("on", "due", "message"),
    [
        (date(2026, 12, 4), None, "needs its new due date"),
        (date(2026, 12, 4), date(2026, 12, 3), "is before the extension itself"),
        (date(2026, 12, 4), date(2026, 12, 8), "is not later than the current one"),
        (date(2026, 11, 19), date(2026, 12, 22), "is before the request's last event"),
        (date(2027, 3, 2), date(2027, 3, 22), "is after today"),
    ],
)
def test_a_bad_extension_is_refused_writing_nothing(db: Database, on: date, due: date | None, message: str) -> None:
    request_id = make(db, "sent")
    before = snapshot(db, request_id)
    with pytest.raises(BadEventDate, match=message), db.session() as session:
        log_event(session, request_id, "extended", clock=CLOCK, on=on, due=due)
    assert snapshot(db, request_id) == before


def test_only_an_extension_takes_a_due_date(db: Database) -> None:
    request_id = make(db, "sent")
    with pytest.raises(BadEventDate, match="only an extension"), db.session() as session:
        log_event(session, request_id, "produced", clock=CLOCK, on=date(2026, 12, 4), due=date(2026, 12, 22))


def test_unknown_ids_and_events_are_refused(db: Database) -> None:
    request_id = make(db, "sent")
    with db.session() as session:
        with pytest.raises(UnknownRequest, match="no public-records request with id 999"):
            log_event(session, 999, "produced", clock=CLOCK)
        with pytest.raises(UnknownRequest, match="id abc"):
            show_request(session, "abc")
        # Beyond a 64-bit integer the database cannot be asked at all (the fuzzer's 500 on the console).
        for huge in (2**63, 99999999999999999999999, -(2**63) - 1):
            with pytest.raises(UnknownRequest, match=f"id {huge}"):
                show_request(session, huge)
        with pytest.raises(UnknownEvent, match="'lost'; accepted: sent, acknowledged"):
            log_event(session, request_id, "lost", clock=CLOCK)


def test_a_future_sent_date_is_refused(db: Database) -> None:
    with pytest.raises(BadEventDate, match="sent date 2027-03-02 is after today"), db.session() as session:
        new_request(session, agency="X", facts=facts_for("TX"), clock=CLOCK, sent=date(2027, 3, 2))
    with db.session() as session:
        assert list_requests(session) == []


def test_a_missing_agency_name_is_refused(db: Database) -> None:
    with pytest.raises(TrackerError, match="agency's name is missing"), db.session() as session:
        new_request(session, agency="  ", facts=facts_for("TX"), clock=CLOCK, sent=SENT)


def test_the_event_date_defaults_to_the_clocks_day(db: Database) -> None:
    request_id = make(db, "sent")
    with db.session() as session:
        view = log_event(session, request_id, "acknowledged", clock=CLOCK)
    assert view.events[-1].on == date(2027, 3, 1)
    assert view.events[-1].recorded_at == CLOCK.now()


def test_the_requester_is_shown_only_when_asked(db: Database) -> None:
    request_id = make(db, "sent")
    with db.session() as session:
        (public,) = list_requests(session)
        identified = list_requests(session, identified=True)[0]
        shown = show_request(session, request_id)
    assert public.requester is None and shown.requester is None
    assert identified.requester is not None and identified.requester.name == "Ana Pérez"
    assert "Ana" not in repr(public) and "ana@example.org" not in repr(shown)


def test_list_filters_by_status_and_state(db: Database) -> None:
    make(db, "sent")
    make(db, "denied")
    make(db, "sent", state="CA")
    with db.session() as session:
        assert [v.status for v in list_requests(session, status="denied")] == ["denied"]
        assert [v.state for v in list_requests(session, state="ca")] == ["CA"]
        with pytest.raises(TrackerError, match="unknown status 'lost'"):
            list_requests(session, status="lost")


def test_list_refuses_a_state_none_of_the_programs_instead_of_answering_empty(db: Database) -> None:
    make(db, "sent", state="CA")
    with db.session() as session:
        assert [v.state for v in list_requests(session, state="California")] == ["CA"]  # a name, as elsewhere
        with pytest.raises(TrackerError, match="unknown state 'Atlantis'; accepted: AL"):
            list_requests(session, state="Atlantis")


def test_due_lists_open_requests_due_by_the_day_and_flags_overdue_ones(db: Database) -> None:
    with db.session() as session:
        tx = new_request(session, agency="Harris", facts=facts_for("TX"), clock=CLOCK, sent=SENT).id  # due 12-08
        ky = new_request(session, agency="Jefferson", facts=facts_for("KY"), clock=CLOCK, sent=SENT).id  # due 11-30
        al = new_request(session, agency="Mobile", facts=facts_for("AL"), clock=CLOCK, sent=date(2026, 11, 16)).id
        done = new_request(session, agency="Done", facts=facts_for("KY"), clock=CLOCK, sent=SENT).id
        log_event(session, done, "produced", clock=CLOCK, on=date(2026, 11, 25))
        new_request(session, agency="Draft", facts=facts_for("KY"), clock=CLOCK)
    with db.session() as session:
        assert [e.id for e in due_requests(session, date(2026, 11, 29))] == []
        on_day = due_requests(session, date(2026, 11, 30))
        assert [(e.id, e.overdue) for e in on_day] == [(ky, False)]
        later_entries = due_requests(session, date(2026, 12, 8))
    assert [(e.id, e.kind, e.when, e.overdue, e.days_overdue) for e in later_entries] == [
        (ky, "due", date(2026, 11, 30), True, 8),
        (al, "follow_up", date(2026, 12, 1), True, 7),
        (tx, "due", date(2026, 12, 8), False, 0),
    ]


def test_sets_and_language_are_kept(db: Database) -> None:
    with db.session() as session:
        view = new_request(
            session,
            agency="Harris",
            facts=facts_for("TX"),
            clock=CLOCK,
            sent=SENT,
            sets=[record_set("hold-log"), record_set("agreement")],
            lang="es",
        )
    assert view.sets == ("agreement", "hold-log") and view.lang == "es"


def test_the_trackers_public_functions_are_documented_where_the_web_application_finds_them() -> None:
    import wso.records

    doc = wso.records.__doc__ or ""
    for command, function in [
        ("new", "new_request"),
        ("list", "list_requests"),
        ("due", "due_requests"),
        ("log", "log_event"),
        ("show", "show_request"),
    ]:
        assert function in wso.records.__all__
        assert f"- {command}: `{function}(session" in doc
    for name in wso.records.__all__:
        assert hasattr(wso.records, name), name
