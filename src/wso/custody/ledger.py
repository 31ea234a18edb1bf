"""The hash-chained, append-only event log of each hold.

Each event's hash is SHA-256 over a canonical JSON (sorted keys, no spaces, UTF-8) of
``{hold, seq, kind, payload, actor, occurred_at, recorded_at, prev_hash}``; the first event's `prev_hash` is 64
zeros. Appending locks the hold's row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer at a time),
takes the next `seq` from it and moves the head (see `Unit`); `UNIQUE(hold_id, seq)` is the backstop: a writer
that somehow raced would fail and retry rather than fork the chain. Appends use SQLAlchemy Core statements built
once (no ORM unit of work on the hot path).

Each officer's events (nominated, exam, ..., interview) are a chain built the same way, with `officer` in place of
`hold` in the hashed JSON; the head is `last_seq`/`last_hash` on the officer's row, locked to append
(`append_officer_event`). `verify` recomputes both kinds of chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Executable,
    Select,
    TextClause,
    bindparam,
    insert,
    literal,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from wso.custody.models import GENESIS as GENESIS  # the first event's `prev_hash`: 64 zeros
from wso.custody.models import Hold, HoldEvent, IdempotencyKey, Officer, OfficerEvent

_Row = TypeVar("_Row", HoldEvent, OfficerEvent)


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
    """The hash of a hold's event (its `hold` names the chain)."""
    return _link_hash(
        "hold",
        hold_id,
        seq=seq,
        kind=kind,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        prev_hash=prev_hash,
    )


def officer_event_hash(
    *,
    officer_id: str,
    seq: int,
    kind: str,
    payload: Mapping[str, Any],
    actor: str,
    occurred_at: datetime,
    recorded_at: datetime,
    prev_hash: str,
) -> str:
    """The hash of an officer's event: as a hold's, with `officer` in place of `hold` naming the chain."""
    return _link_hash(
        "officer",
        officer_id,
        seq=seq,
        kind=kind,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        prev_hash=prev_hash,
    )


def _link_hash(
    chain: str,
    owner: str,
    *,
    seq: int,
    kind: str,
    payload: Mapping[str, Any],
    actor: str,
    occurred_at: datetime,
    recorded_at: datetime,
    prev_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of one link of a chain; `chain` ("hold" or "officer") is the key naming its
    owner, so no officer's event can pass for a hold's."""
    body = {
        chain: owner,
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


HOLD_FIELDS = (
    "id",
    "warrant_id",
    "booking_id",
    "facility_id",
    "agency_id",
    "kind",
    "officer_id",
    "opened_at",
    "clock_start",
    "deadline",
    "deadline_rule",
    "deadline_reading",
    "status",
    "ended_at",
    "end_reason",
    "ice_notified_at",
    "citizenship_claim_at",
    "citizenship_reported_at",
    "last_seq",
    "last_hash",
    "interpreter",
    "detention_agreement_from",
)
# What an event may change on its hold: the head and the hold's state.
MUTABLE = (
    "status",
    "ended_at",
    "end_reason",
    "ice_notified_at",
    "citizenship_claim_at",
    "citizenship_reported_at",
    "last_seq",
    "last_hash",
    "detention_agreement_from",
)


@dataclass
class HoldRow:
    """A hold's row as a plain object: the projection of its chain, with the chain head (`last_seq`, `last_hash`)."""

    id: str
    warrant_id: str
    booking_id: str
    facility_id: str
    agency_id: str
    kind: str
    officer_id: str | None
    opened_at: datetime
    clock_start: datetime
    deadline: datetime | None
    deadline_rule: str
    deadline_reading: str
    status: str
    ended_at: datetime | None
    end_reason: str | None
    ice_notified_at: datetime | None
    citizenship_claim_at: datetime | None
    citizenship_reported_at: datetime | None
    last_seq: int
    last_hash: str
    interpreter: str | None = None
    detention_agreement_from: datetime | None = None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HOLD_FIELDS}


def opened(**fields: Any) -> HoldRow:
    """A new hold, open, with no event yet: `fields` give its ids, clock and deadline."""
    fresh: dict[str, Any] = {
        "status": "open",
        "ended_at": None,
        "end_reason": None,
        "ice_notified_at": None,
        "citizenship_claim_at": None,
        "citizenship_reported_at": None,
        "last_seq": 0,
        "last_hash": GENESIS,
    }
    return HoldRow(**(fresh | fields))


_COLUMNS = [getattr(Hold, name) for name in HOLD_FIELDS]
# Prepared once: SQLAlchemy caches their compiled form, and psycopg prepares them on the server after a few uses.
_LOCK_ONE = select(*_COLUMNS).where(Hold.warrant_id == bindparam("warrant")).with_for_update()
# One round trip for a single keyed command: the hold's head, locked, and the key's stored result (if any).
_LOCKED = select(*_COLUMNS).where(Hold.warrant_id == bindparam("warrant")).with_for_update().cte("locked")
_LOCK_ONE_WITH_KEY = select(
    *_LOCKED.c,
    select(IdempotencyKey.result).where(IdempotencyKey.key == bindparam("key")).scalar_subquery().label("stored"),
).select_from(select(literal(1).label("one")).subquery().outerjoin(_LOCKED, true()))
_LOCK_MANY = (
    select(*_COLUMNS)
    .where(Hold.warrant_id.in_(bindparam("warrants", expanding=True)))
    .order_by(Hold.id)
    .with_for_update()
)
_INSERT_HOLD = insert(Hold)
_INSERT_EVENT = insert(HoldEvent)


def next_event(
    row: HoldRow,
    kind: str,
    payload: Mapping[str, Any],
    *,
    actor: str,
    occurred_at: datetime,
    recorded_at: datetime,
) -> dict[str, Any]:
    """The next event of `row`'s chain, as a row to insert; moves `row`'s head to it. Writes nothing."""
    seq = row.last_seq + 1
    digest = event_hash(
        hold_id=row.id,
        seq=seq,
        kind=kind,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        prev_hash=row.last_hash,
    )
    event = {
        "hold_id": row.id,
        "seq": seq,
        "kind": kind,
        "payload": canonical(dict(payload)),
        "actor": actor,
        "occurred_at": occurred_at,
        "recorded_at": recorded_at,
        "prev_hash": row.last_hash,
        "hash": digest,
    }
    row.last_seq = seq
    row.last_hash = digest
    return event


class Unit:
    """The ledger writes of one transaction, kept until `flush`: holds opened, events appended, heads moved, and
    the idempotency keys of the commands applied.

    `load` locks the holds of some warrants in one round trip (`SELECT ... FOR UPDATE`, in id order, so two
    writers locking several holds cannot deadlock); `get` hands out a copy of a hold's current state, which a
    command changes and gives back with its events through `put` only if it is accepted (a refused command
    therefore changes nothing). `flush` writes everything: on PostgreSQL in one statement (data-modifying CTEs
    over `json_to_recordset` of one JSON parameter per table, so the text is the same for one command or five
    hundred and the server keeps it prepared); elsewhere in one executemany per table. `UNIQUE(hold_id, seq)`
    is the backstop: a writer that raced would fail at `flush` and retry rather than fork a chain.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._rows: dict[str, HoldRow | None] = {}  # by warrant id; None: no hold (as of loading)
        self._new: dict[str, HoldRow] = {}  # by hold id, not yet inserted
        self._moved: dict[str, HoldRow] = {}  # by hold id, existing, head moved
        self._events: list[dict[str, Any]] = []
        self._keys: list[dict[str, Any]] = []

    def load(self, warrants: Iterable[str]) -> None:
        wanted = sorted({w for w in warrants if w not in self._rows})
        if not wanted:
            return
        if len(wanted) == 1:
            found = self.conn.execute(_LOCK_ONE, {"warrant": wanted[0]}).all()
        else:
            found = self.conn.execute(_LOCK_MANY, {"warrants": wanted}).all()
        for warrant in wanted:
            self._rows[warrant] = None
        for row in found:
            hold = HoldRow(*row)
            self._rows[hold.warrant_id] = hold

    def load_with_key(self, warrant: str, key: str) -> str | None:
        """Lock the hold of `warrant` and read the result stored under `key`, in one round trip; return it.

        (If this waited for another writer's lock, the key lookup may not see what that writer committed: the
        key's unique constraint then stops a second application at `flush`, and the caller retries; a command the
        committed hold now refuses, a one-time fact recorded by that writer, looks its key up again first:
        `Custody._stored_or`.)"""
        row = self.conn.execute(_LOCK_ONE_WITH_KEY, {"warrant": warrant, "key": key}).one()
        *columns, stored = row
        self._rows[warrant] = None if columns[0] is None else HoldRow(*columns)
        return None if stored is None else str(stored)

    def get(self, warrant: str) -> HoldRow | None:
        """A copy of the hold on `warrant` (locked), or None."""
        self.load([warrant])
        row = self._rows[warrant]
        return None if row is None else replace(row)

    def put(self, row: HoldRow, events: Iterable[dict[str, Any]], *, new: bool = False) -> None:
        """Take `row`'s new state and its new events (see `next_event`)."""
        self._rows[row.warrant_id] = row
        if new or row.id in self._new:
            self._new[row.id] = row
        else:
            self._moved[row.id] = row
        self._events.extend(events)

    def key(self, key: str, command: str, result: str, at: datetime) -> None:
        """Record a command applied under an idempotency key (with its result), written at `flush`."""
        self._keys.append({"key": key, "command": command, "result": result, "recorded_at": at})

    def flush(self) -> None:
        parts: list[tuple[str, list[dict[str, Any]]]] = []
        if self._new:
            parts.append(("holds", [row.values() for row in self._new.values()]))
        if self._events:
            parts.append(("events", self._events))
        if self._moved:
            parts.append(("heads", [{n: getattr(row, n) for n in HEAD_TYPES} for row in self._moved.values()]))
        if self._keys:
            parts.append(("keys", self._keys))
        if parts and self.conn.dialect.name == "postgresql":
            params = {name: json.dumps(rows, default=_json_time, separators=(",", ":")) for name, rows in parts}
            self.conn.execute(_pg_write(tuple(name for name, _ in parts)), params)
        else:
            for name, rows in parts:
                if name == "heads":
                    rows = [{f"b_{column}": value for column, value in row.items()} for row in rows]
                self.conn.execute(_CORE[name], rows[0] if len(rows) == 1 else rows)
        self._new.clear()
        self._moved.clear()
        self._events.clear()
        self._keys.clear()


# The columns written, with their PostgreSQL types (times are aware UTC datetimes: timestamptz).
_TIMES = ("clock_start", "deadline", "detention_agreement_from")
HOLD_TYPES = {
    name: "integer" if name == "last_seq" else "timestamptz" if name.endswith("_at") or name in _TIMES else "varchar"
    for name in HOLD_FIELDS
}
EVENT_TYPES = {
    "hold_id": "varchar",
    "seq": "integer",
    "kind": "varchar",
    "payload": "text",
    "actor": "varchar",
    "occurred_at": "timestamptz",
    "recorded_at": "timestamptz",
    "prev_hash": "varchar",
    "hash": "varchar",
}
HEAD_TYPES = {"id": "varchar"} | {name: HOLD_TYPES[name] for name in MUTABLE}
KEY_TYPES = {"key": "varchar", "command": "varchar", "result": "text", "recorded_at": "timestamptz"}
_PG: dict[str, tuple[str, dict[str, str]]] = {
    "holds": ("custody_holds", HOLD_TYPES),
    "events": ("custody_hold_events", EVENT_TYPES),
    "heads": ("custody_holds", HEAD_TYPES),
    "keys": ("custody_idempotency_keys", KEY_TYPES),
}
_CORE: dict[str, Executable] = {
    "holds": _INSERT_HOLD,
    "events": _INSERT_EVENT,
    "heads": (
        update(Hold).where(Hold.id == bindparam("b_id")).values({name: bindparam(f"b_{name}") for name in MUTABLE})
    ),
    "keys": insert(IdempotencyKey),
}


def _json_time(value: object) -> str:
    if isinstance(value, datetime):
        return timestamp(value)
    raise TypeError(f"cannot write {value!r}")


def _rows(name: str) -> str:
    """The rows of one part, sent as one JSON parameter and read back typed by `json_to_recordset`."""
    _, types = _PG[name]
    return f"json_to_recordset(CAST(:{name} AS json)) AS v({', '.join(f'{c} {t}' for c, t in types.items())})"


@cache
def _pg_write(names: tuple[str, ...]) -> TextClause:
    """One statement writing every part named: all but the last as data-modifying CTEs."""
    statements: list[str] = []
    for name in names:
        table, types = _PG[name]
        if name == "heads":
            assignments = ", ".join(f"{column} = v.{column}" for column in MUTABLE)
            statements.append(f"UPDATE {table} AS h SET {assignments} FROM {_rows(name)} WHERE h.id = v.id")
        else:
            statements.append(f"INSERT INTO {table} ({', '.join(types)}) SELECT {', '.join(types)} FROM {_rows(name)}")
    ctes = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(statements[:-1]))
    return text((f"WITH {ctes} " if ctes else "") + statements[-1])


_OFFICER_HEAD = select(Officer.last_seq, Officer.last_hash).where(Officer.id == bindparam("officer")).with_for_update()
_INSERT_OFFICER_EVENT = insert(OfficerEvent)
_MOVE_OFFICER_HEAD = (
    update(Officer)
    .where(Officer.id == bindparam("b_id"))
    .values(last_seq=bindparam("b_seq"), last_hash=bindparam("b_hash"))
)


def append_officer_event(
    session: Session,
    officer_id: str,
    kind: str,
    payload: Mapping[str, Any],
    *,
    actor: str,
    occurred_at: datetime,
    recorded_at: datetime,
) -> int:
    """Append the next event of the officer's chain and move its head; return its `seq`.

    As a hold's append: the officer's row (the head) is locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has
    one writer at a time) and `UNIQUE(officer_id, seq)` is the backstop, so a writer that raced fails (an
    IntegrityError, which `Custody` retries) rather than fork the chain."""
    last_seq, last_hash = session.execute(_OFFICER_HEAD, {"officer": officer_id}).one()
    seq = last_seq + 1
    digest = officer_event_hash(
        officer_id=officer_id,
        seq=seq,
        kind=kind,
        payload=payload,
        actor=actor,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        prev_hash=last_hash,
    )
    connection = session.connection()
    connection.execute(
        _INSERT_OFFICER_EVENT,
        {
            "officer_id": officer_id,
            "seq": seq,
            "kind": kind,
            "payload": canonical(dict(payload)),
            "actor": actor,
            "occurred_at": occurred_at,
            "recorded_at": recorded_at,
            "prev_hash": last_hash,
            "hash": digest,
        },
    )
    connection.execute(_MOVE_OFFICER_HEAD, {"b_id": officer_id, "b_seq": seq, "b_hash": digest})
    return seq


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
class BrokenOfficerLink:
    officer_id: str
    seq: int
    problem: str


@dataclass(frozen=True)
class Verification:
    holds: int
    events: int
    broken: tuple[BrokenLink, ...]
    officers: int = 0
    officer_events: int = 0
    broken_officers: tuple[BrokenOfficerLink, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.broken and not self.broken_officers


def _all_events(session: Session, hold: str | None) -> Iterator[HoldEvent]:
    query = select(HoldEvent) if hold is None else select(HoldEvent).where(HoldEvent.hold_id == hold)
    yield from session.execute(
        query.order_by(HoldEvent.hold_id, HoldEvent.seq).execution_options(yield_per=5000)
    ).scalars()


def _all_officer_events(session: Session) -> Iterator[OfficerEvent]:
    query = select(OfficerEvent).order_by(OfficerEvent.officer_id, OfficerEvent.seq)
    yield from session.execute(query.execution_options(yield_per=5000)).scalars()


def _stored_hash(row: HoldEvent | OfficerEvent) -> str:
    """A stored event's hash recomputed from its contents (a hold's or an officer's, by the chain it is in)."""
    chain, owner = ("hold", row.hold_id) if isinstance(row, HoldEvent) else ("officer", row.officer_id)
    return _link_hash(
        chain,
        owner,
        seq=row.seq,
        kind=row.kind,
        payload=json.loads(row.payload),
        actor=row.actor,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        prev_hash=row.prev_hash,
    )


def _walk(
    rows: Iterable[_Row],
    owner_of: Callable[[_Row], str],
    heads: Mapping[str, tuple[int, str]],
    what: str,
) -> tuple[int, dict[str, tuple[int, str]]]:
    """Walk chains of events (in owner, seq order): the number of events, and for each broken chain (by its owner,
    a hold's or an officer's id) its first broken link, as (seq, problem). `owner_of` gives an event's owner;
    `heads` every owner's (last_seq, last_hash); `what` names the owner in the head's problem."""
    broken: dict[str, tuple[int, str]] = {}
    seen: dict[str, tuple[int, str]] = {}
    count = 0
    for row in rows:
        count += 1
        owner = owner_of(row)
        if owner in broken:
            continue
        expected_seq, prev = seen.get(owner, (0, GENESIS))
        expected_seq += 1
        problem = None
        if row.seq != expected_seq:
            problem = f"expected event {expected_seq}, found {row.seq} (an event is missing)"
        elif row.prev_hash != prev:
            problem = "prev_hash does not match the previous event's hash (an event was changed or removed)"
        elif _stored_hash(row) != row.hash:
            problem = "hash does not match the event's contents (the event was altered)"
        if problem:
            broken[owner] = (row.seq, problem)
        else:
            seen[owner] = (row.seq, row.hash)
    for owner, head in heads.items():
        if owner in broken:
            continue
        if seen.get(owner, (0, GENESIS)) != head:
            at = seen.get(owner, (0, GENESIS))[0] + 1
            broken[owner] = (at, f"the {what}'s chain head does not match its last event")
    return count, broken


def _heads(session: Session, query: Select[str, int, str]) -> dict[str, tuple[int, str]]:
    """Each chain's head, (last_seq, last_hash), by its owner's id."""
    return {owner: (seq, digest) for owner, seq, digest in session.execute(query)}


def verify(session: Session, hold: str | None = None) -> Verification:
    """Recompute every chain, each hold's and each officer's (or only `hold`'s, a hold's id: then no officer's);
    report, for each broken chain, its first broken link."""
    query = select(Hold.id, Hold.last_seq, Hold.last_hash)
    heads = _heads(session, query if hold is None else query.where(Hold.id == hold))
    count, broken = _walk(_all_events(session, hold), attrgetter("hold_id"), heads, "hold")
    links = tuple(BrokenLink(hold_id, *broken[hold_id]) for hold_id in sorted(broken))
    if hold is not None:
        return Verification(holds=len(heads), events=count, broken=links)
    officer_heads = _heads(session, select(Officer.id, Officer.last_seq, Officer.last_hash))
    officer_count, officer_broken = _walk(
        _all_officer_events(session), attrgetter("officer_id"), officer_heads, "officer"
    )
    return Verification(
        holds=len(heads),
        events=count,
        broken=links,
        officers=len(officer_heads),
        officer_events=officer_count,
        broken_officers=tuple(BrokenOfficerLink(o, *officer_broken[o]) for o in sorted(officer_broken)),
    )
