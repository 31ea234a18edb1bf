"""The ledger: hash-chained, append-only, and `verify` names the first broken link."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.custody.conftest import accepted
from wso.clock import FixedClock
from wso.custody import Custody, verify
from wso.custody.ledger import GENESIS, event_hash, events
from wso.store import Database


def open_hold(jail: Custody, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    clock.advance(timedelta(minutes=5))
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.advance(timedelta(minutes=5))
    accepted(jail, "citizenship.claim", {"warrant": "W1"})
    clock.advance(timedelta(minutes=5))
    accepted(jail, "citizenship.report", {"warrant": "W1"})


def test_each_event_is_chained_to_the_one_before(jail: Custody, db: Database, clock: FixedClock) -> None:
    open_hold(jail, clock)
    with db.session() as session:
        chain = events(session, "hold-W1")
        assert [e.seq for e in chain] == [1, 2, 3, 4]
        assert chain[0].prev_hash == GENESIS
        for before, after in itertools.pairwise(chain):
            assert after.prev_hash == before.hash
        first = chain[0]
        assert first.hash == event_hash(
            hold_id=first.hold_id,
            seq=1,
            kind=first.kind,
            payload=first.payload,
            actor=first.actor,
            occurred_at=first.occurred_at,
            recorded_at=first.recorded_at,
            prev_hash=GENESIS,
        )
        result = verify(session)
    assert result.ok and (result.holds, result.events) == (1, 4)


def test_the_database_refuses_update_and_delete_of_events(jail: Custody, db: Database, clock: FixedClock) -> None:
    open_hold(jail, clock)
    for statement in (
        "UPDATE custody_hold_events SET actor = 'someone else' WHERE seq = 2",
        "DELETE FROM custody_hold_events WHERE seq = 4",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as session:
        assert verify(session).ok


def _without_guard(db: Database, statement: str) -> None:
    """Tamper as an attacker with the owner's rights would: switch the guard off, change a row."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE custody_hold_events DISABLE TRIGGER USER"))
            conn.execute(text(statement))
            conn.execute(text("ALTER TABLE custody_hold_events ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER custody_hold_events_no_update"))
            conn.execute(text("DROP TRIGGER custody_hold_events_no_delete"))
            conn.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "seq", "words"),
    [
        ("UPDATE custody_hold_events SET actor = 'mallory' WHERE seq = 2", 2, "altered"),
        ('UPDATE custody_hold_events SET payload = \'{"flag":"none"}\' WHERE seq = 3', 3, "altered"),
        ("DELETE FROM custody_hold_events WHERE seq = 2", 3, "missing"),
        ("DELETE FROM custody_hold_events WHERE seq = 4", 4, "head"),
    ],
)
def test_verify_names_the_first_broken_link(
    jail: Custody, db: Database, clock: FixedClock, statement: str, seq: int, words: str
) -> None:
    open_hold(jail, clock)
    accepted(jail, "booking", {"id": "B2", "facility": "JAIL", "scheduled_release": clock.now().isoformat()})
    accepted(jail, "warrant.receive", {"id": "D2", "booking": "B2", "form": "I-247A"})
    accepted(jail, "detainer.hold", {"warrant": "D2"})  # a second chain, of one event: left whole
    _without_guard(db, statement)
    with db.session() as session:
        result = verify(session)
        one, other = verify(session, "hold-W1"), verify(session, "hold-D2")
    assert not result.ok and result.holds == 2
    (link,) = result.broken
    assert (link.hold_id, link.seq) == ("hold-W1", seq)
    assert words in link.problem
    assert (one.holds, one.broken, other.holds, other.events, other.ok) == (1, result.broken, 1, 1, True)
    assert one.events + other.events == result.events


def test_hash_covers_times_to_the_microsecond() -> None:
    at = datetime(2026, 3, 6, 14, 0, 0, 1, tzinfo=UTC)
    common = {
        "hold_id": "h",
        "seq": 1,
        "kind": "k",
        "payload": {},
        "actor": "a",
        "recorded_at": at,
        "prev_hash": GENESIS,
    }
    assert event_hash(occurred_at=at, **common) != event_hash(occurred_at=at - timedelta(microseconds=1), **common)
