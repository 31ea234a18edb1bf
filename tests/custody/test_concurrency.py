"""Two clerks at once on PostgreSQL: no forked chain, no lost event, a retried key applied once, a one-time fact
recorded once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.custody.conftest import RELEASE, accepted, build_jail
from wso.clock import FixedClock
from wso.custody import Command, Custody, Result, commands, ledger, verify
from wso.custody.models import HoldEvent, Officer, OfficerEvent
from wso.store import Database, open_database

pytestmark = pytest.mark.postgres

THREADS = 8


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    database = open_database(postgres_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def served(pg: Database) -> Custody:
    clock = FixedClock(datetime(2026, 3, 1, tzinfo=UTC))
    custody = Custody(pg, clock)
    build_jail(custody)
    clock.set(RELEASE)
    accepted(custody, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    return custody


def seqs(db: Database) -> list[int]:
    with db.session() as session:
        return list(
            session.execute(
                select(HoldEvent.seq).where(HoldEvent.hold_id == "hold-W1").order_by(HoldEvent.seq)
            ).scalars()
        )


#: a hold's one-time facts, each accepted once (a second is refused, SEQUENCE); in this order every writer's
#: report follows a recorded claim and its transfer the other three, so each hold ends with exactly five events
FACTS = ("ice.notify", "citizenship.claim", "citizenship.report", "custody.transfer")


def serve_more(custody: Custody, warrants: list[str]) -> None:
    """A booking, an I-200 and its service for each warrant, beside W1."""
    for w in warrants:
        accepted(custody, "booking", {"id": f"B-{w}", "facility": "JAIL", "scheduled_release": RELEASE.isoformat()})
        accepted(custody, "warrant.receive", {"id": w, "booking": f"B-{w}", "form": "I-200"})
        accepted(custody, "warrant.serve", {"warrant": w, "officer": "O1", "facility": "JAIL"})


def chains(db: Database, warrants: list[str]) -> dict[str, list[int]]:
    with db.session() as session:
        return {
            w: list(
                session.execute(
                    select(HoldEvent.seq).where(HoldEvent.hold_id == f"hold-{w}").order_by(HoldEvent.seq)
                ).scalars()
            )
            for w in warrants
        }


def test_concurrent_writers_on_shared_holds_lose_nothing_and_fork_nothing(served: Custody, pg: Database) -> None:
    """Every writer records every one-time fact of every hold, at the same time as the others: each is accepted
    exactly once, the rest refused (SEQUENCE); no event is lost, no seq taken twice, every chain verifies."""
    warrants = [f"W{i}" for i in range(1, 11)]
    serve_more(served, warrants[1:])

    def clerk(n: int) -> list[Result]:
        mine = warrants[n:] + warrants[:n]  # each writer starts on another hold, and meets the others on each
        return [served.run(fact, {"warrant": w}, actor=f"clerk-{n}") for w in mine for fact in FACTS]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for batch in pool.map(clerk, range(THREADS)) for r in batch]
    assert {r.rule for r in results if not r.accepted} <= {"SEQUENCE"}
    assert sum(r.accepted for r in results) == len(warrants) * len(FACTS)
    assert chains(pg, warrants) == {w: [1, 2, 3, 4, 5] for w in warrants}
    appended = sorted(e for r in results for e in r.events)
    assert appended == sorted((f"hold-{w}", seq) for w in warrants for seq in range(2, 6))
    with pg.session() as session:
        assert verify(session).ok


def test_a_command_retried_concurrently_with_one_key_is_applied_once(served: Custody, pg: Database) -> None:
    def retry(_: int) -> Result:
        return served.run("ice.notify", {"warrant": "W1"}, idempotency_key="phone-call-1042")

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(retry, range(THREADS * 2)))
    assert len(set(results)) == 1 and results[0].accepted
    assert seqs(pg) == [1, 2]
    with pg.session() as session:
        assert session.execute(select(func.count()).select_from(HoldEvent)).scalar_one() == 2


def test_a_retry_that_read_its_key_before_the_first_committed_gets_the_first_answer(
    served: Custody, pg: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what a retry sees when it waited for the first application's lock: the hold as that committed it (ICE
    # notified), its key as of the moment it began (not there yet); it must answer as the first, not refuse
    first = served.run("ice.notify", {"warrant": "W1"}, idempotency_key="phone-call-7")
    assert first.accepted

    def stale(self: ledger.Unit, warrant: str, key: str) -> str | None:
        self.load([warrant])
        return None

    monkeypatch.setattr(ledger.Unit, "load_with_key", stale)
    assert served.run("ice.notify", {"warrant": "W1"}, idempotency_key="phone-call-7") == first
    real = commands._stored_results
    calls: list[list[str]] = []

    def stale_once(session: Session, keys: list[str]) -> dict[str, Result]:
        calls.append(keys)
        return {} if len(calls) == 1 else real(session, keys)

    monkeypatch.setattr(commands, "_stored_results", stale_once)
    retried = Command("ice.notify", {"warrant": "W1"}, key="phone-call-7")
    other = Command("citizenship.claim", {"warrant": "W1"}, key="claim-1")
    assert served.apply_many([retried, other])[0] == first
    assert seqs(pg) == [1, 2, 3]


def test_concurrent_batches_over_shared_holds_neither_fork_nor_lose_nor_deadlock(served: Custody, pg: Database) -> None:
    warrants = [f"W{i}" for i in range(1, 7)]
    serve_more(served, warrants[1:])

    def clerk(n: int) -> list[Result]:
        # Each writer names the holds in its own order: the batch locks them in id order, so no deadlock.
        order = warrants if n % 2 else list(reversed(warrants))
        out: list[Result] = []
        for r, fact in enumerate(FACTS):
            batch = [Command(fact, {"warrant": w}, actor=f"clerk-{n}", key=f"{n}-{r}-{w}") for w in order]
            batch.append(batch[0])  # a retry inside the batch
            out.extend(served.apply_many(batch))
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for batch in pool.map(clerk, range(THREADS)) for r in batch]
    assert {r.rule for r in results if not r.accepted} <= {"SEQUENCE"}
    appended = {e for r in results for e in r.events}
    assert appended == {(f"hold-{w}", seq) for w in warrants for seq in range(2, 6)}
    assert chains(pg, warrants) == {w: [1, 2, 3, 4, 5] for w in warrants}
    with pg.session() as session:
        assert verify(session).ok


def test_concurrent_interviews_by_one_officer_neither_fork_nor_lose_its_chain(served: Custody, pg: Database) -> None:
    """Every writer records interviews by the same officer at once: each is appended to O1's chain (its head locked
    as a hold's is), no seq taken twice or skipped, and the chain verifies."""
    per_writer = 3

    def clerk(n: int) -> list[Result]:
        args = {"officer": "O1", "booking": "B1", "topic": "criminal case"}
        return [served.run("interview", args, actor=f"clerk-{n}") for _ in range(per_writer)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for batch in pool.map(clerk, range(THREADS)) for r in batch]
    assert all(r.accepted for r in results)
    with pg.session() as session:
        query = select(OfficerEvent.seq, OfficerEvent.kind).where(OfficerEvent.officer_id == "O1")
        kinds = session.execute(query.order_by(OfficerEvent.seq)).all()
        result = verify(session)
    # nominated, exam, certified, authorized, then every interview
    assert [seq for seq, _ in kinds] == list(range(1, 5 + THREADS * per_writer))
    assert [kind for _, kind in kinds].count("interview") == THREADS * per_writer
    assert result.ok and result.officer_events == 4 + THREADS * per_writer


def test_concurrent_exams_of_one_officer_count_every_attempt(served: Custody, pg: Database) -> None:
    """Every writer records a failed exam for the same new officer at once. Each reads the officer's attempts and
    writes them back: unless the officer's row is locked from that read, two of them count the same attempt and the
    officer is never disqualified. Locked, the first two are accepted (the exam and its one retake), the officer
    is disqualified, and every later one is refused."""
    accepted(served, "officer.nominate", {"id": "O2", "agency": "AG", "name": "Deputy Two", "us_citizen": True})

    def clerk(n: int) -> Result:
        return served.run("officer.exam", {"id": "O2", "score": 40}, actor=f"clerk-{n}")

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(clerk, range(THREADS)))
    assert sum(r.accepted for r in results) == 2
    assert {r.rule for r in results if not r.accepted} == {"OFFICER-EXAM"}
    with pg.session() as session:
        officer = session.get(Officer, "O2")
        assert officer is not None and (officer.exam_attempts, officer.status) == (2, "disqualified")
        exams = session.execute(
            select(OfficerEvent.payload).where(OfficerEvent.officer_id == "O2", OfficerEvent.kind == "exam")
        ).scalars()
        assert sorted(json.loads(p)["attempt"] for p in exams) == [1, 2]
