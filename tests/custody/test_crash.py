"""A writer killed mid-append leaves nothing partial: no event, no moved chain head, the chain verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.custody.conftest import accepted, counts
from wso.clock import FixedClock
from wso.custody import Custody, find_hold, verify
from wso.custody.ledger import Unit, next_event
from wso.store import Database

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import UTC, datetime
    from wso.custody.ledger import Unit, next_event
    from wso.store import open_database

    db = open_database(sys.argv[1])
    with db.session() as session:
        unit = Unit(session.connection())
        hold = unit.get("W1")  # locked
        at = datetime(2026, 3, 6, 15, tzinfo=UTC)
        first = next_event(hold, "ice_notified", {}, actor="doomed", occurred_at=at, recorded_at=at)
        second = next_event(hold, "transferred", {}, actor="doomed", occurred_at=at, recorded_at=at)
        hold.status = "transferred"
        unit.put(hold, [first, second])
        unit.flush()  # both events and the moved head are written, not committed
        print("appended", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.fixture
def served(jail: Custody) -> Custody:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    return jail


def test_writer_killed_by_sigkill_inside_the_transaction(served: Custody, db: Database, database_url: str) -> None:
    before = counts(db)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, database_url], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout.strip() == "appended"
    assert counts(db) == before
    with db.session() as session:
        hold = find_hold(session, "W1")
        assert hold is not None and hold.last_seq == 1
        assert verify(session).ok
    # The lock died with the writer: the next clerk appends as event 2.
    result = served.run("ice.notify", {"warrant": "W1"})
    assert result.events == (("hold-W1", 2),)


def test_exception_after_the_insert_before_commit(served: Custody, db: Database, clock: FixedClock) -> None:
    before = counts(db)
    with pytest.raises(RuntimeError, match="power cut"), db.session() as session:
        unit = Unit(session.connection())
        hold = unit.get("W1")
        assert hold is not None
        unit.put(
            hold, [next_event(hold, "ice_notified", {}, actor="x", occurred_at=clock.now(), recorded_at=clock.now())]
        )
        unit.flush()
        raise RuntimeError("power cut")
    assert counts(db) == before
    with db.session() as session:
        assert verify(session).ok
