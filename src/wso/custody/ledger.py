"""The hash-chained, append-only event log of each hold.

Each event's hash is SHA-256 over a canonical JSON (sorted keys, no spaces, UTF-8) of
``{hold, seq, kind, payload, actor, occurred_at, recorded_at, prev_hash}``; the first event's `prev_hash` is 64
zeros. Appending locks the hold's row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer at a time),
takes the next `seq` from it and moves the head; `UNIQUE(hold_id, seq)` is the backstop: a writer that somehow
raced would fail and retry rather than fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from wso.custody.models import Hold, HoldEvent

GENESIS = "0" * 64


def timestamp(value: datetime) -> str:
    """The one textual form of an instant the hash covers: UTC, microseconds, `Z`."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} in the ledger")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    *,
    hold_id: str,
    seq: int,
    kind: str,
    payload: Mapping[str, Any],
    actor: str,
    occurred_at: datetime,
    recorded_at: datetime,
    prev_hash: str,
) -> str:
    body = {
        "hold": hold_id,
        "seq": seq,
        "kind": kind,
        "payload": dict(payload),
        "actor": actor,
        "occurred_at": timestamp(occurred_at),
        "recorded_at": timestamp(recorded_at),
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Event:
    hold_id: str
    seq: int
    kind: str
    payload: dict[str, Any]
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    prev_hash: str
    hash: str


def lock_hold(session: Session, hold_id: str) -> Hold | None:
    """The hold's row, locked for this transaction (PostgreSQL `FOR UPDATE`)."""
    return session.execute(
        select(Hold).where(Hold.id == hold_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


def append(
    session: Session,
    hold: Hold,
    kind: str,
    payload: Mapping[str, Any],
    *,
    actor: str,
    occurred_at: datetime,
    recorded_at: datetime,
) -> Event:
    """Append one event to `hold`'s chain. The caller holds the row lock (see `lock_hold`) or just created it."""
    seq = hold.last_seq + 1
    digest = event_hash(
        hold_id=hold.id,
        seq=seq,
        kind=kind,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        prev_hash=hold.last_hash,
    )
    session.execute(
        insert(HoldEvent).values(
            hold_id=hold.id,
            seq=seq,
            kind=kind,
            payload=canonical(dict(payload)),
            actor=actor,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            prev_hash=hold.last_hash,
            hash=digest,
        )
    )
    event = Event(hold.id, seq, kind, dict(payload), actor, occurred_at, recorded_at, hold.last_hash, digest)
    hold.last_seq = seq
    hold.last_hash = digest
    session.flush()
    return event


def events(session: Session, hold_id: str) -> list[Event]:
    rows = session.execute(select(HoldEvent).where(HoldEvent.hold_id == hold_id).order_by(HoldEvent.seq)).scalars()
    return [_event(row) for row in rows]


def _event(row: HoldEvent) -> Event:
    return Event(
        row.hold_id,
        row.seq,
        row.kind,
        json.loads(row.payload),
        row.actor,
        row.occurred_at,
        row.recorded_at,
        row.prev_hash,
        row.hash,
    )


@dataclass(frozen=True)
class BrokenLink:
    hold_id: str
    seq: int
    problem: str


@dataclass(frozen=True)
class Verification:
    holds: int
    events: int
    broken: tuple[BrokenLink, ...]

    @property
    def ok(self) -> bool:
        return not self.broken


def _all_events(session: Session) -> Iterator[HoldEvent]:
    yield from session.execute(
        select(HoldEvent).order_by(HoldEvent.hold_id, HoldEvent.seq).execution_options(yield_per=5000)
    ).scalars()


def verify(session: Session) -> Verification:
    """Recompute every chain; report, for each broken hold, its first broken link."""
    heads = {
        hold_id: (seq, digest)
        for hold_id, seq, digest in session.execute(select(Hold.id, Hold.last_seq, Hold.last_hash))
    }
    broken: dict[str, BrokenLink] = {}
    seen: dict[str, tuple[int, str]] = {}
    count = 0
    for row in _all_events(session):
        count += 1
        if row.hold_id in broken:
            continue
        expected_seq, prev = seen.get(row.hold_id, (0, GENESIS))
        expected_seq += 1
        problem = None
        if row.seq != expected_seq:
            problem = f"expected event {expected_seq}, found {row.seq} (an event is missing)"
        elif row.prev_hash != prev:
            problem = "prev_hash does not match the previous event's hash (an event was changed or removed)"
        else:
            digest = event_hash(
                hold_id=row.hold_id,
                seq=row.seq,
                kind=row.kind,
                payload=json.loads(row.payload),
                actor=row.actor,
                occurred_at=row.occurred_at,
                recorded_at=row.recorded_at,
                prev_hash=row.prev_hash,
            )
            if digest != row.hash:
                problem = "hash does not match the event's contents (the event was altered)"
        if problem:
            broken[row.hold_id] = BrokenLink(row.hold_id, row.seq, problem)
        else:
            seen[row.hold_id] = (row.seq, row.hash)
    for hold_id, (last_seq, last_hash) in heads.items():
        if hold_id in broken:
            continue
        if seen.get(hold_id, (0, GENESIS)) != (last_seq, last_hash):
            at = seen.get(hold_id, (0, GENESIS))[0] + 1
            broken[hold_id] = BrokenLink(hold_id, at, "the hold's chain head does not match its last event")
    ordered = tuple(broken[k] for k in sorted(broken))
    return Verification(holds=len(heads), events=count, broken=ordered)
