"""Migration custody_0004 chains the officers' events a database already holds, so it verifies clean after it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from wso.clock import FixedClock
from wso.custody import Custody, verify
from wso.custody.ledger import GENESIS, canonical, officer_event_hash
from wso.custody.models import Officer, OfficerEvent
from wso.store import UTCDateTime
from wso.store.database import Database, make_engine
from wso.store.migrate import alembic_config, upgrade

AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
EVENTS = sa.table(
    "custody_officer_events",
    sa.column("officer_id"),
    sa.column("seq"),
    sa.column("kind"),
    sa.column("payload"),
    sa.column("actor"),
    sa.column("occurred_at", UTCDateTime()),
    sa.column("recorded_at", UTCDateTime()),
)
# as custody_0003 wrote them: seq = max + 1, no hash; O1's in an order the ids do not follow
BEFORE = [
    ("O1", 1, "nominated", {"agency": "AG"}),
    ("O2", 1, "nominated", {"agency": "AG"}),
    ("O1", 3, "certified", {}),
    ("O1", 2, "exam", {"score": 85.0, "attempt": 1, "passed": True}),
    ("O1", 4, "interview", {"booking": "B1", "topic": "criminal case"}),
]


def test_custody_0004_chains_the_officer_events_already_recorded(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine), "custody_0003")
        with engine.begin() as c:
            c.execute(text("INSERT INTO custody_agencies (id, name, state) VALUES ('AG', 'Hardee', 'FL')"))
            for officer in ("O1", "O2", "O3"):  # O3: an officer with no event
                c.execute(
                    text(
                        "INSERT INTO custody_officers (id, agency_id, name, status, exam_attempts, exam_passed)"
                        " VALUES (:id, 'AG', :id, 'nominated', 0, :no)"
                    ),
                    {"id": officer, "no": False},
                )
            for n, (officer, seq, kind, payload) in enumerate(BEFORE):
                at = AT + timedelta(minutes=n, microseconds=n)
                c.execute(
                    EVENTS.insert().values(
                        officer_id=officer,
                        seq=seq,
                        kind=kind,
                        payload=canonical(payload),
                        actor="clerk",
                        occurred_at=at,
                        recorded_at=at,
                    )
                )
        upgrade(engine)
        db = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
        with db.session() as session:
            result = verify(session)
            chain = list(
                session.execute(
                    select(OfficerEvent).where(OfficerEvent.officer_id == "O1").order_by(OfficerEvent.seq)
                ).scalars()
            )
            heads = dict(
                (o, (seq, digest))
                for o, seq, digest in session.execute(select(Officer.id, Officer.last_seq, Officer.last_hash))
            )
        assert result.ok and (result.officers, result.officer_events) == (3, 5)
        assert [e.kind for e in chain] == ["nominated", "exam", "certified", "interview"]
        prev = GENESIS
        for event in chain:
            expected = officer_event_hash(
                officer_id="O1",
                seq=event.seq,
                kind=event.kind,
                payload=json.loads(event.payload),
                actor=event.actor,
                occurred_at=event.occurred_at,
                recorded_at=event.recorded_at,
                prev_hash=prev,
            )
            assert (event.prev_hash, event.hash) == (prev, expected)
            prev = event.hash
        assert heads["O1"] == (4, chain[-1].hash) and heads["O2"][0] == 1 and heads["O3"] == (0, GENESIS)
        # the append-only guard is back in force after the migration lifted it to write the hashes
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
            c.execute(text("UPDATE custody_officer_events SET actor = 'mallory' WHERE seq = 1"))
        # and the next event continues the migrated chain
        custody = Custody(db, FixedClock(AT + timedelta(days=1)))
        assert custody.run("officer.withdraw", {"id": "O1"}).accepted
        with db.session() as session:
            after = verify(session)
        assert after.ok and after.officer_events == 6
        command.downgrade(alembic_config(engine), "custody_0003")
        columns = {c["name"] for c in inspect(engine).get_columns("custody_officer_events")}
        assert "hash" not in columns and "prev_hash" not in columns
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
            c.execute(text("DELETE FROM custody_officer_events WHERE seq = 1"))
    finally:
        engine.dispose()
