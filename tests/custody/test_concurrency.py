"""Two clerks at once on PostgreSQL: no forked chain, no lost event, a retried key applied once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.custody.conftest import RELEASE, accepted, build_jail
from wso.clock import FixedClock
from wso.custody import Command, Custody, Result, verify
from wso.custody.models import HoldEvent
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


def test_concurrent_writers_on_one_hold_lose_nothing_and_fork_nothing(served: Custody, pg: Database) -> None:
    per_thread = 15

    def clerk(n: int) -> list[Result]:
        return [served.run("ice.notify", {"warrant": "W1"}, actor=f"clerk-{n}") for _ in range(per_thread)]

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for batch in pool.map(clerk, range(THREADS)) for r in batch]
    assert all(r.accepted for r in results)
    assert seqs(pg) == list(range(1, THREADS * per_thread + 2))
    appended = sorted(seq for r in results for _, seq in r.events)
    assert appended == list(range(2, THREADS * per_thread + 2))
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


def test_concurrent_batches_over_shared_holds_neither_fork_nor_lose_nor_deadlock(served: Custody, pg: Database) -> None:
    for n in (2, 3):
        accepted(served, "booking", {"id": f"B{n}", "facility": "JAIL", "scheduled_release": RELEASE.isoformat()})
        accepted(served, "warrant.receive", {"id": f"W{n}", "booking": f"B{n}", "form": "I-200"})
        accepted(served, "warrant.serve", {"warrant": f"W{n}", "officer": "O1", "facility": "JAIL"})
    warrants = ["W1", "W2", "W3"]
    rounds = 6

    def clerk(n: int) -> list[Result]:
        # Each writer names the holds in its own order: the batch locks them in id order, so no deadlock.
        order = warrants if n % 2 else list(reversed(warrants))
        out: list[Result] = []
        for r in range(rounds):
            batch = [Command("ice.notify", {"warrant": w}, actor=f"clerk-{n}", key=f"{n}-{r}-{w}") for w in order]
            batch.append(batch[0])  # a retry inside the batch
            out.extend(served.apply_many(batch))
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        results = [r for batch in pool.map(clerk, range(THREADS)) for r in batch]
    assert all(r.accepted for r in results)
    appended = {e for r in results for e in r.events}
    assert len(appended) == THREADS * rounds * len(warrants)
    with pg.session() as session:
        for w in warrants:
            got = list(
                session.execute(
                    select(HoldEvent.seq).where(HoldEvent.hold_id == f"hold-{w}").order_by(HoldEvent.seq)
                ).scalars()
            )
            assert got == list(range(1, THREADS * rounds + 2))
        assert verify(session).ok
