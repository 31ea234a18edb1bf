"""Group commit: `Custody.apply_many` runs many clerks' commands in one transaction, each checked, chained and
idempotent as under `run`; a refused command writes nothing for itself while the others proceed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.custody.conftest import RELEASE, accepted, counts
from wso.clock import FixedClock
from wso.custody import Command, Custody, GroupWriter, MemoryNotifier, Result, find_hold, verify
from wso.custody.ledger import events
from wso.store import Database


def test_a_batch_is_applied_in_order_each_command_seeing_the_ones_before(jail: Custody, db: Database) -> None:
    results = jail.apply_many(
        [
            Command("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"}, actor="desk-1"),
            Command("ice.notify", {"warrant": "W1"}, actor="desk-2"),
            Command("citizenship.claim", {"warrant": "W1"}, actor="desk-3"),
            Command("citizenship.report", {"warrant": "W1"}, actor="desk-1"),
            Command("custody.transfer", {"warrant": "W1"}, actor="desk-2"),
        ]
    )
    assert [r.status for r in results] == ["accepted"] * 5
    assert [r.events for r in results] == [(("hold-W1", n),) for n in range(1, 6)]
    with db.session() as session:
        chain = events(session, "hold-W1")
        assert [(e.kind, e.actor) for e in chain] == [
            ("served", "desk-1"),
            ("ice_notified", "desk-2"),
            ("citizenship_claim", "desk-3"),
            ("citizenship_reported", "desk-1"),
            ("transferred", "desk-2"),
        ]
        hold = find_hold(session, "W1")
        assert hold is not None and (hold.status, hold.last_seq, hold.last_hash) == ("transferred", 5, chain[-1].hash)
        assert hold.ice_notified_at is not None and hold.citizenship_reported_at is not None
        assert verify(session).ok


def test_refused_commands_in_a_batch_write_nothing_and_the_others_proceed(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "warrant.receive", {"id": "W2", "booking": "B1", "form": "I-205"})
    before = counts(db)
    results = jail.apply_many(
        [
            Command("ice.notify", {"warrant": "W1"}),
            Command("custody.continue", {"warrant": "W1"}),  # no detention agreement: refused
            Command("officer.nominate", {"id": "O9", "agency": "AG", "name": "N", "us_citizen": False}),  # refused
            Command("officer.nominate", {"id": "O8", "agency": "AG", "name": "Eight", "us_citizen": True}),
            Command("citizenship.report", {"warrant": "W1"}),  # no claim yet: refused
            Command("warrant.serve", {"warrant": "W2", "officer": "O8", "facility": "JAIL"}),  # not authorized
            Command("custody.release", {"warrant": "W1", "reason": "released"}),
            Command("custody.transfer", {"warrant": "W1"}),  # the hold has ended: refused
        ]
    )
    assert [(r.status, r.rule) for r in results] == [
        ("accepted", None),
        ("refused", "WSO-DETENTION-AGREEMENT"),
        ("refused", "OFFICER-US-CITIZEN"),
        ("accepted", None),
        ("refused", "SEQUENCE"),
        ("refused", "WSO-AUTHORIZED-OFFICER"),
        ("accepted", None),
        ("refused", "SEQUENCE"),
    ]
    after = counts(db)
    # Exactly what the accepted commands wrote: two events, one officer and its nomination event.
    assert after["custody_hold_events"] == before["custody_hold_events"] + 2
    assert after["custody_officers"] == before["custody_officers"] + 1
    assert after["custody_officer_events"] == before["custody_officer_events"] + 1
    assert after["custody_holds"] == before["custody_holds"]
    with db.session() as session:
        assert [e.kind for e in events(session, "hold-W1")] == ["served", "ice_notified", "released"]
        assert verify(session).ok


def test_keys_in_a_batch_apply_once_within_it_and_across_batches(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    first = jail.apply_many(
        [
            Command("ice.notify", {"warrant": "W1"}, key="call-1"),
            Command("ice.notify", {"warrant": "W1"}, key="call-1"),
            Command("citizenship.claim", {"warrant": "W1"}, key="call-2"),
        ]
    )
    assert first[0] == first[1] and first[0].events == (("hold-W1", 2),) and first[2].events == (("hold-W1", 3),)
    before = counts(db)
    again = jail.apply_many(
        [
            Command("citizenship.claim", {"warrant": "W1"}, key="call-2"),
            Command("ice.notify", {"warrant": "W1"}, key="call-1"),
        ]
    )
    assert again == [first[2], first[0]]
    assert counts(db) == before


def test_a_refused_only_command_rolls_back_whole(jail: Custody, db: Database) -> None:
    before = counts(db)
    (result,) = jail.apply_many([Command("officer.exam", {"id": "O1", "score": 99})])
    assert (result.status, result.rule) == ("refused", "OFFICER-EXAM")
    assert counts(db) == before
    assert jail.apply_many([]) == []


def test_a_sweep_in_a_batch_sees_what_came_before_and_notifies_after_commit(
    jail: Custody, db: Database, clock: FixedClock, notifier: MemoryNotifier
) -> None:
    clock.set(RELEASE + timedelta(hours=47))
    results = jail.apply_many(
        [
            Command("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"}, occurred_at=RELEASE),
            Command("sweep"),
            Command("ice.notify", {"warrant": "W1"}),
        ]
    )
    assert [a["kind"] for a in results[1].alerts] == ["due_1h", "ice_not_notified"]
    assert sorted(m.kind for m in notifier.sent) == ["due_1h", "ice_not_notified"]
    with db.session() as session:
        assert verify(session).ok


def test_unknown_and_future_commands_are_refused_in_a_batch(jail: Custody, clock: FixedClock) -> None:
    results = jail.apply_many(
        [
            Command("teleport"),
            Command("sweep", occurred_at=clock.now() + timedelta(minutes=1)),
            Command("sweep"),
        ]
    )
    assert [(r.status, r.rule) for r in results] == [("refused", "INPUT"), ("refused", "INPUT"), ("accepted", None)]


def test_a_group_writer_commits_many_clerks_commands_together(jail: Custody, db: Database) -> None:
    clerks, each = 6, 10
    warrants = [f"W{n}-{i}" for n in range(clerks) for i in range(each)]
    setup = [
        Command(command, args)
        for w in warrants
        for command, args in (
            ("booking", {"id": f"B-{w}", "facility": "JAIL", "scheduled_release": RELEASE.isoformat()}),
            ("warrant.receive", {"id": w, "booking": f"B-{w}", "form": "I-200"}),
            ("warrant.serve", {"warrant": w, "officer": "O1", "facility": "JAIL"}),
        )
    ]
    assert all(r.accepted for r in jail.apply_many(setup))

    def clerk(n: int) -> list[Result]:
        # each clerk tells ICE of its own holds (a hold is notified once), all at once with the others
        return [
            writer.run("ice.notify", {"warrant": f"W{n}-{i}"}, actor=f"desk-{n}", idempotency_key=f"{n}-{i}")
            for i in range(each)
        ]

    with GroupWriter(jail) as writer, ThreadPoolExecutor(clerks) as pool:
        results = [r for batch in pool.map(clerk, range(clerks)) for r in batch]
        refused = writer.run("custody.continue", {"warrant": "W0-0"})
    assert all(r.accepted for r in results) and refused.rule == "WSO-DETENTION-AGREEMENT"
    assert sorted(e for r in results for e in r.events) == sorted((f"hold-{w}", 2) for w in warrants)
    assert 1 <= writer.batches <= clerks * each + 1
    with db.session() as session:
        for w in warrants:
            assert [(e.seq, e.kind) for e in events(session, f"hold-{w}")] == [(1, "served"), (2, "ice_notified")]
        assert verify(session).ok
    with pytest.raises(RuntimeError, match="closed"):
        writer.run("sweep")
