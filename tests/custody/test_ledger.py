"""The ledger: hash-chained, append-only, and `verify` names the first broken link."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, literal, select, text
from sqlalchemy.exc import DBAPIError

from tests.custody.conftest import accepted
from wso.clock import FixedClock
from wso.custody import Custody, ledger, verify
from wso.custody.ledger import GENESIS, event_hash, events, officer_event_hash
from wso.custody.models import Officer, OfficerEvent
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


# ---- officers' chains ---------------------------------------------------------------------------------------------


def interviews(jail: Custody, clock: FixedClock) -> None:
    """Two interviews by O1 (events 5 and 6 of its chain, after nominated, exam, certified, authorized), and a
    second officer O2 whose chain of one event is left whole."""
    for topic in ("criminal case", "medical"):
        clock.advance(timedelta(minutes=5))
        accepted(jail, "interview", {"officer": "O1", "booking": "B1", "topic": topic})
    accepted(jail, "officer.nominate", {"id": "O2", "agency": "AG", "name": "Deputy Two", "us_citizen": True})


def officer_chain(db: Database, officer: str) -> list[OfficerEvent]:
    with db.session() as session:
        query = select(OfficerEvent).where(OfficerEvent.officer_id == officer).order_by(OfficerEvent.seq)
        return list(session.execute(query).scalars())


def test_each_officer_event_is_chained_to_the_one_before(jail: Custody, db: Database, clock: FixedClock) -> None:
    interviews(jail, clock)
    chain = officer_chain(db, "O1")
    assert [(e.seq, e.kind) for e in chain] == [
        (1, "nominated"),
        (2, "exam"),
        (3, "certified"),
        (4, "authorized"),
        (5, "interview"),
        (6, "interview"),
    ]
    assert chain[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    for event in chain:
        assert event.hash == officer_event_hash(
            officer_id="O1",
            seq=event.seq,
            kind=event.kind,
            payload=json.loads(event.payload),
            actor=event.actor,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
            prev_hash=event.prev_hash,
        )
    with db.session() as session:
        head = session.execute(select(Officer.last_seq, Officer.last_hash).where(Officer.id == "O1")).one()
        result = verify(session)
    assert tuple(head) == (6, chain[-1].hash)
    assert result.ok and (result.officers, result.officer_events) == (2, 7)
    assert (result.holds, result.events, result.broken_officers) == (0, 0, ())


def test_an_officer_event_hash_differs_from_a_hold_event_hash_of_the_same_contents() -> None:
    at = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
    common = {"seq": 1, "kind": "k", "payload": {}, "actor": "a", "occurred_at": at, "recorded_at": at}
    assert officer_event_hash(officer_id="x", prev_hash=GENESIS, **common) != event_hash(
        hold_id="x", prev_hash=GENESIS, **common
    )


def test_the_database_refuses_update_and_delete_of_officer_events(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    interviews(jail, clock)
    for statement in (
        "UPDATE custody_officer_events SET payload = '{}' WHERE seq = 5",
        "DELETE FROM custody_officer_events WHERE seq = 5",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.session() as session:
        assert verify(session).ok


def _without_officer_guard(db: Database, statement: str) -> None:
    """Tamper with officers' events (or their heads) as an attacker with the owner's rights would."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE custody_officer_events DISABLE TRIGGER USER"))
            conn.execute(text(statement))
            conn.execute(text("ALTER TABLE custody_officer_events ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER custody_officer_events_no_update"))
            conn.execute(text("DROP TRIGGER custody_officer_events_no_delete"))
            conn.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "seq", "words"),
    [
        # an interview's topic rewritten (the record of what a person in custody was asked)
        (
            'UPDATE custody_officer_events SET payload = \'{"booking":"B1","topic":"other"}\' WHERE seq = 5 '
            "AND officer_id = 'O1'",
            5,
            "altered",
        ),
        ("UPDATE custody_officer_events SET actor = 'mallory' WHERE seq = 1 AND officer_id = 'O1'", 1, "altered"),
        ("DELETE FROM custody_officer_events WHERE seq = 5 AND officer_id = 'O1'", 6, "missing"),
        ("DELETE FROM custody_officer_events WHERE seq = 6 AND officer_id = 'O1'", 6, "head"),
        ("UPDATE custody_officers SET last_seq = 5 WHERE id = 'O1'", 7, "head"),
        (f"UPDATE custody_officers SET last_hash = '{'f' * 64}' WHERE id = 'O1'", 7, "head"),
    ],
)
def test_verify_names_the_first_broken_link_of_an_officer(
    jail: Custody, db: Database, clock: FixedClock, statement: str, seq: int, words: str
) -> None:
    interviews(jail, clock)
    _without_officer_guard(db, statement)
    with db.session() as session:
        result = verify(session)
    assert not result.ok and result.broken == () and result.officers == 2
    (link,) = result.broken_officers
    assert (link.officer_id, link.seq) == ("O1", seq)
    assert words in link.problem
    assert words != "head" or "the officer's chain head" in link.problem
    assert result.officer_events == (6 if statement.startswith("DELETE") else 7)


def test_an_append_that_read_a_stale_officer_head_fails_and_is_retried_not_forked(
    jail: Custody, db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what a second writer that raced past the head's lock would do (seq = max + 1 read too early): the unique
    # (officer_id, seq) stops it, and the command is run again on the head as it now is
    interviews(jail, clock)
    fourth = officer_chain(db, "O1")[3]
    real_head, real_append = ledger._OFFICER_HEAD, ledger.append_officer_event
    calls: list[str] = []

    def stale_once(*args: Any, **kwargs: Any) -> int:
        calls.append(args[1])
        if len(calls) == 1:
            stale = select(literal(fourth.seq), literal(fourth.hash)).where(bindparam("officer") != "")
            monkeypatch.setattr(ledger, "_OFFICER_HEAD", stale)
        try:
            return real_append(*args, **kwargs)
        finally:
            monkeypatch.setattr(ledger, "_OFFICER_HEAD", real_head)

    monkeypatch.setattr(ledger, "append_officer_event", stale_once)
    accepted(jail, "interview", {"officer": "O1", "booking": "B1", "topic": "other"})
    assert calls == ["O1", "O1"]
    assert [e.seq for e in officer_chain(db, "O1")] == [1, 2, 3, 4, 5, 6, 7]
    with db.session() as session:
        assert verify(session).ok
