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
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from wso.clock import Clock, as_utc
from wso.custody import agreements, ledger
from wso.custody.models import (
    Agency,
    Booking,
    Facility,
    IdempotencyKey,
    Officer,
    OfficerEvent,
    Warrant,
)
from wso.custody.notify import AlertMessage, Notifier
from wso.custody.policy import (
    CITIZENSHIP_REPORT,
    EXAM_MAX_ATTEMPTS,
    EXAM_PASS_SCORE,
    BusinessCalendar,
    DetainerReading,
    Model,
    detainer_deadline,
    eligibility,
    wso_hold_deadline,
)
from wso.custody.sweep import deliver, raise_alerts
from wso.store import Database

_T = TypeVar("_T")

INPUT = "INPUT"
SEQUENCE = "SEQUENCE"

FORMS = ("I-200", "I-205", "I-247A", "judicial")
WSO_FORMS = ("I-200", "I-205")
RELEASE_REASONS = ("released", "warrant_cancelled", "citizenship_verified")
# Topics a WSO may not question anyone about (MOA-WSO-2025 Appendix A; ICE-PR-2019).
FORBIDDEN_TOPICS = (
    "alienage",
    "citizenship",
    "immigration",
    "immigration status",
    "nationality",
    "removability",
    "status",
    "country of birth",
)

# The fields each command needs (replay checks a whole file against these before running any of it).
FIELDS: dict[str, tuple[str, ...]] = {
    "agency": ("id",),
    "agreement": ("agency", "model", "signed"),
    "facility": ("id", "agency", "name", "tz"),
    "officer.nominate": ("id", "agency", "name", "us_citizen"),
    "officer.exam": ("id", "score"),
    "officer.certify": ("id",),
    "officer.authorize": ("id",),
    "officer.withdraw": ("id",),
    "booking": ("id", "facility", "scheduled_release"),
    "warrant.receive": ("id", "booking", "form"),
    "warrant.serve": ("warrant", "officer", "facility"),
    "detainer.hold": ("warrant",),
    "ice.notify": ("warrant",),
    "citizenship.claim": ("warrant",),
    "citizenship.report": ("warrant",),
    "custody.transfer": ("warrant",),
    "custody.release": ("warrant",),
    "custody.continue": ("warrant",),
    "interview": ("officer", "booking", "topic"),
    "detainer.issue": ("officer", "booking"),
    "sweep": (),
}


class Refused(Exception):
    def __init__(self, rule: str, message: str, law: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.law = law


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


@dataclass
class Context:
    session: Session
    unit: ledger.Unit
    now: datetime
    occurred_at: datetime
    actor: str
    detainer_reading: DetainerReading
    events: list[tuple[str, int]] = field(default_factory=list)
    alerts: list[dict[str, str]] = field(default_factory=list)
    messages: list[AlertMessage] = field(default_factory=list)
    hold: str | None = None
    # A ledger command's writes, handed to the unit only if it is accepted.
    staged: list[tuple[ledger.HoldRow, list[dict[str, Any]], bool]] = field(default_factory=list)


Handler = Callable[[Context, Mapping[str, Any]], str]

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
        detainer_reading: DetainerReading = "excluding",
        notifier: Notifier | None = None,
        retries: int = 8,
    ) -> None:
        self.db = db
        self.clock = clock
        self.detainer_reading: DetainerReading = detainer_reading
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
                return [refused.result]
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
                results.append(result)
                if ctx is None or not result.accepted:
                    continue
                messages.extend(ctx.messages)
                if item.key is not None:
                    stored[item.key] = result
                    unit.key(item.key, item.command, result.to_json(), now)
            unit.flush()
        return results, messages

    def _one(
        self, session: Session, unit: ledger.Unit, item: Command, now: datetime, single: bool
    ) -> tuple[Result, Context | None]:
        handler = HANDLERS.get(item.command)
        if handler is None:
            message = f"unknown command {item.command!r}; known: {', '.join(HANDLERS)}"
            return Result(item.command, "refused", message, INPUT), None
        when = as_utc(item.occurred_at) if item.occurred_at is not None else now
        if when > now:
            message = f"occurred_at {when.isoformat()} is in the future; record acts once they happen"
            return Result(item.command, "refused", message, INPUT), None
        ctx = Context(session, unit, now, when, item.actor, self.detainer_reading)
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


# ---- argument helpers -------------------------------------------------------------------------------------------


def _text(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Refused(INPUT, f"field {name!r} is missing; give it")
    if not isinstance(value, str | int):
        raise Refused(INPUT, f"field {name!r} must be a string, got {value!r}")
    return str(value).strip()


def _bool(args: Mapping[str, Any], name: str, default: bool | None = None) -> bool:
    value = args.get(name, default)
    if not isinstance(value, bool):
        raise Refused(INPUT, f"field {name!r} must be true or false, got {value!r}")
    return value


def _date(args: Mapping[str, Any], name: str, *, optional: bool = False) -> date | None:
    value = args.get(name)
    if value is None and optional:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Refused(INPUT, f"field {name!r} must be a date YYYY-MM-DD, got {value!r}") from None


def _instant(args: Mapping[str, Any], name: str) -> datetime:
    value = args.get(name)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise Refused(INPUT, f"field {name!r} must be an ISO 8601 time with offset, got {value!r}") from None
    if parsed.tzinfo is None:
        raise Refused(INPUT, f"field {name!r} ({value}) has no UTC offset; add one, e.g. -05:00")
    return parsed.astimezone(UTC)


def _get(session: Session, model: type[_T], key: str, what: str) -> _T:
    row = session.get(model, key)
    if row is None:
        raise Refused(INPUT, f"no {what} {key!r}; enter it first")
    return row


def _local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(tz))


def _hold_for_warrant(ctx: Context, args: Mapping[str, Any], *, open_only: bool = True) -> ledger.HoldRow:
    warrant_id = _text(args, "warrant")
    hold = ctx.unit.get(warrant_id)
    if hold is None:
        raise Refused(
            INPUT, f"warrant {warrant_id!r} has no hold; serve it (warrant.serve) or hold on a detainer first"
        )
    if open_only and hold.status != "open":
        raise Refused(
            SEQUENCE, f"the hold on warrant {warrant_id!r} is {hold.status}, not open; record a new fact only"
        )
    ctx.hold = hold.id
    return hold


def _append(ctx: Context, hold: ledger.HoldRow, kind: str, payload: Mapping[str, Any], *, new: bool = False) -> None:
    """Stage the next event of `hold`'s chain; the unit takes it if the command is accepted."""
    row = ledger.next_event(hold, kind, payload, actor=ctx.actor, occurred_at=ctx.occurred_at, recorded_at=ctx.now)
    ctx.staged.append((hold, [row], new))
    ctx.events.append((hold.id, row["seq"]))


def _officer_event(ctx: Context, officer: Officer, kind: str, payload: Mapping[str, Any]) -> None:
    seq = (
        ctx.session.execute(
            select(func.coalesce(func.max(OfficerEvent.seq), 0)).where(OfficerEvent.officer_id == officer.id)
        ).scalar_one()
        + 1
    )
    ctx.session.execute(
        insert(OfficerEvent).values(
            officer_id=officer.id,
            seq=seq,
            kind=kind,
            payload=ledger.canonical(dict(payload)),
            actor=ctx.actor,
            occurred_at=ctx.occurred_at,
            recorded_at=ctx.now,
        )
    )


# ---- reference data ---------------------------------------------------------------------------------------------


def _agency(ctx: Context, args: Mapping[str, Any]) -> str:
    agency_id = _text(args, "id")
    if ctx.session.get(Agency, agency_id) is not None:
        raise Refused(SEQUENCE, f"agency {agency_id!r} is already entered")
    if args.get("name") is None and args.get("state") is None:
        view = agreements.registry_agency(ctx.session, agency_id)
        if view is None:
            raise Refused(INPUT, f"agency {agency_id!r} is not in the registry; give its name and state")
        name, state = view
    else:
        name, state = _text(args, "name"), _text(args, "state").upper()
    if len(state) != 2 or not state.isalpha():
        raise Refused(INPUT, f"field 'state' must be a USPS code such as FL, got {state!r}")
    ctx.session.add(Agency(id=agency_id, name=name, state=state))
    return f"agency {agency_id} ({name}, {state}) entered"


def _agreement(ctx: Context, args: Mapping[str, Any]) -> str:
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    model = _text(args, "model").upper()
    if model not in {m.value for m in Model}:
        raise Refused(INPUT, f"field 'model' must be TFM, JEM or WSO, got {model!r}")
    signed = _date(args, "signed")
    ended = _date(args, "ended", optional=True)
    assert signed is not None
    if ended is not None and ended < signed:
        raise Refused(INPUT, f"agreement ended {ended} before it was signed {signed}")
    agreements.enter(ctx.session, agency.id, model, signed, ended, ctx.now)
    until = f" until {ended}" if ended else ""
    return f"{model} agreement of {agency.id} in force from {signed}{until}"


def _facility(ctx: Context, args: Mapping[str, Any]) -> str:
    facility_id = _text(args, "id")
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    tz = _text(args, "tz")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Refused(INPUT, f"field 'tz' must be an IANA time zone such as America/New_York, got {tz!r}") from None
    if ctx.session.get(Facility, facility_id) is not None:
        raise Refused(SEQUENCE, f"facility {facility_id!r} is already entered")
    detention = _bool(args, "detention_agreement", default=False)
    ctx.session.add(
        Facility(id=facility_id, agency_id=agency.id, name=_text(args, "name"), tz=tz, detention_agreement=detention)
    )
    return f"facility {facility_id} of {agency.id} ({tz}; detention agreement: {'yes' if detention else 'no'})"


# ---- officers -----------------------------------------------------------------------------------------------------


def _nominate(ctx: Context, args: Mapping[str, Any]) -> str:
    officer_id = _text(args, "id")
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    if not _bool(args, "us_citizen"):
        raise Refused("OFFICER-US-CITIZEN", "only a U.S. citizen may be nominated as a WSO; nominate another officer")
    if ctx.session.get(Officer, officer_id) is not None:
        raise Refused(SEQUENCE, f"officer {officer_id!r} is already nominated")
    officer = Officer(
        id=officer_id,
        agency_id=agency.id,
        name=_text(args, "name"),
        status="nominated",
        exam_attempts=0,
        exam_passed=False,
    )
    ctx.session.add(officer)
    ctx.session.flush()
    _officer_event(ctx, officer, "nominated", {"agency": agency.id})
    return f"officer {officer_id} nominated by {agency.id}"


def _exam(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer")
    try:
        score = float(args["score"])
    except (KeyError, TypeError, ValueError):
        raise Refused(INPUT, f"field 'score' must be a number 0-100, got {args.get('score')!r}") from None
    if not 0 <= score <= 100:
        raise Refused(INPUT, f"field 'score' must be between 0 and 100, got {score}")
    if officer.status == "disqualified":
        raise Refused(
            "OFFICER-EXAM",
            f"officer {officer.id} failed the exam and its retake and is disqualified; nominate another officer",
        )
    if officer.exam_passed:
        raise Refused(
            "OFFICER-EXAM",
            f"officer {officer.id} has already passed the exam; certify the officer next (officer.certify)",
        )
    officer.exam_attempts += 1
    passed = score >= EXAM_PASS_SCORE
    if passed:
        officer.exam_passed = True
        officer.status = "trained"
        message = f"officer {officer.id} passed the exam ({score:g} %); ICE may certify"
    elif officer.exam_attempts >= EXAM_MAX_ATTEMPTS:
        officer.status = "disqualified"
        message = f"officer {officer.id} failed the retake ({score:g} %) and is disqualified (OFFICER-EXAM)"
    else:
        message = f"officer {officer.id} failed the exam ({score:g} % < {EXAM_PASS_SCORE} %); one retake is allowed"
    _officer_event(ctx, officer, "exam", {"score": score, "attempt": officer.exam_attempts, "passed": passed})
    return message


def _certify(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer")
    if officer.status != "trained":
        raise Refused(
            "OFFICER-EXAM",
            f"officer {officer.id} is {officer.status}: only an officer who passed the exam is certified",
        )
    officer.status = "certified"
    _officer_event(ctx, officer, "certified", {})
    return f"officer {officer.id} certified; the Field Office Director may authorize"


def _authorize(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer")
    if officer.status not in ("certified", "withdrawn") or not officer.exam_passed:
        raise Refused(
            "OFFICER-CERTIFIED", f"officer {officer.id} is {officer.status}: certify the officer before authorizing"
        )
    if officer.status == "withdrawn" and not _was_certified(ctx.session, officer.id):
        raise Refused("OFFICER-CERTIFIED", f"officer {officer.id} was never certified; certify the officer first")
    officer.status = "authorized"
    _officer_event(ctx, officer, "authorized", {})
    return f"officer {officer.id} authorized to serve I-200 and I-205 warrants in {officer.agency_id}'s jail"


def _was_certified(session: Session, officer_id: str) -> bool:
    return (
        session.execute(
            select(OfficerEvent.id).where(OfficerEvent.officer_id == officer_id, OfficerEvent.kind == "certified")
        ).first()
        is not None
    )


def _withdraw(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer")
    if officer.status in ("withdrawn", "disqualified"):
        raise Refused(
            "OFFICER-WITHDRAWAL", f"officer {officer.id} is already {officer.status}; there is nothing to withdraw"
        )
    officer.status = "withdrawn"
    _officer_event(ctx, officer, "withdrawn", {})
    return f"officer {officer.id}'s authorization withdrawn, effective now"


# ---- bookings and warrants ----------------------------------------------------------------------------------------


def _booking(ctx: Context, args: Mapping[str, Any]) -> str:
    booking_id = _text(args, "id")
    facility = _get(ctx.session, Facility, _text(args, "facility"), "facility")
    release = _instant(args, "scheduled_release")
    if ctx.session.get(Booking, booking_id) is not None:
        raise Refused(SEQUENCE, f"booking {booking_id!r} is already entered")
    ctx.session.add(
        Booking(
            id=booking_id,
            facility_id=facility.id,
            scheduled_release=release,
            person_name=args.get("name"),
            date_of_birth=_date(args, "dob", optional=True),
            a_number=args.get("a_number"),
        )
    )
    return f"booking {booking_id} in {facility.id}, scheduled release {_local(release, facility.tz).isoformat()}"


def _receive(ctx: Context, args: Mapping[str, Any]) -> str:
    warrant_id = _text(args, "id")
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    form = _text(args, "form")
    if form not in FORMS:
        raise Refused(INPUT, f"field 'form' must be one of {', '.join(FORMS)}, got {form!r}")
    if ctx.session.get(Warrant, warrant_id) is not None:
        raise Refused(SEQUENCE, f"warrant {warrant_id!r} is already received")
    ctx.session.add(Warrant(id=warrant_id, booking_id=booking.id, form=form, received_at=ctx.occurred_at))
    what = "detainer" if form == "I-247A" else "warrant"
    return f"{form} {what} {warrant_id} received for booking {booking.id}"


def _serve(ctx: Context, args: Mapping[str, Any]) -> str:
    session = ctx.session
    warrant = _get(session, Warrant, _text(args, "warrant"), "warrant")
    if warrant.form not in WSO_FORMS:
        if warrant.form == "I-247A":
            hint = "an I-247A detainer is not a warrant: record the hold with detainer.hold (its own clock)"
        else:
            hint = "a judicial warrant is executed by the agency's own officers, not served by a WSO"
        raise Refused("WSO-WARRANT-FORMS", f"a WSO serves only I-200 and I-205 warrants; {hint}")
    officer = _get(session, Officer, _text(args, "officer"), "officer")
    booking = session.get(Booking, warrant.booking_id)
    assert booking is not None
    facility_id = _text(args, "facility")
    facility = session.get(Facility, facility_id)
    if facility is None or facility.id != booking.facility_id:
        raise Refused(
            "WSO-JAIL-ONLY",
            f"a WSO serves only inside the agency's jail where the person is held ({booking.facility_id}), "
            f"not at {facility_id!r}",
        )
    if officer.agency_id != facility.agency_id:
        raise Refused(
            "WSO-OWN-AGENCY",
            f"officer {officer.id} belongs to {officer.agency_id}, not {facility.agency_id}; "
            f"an authorized WSO of {facility.agency_id} must serve it",
        )
    if officer.status != "authorized":
        raise Refused(
            "WSO-AUTHORIZED-OFFICER",
            f"officer {officer.id} is {officer.status}, not authorized; only a certified, authorized WSO may serve",
        )
    if ctx.occurred_at < booking.scheduled_release:
        local = _local(booking.scheduled_release, facility.tz)
        raise Refused(
            "WSO-SCHEDULED-RELEASE",
            f"serve at the scheduled release from criminal custody ({local.isoformat()}), not before",
        )
    if ctx.unit.get(warrant.id) is not None:
        raise Refused(SEQUENCE, f"warrant {warrant.id} has already been served")
    agency = session.get(Agency, facility.agency_id)
    assert agency is not None
    local_day = _local(ctx.occurred_at, facility.tz).date()
    if not agreements.in_force(session, agency.id, "WSO", local_day):
        raise Refused(
            "WSO-AGREEMENT-IN-FORCE",
            f"{agency.id} has no WSO agreement in force on {local_day}; enter the agreement or do not serve",
        )
    verdict = eligibility(agency.state, Model.WSO, local_day)
    if verdict.verdict == "prohibited":
        laws = ", ".join(law.id for law in verdict.laws)
        raise Refused(
            "STATE-LAW", f"{agency.state} law ({laws}) prohibits WSO service on {local_day}; do not serve", law=laws
        )
    served = ctx.occurred_at
    hold = ledger.HoldRow(
        id=f"hold-{warrant.id}",
        warrant_id=warrant.id,
        booking_id=booking.id,
        facility_id=facility.id,
        agency_id=agency.id,
        kind="wso",
        officer_id=officer.id,
        opened_at=served,
        clock_start=served,
        deadline=wso_hold_deadline(served),
        deadline_rule="WSO-48H",
        deadline_reading="flat",
        status="open",
        ended_at=None,
        end_reason=None,
        ice_notified_at=None,
        citizenship_claim_at=None,
        citizenship_reported_at=None,
        last_seq=0,
        last_hash=ledger.GENESIS,
    )
    ctx.hold = hold.id
    _append(
        ctx,
        hold,
        "served",
        {"warrant": warrant.id, "form": warrant.form, "officer": officer.id, "facility": facility.id},
        new=True,
    )
    assert hold.deadline is not None
    restricted = ""
    if verdict.verdict == "restricted":
        restricted = f"; note: {agency.state} law restricts ({', '.join(law.id for law in verdict.laws)})"
    return (
        f"{warrant.form} {warrant.id} served by {officer.id}; in ICE custody until "
        f"{_local(hold.deadline, facility.tz).isoformat()} at the latest (WSO-48H, 48 hours flat); "
        f"notify ICE now (WSO-NOTIFY-ICE){restricted}"
    )


def _detainer_hold(ctx: Context, args: Mapping[str, Any]) -> str:
    session = ctx.session
    warrant = _get(session, Warrant, _text(args, "warrant"), "warrant")
    if warrant.form != "I-247A":
        raise Refused(
            "WSO-WARRANT-FORMS",
            f"{warrant.id} is an {warrant.form}, not an I-247A detainer; a WSO serves it with warrant.serve",
        )
    if ctx.unit.get(warrant.id) is not None:
        raise Refused(SEQUENCE, f"detainer {warrant.id} already has a hold")
    booking = session.get(Booking, warrant.booking_id)
    assert booking is not None
    facility = session.get(Facility, booking.facility_id)
    agency = session.get(Agency, facility.agency_id) if facility else None
    assert facility is not None and agency is not None
    if ctx.occurred_at < booking.scheduled_release:
        local = _local(booking.scheduled_release, facility.tz)
        raise Refused(
            "DETAINER-48H",
            f"a detainer holds a person only past the time of release ({local.isoformat()}); nothing to hold yet",
        )
    start = booking.scheduled_release
    calendar = BusinessCalendar(state=agency.state)
    deadline = detainer_deadline(start, facility.tz, ctx.detainer_reading, calendar)
    hold = ledger.HoldRow(
        id=f"hold-{warrant.id}",
        warrant_id=warrant.id,
        booking_id=booking.id,
        facility_id=facility.id,
        agency_id=agency.id,
        kind="detainer",
        officer_id=None,
        opened_at=ctx.occurred_at,
        clock_start=start,
        deadline=deadline,
        deadline_rule="DETAINER-48H",
        deadline_reading=ctx.detainer_reading,
        status="open",
        ended_at=None,
        end_reason=None,
        ice_notified_at=None,
        citizenship_claim_at=None,
        citizenship_reported_at=None,
        last_seq=0,
        last_hash=ledger.GENESIS,
    )
    ctx.hold = hold.id
    _append(ctx, hold, "detainer_hold", {"warrant": warrant.id, "reading": ctx.detainer_reading}, new=True)
    return (
        f"held on I-247A detainer {warrant.id} until {_local(deadline, facility.tz).isoformat()} at the latest "
        f"(DETAINER-48H, reading: {ctx.detainer_reading})"
    )


# ---- hold events --------------------------------------------------------------------------------------------------


def _notify(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    if hold.ice_notified_at is None:
        hold.ice_notified_at = ctx.occurred_at
    _append(ctx, hold, "ice_notified", {})
    return f"ICE notified of {hold.warrant_id}"


def _claim(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    if hold.citizenship_claim_at is not None:
        raise Refused(SEQUENCE, f"a citizenship claim on {hold.warrant_id} is already recorded")
    hold.citizenship_claim_at = ctx.occurred_at
    _append(ctx, hold, "citizenship_claim", {"flag": "review"})
    due = ctx.occurred_at + CITIZENSHIP_REPORT
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    return (
        f"U.S. citizenship claimed on {hold.warrant_id}; flagged for review; report it to the ICE Field Office "
        f"Director by {_local(due, facility.tz).isoformat()} (WSO-CITIZENSHIP-1H)"
    )


def _report(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args, open_only=False)
    if hold.citizenship_claim_at is None:
        raise Refused(SEQUENCE, f"no citizenship claim is recorded on {hold.warrant_id}; record the claim first")
    if hold.citizenship_reported_at is not None:
        raise Refused(SEQUENCE, f"the citizenship claim on {hold.warrant_id} is already reported")
    hold.citizenship_reported_at = ctx.occurred_at
    _append(ctx, hold, "citizenship_reported", {})
    late = ctx.occurred_at - hold.citizenship_claim_at > CITIZENSHIP_REPORT
    return f"citizenship claim on {hold.warrant_id} reported to ICE" + (
        " (late: more than one hour after the claim, WSO-CITIZENSHIP-1H)" if late else ""
    )


def _close(ctx: Context, hold: ledger.HoldRow, status: str, reason: str) -> None:
    """End the hold. A hold already held on under a detention agreement left the 48-hour clock then: its
    `ended_at` and `end_reason` stay as they were, and only its status records where the person went."""
    if hold.status == "open":
        hold.ended_at = ctx.occurred_at
        hold.end_reason = reason
    hold.status = status
    _append(ctx, hold, status, {"reason": reason})


def _ending(ctx: Context, args: Mapping[str, Any]) -> ledger.HoldRow:
    """The hold a transfer or release ends: an open one, or one held on under a detention agreement."""
    hold = _hold_for_warrant(ctx, args, open_only=False)
    if hold.status not in ("open", "detention_agreement"):
        raise Refused(
            SEQUENCE,
            f"the hold on warrant {hold.warrant_id!r} is {hold.status}, not open; record a new fact only",
        )
    return hold


def _late(ctx: Context, hold: ledger.HoldRow) -> str:
    if hold.status == "open" and hold.deadline is not None and ctx.occurred_at > hold.deadline:
        over = ctx.occurred_at - hold.deadline
        return f" (after the deadline by {_duration(over)}: {hold.deadline_rule})"
    return ""


def _transfer(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _ending(ctx, args)
    late = _late(ctx, hold)
    _close(ctx, hold, "transferred", "transferred")
    return f"{hold.warrant_id}: custody transferred to ICE{late}"


def _release(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _ending(ctx, args)
    reason = str(args.get("reason") or "released")
    if reason not in RELEASE_REASONS:
        raise Refused(INPUT, f"field 'reason' must be one of {', '.join(RELEASE_REASONS)}, got {reason!r}")
    if reason == "citizenship_verified" and hold.citizenship_claim_at is None:
        raise Refused(SEQUENCE, f"no citizenship claim is recorded on {hold.warrant_id}; record the claim first")
    late = _late(ctx, hold)
    _close(ctx, hold, "released", reason)
    why = "" if reason == "released" else f" ({reason})"
    return f"{hold.warrant_id}: released{why}{late}"


def _continue(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    if hold.kind != "wso" or not facility.detention_agreement:
        raise Refused(
            "WSO-DETENTION-AGREEMENT",
            f"{facility.id} has no detention agreement (IGSA or similar) on record; transfer or release "
            "within 48 hours (WSO-RELEASE)",
        )
    late = _late(ctx, hold)
    _close(ctx, hold, "detention_agreement", "detention_agreement")
    return f"{hold.warrant_id}: held on under {facility.id}'s detention agreement; off the 48-hour clock{late}"


# ---- acts a WSO may not do ----------------------------------------------------------------------------------------


def _interview(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    topic = _text(args, "topic").lower()
    if any(word in topic for word in FORBIDDEN_TOPICS):
        raise Refused(
            "WSO-NO-INTERROGATION",
            f"a WSO may not question anyone about citizenship, alienage or removability ({topic!r}); refer it to ICE",
        )
    _officer_event(ctx, officer, "interview", {"booking": booking.id, "topic": topic})
    return f"interview by {officer.id} on {topic!r} recorded"


def _issue_detainer(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    raise Refused(
        "WSO-NO-DETAINER",
        f"a WSO ({officer.id}) may not issue detainers; only ICE issues an I-247A: refer the case to ICE",
    )


def _sweep(ctx: Context, args: Mapping[str, Any]) -> str:
    raised = raise_alerts(ctx.session, ctx.now)
    for alert, message in raised:
        ctx.alerts.append({"kind": alert.kind, "warrant": alert.warrant, "hold": alert.hold, "at": alert.at})
        ctx.messages.append(message)
    listed = "; ".join(f"{alert.kind} {alert.warrant}" for alert, _ in raised)
    return f"{len(raised)} alert(s) raised" + (f": {listed}" if listed else "")


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


HANDLERS: dict[str, Handler] = {
    "agency": _agency,
    "agreement": _agreement,
    "facility": _facility,
    "officer.nominate": _nominate,
    "officer.exam": _exam,
    "officer.certify": _certify,
    "officer.authorize": _authorize,
    "officer.withdraw": _withdraw,
    "booking": _booking,
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
    "sweep": _sweep,
}

assert set(HANDLERS) == set(FIELDS)
