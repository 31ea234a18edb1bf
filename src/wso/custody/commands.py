"""Commands: each is checked against the program's rules before anything is written.

`Custody.run(command, args)` returns a `Result`: accepted (with the events it appended) or refused (the rule id
and a message that says what to do). A refused command writes nothing: the check raises before any write, and
the transaction is rolled back whatever happens. A command run with an idempotency key is applied once; a retry
with the same key returns the first result. `Custody.apply_many` does the same for many commands (from many
clerks) in one transaction and one commit (group commit); see its docstring, and `wso.custody.group` for a writer
thread that gathers clerks' single commands into such batches.

Refusals cite `wso.program` rule ids; two ids are custody's own: `INPUT` (a field is missing or malformed, or a
record it names does not exist) and `SEQUENCE` (the command does not fit the hold's or officer's state, such as
acting on a hold that has ended).

This module holds the command side (`Custody`, `Result`, `Command`), `HANDLERS`, and `FIELDS`, `OPTIONAL` and
`CHOICES` derived from the one catalogue of commands (`wso.custody.catalogue`); the handlers live by subject in
`jail`, `service`, `hold_events` and `acts`, and what they share (the refusal, the context, field parsing, ledger
helpers) in `checks`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from wso.clock import Clock, as_utc
from wso.custody import ledger
from wso.custody.acts import _complaint_receive, _complaint_report, _interview, _issue_detainer
from wso.custody.catalogue import COMMANDS
from wso.custody.checks import INPUT, Context, Handler, Refused
from wso.custody.hold_events import _claim, _continue, _notify, _release, _report, _sweep, _transfer
from wso.custody.jail import (
    _agency,
    _agreement,
    _authorize,
    _certify,
    _detention_agreement,
    _exam,
    _facility,
    _nominate,
    _withdraw,
)
from wso.custody.models import IdempotencyKey
from wso.custody.notify import AlertMessage, Notifier
from wso.custody.policy import DEFAULT_DETAINER_READING, SERVICE_TOLERANCE, DetainerReading, decision_second
from wso.custody.service import _booking, _criminal_release, _detainer_hold, _receive, _serve
from wso.custody.sweep import deliver
from wso.store import Database

# The vocabulary, derived from the one catalogue (`wso.custody.catalogue`): the fields each command needs (replay
# checks a whole file against these before running any of it), those it takes beside them, and the closed lists
# some fields are chosen from (by field name; where two commands' lists differ, the catalogue's per command).
FIELDS: dict[str, tuple[str, ...]] = {e.name: e.required for e in COMMANDS}
OPTIONAL: dict[str, tuple[str, ...]] = {e.name: e.optional for e in COMMANDS if e.optional}
#: every field a command takes, required and optional (any other is refused)
_TAKES: dict[str, tuple[str, ...]] = {e.name: e.required + e.optional for e in COMMANDS}
CHOICES: dict[str, tuple[str, ...]] = {}
for _entry in COMMANDS:
    for _field in _entry.fields:
        if _field.kind == "choice":
            CHOICES.setdefault(_field.name, _field.values)


@dataclass(frozen=True)
class Result:
    """What a command did. `events` are the (hold, seq) pairs it appended to the ledger."""

    command: str
    status: Literal["accepted", "refused"]
    message: str
    rule: str | None = None
    law: str | None = None
    hold: str | None = None
    events: tuple[tuple[str, int], ...] = ()
    alerts: tuple[dict[str, str], ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def to_json(self) -> str:
        data = {
            "command": self.command,
            "status": self.status,
            "message": self.message,
            "rule": self.rule,
            "law": self.law,
            "hold": self.hold,
            "events": [list(event) for event in self.events],
            "alerts": [dict(alert) for alert in self.alerts],
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Result:
        data = json.loads(text)
        data["events"] = tuple((hold, seq) for hold, seq in data["events"])
        data["alerts"] = tuple(data["alerts"])
        return cls(**data)


@dataclass(frozen=True)
class Command:
    """One command for `Custody.apply_many`: what, with which fields, by whom, under which idempotency key."""

    command: str
    args: Mapping[str, Any] = field(default_factory=dict)
    actor: str = "clerk"
    key: str | None = None
    occurred_at: datetime | None = None


# Commands whose only writes are ledger writes (staged in the context, so a refusal leaves nothing behind without
# a savepoint). The others write other tables through the session and run, in a batch, inside a SAVEPOINT.
LEDGER_ONLY = frozenset(
    {
        "warrant.serve",
        "detainer.hold",
        "ice.notify",
        "citizenship.claim",
        "citizenship.report",
        "custody.transfer",
        "custody.release",
        "custody.continue",
        "detainer.issue",
    }
)


class _RefusedInBatch(Exception):
    """A refusal of a batch's only command: the whole transaction is rolled back."""

    def __init__(self, result: Result) -> None:
        self.result = result


class Custody:
    """The custody ledger's command side, over one database and one clock."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        detainer_reading: DetainerReading = DEFAULT_DETAINER_READING,
        service_tolerance: timedelta = SERVICE_TOLERANCE,
        notifier: Notifier | None = None,
        retries: int = 8,
    ) -> None:
        if service_tolerance < timedelta(0):
            raise ValueError(f"service_tolerance must not be negative, got {service_tolerance}")
        self.db = db
        self.clock = clock
        self.detainer_reading: DetainerReading = detainer_reading
        self.service_tolerance = service_tolerance
        self.notifier = notifier
        self.retries = retries

    def run(
        self,
        command: str,
        args: Mapping[str, Any] | None = None,
        *,
        actor: str = "clerk",
        idempotency_key: str | None = None,
        occurred_at: datetime | None = None,
    ) -> Result:
        """Check and apply one command in one transaction; see the module docstring."""
        return self.apply_many([Command(command, args or {}, actor, idempotency_key, occurred_at)])[0]

    def apply_many(self, commands: Sequence[Command]) -> list[Result]:
        """Check and apply several commands (from any number of clerks) in one transaction: group commit.

        Each command is checked, chained and idempotent exactly as under `run`, in order, each seeing the ones
        before it; a refused command writes nothing for itself while the others proceed. The holds the batch
        names are locked up front in one round trip, in id order (two batches cannot deadlock on them); the
        ledger's writes go to the database in a few multi-row statements at the end, and the batch commits once.
        A batch that meets a concurrent writer's conflict (the same idempotency key, the same warrant served) is
        rolled back and run again whole, so it then sees what the other committed.
        """
        if not commands:
            return []
        for attempt in range(self.retries):
            try:
                results, messages = self._attempt(commands)
            except _RefusedInBatch as refused:
                return [self._stored_or(commands[0], refused.result)]
            except (IntegrityError, DBAPIError) as error:
                # A concurrent writer took the seq or the key first (or SQLite was busy): start again, and a
                # retried key then finds the first result.
                if attempt == self.retries - 1 or not _retryable(error):
                    raise
                continue
            if self.notifier is not None:
                deliver(self.notifier, messages)  # after the commit: an alert is sent only once it is recorded
            return results
        raise AssertionError("unreachable")

    def _attempt(self, commands: Sequence[Command]) -> tuple[list[Result], list[AlertMessage]]:
        now = self.clock.now()
        single = len(commands) == 1
        results: list[Result] = []
        messages: list[AlertMessage] = []
        with self.db.session() as session:
            unit = ledger.Unit(session.connection())
            warrants = _warrants(commands)
            keys = [c.key for c in commands if c.key is not None]
            if len(warrants) == 1 and len(keys) == 1 and single:
                text = unit.load_with_key(warrants[0], keys[0])
                stored = {} if text is None else {keys[0]: Result.from_json(text)}
            else:
                unit.load(warrants)
                stored = _stored_results(session, keys)
            for item in commands:
                if item.key is not None and item.key in stored:
                    results.append(stored[item.key])
                    continue
                result, ctx = self._one(session, unit, item, now, single)
                if item.key is not None and not result.accepted:
                    again = _stored_results(session, [item.key]).get(item.key)  # see `_stored_or`
                    if again is not None:
                        results.append(again)
                        continue
                results.append(result)
                if ctx is None or not result.accepted:
                    continue
                messages.extend(ctx.messages)
                if item.key is not None:
                    stored[item.key] = result
                    unit.key(item.key, item.command, result.to_json(), now)
            unit.flush()
        return results, messages

    def _stored_or(self, item: Command, refused: Result) -> Result:
        """The answer to a refused command: the result stored under its idempotency key when another writer applied
        it meanwhile, else the refusal. A retry that waited for the first application's lock reads the hold as that
        committed it (a one-time fact already recorded, say) but the key from the moment it began
        (`ledger.Unit.load_with_key`), so it is looked up again, in a statement of its own, before refusing."""
        if item.key is None:
            return refused
        with self.db.session() as session:
            return _stored_results(session, [item.key]).get(item.key, refused)

    def _one(
        self, session: Session, unit: ledger.Unit, item: Command, now: datetime, single: bool
    ) -> tuple[Result, Context | None]:
        handler = HANDLERS.get(item.command)
        if handler is None:
            message = f"unknown command {item.command!r}; known: {', '.join(HANDLERS)}"
            return Result(item.command, "refused", message, INPUT), None
        when = as_utc(item.occurred_at) if item.occurred_at is not None else now
        if decision_second(when) > decision_second(now):  # to the second, as every rule reads a time
            message = f"occurred_at {when.isoformat()} is in the future; record acts once they happen"
            return Result(item.command, "refused", message, INPUT), None
        takes = _TAKES[item.command]
        unknown = [name for name in item.args if name not in takes]
        if unknown:
            message = (
                f"field(s) {', '.join(map(repr, unknown))} are not fields of {item.command} "
                f"(its fields: {', '.join(takes)}); nothing written"
            )
            return Result(item.command, "refused", message, INPUT), None
        ctx = Context(session, unit, now, when, item.actor, self.detainer_reading, self.service_tolerance)
        ledger_only = item.command in LEDGER_ONLY
        savepoint = None
        if not ledger_only:
            unit.flush()  # what this command reads (holds, for a sweep) is written first
            if not single:
                savepoint = session.begin_nested()
        try:
            message = handler(ctx, item.args)
            if savepoint is not None:
                savepoint.commit()
        except Refused as refusal:
            result = Result(item.command, "refused", refusal.message, refusal.rule, refusal.law)
            if savepoint is not None:
                savepoint.rollback()
            elif single and not ledger_only:
                raise _RefusedInBatch(result) from None
            return result, ctx
        for row, rows, new in ctx.staged:
            unit.put(row, rows, new=new)
        result = Result(
            item.command,
            "accepted",
            message,
            hold=ctx.hold,
            events=tuple(ctx.events),
            alerts=tuple(ctx.alerts),
        )
        return result, ctx


def _warrants(commands: Sequence[Command]) -> list[str]:
    """The warrants a batch's ledger commands name: their holds are locked up front."""
    out: list[str] = []
    for item in commands:
        if item.command in LEDGER_ONLY and item.command != "detainer.issue":
            value = item.args.get("warrant")
            if isinstance(value, str | int) and str(value).strip():
                out.append(str(value).strip())
    return out


_STORED_ONE = select(IdempotencyKey.key, IdempotencyKey.result).where(IdempotencyKey.key == bindparam("key"))
_STORED_MANY = select(IdempotencyKey.key, IdempotencyKey.result).where(
    IdempotencyKey.key.in_(bindparam("keys", expanding=True))
)


def _stored_results(session: Session, keys: list[str]) -> dict[str, Result]:
    if not keys:
        return {}
    if len(keys) == 1:
        rows = session.execute(_STORED_ONE, {"key": keys[0]}).all()
    else:
        rows = session.execute(_STORED_MANY, {"keys": sorted(set(keys))}).all()
    return {key: Result.from_json(text) for key, text in rows}


def _retryable(error: DBAPIError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    text = str(error.orig).lower()
    return any(word in text for word in ("database is locked", "deadlock", "could not serialize", "busy", "unique"))


HANDLERS: dict[str, Handler] = {
    "agency": _agency,
    "agreement": _agreement,
    "facility": _facility,
    "officer.nominate": _nominate,
    "officer.exam": _exam,
    "officer.certify": _certify,
    "officer.authorize": _authorize,
    "officer.withdraw": _withdraw,
    "detention.agreement": _detention_agreement,
    "booking": _booking,
    "criminal.release": _criminal_release,
    "warrant.receive": _receive,
    "warrant.serve": _serve,
    "detainer.hold": _detainer_hold,
    "ice.notify": _notify,
    "citizenship.claim": _claim,
    "citizenship.report": _report,
    "custody.transfer": _transfer,
    "custody.release": _release,
    "custody.continue": _continue,
    "interview": _interview,
    "detainer.issue": _issue_detainer,
    "complaint.receive": _complaint_receive,
    "complaint.report": _complaint_report,
    "sweep": _sweep,
}

assert set(HANDLERS) == set(FIELDS) and set(OPTIONAL) <= set(FIELDS), "the catalogue and HANDLERS differ"
