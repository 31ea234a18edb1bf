"""Commands: the lawful path is accepted; each unlawful one is refused by its rule and writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.custody.conftest import RELEASE, accepted, counts
from wso.clock import FixedClock
from wso.custody import Custody, find_hold
from wso.custody.ledger import events
from wso.store import Database


def serve(custody: Custody, **overrides: str) -> Any:
    return custody.run("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL", **overrides})


def test_service_opens_a_hold_48_hours_flat(jail: Custody, db: Database) -> None:
    result = serve(jail)
    assert result.accepted and result.hold == "hold-W1" and result.events == (("hold-W1", 1),)
    with db.session() as session:
        hold = find_hold(session, "W1")
        assert hold is not None
        assert hold.deadline == RELEASE + timedelta(hours=48)
        assert (hold.deadline_rule, hold.deadline_reading, hold.status) == ("WSO-48H", "flat", "open")
    assert "WSO-NOTIFY-ICE" in result.message


def refuse(custody: Custody, db: Database, command: str, args: dict[str, Any], rule: str) -> str:
    before = counts(db)
    result = custody.run(command, args)
    assert result.status == "refused", result
    assert result.rule == rule, result
    assert result.message
    assert counts(db) == before, "a refused command wrote something"
    return result.message


@pytest.mark.parametrize("status_change", ["officer.withdraw"])
def test_withdrawn_officer_is_refused(jail: Custody, db: Database, status_change: str) -> None:
    accepted(jail, status_change, {"id": "O1"})
    refuse(jail, db, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"}, "WSO-AUTHORIZED-OFFICER")


def test_officer_not_yet_authorized_is_refused(jail: Custody, db: Database) -> None:
    accepted(jail, "officer.nominate", {"id": "O2", "agency": "AG", "name": "Two", "us_citizen": True})
    refuse(jail, db, "warrant.serve", {"warrant": "W1", "officer": "O2", "facility": "JAIL"}, "WSO-AUTHORIZED-OFFICER")


def test_another_agencys_officer_is_refused(jail: Custody, db: Database) -> None:
    accepted(jail, "agency", {"id": "OTHER", "name": "Other County", "state": "FL"})
    accepted(jail, "officer.nominate", {"id": "X1", "agency": "OTHER", "name": "X", "us_citizen": True})
    accepted(jail, "officer.exam", {"id": "X1", "score": 90})
    accepted(jail, "officer.certify", {"id": "X1"})
    accepted(jail, "officer.authorize", {"id": "X1"})
    refuse(jail, db, "warrant.serve", {"warrant": "W1", "officer": "X1", "facility": "JAIL"}, "WSO-OWN-AGENCY")


def test_service_outside_the_facility_is_refused(jail: Custody, db: Database) -> None:
    refuse(jail, db, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "street"}, "WSO-JAIL-ONLY")


def test_a_detainer_offered_as_a_warrant_is_refused(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.receive", {"id": "D1", "booking": "B1", "form": "I-247A"})
    message = refuse(
        jail, db, "warrant.serve", {"warrant": "D1", "officer": "O1", "facility": "JAIL"}, "WSO-WARRANT-FORMS"
    )
    assert "detainer.hold" in message


def test_a_judicial_warrant_is_not_served_by_a_wso(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.receive", {"id": "J1", "booking": "B1", "form": "judicial"})
    refuse(jail, db, "warrant.serve", {"warrant": "J1", "officer": "O1", "facility": "JAIL"}, "WSO-WARRANT-FORMS")


def test_service_before_scheduled_release_is_refused(jail: Custody, db: Database, clock: FixedClock) -> None:
    clock.set(RELEASE - timedelta(minutes=1))
    message = refuse(
        jail, db, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"}, "WSO-SCHEDULED-RELEASE"
    )
    assert "2026-03-06T09:00:00-05:00" in message


def test_no_agreement_in_force_is_refused(custody: Custody, db: Database, clock: FixedClock) -> None:
    from tests.custody.conftest import build_jail

    build_jail(custody)
    accepted(custody, "agreement", {"agency": "AG", "model": "WSO", "signed": "2025-02-26", "ended": "2026-03-01"})
    clock.set(RELEASE)
    refuse(
        custody, db, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"}, "WSO-AGREEMENT-IN-FORCE"
    )


def test_state_law_that_prohibits_is_refused_with_the_law(custody: Custody, db: Database, clock: FixedClock) -> None:
    from tests.custody.conftest import build_jail

    build_jail(custody, state="CA")
    clock.set(RELEASE)
    before = counts(db)
    result = serve(custody)
    assert (result.status, result.rule) == ("refused", "STATE-LAW")
    assert result.law and result.law in result.message
    assert counts(db) == before


def test_questioning_about_alienage_is_refused(jail: Custody, db: Database) -> None:
    refuse(jail, db, "interview", {"officer": "O1", "booking": "B1", "topic": "alienage"}, "WSO-NO-INTERROGATION")


def test_issuing_a_detainer_is_refused(jail: Custody, db: Database) -> None:
    refuse(jail, db, "detainer.issue", {"officer": "O1", "booking": "B1"}, "WSO-NO-DETAINER")


def test_non_citizen_cannot_be_nominated(jail: Custody, db: Database) -> None:
    refuse(
        jail,
        db,
        "officer.nominate",
        {"id": "O9", "agency": "AG", "name": "N", "us_citizen": False},
        "OFFICER-US-CITIZEN",
    )


def test_exam_one_retake_then_disqualified(jail: Custody, db: Database) -> None:
    accepted(jail, "officer.nominate", {"id": "O3", "agency": "AG", "name": "Three", "us_citizen": True})
    accepted(jail, "officer.exam", {"id": "O3", "score": 69})
    refuse(jail, db, "officer.certify", {"id": "O3"}, "OFFICER-EXAM")
    result = jail.run("officer.exam", {"id": "O3", "score": 50})
    assert result.accepted and "disqualified" in result.message
    refuse(jail, db, "officer.exam", {"id": "O3", "score": 100}, "OFFICER-EXAM")
    refuse(jail, db, "officer.authorize", {"id": "O3"}, "OFFICER-CERTIFIED")


def test_exam_at_exactly_70_passes(jail: Custody) -> None:
    accepted(jail, "officer.nominate", {"id": "O4", "agency": "AG", "name": "Four", "us_citizen": True})
    accepted(jail, "officer.exam", {"id": "O4", "score": 70})
    accepted(jail, "officer.certify", {"id": "O4"})


def test_missing_field_is_refused_as_input(jail: Custody, db: Database) -> None:
    message = refuse(jail, db, "warrant.serve", {"warrant": "W1", "officer": "O1"}, "INPUT")
    assert "'facility'" in message


def test_acting_on_an_ended_hold_is_refused(jail: Custody, db: Database) -> None:
    assert serve(jail).accepted
    accepted(jail, "custody.transfer", {"warrant": "W1"})
    refuse(jail, db, "custody.release", {"warrant": "W1"}, "SEQUENCE")


def test_detention_agreement_takes_the_hold_off_the_clock(custody: Custody, db: Database, clock: FixedClock) -> None:
    from tests.custody.conftest import build_jail

    build_jail(custody, detention_agreement=True)
    clock.set(RELEASE)
    assert serve(custody).accepted
    # before the 48-hour point there is nothing to record: the hold moves onto the agreement at that point
    refuse(custody, db, "custody.continue", {"warrant": "W1"}, "SEQUENCE")
    clock.advance(timedelta(hours=49))
    result = custody.run("custody.continue", {"warrant": "W1"})
    assert result.accepted and "off the 48-hour clock" in result.message
    with db.session() as session:
        hold = find_hold(session, "W1")
        assert hold is not None and hold.status == "detention_agreement" and hold.ended_at is None
        assert hold.detention_agreement_from == RELEASE + timedelta(hours=48)
    refuse(custody, db, "custody.continue", {"warrant": "W1"}, "SEQUENCE")


def test_no_detention_agreement_no_continuation(jail: Custody, db: Database) -> None:
    assert serve(jail).accepted
    refuse(jail, db, "custody.continue", {"warrant": "W1"}, "WSO-DETENTION-AGREEMENT")


def test_idempotency_key_applies_once_and_returns_the_first_result(jail: Custody, db: Database) -> None:
    assert serve(jail).accepted
    first = jail.run("ice.notify", {"warrant": "W1"}, idempotency_key="notify-W1")
    before = counts(db)
    again = jail.run("ice.notify", {"warrant": "W1"}, idempotency_key="notify-W1")
    assert again == first
    assert counts(db) == before


def test_citizenship_claim_and_verified_release(jail: Custody, db: Database, clock: FixedClock) -> None:
    assert serve(jail).accepted
    claim = jail.run("citizenship.claim", {"warrant": "W1"})
    assert claim.accepted and "WSO-CITIZENSHIP-1H" in claim.message
    clock.advance(timedelta(minutes=90))
    report = jail.run("citizenship.report", {"warrant": "W1"})
    assert report.accepted and "late" in report.message
    accepted(jail, "custody.release", {"warrant": "W1", "reason": "citizenship_verified"})


def test_a_hold_held_on_under_a_detention_agreement_is_later_transferred(
    custody: Custody, db: Database, clock: FixedClock
) -> None:
    from tests.custody.conftest import build_jail

    build_jail(custody, detention_agreement=True)
    clock.set(RELEASE)
    assert serve(custody).accepted
    clock.advance(timedelta(hours=72))  # past the 48 hours, with no sweep in between
    result = custody.run("custody.transfer", {"warrant": "W1"})
    assert result.accepted and "after the deadline" not in result.message
    assert len(result.events) == 2  # the change of legal basis (dated at the 48-hour point), then the transfer
    with db.session() as session:
        hold = find_hold(session, "W1")
        assert hold is not None and hold.status == "transferred"
        assert (hold.end_reason, hold.ended_at) == ("transferred", RELEASE + timedelta(hours=72))
        assert hold.detention_agreement_from == RELEASE + timedelta(hours=48)
        kinds = [(e.kind, e.occurred_at) for e in events(session, hold.id)]
    assert kinds[1] == ("detention_agreement", RELEASE + timedelta(hours=48))
    refuse(custody, db, "custody.release", {"warrant": "W1"}, "SEQUENCE")


@pytest.mark.parametrize(
    ("command", "args", "rule", "hint"),
    [
        ("officer.withdraw", {"id": "O1"}, "OFFICER-WITHDRAWAL", "nothing to withdraw"),
        ("officer.exam", {"id": "O1", "score": 90}, "OFFICER-EXAM", "certify"),
        ("detainer.issue", {"officer": "O1", "booking": "B1"}, "WSO-NO-DETAINER", "refer the case to ICE"),
        (
            "interview",
            {"officer": "O1", "booking": "B1", "topic": "immigration status"},
            "WSO-NO-INTERROGATION",
            "refer",
        ),
        ("custody.continue", {"warrant": "W1"}, "WSO-DETENTION-AGREEMENT", "transfer or release"),
        ("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "street"}, "WSO-JAIL-ONLY", "inside"),
    ],
)
def test_every_refusal_says_what_to_do(
    jail: Custody, db: Database, command: str, args: dict[str, Any], rule: str, hint: str
) -> None:
    if command == "officer.withdraw":
        accepted(jail, "officer.withdraw", {"id": "O1"})
    if command == "custody.continue":
        assert serve(jail).accepted
    assert hint in refuse(jail, db, command, args, rule)


@pytest.mark.parametrize(
    ("command", "args", "unknown"),
    [
        # the release's time belongs in --occurred-at (the replay line's occurred_at), not among its fields
        ("criminal.release", {"booking": "B1", "occurred_at": "2026-03-01T09:00:00-05:00"}, "occurred_at"),
        (
            "warrant.serve",
            {"warrant": "W1", "officer": "O1", "facility": "JAIL", "interpeter": "Ana Ruiz"},
            "interpeter",
        ),
    ],
)
def test_a_field_the_command_does_not_have_is_refused_not_ignored(
    jail: Custody, db: Database, command: str, args: dict[str, Any], unknown: str
) -> None:
    message = refuse(jail, db, command, args, "INPUT")
    assert repr(unknown) in message and command in message


def test_a_booking_entered_after_its_scheduled_release_is_accepted_with_a_note(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    """Late data entry is allowed; the answer says at once that a WSO could no longer serve at that release."""
    now = clock.now()
    answers = {}
    past = {"B-LATE": timedelta(hours=2), "B-JUST": timedelta(minutes=10), "B-NEXT": -timedelta(hours=1)}
    for booking, before in past.items():
        args = {"id": booking, "facility": "JAIL", "scheduled_release": (now - before).isoformat()}
        result = jail.run("booking", args)
        assert result.accepted, result
        answers[booking] = result.message
    assert "already past by 2 h 00 min, more than the 15 minutes a WSO may serve after it" in answers["B-LATE"]
    assert "criminal.release" in answers["B-LATE"] and "WSO-SCHEDULED-RELEASE" in answers["B-LATE"]
    assert "note" not in answers["B-JUST"] and "note" not in answers["B-NEXT"]
    assert counts(db)["custody_bookings"] == 4  # B1 of the jail and the three
