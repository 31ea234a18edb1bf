"""The read side names what a desk reads (the agency's, facility's and officer's names beside their ids), and one
hold's view is read by itself: equal to its entry in the list, in one statement however many holds there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from wso.clock import FixedClock
from wso.custody import Custody, Search, booking_of, bookings, due_for_release, hold_view, holds, warrants
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
        booking = {"id": f"B{i + 2}", "facility": "JAIL", "scheduled_release": RELEASE.isoformat()}
        accepted(custody, "booking", booking)
        accepted(custody, "warrant.receive", {"id": f"D{i + 2}", "booking": f"B{i + 2}", "form": "I-247A"})
        accepted(custody, "detainer.hold", {"warrant": f"D{i + 2}"})
    return custody


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


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
            with _statements(db) as seen:
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
