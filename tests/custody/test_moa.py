"""Custody follows the MOA (issue 15): service at the release, the 48 hours from it, one hold per person, detention
agreements as records, state law with its grace periods, closed interview topics, complaints, interpreters.

Every refusal is checked to name its rule (and law) and to write nothing (row counts of every custody table)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.custody.conftest import RELEASE, accepted, build_jail, counts
from wso.clock import FixedClock
from wso.custody import Custody, find_hold
from wso.custody.export import export_hold_records
from wso.custody.ledger import events
from wso.custody.notify import MemoryNotifier
from wso.custody.queries import history, hold_view, open_alerts
from wso.custody.sweep import COVER_TEXT, raise_alerts
from wso.store import Database

SERVE = {"warrant": "W1", "officer": "O1", "facility": "JAIL"}


def small_jail(
    custody: Custody, state: str, signed: str, *, kind: str | None = None, template: str | None = None
) -> None:
    """An agency (AG2) of `state` with a WSO agreement signed on `signed`, a jail (J2), an authorized officer (O2) and
    a booking (B2, released at RELEASE) with an I-200 (W2)."""
    agency: dict[str, Any] = {"id": "AG2", "name": "An agency", "state": state}
    agreement: dict[str, Any] = {"agency": "AG2", "model": "WSO", "signed": signed}
    for command, args in (
        ("agency", agency | ({"kind": kind} if kind else {})),
        ("agreement", agreement | ({"moa_template": template} if template else {})),
        ("facility", {"id": "J2", "agency": "AG2", "name": "Jail", "tz": "America/New_York"}),
        ("officer.nominate", {"id": "O2", "agency": "AG2", "name": "O", "us_citizen": True}),
        ("officer.exam", {"id": "O2", "score": 90}),
        ("officer.certify", {"id": "O2"}),
        ("officer.authorize", {"id": "O2"}),
        ("booking", {"id": "B2", "facility": "J2", "scheduled_release": RELEASE.isoformat()}),
        ("warrant.receive", {"id": "W2", "booking": "B2", "form": "I-200"}),
    ):
        accepted(custody, command, args)


SERVE2 = {"warrant": "W2", "officer": "O2", "facility": "J2"}


def refuse(custody: Custody, db: Database, command: str, args: dict[str, Any], rule: str) -> Any:
    before = counts(db)
    result = custody.run(command, args)
    assert (result.status, result.rule) == ("refused", rule), result
    assert counts(db) == before, "a refused command wrote something"
    return result


def hold_of(db: Database, warrant: str) -> Any:
    with db.session() as session:
        hold = find_hold(session, warrant)
        assert hold is not None
        session.expunge(hold)
        return hold


def add_detainer(custody: Custody, booking: str = "B1", warrant: str = "D1") -> None:
    accepted(custody, "warrant.receive", {"id": warrant, "booking": booking, "form": "I-247A"})


# ---- service at the release from criminal custody ------------------------------------------------------------------


def test_service_twelve_hours_after_release_with_nobody_holding_is_refused(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    clock.set(RELEASE + timedelta(hours=12))
    result = refuse(jail, db, "warrant.serve", SERVE, "WSO-SCHEDULED-RELEASE")
    assert "too late" in result.message and "must be released" in result.message


def test_service_within_the_tolerance_and_just_after_it(jail: Custody, db: Database, clock: FixedClock) -> None:
    clock.set(RELEASE + timedelta(minutes=16))
    result = refuse(jail, db, "warrant.serve", SERVE, "WSO-SCHEDULED-RELEASE")
    assert "15 minutes" in result.message
    clock.set(RELEASE + timedelta(minutes=15))
    served = jail.run("warrant.serve", SERVE)
    assert served.accepted and "tolerance 15 minutes" in served.message
    assert hold_of(db, "W1").deadline == RELEASE + timedelta(hours=48)  # from the release, not from service


def test_the_tolerance_is_a_setting(db: Database, clock: FixedClock) -> None:
    custody = Custody(db, clock, service_tolerance=timedelta(hours=1))
    build_jail(custody)
    clock.set(RELEASE + timedelta(minutes=50))
    assert custody.run("warrant.serve", SERVE).accepted


def test_an_early_release_is_recorded_and_service_then_is_lawful(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    clock.set(RELEASE - timedelta(minutes=30))  # bond posted half an hour before the scheduled release
    refuse(jail, db, "warrant.serve", SERVE, "WSO-SCHEDULED-RELEASE")
    released = jail.run("criminal.release", {"booking": "B1"})
    assert released.accepted and "may serve until" in released.message
    clock.advance(timedelta(minutes=5))
    served = jail.run("warrant.serve", SERVE)
    assert served.accepted and "recorded release" in served.message, served
    hold = hold_of(db, "W1")
    assert hold.clock_start == RELEASE - timedelta(minutes=30)
    assert hold.deadline == RELEASE + timedelta(hours=47, minutes=30)


def test_a_release_before_the_booking_is_refused_as_input(jail: Custody, db: Database) -> None:
    before = counts(db)
    # the booking was entered at 13:00Z on the day of the release; a release two days before that cannot be
    result = jail.run("criminal.release", {"booking": "B1"}, occurred_at=RELEASE - timedelta(days=2))
    assert (result.status, result.rule) == ("refused", "INPUT") and "'occurred_at'" in result.message
    assert counts(db) == before


def test_a_release_after_custody_passed_is_refused(jail: Custody, db: Database) -> None:
    accepted(jail, "warrant.serve", SERVE)
    refuse(jail, db, "criminal.release", {"booking": "B1"}, "SEQUENCE")


def test_a_second_release_is_refused(jail: Custody, db: Database) -> None:
    accepted(jail, "criminal.release", {"booking": "B1"})
    refuse(jail, db, "criminal.release", {"booking": "B1"}, "SEQUENCE")


# ---- service during a detainer hold --------------------------------------------------------------------------------


def test_service_during_a_detainer_hold_ends_it_and_keeps_the_release_clock(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    add_detainer(jail)
    accepted(jail, "detainer.hold", {"warrant": "D1"})
    clock.set(RELEASE + timedelta(hours=12))
    served = jail.run("warrant.serve", SERVE)
    assert served.accepted and "while detainer D1 lawfully held" in served.message
    assert "custody passed to ICE" in served.message
    assert len(served.events) == 2  # the detainer hold's end, then the service
    detainer, wso = hold_of(db, "D1"), hold_of(db, "W1")
    assert (detainer.status, detainer.end_reason, detainer.ended_at) == (
        "transferred",
        "transferred",
        RELEASE + timedelta(hours=12),
    )
    assert wso.status == "open" and wso.deadline == RELEASE + timedelta(hours=48)
    with db.session() as session:
        (ended,) = [e for e in events(session, "hold-D1") if e.kind == "transferred"]
    assert ended.payload == {"reason": "transferred", "served": "W1"}


def test_service_after_the_detainer_ran_out_is_refused(jail: Custody, db: Database, clock: FixedClock) -> None:
    flat = Custody(db, clock)  # the default reading
    add_detainer(flat)
    accepted(flat, "detainer.hold", {"warrant": "D1"})
    clock.set(RELEASE + timedelta(hours=49))  # flat reading: the detainer ended at 48 hours
    refuse(flat, db, "warrant.serve", SERVE, "WSO-SCHEDULED-RELEASE")


def test_service_after_the_wso_48_hours_is_refused_though_the_excluding_detainer_holds(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    # the fixture's reading is excluding: released Friday 09:00, the detainer holds until Tuesday 09:00, but a WSO
    # hold's 48 hours from the release end on Sunday 09:00 (WSO-48H, flat): served after that it is late at once
    add_detainer(jail)
    accepted(jail, "detainer.hold", {"warrant": "D1"})
    clock.set(RELEASE + timedelta(hours=48))  # in the 48-hour point's second: lawful, not late
    accepted(jail, "warrant.serve", SERVE)
    assert hold_of(db, "W1").deadline == RELEASE + timedelta(hours=48)


def test_service_one_second_after_the_wso_48_hours_is_refused(jail: Custody, db: Database, clock: FixedClock) -> None:
    add_detainer(jail)
    accepted(jail, "detainer.hold", {"warrant": "D1"})
    clock.set(RELEASE + timedelta(hours=48, seconds=1))  # the excluding detainer still holds (until Tuesday)
    result = refuse(jail, db, "warrant.serve", SERVE, "WSO-48H")
    assert "2026-03-08T10:00:00-04:00" in result.message and "may not begin" in result.message
    assert hold_of(db, "D1").status == "open"  # the detainer hold goes on; nothing was written


def test_service_after_the_48_hours_is_lawful_where_an_igsa_lifts_the_limit(
    custody: Custody, db: Database, clock: FixedClock
) -> None:
    build_jail(custody, detention_agreement=True)
    add_detainer(custody)
    clock.set(RELEASE)
    accepted(custody, "detainer.hold", {"warrant": "D1"})
    clock.set(RELEASE + timedelta(hours=60))
    assert custody.run("warrant.serve", SERVE).accepted


def test_a_detainer_hold_begun_after_its_48_hours_is_refused(jail: Custody, db: Database, clock: FixedClock) -> None:
    flat = Custody(db, clock)  # the default reading: the detainer's 48 hours end on Sunday 09:00
    add_detainer(flat)
    clock.set(RELEASE + timedelta(hours=48, seconds=1))
    result = refuse(flat, db, "detainer.hold", {"warrant": "D1"}, "DETAINER-48H")
    assert "too late" in result.message and "reading: flat" in result.message
    clock.set(RELEASE + timedelta(hours=48))  # in the deadline's second: still within them
    assert flat.run("detainer.hold", {"warrant": "D1"}).accepted


def test_no_new_hold_once_custody_passed_to_ice(jail: Custody, db: Database, clock: FixedClock) -> None:
    add_detainer(jail)
    accepted(jail, "warrant.receive", {"id": "W2", "booking": "B1", "form": "I-205"})
    accepted(jail, "warrant.serve", SERVE)
    clock.advance(timedelta(minutes=5))
    accepted(jail, "custody.transfer", {"warrant": "W1"})
    clock.advance(timedelta(minutes=5))  # still within the service tolerance of the release
    result = refuse(jail, db, "warrant.serve", {**SERVE, "warrant": "W2"}, "SEQUENCE")
    assert "already passed to ICE on W1" in result.message
    refuse(jail, db, "detainer.hold", {"warrant": "D1"}, "SEQUENCE")


def test_one_person_is_never_in_two_holds(jail: Custody, db: Database) -> None:
    add_detainer(jail)
    accepted(jail, "warrant.serve", SERVE)
    refuse(jail, db, "detainer.hold", {"warrant": "D1"}, "SEQUENCE")
    accepted(jail, "warrant.receive", {"id": "W2", "booking": "B1", "form": "I-205"})
    refuse(jail, db, "warrant.serve", {**SERVE, "warrant": "W2"}, "SEQUENCE")


def test_the_detainer_default_reading_is_flat_and_the_answer_names_both(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    flat = Custody(db, clock)  # built without a reading
    add_detainer(flat)
    result = flat.run("detainer.hold", {"warrant": "D1"})
    assert "reading: flat" in result.message and "excluding" in result.message
    assert hold_of(db, "D1").deadline == RELEASE + timedelta(hours=48)


# ---- state law -----------------------------------------------------------------------------------------------------


def test_detainer_hold_refused_where_state_law_bars_it(custody: Custody, db: Database, clock: FixedClock) -> None:
    build_jail(custody, state="CO")  # Colorado restricts 287(g) but bars holds on detainers
    add_detainer(custody)
    clock.set(RELEASE)
    result = refuse(custody, db, "detainer.hold", {"warrant": "D1"}, "STATE-LAW")
    assert result.law == "CO-HB19-1124-DETAINERS" and result.law in result.message


def test_detainer_hold_where_state_law_only_restricts_it_names_the_law(
    custody: Custody, db: Database, clock: FixedClock
) -> None:
    build_jail(custody, state="NJ")  # NJ's 287(g) bar does not concern the jail's own detainer hold
    add_detainer(custody)
    clock.set(RELEASE)
    result = custody.run("detainer.hold", {"warrant": "D1"})
    assert result.accepted and "NJ law restricts holds on detainers (NJ-AG-2018-6-DETAINERS" in result.message


def test_maryland_agreement_signed_before_hb444_is_served_in_its_grace_period(
    custody: Custody, db: Database, clock: FixedClock
) -> None:
    build_jail(custody, state="MD")  # signed 2025-02-26; HB 444 in effect 2026-02-17, existing end 2026-07-01
    clock.set(RELEASE)
    assert custody.run("warrant.serve", SERVE).accepted


def test_entering_an_agreement_says_what_state_law_holds_of_it(custody: Custody, clock: FixedClock) -> None:
    clock.set(datetime(2026, 3, 1, 15, tzinfo=UTC))
    accepted(custody, "agency", {"id": "MD1", "name": "A Maryland sheriff", "state": "MD", "kind": "county"})
    old = custody.run("agreement", {"agency": "MD1", "model": "WSO", "signed": "2025-03-03"})
    assert old.accepted and "MD-HB444-2026" in old.message and "only until 2026-07-01" in old.message
    new = custody.run("agreement", {"agency": "MD1", "model": "WSO", "signed": "2026-02-20"})
    assert new.accepted and "prohibits this agreement on 2026-03-01" in new.message
    accepted(custody, "agency", {"id": "FL1", "name": "A Florida sheriff", "state": "FL", "kind": "county"})
    plain = custody.run("agreement", {"agency": "FL1", "model": "WSO", "signed": "2025-03-03"})
    assert plain.accepted and "note" not in plain.message


def test_maryland_agreement_signed_after_hb444_is_refused(custody: Custody, db: Database, clock: FixedClock) -> None:
    small_jail(custody, "MD", "2026-02-20")
    clock.set(RELEASE)
    result = refuse(custody, db, "warrant.serve", SERVE2, "STATE-LAW")
    assert result.law == "MD-HB444-2026"


def test_the_agency_kind_decides_which_laws_bind(custody: Custody, db: Database, clock: FixedClock) -> None:
    # Virginia's 2026 directive ends state agencies' agreements; sheriffs (county) are not bound
    refuse(custody, db, "agency", {"id": "VA2", "name": "X", "state": "VA", "kind": "federal"}, "INPUT")
    small_jail(custody, "VA", "2025-05-01", kind="state")
    clock.set(RELEASE)
    result = refuse(custody, db, "warrant.serve", SERVE2, "STATE-LAW")
    assert result.law == "VA-ED1-2026" and "state agency" in result.message


# ---- detention agreements ------------------------------------------------------------------------------------------


def test_a_detention_agreement_until_before_from_is_refused_as_input(jail: Custody, db: Database) -> None:
    args = {"id": "IGSA-1", "agency": "AG", "facilities": ["JAIL"], "kind": "IGSA", "from": "2026-01-01"}
    result = refuse(jail, db, "detention.agreement", {**args, "until": "2025-12-31"}, "INPUT")
    assert "'until'" in result.message
    assert "'kind'" in refuse(jail, db, "detention.agreement", {**args, "kind": "lease"}, "INPUT").message
    assert "'facilities'" in refuse(jail, db, "detention.agreement", {**args, "facilities": []}, "INPUT").message
    accepted(jail, "detention.agreement", args)
    refuse(jail, db, "detention.agreement", args, "SEQUENCE")


def test_a_sweep_moves_a_covered_hold_onto_its_igsa_without_overdue(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    accepted(
        jail,
        "detention.agreement",
        {"id": "IGSA-1", "agency": "AG", "facilities": "JAIL", "kind": "IGSA", "from": "2024-10-01"},
    )
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.set(RELEASE + timedelta(hours=40))
    assert jail.run("sweep").alerts == ()  # no due_12h: the hold will move onto the agreement
    clock.set(RELEASE + timedelta(hours=50))
    swept = jail.run("sweep")
    assert swept.alerts == ()
    hold = hold_of(db, "W1")
    assert (hold.status, hold.detention_agreement_from) == ("detention_agreement", RELEASE + timedelta(hours=48))
    with db.session() as session:
        kinds = [(e.kind, e.occurred_at, e.recorded_at) for e in events(session, "hold-W1")]
    assert kinds[-1] == ("detention_agreement", RELEASE + timedelta(hours=48), RELEASE + timedelta(hours=50))
    clock.set(RELEASE + timedelta(hours=80))
    transfer = jail.run("custody.transfer", {"warrant": "W1"})
    assert transfer.accepted and "after the deadline" not in transfer.message


def _igsa_until(jail: Custody, until: str) -> None:
    args = {"id": "IGSA-1", "agency": "AG", "facilities": ["JAIL"], "kind": "IGSA", "from": "2024-10-01"}
    accepted(jail, "detention.agreement", {**args, "until": until})


# the 48-hour point, 2026-03-08T14:00Z, is on 2026-03-08 in New York: the hold moves onto the IGSA in force until
# 2026-03-09, whose cover ends when 2026-03-10 begins there (EDT): 04:00Z
COVER_END = datetime(2026, 3, 10, 4, tzinfo=UTC)


def test_a_hold_is_overdue_once_its_detention_agreement_stops_covering_it(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    _igsa_until(jail, "2026-03-09")
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.set(RELEASE + timedelta(hours=50))
    assert jail.run("sweep").alerts == ()
    with db.session() as session:
        shown = hold_view(session, "W1", clock.now())
    assert shown is not None and shown.status == "detention_agreement"
    assert shown.detention_agreement_until == "2026-03-10T04:00:00Z"
    clock.set(COVER_END - timedelta(microseconds=1))
    # the cover's end is warned of as the 48-hour deadline is (first seen within the hour: due_1h only), not overdue
    assert [a["kind"] for a in jail.run("sweep").alerts] == ["due_1h"]
    clock.set(COVER_END)
    with db.session() as session:
        raised = raise_alerts(session, clock.now())
        session.commit()
    assert [(a.kind, a.warrant, a.due_at) for a, _ in raised] == [("overdue", "W1", "2026-03-10T04:00:00Z")]
    assert raised[0][1].text == COVER_TEXT["overdue"].format(until="2026-03-10T00:00:00-04:00")
    assert raised[0][1].text.startswith("the detention agreement the hold moved onto ended: its cover ended at")
    clock.set(COVER_END + timedelta(hours=2, minutes=30))
    late = jail.run("custody.transfer", {"warrant": "W1"})
    assert late.accepted and "after the deadline by 2 h 30 min: WSO-48H" in late.message


def test_the_end_of_a_detention_agreements_cover_is_warned_of_as_the_48_hours_are(
    jail: Custody, db: Database, clock: FixedClock, notifier: MemoryNotifier
) -> None:
    """due_12h, due_4h, due_1h, then overdue, each once, due at the cover's end, sent through the Notifier with words
    that say when the cover ends in the facility's zone (2026-03-10 00:00 EDT) and what the jail must do."""
    _igsa_until(jail, "2026-03-09")
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "ice.notify", {"warrant": "W1"})
    raised: list[str] = []
    for before, kind in ((timedelta(hours=13), None), (timedelta(hours=12), "due_12h"), (timedelta(hours=5), None),
                         (timedelta(hours=4), "due_4h"), (timedelta(hours=1), "due_1h"), (timedelta(0), "overdue"),
                         (-timedelta(hours=1), None)):  # fmt: skip
        clock.set(COVER_END - before)
        swept = [a["kind"] for a in jail.run("sweep").alerts]
        assert swept == ([kind] if kind else []), (before, swept)
        raised += swept
    assert [(m.kind, m.warrant, m.due_at) for m in notifier.sent] == [
        (kind, "W1", "2026-03-10T04:00:00Z") for kind in raised
    ]
    words = {m.kind: m.text for m in notifier.sent}
    assert all("cover of this hold ends at 2026-03-10T00:00:00-04:00" in words[k] for k in ("due_12h", "due_4h"))
    assert words["due_12h"].endswith("arrange transfer to ICE or release before then")
    assert words["due_1h"].endswith("transfer to ICE or release now")
    assert "its cover ended at 2026-03-10T00:00:00-04:00" in words["overdue"] and "(WSO-48H)" in words["overdue"]
    # the read side (the console's list, a hold's history) says the same words, not the 48-hour deadline's
    with db.session() as session:
        listed = {a.kind: a.text for a in open_alerts(session)}
        hold = find_hold(session, "W1")
        assert hold is not None
        shown = {a["kind"]: a["text"] for a in history(session, hold)["alerts"]}
    assert listed == shown == words


def test_a_hold_not_yet_moved_is_warned_of_a_cover_that_ends_soon_after_its_48_hour_point(
    jail: Custody, db: Database, clock: FixedClock, notifier: MemoryNotifier
) -> None:
    """Released 20:00 EST on 6 March: the 48-hour point is 21:00 EDT on 8 March (01:00Z on the 9th), and the IGSA in
    force until 8 March stops covering at midnight, 3 hours later: an hour before the move the sweep warns of the
    cover's end (due_4h), not of the 48-hour point, which the hold will not be late at."""
    _igsa_until(jail, "2026-03-08")
    evening = {"id": "B2", "facility": "JAIL", "scheduled_release": "2026-03-06T20:00:00-05:00"}
    accepted(jail, "booking", evening)
    accepted(jail, "warrant.receive", {"id": "W2", "booking": "B2", "form": "I-200"})
    clock.set(datetime(2026, 3, 7, 1, tzinfo=UTC))
    accepted(jail, "warrant.serve", {**SERVE, "warrant": "W2"})
    accepted(jail, "ice.notify", {"warrant": "W2"})
    end = datetime(2026, 3, 9, 4, tzinfo=UTC)
    clock.set(datetime(2026, 3, 9, 0, tzinfo=UTC))
    assert [(a["kind"], a["warrant"]) for a in jail.run("sweep").alerts] == [("due_4h", "W2")]
    assert hold_of(db, "W2").status == "open"
    assert "cover of this hold ends at 2026-03-09T00:00:00-04:00" in notifier.sent[-1].text
    clock.set(datetime(2026, 3, 9, 2, tzinfo=UTC))
    assert jail.run("sweep").alerts == ()  # moved onto the IGSA now; due_4h was raised
    assert hold_of(db, "W2").status == "detention_agreement"
    clock.set(end - timedelta(minutes=30))
    assert [a["kind"] for a in jail.run("sweep").alerts] == ["due_1h"]
    clock.set(end)
    assert [a["kind"] for a in jail.run("sweep").alerts] == ["overdue"]
    assert {m.due_at for m in notifier.sent} == {"2026-03-09T04:00:00Z"}


def test_export_says_when_the_detention_agreement_stops_covering_the_hold(
    jail: Custody, db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _igsa_until(jail, "2026-03-09")
    accepted(jail, "warrant.serve", SERVE)
    with db.session() as session:
        export_hold_records(session, tmp_path / "early", b"key", as_of=RELEASE + timedelta(hours=47))
        export_hold_records(session, tmp_path / "moved", b"key", as_of=RELEASE + timedelta(hours=50))
    found = {}
    for name in ("early", "moved"):
        with (tmp_path / name / "holds.csv").open(encoding="utf-8", newline="") as handle:
            (row,) = csv.DictReader(handle)
        found[name] = (row["detention_agreement_from"], row["detention_agreement_until"])
    point = (RELEASE + timedelta(hours=48)).isoformat()
    assert found == {"early": ("", ""), "moved": (point, COVER_END.isoformat())}


def test_a_hold_ended_in_the_second_its_cover_ends_is_not_late(jail: Custody, db: Database, clock: FixedClock) -> None:
    _igsa_until(jail, "2026-03-09")
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.set(COVER_END + timedelta(microseconds=999_999))
    transfer = jail.run("custody.transfer", {"warrant": "W1"})  # moves onto the IGSA first, then ends
    assert transfer.accepted and "after the deadline" not in transfer.message
    assert hold_of(db, "W1").detention_agreement_from == RELEASE + timedelta(hours=48)


def test_an_open_ended_agreement_or_a_later_one_keeps_covering(jail: Custody, db: Database, clock: FixedClock) -> None:
    _igsa_until(jail, "2026-03-09")
    accepted(
        jail,
        "detention.agreement",
        {"id": "USMS-1", "agency": "AG", "facilities": ["JAIL"], "kind": "USMS", "from": "2025-01-01"},
    )
    accepted(jail, "warrant.serve", SERVE)
    accepted(jail, "ice.notify", {"warrant": "W1"})
    clock.set(RELEASE + timedelta(days=30))
    assert jail.run("sweep").alerts == ()
    transfer = jail.run("custody.transfer", {"warrant": "W1"})
    assert transfer.accepted and "after the deadline" not in transfer.message


def test_a_boa_does_not_lift_the_limit(jail: Custody, db: Database, clock: FixedClock) -> None:
    accepted(
        jail,
        "detention.agreement",
        {"id": "BOA-1", "agency": "AG", "facilities": ["JAIL"], "kind": "BOA", "from": "2024-10-01"},
    )
    accepted(jail, "warrant.serve", SERVE)
    clock.set(RELEASE + timedelta(hours=49))
    assert "overdue" in [a["kind"] for a in jail.run("sweep").alerts]
    result = refuse(jail, db, "custody.continue", {"warrant": "W1"}, "WSO-DETENTION-AGREEMENT")
    assert "BOA" in result.message
    late = jail.run("custody.transfer", {"warrant": "W1"})
    assert "after the deadline by 1 h 00 min: WSO-48H" in late.message


def test_an_agreement_ended_before_the_48_hour_point_does_not_cover(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    accepted(
        jail,
        "detention.agreement",
        {
            "id": "IGSA-1",
            "agency": "AG",
            "facilities": ["JAIL"],
            "kind": "IGSA",
            "from": "2024-10-01",
            "until": "2026-03-07",
        },
    )
    accepted(jail, "warrant.serve", SERVE)
    clock.set(RELEASE + timedelta(hours=49))  # the 48-hour point is on 2026-03-08, after the last day
    assert "overdue" in [a["kind"] for a in jail.run("sweep").alerts]


def test_state_law_that_bars_the_detention_agreement_leaves_the_limit(
    custody: Custody, db: Database, clock: FixedClock
) -> None:
    build_jail(custody, state="CO", detention_agreement=True)  # Colorado HB23-1100 bars them from 2024-01-01
    clock.set(RELEASE)
    assert custody.run("warrant.serve", SERVE).accepted
    clock.set(RELEASE + timedelta(hours=49))
    result = refuse(custody, db, "custody.continue", {"warrant": "W1"}, "STATE-LAW")
    assert result.law == "CO-HB23-1100-DETENTION"
    assert "overdue" in [a["kind"] for a in custody.run("sweep").alerts]


# ---- interviews, notification, citizenship, complaints, interpreters -----------------------------------------------


def test_interview_topics_come_from_a_closed_list(jail: Custody, db: Database) -> None:
    args = {"officer": "O1", "booking": "B1"}
    result = refuse(jail, db, "interview", {**args, "topic": "country of birth"}, "INPUT")
    assert "'topic'" in result.message and "place of birth" in result.message
    for topic in ("citizenship", "alienage", "nationality", "removability", "immigration status", "place of birth"):
        refuse(jail, db, "interview", {**args, "topic": topic}, "WSO-NO-INTERROGATION")
    for topic in ("criminal case", "medical", "other", "Criminal_Case"):
        accepted(jail, "interview", {**args, "topic": topic})


def test_ice_told_after_15_minutes_is_late(jail: Custody, clock: FixedClock) -> None:
    accepted(jail, "warrant.serve", SERVE)
    clock.advance(timedelta(minutes=16))
    assert "late" in jail.run("ice.notify", {"warrant": "W1"}).message
    assert jail.run("sweep").alerts == ()  # told, if late: nothing left to alert


def test_acts_dated_before_what_they_follow_are_refused_as_input(
    jail: Custody, db: Database, clock: FixedClock
) -> None:
    # the audit reads a notification before service, or a report before the claim, as on time: the ledger refuses
    accepted(jail, "warrant.serve", SERVE)
    clock.advance(timedelta(minutes=2))
    for command, before in (
        ("ice.notify", RELEASE - timedelta(seconds=1)),
        ("citizenship.claim", RELEASE - timedelta(minutes=1)),
    ):
        before_counts = counts(db)
        result = jail.run(command, {"warrant": "W1"}, occurred_at=before)
        assert (result.status, result.rule) == ("refused", "INPUT") and "'occurred_at'" in result.message, result
        assert counts(db) == before_counts
    assert jail.run("ice.notify", {"warrant": "W1"}, occurred_at=RELEASE + timedelta(milliseconds=500)).accepted
    accepted(jail, "citizenship.claim", {"warrant": "W1"})
    clock.advance(timedelta(minutes=10))
    claimed = RELEASE + timedelta(minutes=2)
    result = jail.run("citizenship.report", {"warrant": "W1"}, occurred_at=claimed - timedelta(seconds=1))
    assert (result.status, result.rule) == ("refused", "INPUT") and "before the claim on W1" in result.message
    assert jail.run("citizenship.report", {"warrant": "W1"}, occurred_at=claimed).accepted


def test_the_citizenship_report_applies_to_wso_holds_only(jail: Custody, clock: FixedClock) -> None:
    add_detainer(jail)
    accepted(jail, "detainer.hold", {"warrant": "D1"})
    claim = jail.run("citizenship.claim", {"warrant": "D1"})
    assert claim.accepted and "WSO holds only" in claim.message
    assert jail.run("sweep").alerts == ()


def test_the_citizenship_report_words_follow_the_moa_template(jail: Custody, db: Database, clock: FixedClock) -> None:
    bad = {"agency": "AG", "model": "WSO", "signed": "2019-06-01", "moa_template": "2017"}
    assert "'moa_template'" in refuse(jail, db, "agreement", bad, "INPUT").message
    small_jail(jail, "FL", "2019-06-01", template="2019")
    accepted(jail, "warrant.serve", SERVE2)
    claim = jail.run("citizenship.claim", {"warrant": "W2"})
    assert "in no case more than one hour" in claim.message and "2019" in claim.message
    clock.advance(timedelta(minutes=61))
    report = jail.run("citizenship.report", {"warrant": "W2"})
    assert "late" in report.message and "violation" in report.message


def test_complaints_are_due_48_hours_later_weekends_excluded(jail: Custody, db: Database, clock: FixedClock) -> None:
    received = datetime(2026, 3, 6, 21, 0, tzinfo=UTC)  # Friday 16:00 EST
    clock.set(received)
    refuse(jail, db, "complaint.receive", {"id": "C1", "officer": "O1", "facility": "NOWHERE"}, "INPUT")
    result = jail.run("complaint.receive", {"id": "C1", "officer": "O1", "facility": "JAIL"})
    assert result.accepted and "2026-03-10T16:00:00-04:00" in result.message  # Tuesday, weekend not counted
    refuse(jail, db, "complaint.receive", {"id": "C1", "officer": "O1", "facility": "JAIL"}, "SEQUENCE")
    clock.set(datetime(2026, 3, 10, 19, 59, tzinfo=UTC))
    assert jail.run("sweep").alerts == ()
    clock.set(datetime(2026, 3, 10, 20, 1, tzinfo=UTC))
    alerts = jail.run("sweep").alerts
    assert [(a["kind"], a["warrant"]) for a in alerts] == [("complaint_report_due", "C1")]
    assert jail.run("sweep").alerts == ()  # once
    report = jail.run("complaint.report", {"id": "C1"})
    assert report.accepted and "late" in report.message
    refuse(jail, db, "complaint.report", {"id": "C1"}, "SEQUENCE")


def test_the_interpreter_is_named_on_the_service_and_exported(jail: Custody, db: Database, tmp_path: Path) -> None:
    served = jail.run("warrant.serve", {**SERVE, "interpreter": "Ana Ruiz"})
    assert served.accepted and "interpreter Ana Ruiz" in served.message
    assert hold_of(db, "W1").interpreter == "Ana Ruiz"
    with db.session() as session:
        (event,) = events(session, "hold-W1")
        export_hold_records(session, tmp_path / "default", b"key")
        export_hold_records(session, tmp_path / "identified", b"key", identified=True)
    assert event.payload["interpreter"] == "Ana Ruiz"
    with (tmp_path / "identified" / "holds.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row["interpreter"] == "Ana Ruiz"
    # the interpreter is a person: the default export names no one, but says one was used, stably
    text = (tmp_path / "default" / "holds.csv").read_text(encoding="utf-8")
    assert "Ana Ruiz" not in text and "Ruiz" not in text
    with (tmp_path / "default" / "holds.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row["interpreter"].startswith("i-") and len(row["interpreter"]) == 22


def test_export_carries_the_release_and_the_detention_agreement(
    custody: Custody, db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    build_jail(custody, detention_agreement=True)
    accepted(custody, "booking", {"id": "B2", "facility": "JAIL", "scheduled_release": RELEASE.isoformat()})
    accepted(custody, "warrant.receive", {"id": "W2", "booking": "B2", "form": "I-205"})
    clock.set(RELEASE - timedelta(minutes=30))
    accepted(custody, "criminal.release", {"booking": "B2"})
    accepted(custody, "warrant.serve", {**SERVE, "warrant": "W2"})
    clock.set(RELEASE)
    accepted(custody, "warrant.serve", SERVE)
    clock.set(RELEASE + timedelta(hours=60))
    custody.run("sweep")
    with db.session() as session:
        export_hold_records(session, tmp_path, b"key", identified=True)
    with (tmp_path / "holds.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["record_id"]: row for row in csv.DictReader(handle)}
    early, held = rows["hold-W2"], rows["hold-W1"]
    assert early["criminal_release_at"] == (RELEASE - timedelta(minutes=30)).isoformat()
    assert early["detention_agreement_from"] == (RELEASE + timedelta(hours=47, minutes=30)).isoformat()
    assert held["criminal_release_at"] == "" and held["detention_agreement"] == "true"
    assert held["detention_agreement_from"] == (RELEASE + timedelta(hours=48)).isoformat()
    with (tmp_path / "agreements.csv").open(encoding="utf-8", newline="") as handle:
        (agreement,) = csv.DictReader(handle)
    assert (agreement["signed_on"], agreement["agency_kind"], agreement["moa_template"]) == ("2025-02-26", "", "")


def test_the_sweep_command_settles_covered_holds_too(custody: Custody, db: Database, clock: FixedClock) -> None:
    from wso.custody import sweep

    build_jail(custody, detention_agreement=True)
    clock.set(RELEASE)
    accepted(custody, "warrant.serve", SERVE)
    accepted(custody, "ice.notify", {"warrant": "W1"})
    clock.set(RELEASE + timedelta(hours=49))
    with db.session() as session:
        assert sweep(session, clock) == []  # what `wso custody sweep` runs: no overdue
    assert hold_of(db, "W1").detention_agreement_from == RELEASE + timedelta(hours=48)
    with db.session() as session:
        assert [e.kind for e in events(session, "hold-W1")][-1] == "detention_agreement"


def test_export_as_of_reports_a_covered_hold_moved_though_nothing_touched_it(
    custody: Custody, db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    build_jail(custody, detention_agreement=True)
    clock.set(RELEASE)
    accepted(custody, "warrant.serve", SERVE)
    with db.session() as session:
        export_hold_records(session, tmp_path / "before", b"key", as_of=RELEASE + timedelta(hours=47))
        export_hold_records(session, tmp_path / "recorded", b"key")
        export_hold_records(session, tmp_path / "after", b"key", as_of=RELEASE + timedelta(hours=50))
    found = {}
    for name in ("before", "recorded", "after"):
        with (tmp_path / name / "holds.csv").open(encoding="utf-8", newline="") as handle:
            (row,) = csv.DictReader(handle)
        found[name] = (row["detention_agreement"], row["detention_agreement_from"])
    point = (RELEASE + timedelta(hours=48)).isoformat()
    assert found == {"before": ("true", ""), "recorded": ("true", ""), "after": ("true", point)}
