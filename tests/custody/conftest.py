"""A jail ready for WSO holds: agency, agreement, facility, one authorized officer, a booking and warrants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from wso.clock import FixedClock
from wso.custody import Custody, MemoryNotifier, models
from wso.store import Base, Database

# Every table of the custody ledger, read off its models, so a new table is counted without editing this list.
TABLES = tuple(
    sorted(
        (m.class_ for m in Base.registry.mappers if m.class_.__module__ == models.__name__),
        key=lambda c: c.__tablename__,
    )
)

# Friday 2026-03-06, 09:00 in Florida (EST): the person's scheduled release.
RELEASE = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES}


def accepted(custody: Custody, command: str, args: dict[str, object]) -> None:
    result = custody.run(command, args)
    assert result.accepted, (command, result)


def build_jail(custody: Custody, *, detention_agreement: bool = False, state: str = "FL") -> None:
    accepted(custody, "agency", {"id": "AG", "name": "Hardee County Sheriff's Office", "state": state})
    accepted(custody, "agreement", {"agency": "AG", "model": "WSO", "signed": "2025-02-26"})
    accepted(
        custody,
        "facility",
        {
            "id": "JAIL",
            "agency": "AG",
            "name": "County Jail",
            "tz": "America/New_York",
            "detention_agreement": detention_agreement,
        },
    )
    accepted(custody, "officer.nominate", {"id": "O1", "agency": "AG", "name": "Deputy One", "us_citizen": True})
    accepted(custody, "officer.exam", {"id": "O1", "score": 85})
    accepted(custody, "officer.certify", {"id": "O1"})
    accepted(custody, "officer.authorize", {"id": "O1"})
    accepted(
        custody,
        "booking",
        {
            "id": "B1",
            "facility": "JAIL",
            "scheduled_release": RELEASE.isoformat(),
            "name": "Jane Roe",
            "dob": "1990-01-02",
            "a_number": "A012345678",
        },
    )
    accepted(custody, "warrant.receive", {"id": "W1", "booking": "B1", "form": "I-200"})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 6, 13, 0, tzinfo=UTC))


@pytest.fixture
def notifier() -> MemoryNotifier:
    return MemoryNotifier()


@pytest.fixture
def custody(db: Database, clock: FixedClock, notifier: MemoryNotifier) -> Custody:
    return Custody(db, clock, detainer_reading="excluding", notifier=notifier)


@pytest.fixture
def jail(custody: Custody, clock: FixedClock) -> Custody:
    build_jail(custody)
    clock.set(RELEASE)
    return custody
