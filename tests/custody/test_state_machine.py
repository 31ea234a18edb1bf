"""Random command sequences (hypothesis): after every step no hold is past its deadline unnoticed, every chain
verifies, refused commands wrote nothing, one booking never has two holds that keep the person, and
`warrant.serve` is accepted exactly when the rules allow it (at the release within the tolerance, or later while a
detainer lawfully holds the person)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from tests.custody.conftest import accepted, build_jail, counts
from wso.clock import FixedClock
from wso.custody import Command, Custody, verify
from wso.custody.models import Alert, Hold
from wso.program import SERVICE_TOLERANCE
from wso.store import open_database

START = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
_TEMPLATE: dict[str, Path] = {}


def template() -> Path:
    """One migrated, furnished SQLite file, copied for each example (migrating each time is slow)."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="wso-sm-"))
        path = folder / "template.sqlite3"
        db = open_database(f"sqlite:///{path}")
        custody = Custody(db, FixedClock(START))
        build_jail(custody, detention_agreement=True)
        accepted(custody, "officer.nominate", {"id": "O2", "agency": "AG", "name": "Two", "us_citizen": True})
        accepted(custody, "agency", {"id": "OTHER", "name": "Other County", "state": "FL"})
        accepted(custody, "officer.nominate", {"id": "X1", "agency": "OTHER", "name": "X", "us_citizen": True})
        accepted(custody, "officer.exam", {"id": "X1", "score": 95})
        accepted(custody, "officer.certify", {"id": "X1"})
        accepted(custody, "officer.authorize", {"id": "X1"})
        db.dispose()
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


FORMS = st.sampled_from(["I-200", "I-200", "I-205", "I-247A", "judicial"])
HOLD_COMMANDS = st.sampled_from(
    ["ice.notify", "citizenship.claim", "citizenship.report", "custody.transfer", "custody.release", "custody.continue"]
)


class CustodyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="wso-sm-run-"))
        path = self.folder / "db.sqlite3"
        shutil.copy(template(), path)
        self.db = open_database(f"sqlite:///{path}")
        self.clock = FixedClock(START)
        self.custody = Custody(self.db, self.clock)
        self.warrants: dict[str, tuple[str, datetime]] = {}  # id -> (form, scheduled release)
        self.booking_of: dict[str, str] = {}
        self.served: set[str] = set()
        self.o1_authorized = True
        self.last_sweep: datetime | None = None
        self.open_at_last_sweep: set[str] = set()

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def run(self, command: str, args: dict[str, Any]) -> bool:
        before = counts(self.db)
        result = self.custody.run(command, args)
        if not result.accepted:
            assert result.rule, result
            assert counts(self.db) == before, f"refused {command} wrote something: {result}"
        return result.accepted

    @initialize()
    def start(self) -> None:
        pass

    @rule(form=FORMS, release_in=st.integers(min_value=-6 * 60, max_value=6 * 60))
    def book(self, form: str, release_in: int) -> None:
        n = len(self.warrants) + 1
        release = self.clock.now() + timedelta(minutes=release_in)
        assert self.run("booking", {"id": f"b{n}", "facility": "JAIL", "scheduled_release": release.isoformat()})
        assert self.run("warrant.receive", {"id": f"w{n}", "booking": f"b{n}", "form": form})
        self.warrants[f"w{n}"] = (form, release)
        self.booking_of[f"w{n}"] = f"b{n}"

    @rule(release_in=st.integers(min_value=-6 * 60, max_value=6 * 60))
    def book_detainer_and_warrant(self, release_in: int) -> None:
        """One person with an I-247A detainer and an I-200: held on the detainer, then served by a WSO."""
        n = len(self.warrants) + 1
        release = self.clock.now() + timedelta(minutes=release_in)
        assert self.run("booking", {"id": f"b{n}", "facility": "JAIL", "scheduled_release": release.isoformat()})
        for k, form in ((n, "I-247A"), (n + 1, "I-200")):
            assert self.run("warrant.receive", {"id": f"w{k}", "booking": f"b{n}", "form": form})
            self.warrants[f"w{k}"] = (form, release)
            self.booking_of[f"w{k}"] = f"b{n}"

    def _lawfully_held_on_a_detainer(self, booking: str) -> bool:
        with self.db.session() as session:
            rows = session.execute(
                select(Hold.deadline).where(Hold.booking_id == booking, Hold.kind == "detainer", Hold.status == "open")
            ).scalars()
            return any(deadline is not None and self.clock.now() <= deadline for deadline in rows)

    def _held_by_wso(self, booking: str) -> bool:
        with self.db.session() as session:
            statuses = ("open", "detention_agreement")
            found = select(Hold.id).where(Hold.booking_id == booking, Hold.kind == "wso", Hold.status.in_(statuses))
            return session.execute(found).first() is not None

    @rule(
        data=st.data(),
        officer=st.sampled_from(["O1", "O1", "O1", "O2", "X1"]),
        facility=st.sampled_from(["JAIL", "JAIL", "JAIL", "street"]),
    )
    def serve(self, data: st.DataObject, officer: str, facility: str) -> None:
        if not self.warrants:
            return
        warrant = data.draw(st.sampled_from(sorted(self.warrants)))
        form, release = self.warrants[warrant]
        now = self.clock.now()
        booking = self.booking_of[warrant]
        in_window = release <= now <= release + SERVICE_TOLERANCE
        lawful = (
            form in ("I-200", "I-205")
            and facility == "JAIL"
            and officer == "O1"
            and self.o1_authorized
            and (in_window or (now > release and self._lawfully_held_on_a_detainer(booking)))
            and warrant not in self.served
            and not self._held_by_wso(booking)
        )
        ok = self.run("warrant.serve", {"warrant": warrant, "officer": officer, "facility": facility})
        assert ok == lawful, (warrant, form, officer, facility)
        if ok:
            self.served.add(warrant)

    @rule(data=st.data())
    def detainer(self, data: st.DataObject) -> None:
        if self.warrants:
            warrant = data.draw(st.sampled_from(sorted(self.warrants)))
            if self.run("detainer.hold", {"warrant": warrant}):
                self.served.add(warrant)

    @rule(data=st.data(), command=HOLD_COMMANDS)
    def act(self, data: st.DataObject, command: str) -> None:
        if self.warrants:
            warrant = data.draw(st.sampled_from(sorted(self.warrants)))
            self.run(command, {"warrant": warrant})

    @rule(data=st.data(), size=st.integers(min_value=2, max_value=6))
    def batch(self, data: st.DataObject, size: int) -> None:
        """Several clerks' hold commands in one group commit: exactly the accepted ones' events are written."""
        if not self.warrants:
            return
        commands = [
            Command(data.draw(HOLD_COMMANDS), {"warrant": data.draw(st.sampled_from(sorted(self.warrants)))})
            for _ in range(size)
        ]
        before = counts(self.db)
        results = self.custody.apply_many(commands)
        after = counts(self.db)
        for result in results:
            assert result.accepted or (result.rule and not result.events), result
        appended = sum(len(r.events) for r in results if r.accepted)
        assert after["custody_hold_events"] - before["custody_hold_events"] == appended
        assert {k: v for k, v in after.items() if k != "custody_hold_events"} == {
            k: v for k, v in before.items() if k != "custody_hold_events"
        }

    @rule()
    def withdraw_or_authorize(self) -> None:
        command = "officer.withdraw" if self.o1_authorized else "officer.authorize"
        assert self.run(command, {"id": "O1"})
        self.o1_authorized = not self.o1_authorized

    @rule(topic=st.sampled_from(["immigration status", "property", "alienage", "medical", "criminal case"]))
    def interview(self, topic: str) -> None:
        if self.warrants:
            ok = self.run("interview", {"officer": "O1", "booking": "b1", "topic": topic})
            assert ok == (topic in ("medical", "criminal case"))
            assert not self.run("detainer.issue", {"officer": "O1", "booking": "b1"})

    @rule(minutes=st.integers(min_value=1, max_value=50 * 60))
    def advance(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @rule()
    def sweep(self) -> None:
        with self.db.session() as session:
            self.open_at_last_sweep = set(session.execute(select(Hold.id).where(Hold.status == "open")).scalars())
        assert self.run("sweep", {})
        self.last_sweep = self.clock.now()

    @invariant()
    def no_hold_past_its_deadline_unnoticed(self) -> None:
        if self.last_sweep is None:
            return
        with self.db.session() as session:
            # a hold that moved onto the jail's detention agreement at its 48-hour point is not late
            late = (
                set(
                    session.execute(
                        select(Hold.id).where(
                            Hold.deadline.is_not(None),
                            Hold.deadline <= self.last_sweep,
                            Hold.detention_agreement_from.is_(None),
                        )
                    ).scalars()
                )
                & self.open_at_last_sweep
            )
            overdue = set(session.execute(select(Alert.hold_id).where(Alert.kind == "overdue")).scalars())
        assert late <= overdue, f"past the deadline at the last sweep but no overdue alert: {late - overdue}"

    @invariant()
    def one_person_one_hold(self) -> None:
        with self.db.session() as session:
            active = session.execute(
                select(Hold.booking_id).where(Hold.status.in_(("open", "detention_agreement")))
            ).scalars()
            bookings = list(active)
        assert len(bookings) == len(set(bookings)), f"a booking with two holds that keep the person: {bookings}"

    @invariant()
    def chains_verify(self) -> None:
        with self.db.session() as session:
            assert verify(session).ok


CustodyMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestCustodyMachine = CustodyMachine.TestCase
