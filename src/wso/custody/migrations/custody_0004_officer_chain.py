"""Officers' events join the tamper-evident record: each officer's events become a hash chain, as a hold's are.

Adds `custody_officer_events.prev_hash` and `hash`, and each chain's head on `custody_officers` (`last_seq`: 0 and
`last_hash`: 64 zeros before the first event). Then chains the events already recorded: each officer's in `seq`
order from 64 zeros, hashed as `wso.custody.ledger.officer_event_hash` does, and moves each officer's head to its
last event, so a database verifies clean after the upgrade (a `seq` missing before it stays missing, and
`verify` reports it). The append-only guard on the events is lifted for that update, inside this migration's
transaction, and put back as it was.

Revision ID: custody_0004
Revises: custody_0003
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from wso.custody.ledger import GENESIS, officer_event_hash
from wso.store import UTCDateTime

revision = "custody_0004"
down_revision = "custody_0003"
branch_labels = None
depends_on = None

EVENTS = sa.table(
    "custody_officer_events",
    sa.column("id", sa.Integer()),
    sa.column("officer_id", sa.String()),
    sa.column("seq", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("payload", sa.Text()),
    sa.column("actor", sa.String()),
    sa.column("occurred_at", UTCDateTime()),
    sa.column("recorded_at", UTCDateTime()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
OFFICERS = sa.table(
    "custody_officers", sa.column("id", sa.String()), sa.column("last_seq", sa.Integer()), sa.column("last_hash")
)
GUARD = "custody_officer_events_no_update"  # SQLite's trigger refusing UPDATE (PostgreSQL: ..._append_only)


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN (not a batch rebuild, which would drop the append-only triggers on SQLite).
    op.add_column("custody_officers", sa.Column("last_seq", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("custody_officers", sa.Column("last_hash", sa.String(64), nullable=False, server_default=GENESIS))
    # Every existing row gets its hashes below; the empty default only lets the columns be added NOT NULL.
    op.add_column("custody_officer_events", sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""))
    op.add_column("custody_officer_events", sa.Column("hash", sa.String(64), nullable=False, server_default=""))
    _chain_existing_events()
    if op.get_bind().dialect.name == "postgresql":  # SQLite cannot drop a default without rebuilding the table
        op.alter_column("custody_officer_events", "prev_hash", server_default=None)
        op.alter_column("custody_officer_events", "hash", server_default=None)


def _chain_existing_events() -> None:
    bind = op.get_bind()
    c = EVENTS.c
    rows = bind.execute(
        sa.select(c.id, c.officer_id, c.seq, c.kind, c.payload, c.actor, c.occurred_at, c.recorded_at).order_by(
            c.officer_id, c.seq
        )
    ).all()
    if not rows:
        return
    links: list[dict[str, Any]] = []
    heads: dict[str, tuple[int, str]] = {}
    for event_id, officer_id, seq, kind, payload, actor, occurred_at, recorded_at in rows:
        prev = heads.get(officer_id, (0, GENESIS))[1]
        digest = officer_event_hash(
            officer_id=officer_id,
            seq=seq,
            kind=kind,
            payload=json.loads(payload),
            actor=actor,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            prev_hash=prev,
        )
        links.append({"b_id": event_id, "b_prev": prev, "b_hash": digest})
        heads[officer_id] = (seq, digest)
    link = EVENTS.update().where(EVENTS.c.id == sa.bindparam("b_id"))
    link = link.values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ALTER TABLE custody_officer_events DISABLE TRIGGER custody_officer_events_append_only")
        bind.execute(link, links)
        bind.exec_driver_sql("ALTER TABLE custody_officer_events ENABLE TRIGGER custody_officer_events_append_only")
    else:
        guard = bind.exec_driver_sql(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '{GUARD}'")
        sql = guard.scalar_one_or_none()
        if sql is not None:
            bind.exec_driver_sql(f"DROP TRIGGER {GUARD}")
        bind.execute(link, links)
        if sql is not None:
            bind.exec_driver_sql(sql)  # the very statement that made it
    move = OFFICERS.update().where(OFFICERS.c.id == sa.bindparam("b_id"))
    move = move.values(last_seq=sa.bindparam("b_seq"), last_hash=sa.bindparam("b_hash"))
    bind.execute(move, [{"b_id": o, "b_seq": seq, "b_hash": digest} for o, (seq, digest) in heads.items()])


def downgrade() -> None:
    with op.batch_alter_table("custody_officer_events", recreate="never") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("custody_officers", recreate="never") as batch:
        batch.drop_column("last_hash")
        batch.drop_column("last_seq")
