"""What both doors share: tracking a new request (the agency found, an empty registry first loaded with the bundled
snapshot), its public view without the requester, and the tracker's "today" (an event's default day)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from wso import registry
from wso.clock import FixedClock
from wso.records import (
    BadEventDate,
    Requester,
    event_day,
    facts_for,
    find_agency,
    log_event,
    public_view,
    show_request,
    track_request,
)
from wso.records.models import RecordsRequest
from wso.store import Database

CLOCK = FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
BURNET = "Burnet County Sheriff's Office"


def requests(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(RecordsRequest)) or 0)


def test_an_empty_registry_gets_the_bundled_snapshot_first_with_a_warning(db: Database) -> None:
    with db.session() as session:
        tracked = track_request(session, agency=BURNET, facts=facts_for("TX"), clock=CLOCK, sent=date(2026, 11, 2))
    assert tracked.request.agency == BURNET and tracked.request.agency_id is not None
    assert tracked.request.due == date(2026, 11, 17)  # 10 business days; Veterans Day (Nov 11) not counted
    (warning,) = tracked.warnings
    assert warning.startswith("the registry held none of ICE's lists: loaded the snapshot bundled with wso")
    with db.session() as session:
        again = track_request(session, agency=BURNET, facts=facts_for("TX"), clock=CLOCK)
        assert registry.latest_snapshot_date(session) is not None
    assert again.warnings == () and again.request.agency_id == tracked.request.agency_id


def test_a_refused_request_leaves_nothing_behind_not_even_the_bundled_snapshot(db: Database) -> None:
    with pytest.raises(BadEventDate, match="after today"), db.session() as session:
        track_request(session, agency=BURNET, facts=facts_for("TX"), clock=CLOCK, sent=date(2026, 12, 1))
    with db.session() as session:
        assert registry.latest_snapshot_date(session) is None
    assert requests(db) == 0


def test_a_partial_name_is_taken_to_mean_the_only_agency_it_matches_with_a_warning(db: Database) -> None:
    with db.session() as session:
        registry.load_bundled_if_empty(session, clock=CLOCK)
        tracked = track_request(session, agency="Burnet", facts=facts_for("TX"), clock=CLOCK)
        found = find_agency(session, "Burnet", facts_for("TX"), clock=CLOCK)
    assert tracked.request.agency == BURNET
    assert tracked.warnings == (f"'Burnet' was taken to mean {BURNET}, the only agency of that name in ICE's lists",)
    # a letter says so in its own notes: finding the agency adds no warning of its own
    assert found.agency.matched_from == "Burnet" and found.warnings == ()


def test_an_unlisted_agency_is_taken_as_given_without_the_registry(db: Database) -> None:
    with db.session() as session:
        tracked = track_request(session, agency=" Nowhere Town PD ", facts=facts_for("TX"), clock=CLOCK, unlisted=True)
        assert registry.latest_snapshot_date(session) is None
    assert tracked.request.agency == "Nowhere Town PD" and tracked.request.agency_id is None
    assert tracked.warnings == ()


def test_a_requester_outside_a_residents_only_state_is_warned(db: Database) -> None:
    facts = facts_for("KY")
    assert facts.requester_residency_required
    requester = Requester(name="Ana Pérez", address="1 Main St, Portland, OR 97201")
    with db.session() as session:
        tracked = track_request(
            session, agency="Somewhere PD", facts=facts, clock=CLOCK, unlisted=True, requester=requester
        )
    assert len(tracked.warnings) == 1 and "resident" in tracked.warnings[0]
    assert tracked.request.requester is not None and tracked.request.requester.name == "Ana Pérez"


def test_the_public_view_drops_the_requester_and_nothing_else(db: Database) -> None:
    requester = Requester(name="Ana Pérez", email="ana@example.org", address="1 Main St, Austin, TX 78701")
    with db.session() as session:
        tracked = track_request(
            session, agency="Somewhere PD", facts=facts_for("TX"), clock=CLOCK, unlisted=True, requester=requester
        )
        detail = show_request(session, tracked.request.id, identified=True)
    shown = public_view(detail)
    assert type(shown) is type(detail) and shown.requester is None
    assert {f.name: getattr(shown, f.name) for f in dataclasses.fields(shown) if f.name != "requester"} == {
        f.name: getattr(detail, f.name) for f in dataclasses.fields(detail) if f.name != "requester"
    }
    assert "Ana" not in repr(shown) and "ana@example.org" not in repr(shown)


@pytest.mark.parametrize(
    ("utc", "zone", "expected"),
    [
        # a US evening: the UTC day is already tomorrow; the event happened on the local day
        (datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "America/Chicago", date(2026, 11, 23)),
        # early morning east of UTC: the local day is not yet the UTC day, which dates in the future are refused by
        (datetime(2026, 11, 23, 20, 0, tzinfo=UTC), "Asia/Tokyo", date(2026, 11, 23)),
        (datetime(2026, 11, 23, 12, 0, tzinfo=UTC), "UTC", date(2026, 11, 23)),
    ],
)
def test_the_trackers_today_is_the_local_day_but_never_after_the_utc_day(
    utc: datetime, zone: str, expected: date
) -> None:
    assert event_day(FixedClock(utc), ZoneInfo(zone)) == expected


def test_an_event_logged_without_a_day_is_dated_the_trackers_today(db: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    with db.session() as session:
        tracked = track_request(session, agency="Somewhere PD", facts=facts_for("TX"), clock=clock, unlisted=True)
        logged = log_event(session, tracked.request.id, "sent", clock=clock)
    assert logged.sent == event_day(clock)
