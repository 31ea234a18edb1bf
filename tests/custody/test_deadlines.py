"""Deadlines across daylight-saving changes, weekends and holidays, as the ledger records and shows them.

WSO holds: 48 hours flat from the release from criminal custody, here also the moment of service (UTC arithmetic;
shown in the facility's zone). I-247A detainers: 48 hours from the scheduled release, under the configured reading,
which every answer names.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.custody.conftest import accepted, build_jail
from wso.clock import FixedClock
from wso.custody import Custody, holds
from wso.custody.policy import DetainerReading
from wso.store import Database


def hold_after(
    db: Database, clock: FixedClock, release: datetime, form: str, reading: DetainerReading
) -> dict[str, str]:
    custody = Custody(db, clock, detainer_reading=reading)
    clock.set(datetime(2026, 1, 1, tzinfo=UTC))
    build_jail(custody)
    accepted(custody, "booking", {"id": "B2", "facility": "JAIL", "scheduled_release": release.isoformat()})
    accepted(custody, "warrant.receive", {"id": "W2", "booking": "B2", "form": form})
    clock.set(release)
    if form == "I-247A":
        accepted(custody, "detainer.hold", {"warrant": "W2"})
    else:
        accepted(custody, "warrant.serve", {"warrant": "W2", "officer": "O1", "facility": "JAIL"})
    with db.session() as session:
        (view,) = [v for v in holds(session, clock.now()) if v.warrant == "W2"]
    assert view.deadline and view.deadline_local
    return {"utc": view.deadline, "local": view.deadline_local, "reading": view.reading, "rule": view.deadline_rule}


@pytest.mark.parametrize(
    ("served", "utc", "local"),
    [
        # Saturday before the spring-forward Sunday (2026-03-08): 48 real hours, local clock reads 49 later.
        (datetime(2026, 3, 7, 15, 0, tzinfo=UTC), "2026-03-09T15:00:00Z", "2026-03-09T11:00:00-04:00"),
        # Saturday before the fall-back Sunday (2026-11-01): local clock reads 47 hours later.
        (datetime(2026, 10, 31, 14, 0, tzinfo=UTC), "2026-11-02T14:00:00Z", "2026-11-02T09:00:00-05:00"),
        # Friday 2026-07-03 is the observed Independence Day holiday: a WSO hold excludes nothing.
        (datetime(2026, 7, 3, 13, 0, tzinfo=UTC), "2026-07-05T13:00:00Z", "2026-07-05T09:00:00-04:00"),
    ],
)
def test_wso_hold_is_48_hours_flat_across_dst_weekends_and_holidays(
    db: Database, clock: FixedClock, served: datetime, utc: str, local: str
) -> None:
    answer = hold_after(db, clock, served, "I-200", "excluding")
    assert answer == {"utc": utc, "local": local, "reading": "flat", "rule": "WSO-48H"}


@pytest.mark.parametrize(
    ("release", "reading", "utc"),
    [
        # Friday 09:00 EST: 15 h Friday, weekend (with the DST change) skipped, 24 h Monday, 9 h Tuesday.
        (datetime(2026, 3, 6, 14, 0, tzinfo=UTC), "excluding", "2026-03-10T13:00:00Z"),
        (datetime(2026, 3, 6, 14, 0, tzinfo=UTC), "flat", "2026-03-08T14:00:00Z"),
        # Wednesday before Thanksgiving (2026-11-26) at noon EST, in Florida, whose state holidays count too:
        # 12 h Wednesday, Thanksgiving and Florida's Friday after it skipped, weekend skipped, 24 h Monday,
        # 12 h Tuesday.
        (datetime(2026, 11, 25, 17, 0, tzinfo=UTC), "excluding", "2026-12-01T17:00:00Z"),
        # Released on a Saturday: the clock starts Monday at midnight, local time.
        (datetime(2026, 5, 16, 15, 0, tzinfo=UTC), "excluding", "2026-05-20T04:00:00Z"),
    ],
)
def test_detainer_deadline_under_each_reading(
    db: Database, clock: FixedClock, release: datetime, reading: DetainerReading, utc: str
) -> None:
    answer = hold_after(db, clock, release, "I-247A", reading)
    assert answer["utc"] == utc
    assert (answer["reading"], answer["rule"]) == (reading, "DETAINER-48H")
