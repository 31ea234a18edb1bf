"""The read side names what a desk reads (the agency's, facility's and officer's names beside their ids), and one
hold's view is read by itself: equal to its entry in the list, in one statement however many holds there are; the
alerts raised on the holds are read in one statement too."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import statements
from wso.clock import FixedClock
from wso.custody import (
    AlertView,
    Custody,
    Search,
    booking_of,
    bookings,
    due_for_release,
    hold_view,
    holds,
    open_alerts,
    sweep,
    warrants,
)
from wso.store import Database

from .conftest import RELEASE, accepted, build_jail

AGENCY, FACILITY, OFFICER = "Hardee County Sheriff's Office", "County Jail", "Deputy One"


def _jail_with_holds(db: Database, clock: FixedClock, n: int) -> Custody:
    """The jail with B1's warrant served at its release, and `n` more bookings, each with a detainer held (no
    officer)."""
    custody = Custody(db, clock)
    build_jail(custody)
    clock.set(RELEASE)
    accepted(custody, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    for i in range(n):
        _detain(custody, i + 2, RELEASE)
    return custody


def _detain(custody: Custody, i: int, release: datetime) -> None:
    """Booking B`i`, released at `release`, held on detainer D`i` (no officer)."""
    accepted(custody, "booking", {"id": f"B{i}", "facility": "JAIL", "scheduled_release": release.isoformat()})
    accepted(custody, "warrant.receive", {"id": f"D{i}", "booking": f"B{i}", "form": "I-247A"})
    accepted(custody, "detainer.hold", {"warrant": f"D{i}"})


def test_a_holds_view_names_its_agency_facility_and_officer(db: Database, clock: FixedClock) -> None:
    _jail_with_holds(db, clock, 1)
    with db.session() as session:
        served, detained = sorted(holds(session, clock.now()), key=lambda v: v.warrant, reverse=True)
    assert (served.agency, served.facility, served.officer) == ("AG", "JAIL", "O1")  # the ids stay
    assert (served.agency_name, served.facility_name, served.officer_name) == (AGENCY, FACILITY, OFFICER)
    assert (detained.warrant, detained.officer, detained.officer_name) == ("D2", None, None)
    assert (detained.agency_name, detained.facility_name) == (AGENCY, FACILITY)


def test_one_holds_view_is_its_entry_in_the_list_read_in_one_statement(db: Database, clock: FixedClock) -> None:
    custody = _jail_with_holds(db, clock, 4)
    accepted(custody, "custody.release", {"warrant": "D3", "reason": "warrant_cancelled"})  # an ended hold is found too
    clock.advance(timedelta(hours=1))
    with db.session() as session:
        listed = holds(session, clock.now())
        assert len(listed) == 5 and {v.status for v in listed} >= {"open", "released"}
        for entry in listed:
            with statements(db) as seen:
                assert hold_view(session, entry.hold, clock.now()) == entry
            assert len(seen) == 1, seen
            assert hold_view(session, entry.warrant, clock.now()) == entry
        assert hold_view(session, "no-such-hold", clock.now()) is None


def test_the_desks_rows_name_the_facility_and_agency(db: Database, clock: FixedClock) -> None:
    custody = Custody(db, clock)
    build_jail(custody)
    clock.set(RELEASE)
    with db.session() as session:
        (due,) = due_for_release(session, clock.now())
        (booking,) = bookings(session, Search()).rows
        (warrant,) = warrants(session, Search()).rows
        card = booking_of(session, "W1")
    assert card == booking
    for row in (due, booking, warrant):
        assert (row.facility, row.agency, row.facility_name, row.agency_name) == ("JAIL", "AG", FACILITY, AGENCY)


def _swept(db: Database, clock: FixedClock) -> tuple[list[AlertView], int]:
    """Sweep now, then read the open holds' alerts: (the alerts, how many statements reading them took)."""
    with db.session() as session:
        sweep(session, clock)
    with db.session() as session, statements(db) as seen:
        found = open_alerts(session)
    return found, len(seen)


def test_the_open_holds_alerts_are_read_in_one_statement_however_many_holds(db: Database, clock: FixedClock) -> None:
    custody = _jail_with_holds(db, clock, 2)
    clock.advance(timedelta(hours=49))  # past every hold's 48 hours: each is overdue
    few, few_statements = _swept(db, clock)
    for i in range(4, 10):
        _detain(custody, i, clock.now())
    accepted(custody, "custody.release", {"warrant": "D2", "reason": "warrant_cancelled"})  # its alerts: not listed
    clock.advance(timedelta(hours=49))
    many, many_statements = _swept(db, clock)
    assert {a.warrant for a in few} == {"W1", "D2", "D3"}
    assert {a.warrant for a in many} == {"W1", "D3", *(f"D{i}" for i in range(4, 10))}
    assert many_statements == few_statements == 1
    assert [a.raised_at for a in many] == sorted((a.raised_at for a in many), reverse=True)  # newest first
    assert {(a.kind, a.tz) for a in many if a.warrant == "D9"} == {("overdue", "America/New_York")}
