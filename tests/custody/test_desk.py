"""The desk's read side: who is due for release with a warrant waiting (and whether the ledger would let a WSO serve
now), bookings and warrants searched and paged, personal data only when asked for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wso.clock import FixedClock
from wso.custody import Custody, Search, booking_of, bookings, due_for_release, warrants
from wso.store import Database

from .conftest import RELEASE, accepted, build_jail

SERVE = {"warrant": "W1", "officer": "O1", "facility": "JAIL"}


@pytest.mark.parametrize(
    ("offset", "moment"),
    [
        (timedelta(hours=-3), "early"),
        (timedelta(seconds=-1), "early"),
        (timedelta(0), "now"),
        (timedelta(minutes=15), "now"),
        (timedelta(minutes=15, seconds=1), "late"),
        (timedelta(hours=5), "late"),
    ],
)
def test_the_board_says_serve_now_exactly_when_the_ledger_accepts_service(
    db: Database, clock: FixedClock, offset: timedelta, moment: str
) -> None:
    custody = Custody(db, clock)
    build_jail(custody)
    clock.set(RELEASE + offset)
    with db.session() as session:
        (row,) = due_for_release(session, clock.now(), timedelta(hours=24))
    assert (row.booking, row.warrants, row.moment) == ("B1", ("W1",), moment)
    assert row.release_local == "2026-03-06T09:00:00-05:00" and row.serve_until_local == "2026-03-06T09:15:00-05:00"
    assert row.seconds_to_release == -int(offset.total_seconds())
    assert row.person is None  # not asked for
    result = custody.run("warrant.serve", SERVE)
    assert result.accepted is row.may_serve, (result.rule, result.message, row.moment)
    if not result.accepted:
        assert result.rule == "WSO-SCHEDULED-RELEASE"
    with db.session() as session:
        after = due_for_release(session, clock.now(), timedelta(hours=24))
    assert after == ([] if result.accepted else [row])  # once served, the booking leaves the board


def test_the_board_keeps_to_its_horizon_and_follows_a_recorded_release(db: Database, clock: FixedClock) -> None:
    custody = Custody(db, clock)
    build_jail(custody)
    clock.set(RELEASE - timedelta(minutes=40))  # booked an hour before its scheduled release
    with db.session() as session:
        assert due_for_release(session, clock.now(), timedelta(minutes=30)) == []
        assert [r.booking for r in due_for_release(session, clock.now(), timedelta(minutes=50))] == ["B1"]
    accepted(custody, "criminal.release", {"booking": "B1"})  # bond posted: released now, 40 minutes early
    with db.session() as session:
        (row,) = due_for_release(session, clock.now(), timedelta(minutes=10), personal=True)
    assert (row.release_kind, row.moment, row.may_serve) == ("actual", "now", True)
    assert row.person is not None and row.person.name == "Jane Roe" and row.person.a_number == "A012345678"


def test_an_open_detainer_lets_a_wso_serve_after_the_window(db: Database, clock: FixedClock) -> None:
    custody = Custody(db, clock, detainer_reading="flat")
    build_jail(custody)
    accepted(custody, "warrant.receive", {"id": "D1", "booking": "B1", "form": "I-247A"})
    clock.set(RELEASE)
    accepted(custody, "detainer.hold", {"warrant": "D1"})
    clock.advance(timedelta(hours=3))
    with db.session() as session:
        (row,) = due_for_release(session, clock.now())
    assert (row.warrants, row.moment, row.may_serve) == (("W1",), "detainer", True)
    assert custody.run("warrant.serve", SERVE).accepted


@pytest.mark.parametrize(("hours", "moment"), [(48, "detainer"), (49, "late")])
def test_past_the_wso_48_hours_an_excluding_detainer_no_longer_lets_a_wso_serve(
    db: Database, clock: FixedClock, hours: int, moment: str
) -> None:
    # released Friday 09:00: the excluding detainer holds until Tuesday, a WSO hold's 48 hours end on Sunday 09:00
    custody = Custody(db, clock, detainer_reading="excluding")
    build_jail(custody)
    accepted(custody, "warrant.receive", {"id": "D1", "booking": "B1", "form": "I-247A"})
    clock.set(RELEASE)
    accepted(custody, "detainer.hold", {"warrant": "D1"})
    clock.advance(timedelta(hours=hours))
    with db.session() as session:
        (row,) = due_for_release(session, clock.now(), timedelta(hours=72))
    assert row.moment == moment
    result = custody.run("warrant.serve", SERVE)
    assert result.accepted is row.may_serve, (result.rule, result.message, row.moment)


def test_bookings_and_warrants_are_searched_and_paged(db: Database, clock: FixedClock) -> None:
    custody = Custody(db, clock)
    build_jail(custody)
    for n in range(2, 8):
        release = (RELEASE + timedelta(days=n)).isoformat()
        accepted(custody, "booking", {"id": f"B{n}", "facility": "JAIL", "scheduled_release": release, "name": f"P{n}"})
        accepted(custody, "warrant.receive", {"id": f"W{n}", "booking": f"B{n}", "form": "I-205"})
    clock.set(RELEASE)
    accepted(custody, "warrant.serve", SERVE)
    with db.session() as session:
        first = bookings(session, Search(), offset=0, limit=3)
        second = bookings(session, Search(), offset=3, limit=3)
        assert first.total == 7 and [r.booking for r in first.rows] == ["B7", "B6", "B5"]
        assert [r.booking for r in second.rows] == ["B4", "B3", "B2"]
        assert all(r.person is None for r in first.rows)
        b1 = bookings(session, Search(q="b1")).rows
        assert [(r.booking, r.warrants, r.waiting, r.holds) for r in b1] == [("B1", ("W1",), (), ("hold-W1",))]
        # a name is searched only for a role that may see it
        assert bookings(session, Search(q="jane roe")).total == 0
        found = bookings(session, Search(q="Jane", personal=True)).rows
        assert [r.booking for r in found] == ["B1"] and found[0].person is not None
        assert bookings(session, Search(state="fl")).total == 7 and bookings(session, Search(state="TX")).total == 0
        assert bookings(session, Search(facility="JAIL")).total == 7
        assert bookings(session, Search(facility="X")).total == 0
        assert bookings(session, Search(q="%")).total == 0  # a wildcard typed is a character, not "everything"
        waiting = warrants(session, Search(status="waiting"))
        served = warrants(session, Search(status="served"))
        assert waiting.total == 6 and {r.status for r in waiting.rows} == {"waiting"}
        assert [(r.warrant, r.hold, r.hold_status) for r in served.rows] == [("W1", "hold-W1", "open")]
        assert served.rows[0].received_local.endswith("-05:00")
        assert [r.warrant for r in warrants(session, Search(q="w3")).rows] == ["W3"]
        with pytest.raises(ValueError, match="status must be waiting or served"):
            warrants(session, Search(status="lost"))


def test_a_booking_is_found_by_its_number_or_a_warrants(db: Database, clock: FixedClock) -> None:
    build_jail(Custody(db, clock))
    with db.session() as session:
        by_booking = booking_of(session, "B1")
        by_warrant = booking_of(session, "W1", personal=True)
        assert booking_of(session, "nothing") is None
    assert by_booking is not None and by_warrant is not None
    assert by_booking.waiting == ("W1",) and by_booking.person is None
    assert by_warrant.booking == "B1" and by_warrant.person is not None and by_warrant.person.name == "Jane Roe"
