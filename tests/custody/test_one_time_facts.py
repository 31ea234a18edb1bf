"""A hold's one-time facts (ICE told, a citizenship claim, its report, the hold's end) and a complaint's report are
recorded once: a second one is refused (SEQUENCE), saying when the first was recorded in the facility's zone and
what to do, and writes nothing, from a command, a batch or a replay file alike. It was accepted: a second
`ice.notify` appended an event and answered "ICE notified", while the hold kept the first time, so the user's
second fact was silently dropped."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.custody.conftest import RELEASE, accepted, counts
from wso.clock import FixedClock
from wso.custody import Command, Custody, find_hold
from wso.custody.ledger import events
from wso.custody.replay import parse_lines, replay
from wso.store import Database

SERVE = {"warrant": "W1", "officer": "O1", "facility": "JAIL"}


def refuse_again(custody: Custody, db: Database, command: str, args: dict[str, Any]) -> str:
    before = counts(db)
    result = custody.run(command, args)
    assert (result.status, result.rule) == ("refused", "SEQUENCE"), result
    assert counts(db) == before, "a refused command wrote something"
    return result.message


def test_a_second_ice_notification_is_refused_naming_the_first(jail: Custody, db: Database, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", SERVE)
    clock.advance(timedelta(minutes=5))
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.advance(timedelta(minutes=30))
    message = refuse_again(jail, db, "ice.notify", {"warrant": "W1"})
    # 14:05Z is 09:05 in Florida: the time is shown in the facility's zone
    assert message.startswith("ICE was already notified of the hold on W1 at 2026-03-06T09:05:00-05:00;")
    assert "first one stands" in message and "nothing to record" in message
    with db.session() as session:
        hold = find_hold(session, "W1")
        assert hold is not None and hold.ice_notified_at == RELEASE + timedelta(minutes=5)
        assert [e.kind for e in events(session, "hold-W1")] == ["served", "ice_notified"]


def test_a_second_ice_notification_after_the_hold_ended_is_refused(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "custody.transfer", {"warrant": "W1"})
    accepted(jail, "ice.notify", {"warrant": "W1"})  # owed after the end: recorded once
    assert "already notified" in refuse_again(jail, db, "ice.notify", {"warrant": "W1"})


def test_a_second_ice_notification_in_a_batch_is_refused_and_the_first_kept(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.serve", SERVE)
    before = counts(db)
    first, second = jail.apply_many(
        [Command("ice.notify", {"warrant": "W1"}), Command("ice.notify", {"warrant": "W1"})]
    )
    assert first.accepted and (second.status, second.rule) == ("refused", "SEQUENCE")
    assert counts(db)["custody_hold_events"] == before["custody_hold_events"] + 1


def test_a_retried_notification_with_its_key_still_gets_the_first_answer(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.serve", SERVE)
    first = jail.run("ice.notify", {"warrant": "W1"}, idempotency_key="call-1")
    assert first.accepted and jail.run("ice.notify", {"warrant": "W1"}, idempotency_key="call-1") == first


def test_a_second_ice_notification_in_a_replay_file_is_refused(db: Database) -> None:
    setup = [
        {"cmd": "agency", "id": "AG", "name": "Hardee County Sheriff's Office", "state": "FL"},
        {"cmd": "agreement", "agency": "AG", "model": "WSO", "signed": "2025-02-26"},
        {"cmd": "facility", "id": "JAIL", "agency": "AG", "name": "Jail", "tz": "America/New_York"},
        {"cmd": "officer.nominate", "id": "O1", "agency": "AG", "name": "Deputy", "us_citizen": True},
        {"cmd": "officer.exam", "id": "O1", "score": 90},
        {"cmd": "officer.certify", "id": "O1"},
        {"cmd": "officer.authorize", "id": "O1"},
        {"cmd": "booking", "id": "B1", "facility": "JAIL", "scheduled_release": "2026-03-06T09:00:00-05:00"},
        {"cmd": "warrant.receive", "id": "W1", "booking": "B1", "form": "I-200"},
    ]
    lines = [{"at": "2026-03-05T08:00:00-05:00", **line} for line in setup] + [
        {"at": "2026-03-06T09:00:00-05:00", "cmd": "warrant.serve", **SERVE},
        {"at": "2026-03-06T09:10:00-05:00", "cmd": "ice.notify", "warrant": "W1"},
        {"at": "2026-03-06T09:40:00-05:00", "cmd": "ice.notify", "warrant": "W1"},
    ]
    answer = replay(parse_lines([json.dumps(line) for line in lines]), db)
    *_, told, again = answer["results"]
    assert told["status"] == "accepted"
    assert (again["line"], again["status"], again["rule"]) == (len(lines), "refused", "SEQUENCE")
    assert "already notified of the hold on W1 at 2026-03-06T09:10:00-05:00" in again["message"]
    with db.session() as session:
        assert [e.kind for e in events(session, "hold-W1")] == ["served", "ice_notified"]


def test_a_second_citizenship_claim_is_refused_naming_the_first(jail: Custody, db: Database, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", SERVE)
    clock.advance(timedelta(minutes=20))
    accepted(jail, "citizenship.claim", {"warrant": "W1"})
    clock.advance(timedelta(minutes=10))
    message = refuse_again(jail, db, "citizenship.claim", {"warrant": "W1"})
    assert "claim on the hold on W1 was already recorded at 2026-03-06T09:20:00-05:00" in message
    assert "citizenship.report" in message


def test_a_second_citizenship_report_is_refused_naming_the_first(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "citizenship.claim", {"warrant": "W1"})
    clock.advance(timedelta(minutes=30))
    accepted(jail, "citizenship.report", {"warrant": "W1"})
    clock.advance(timedelta(minutes=30))
    message = refuse_again(jail, db, "citizenship.report", {"warrant": "W1"})
    assert "already reported to ICE at 2026-03-06T09:30:00-05:00" in message and "nothing to record" in message


def test_ending_an_ended_hold_again_is_refused_naming_when_it_ended(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    accepted(jail, "warrant.serve", SERVE)
    clock.advance(timedelta(hours=2))
    accepted(jail, "custody.transfer", {"warrant": "W1"})
    for command in ("custody.transfer", "custody.release"):
        message = refuse_again(jail, db, command, {"warrant": "W1"})
        assert "is transferred at 2026-03-06T11:00:00-05:00, not open" in message


def test_a_second_complaint_report_is_refused_naming_the_first(jail: Custody, db: Database, clock: FixedClock) -> None:
    accepted(jail, "complaint.receive", {"id": "C1", "officer": "O1", "facility": "JAIL"})
    clock.advance(timedelta(hours=1))
    accepted(jail, "complaint.report", {"id": "C1"})
    before = counts(db)
    result = jail.run("complaint.report", {"id": "C1"})
    assert (result.status, result.rule) == ("refused", "SEQUENCE") and counts(db) == before
    assert "already reported to ICE at 2026-03-06T10:00:00-05:00" in result.message
