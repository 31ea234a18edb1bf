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
from wso.custody import agreements, detention, ledger
from wso.custody.models import (
    Agency,
    Booking,
    Complaint,
    DetentionAgreement,
    Facility,
    IdempotencyKey,
    Officer,
    OfficerEvent,
    Warrant,
)
from wso.custody.notify import AlertMessage, Notifier
from wso.custody.policy import (
    DEFAULT_DETAINER_READING,
    DETENTION_KINDS,
    EXAM_MAX_ATTEMPTS,
    EXAM_PASS_SCORE,
    ICE_NOTIFY_WINDOW,
    INTERVIEW_TOPICS,
    SERVICE_TOLERANCE,
    WSO_FORBIDDEN_TOPICS,
    DetainerReading,
    Model,
    UnknownValue,
    business_calendar,
    citizenship_report_applies,
    citizenship_standard,
    complaint_report_deadline,
    criminal_release,
    detainer_deadline,
    detainer_hold_bar,
    eligibility,
    parse_agency_kind,
    parse_detention_kind,
    parse_interview_topic,
    parse_moa_template,
    service_check,
    wso_hold_deadline,
)
from wso.custody.sweep import deliver, raise_alerts, settle
from wso.store import Database

_T = TypeVar("_T")

INPUT = "INPUT"
SEQUENCE = "SEQUENCE"

FORMS = ("I-200", "I-205", "I-247A", "judicial")
WSO_FORMS = ("I-200", "I-205")
RELEASE_REASONS = ("released", "warrant_cancelled", "citizenship_verified")
ACTIVE = ("open", "detention_agreement")  # a hold that still keeps the person

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
    "detention.agreement": ("id", "agency", "facilities", "kind", "from"),
    "booking": ("id", "facility", "scheduled_release"),
    "criminal.release": ("booking",),
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
    "complaint.receive": ("id", "officer", "facility"),
    "complaint.report": ("id",),
    "sweep": (),
}
# Fields a command takes beside those it needs (the console's forms offer them too).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "agency": ("name", "state", "kind"),
    "agreement": ("ended", "moa_template"),
    "facility": ("detention_agreement",),
    "detention.agreement": ("until", "signed"),
    "booking": ("name", "dob", "a_number"),
    "warrant.serve": ("interpreter",),
    "custody.release": ("reason",),
}
# The closed lists some fields are chosen from.
CHOICES: dict[str, tuple[str, ...]] = {
    "model": ("WSO", "JEM", "TFM"),
    "form": FORMS,
    "reason": RELEASE_REASONS,
    "kind": DETENTION_KINDS,
    "topic": INTERVIEW_TOPICS,
    "moa_template": ("2019", "2025"),
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
    service_tolerance: timedelta = SERVICE_TOLERANCE
    events: list[tuple[str, int]] = field(default_factory=list)
    alerts: list[dict[str, str]] = field(default_factory=list)
    messages: list[AlertMessage] = field(default_factory=list)
    hold: str | None = None
    # A ledger command's writes, handed to the unit only if it is accepted.
    staged: list[tuple[ledger.HoldRow, list[dict[str, Any]], bool]] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)  # holds this command moved onto a detention agreement


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


# ---- argument helpers -------------------------------------------------------------------------------------------


def _text(args: Mapping[str, Any], name: str) -> str:
    value = args.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Refused(INPUT, f"field {name!r} is missing; give it")
    if not isinstance(value, str | int):
        raise Refused(INPUT, f"field {name!r} must be a string, got {value!r}")
    return str(value).strip()


def _optional_text(args: Mapping[str, Any], name: str) -> str | None:
    if args.get(name) is None or (isinstance(args.get(name), str) and not str(args.get(name)).strip()):
        return None
    return _text(args, name)


def _choice(args: Mapping[str, Any], name: str, parse: Callable[[str], _T]) -> _T:
    """A field from a closed list: `parse` (a `wso.program` parser) or INPUT naming the field and the list."""
    value = _text(args, name)
    try:
        return parse(value)
    except UnknownValue as error:
        raise Refused(INPUT, f"field {name!r}: {value!r} is not one of {', '.join(error.accepted)}") from None


def _ids(args: Mapping[str, Any], name: str) -> list[str]:
    """A list of ids: a JSON list, or one string of ids separated by commas (a form's field)."""
    value = args.get(name)
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
        raise Refused(INPUT, f"field {name!r} must be a list of ids, got {value!r}")
    ids = [str(i).strip() for i in items if str(i).strip()]
    if not ids:
        raise Refused(INPUT, f"field {name!r} is empty; name at least one")
    return list(dict.fromkeys(ids))


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
    if open_only and hold.status not in ACTIVE:
        raise Refused(
            SEQUENCE, f"the hold on warrant {warrant_id!r} is {hold.status}, not open; record a new fact only"
        )
    ctx.hold = hold.id
    _settle(ctx, hold)
    return hold


def _settle(ctx: Context, hold: ledger.HoldRow) -> None:
    """A WSO hold whose 48-hour point has passed (by the time of this act) at a facility with a detention agreement
    that lifts the limit moves onto it: an event dated at that point records the change of legal basis."""
    event = settle(ctx.session, hold, ctx.occurred_at, actor=ctx.actor, recorded_at=ctx.now)
    if event is not None:
        ctx.staged.append((hold, [event], False))
        ctx.events.append((hold.id, event["seq"]))
        ctx.settled.add(hold.id)


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
    kind = _choice(args, "kind", parse_agency_kind) if args.get("kind") is not None else None
    ctx.session.add(Agency(id=agency_id, name=name, state=state, kind=kind))
    return f"agency {agency_id} ({name}, {state}{', ' + kind if kind else ''}) entered"


def _agreement(ctx: Context, args: Mapping[str, Any]) -> str:
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    model = _text(args, "model").upper()
    if model not in {m.value for m in Model}:
        raise Refused(INPUT, f"field 'model' must be TFM, JEM or WSO, got {model!r}")
    signed = _date(args, "signed")
    ended = _date(args, "ended", optional=True)
    assert signed is not None
    if ended is not None and ended < signed:
        raise Refused(INPUT, f"field 'ended': agreement ended {ended} before it was signed {signed}")
    template = _choice(args, "moa_template", parse_moa_template) if args.get("moa_template") is not None else None
    agreements.enter(ctx.session, agency.id, model, signed, ended, ctx.now, template)
    until = f" until {ended}" if ended else ""
    words = f" (MOA template {template})" if template else ""
    return f"{model} agreement of {agency.id} in force from {signed}{until}{words}"


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
    detention_flag = _bool(args, "detention_agreement", default=False)
    ctx.session.add(
        Facility(
            id=facility_id,
            agency_id=agency.id,
            name=_text(args, "name"),
            tz=tz,
            detention_agreement=detention_flag,
            created_at=ctx.occurred_at,
        )
    )
    if detention_flag:
        # replay's older form: an IGSA in force from the facility's creation (its local day)
        ctx.session.flush()
        start = _local(ctx.occurred_at, tz).date()
        detention.enter(
            ctx.session, detention.implied_id(facility_id), agency.id, "IGSA", [facility_id], start, None, None, ctx.now
        )
    return f"facility {facility_id} of {agency.id} ({tz}; detention agreement: {'yes' if detention_flag else 'no'})"


def _detention_agreement(ctx: Context, args: Mapping[str, Any]) -> str:
    agreement_id = _text(args, "id")
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    kind = _choice(args, "kind", parse_detention_kind)
    start = _date(args, "from")
    until = _date(args, "until", optional=True)
    signed = _date(args, "signed", optional=True)
    assert start is not None
    if until is not None and until < start:
        raise Refused(
            INPUT, f"field 'until' ({until}) is before field 'from' ({start}); an agreement ends after it begins"
        )
    facilities = _ids(args, "facilities")
    for facility_id in facilities:
        facility = _get(ctx.session, Facility, facility_id, "facility")
        if facility.agency_id != agency.id:
            raise Refused(INPUT, f"field 'facilities': {facility_id} belongs to {facility.agency_id}, not {agency.id}")
    if ctx.session.get(DetentionAgreement, agreement_id) is not None:
        raise Refused(SEQUENCE, f"detention agreement {agreement_id!r} is already entered")
    detention.enter(ctx.session, agreement_id, agency.id, kind, facilities, start, until, signed, ctx.now)
    answer = detention.cover(
        ctx.session, facilities[0], agency, agreements.agency_kind(ctx.session, agency), ctx.occurred_at.date()
    )
    lifts = "holds there are not late at 48 hours" if kind in ("IGSA", "USMS") else "it does not lift the 48-hour limit"
    law = f"; note: {answer.reason}" if answer is not None and answer.barred_by is not None else ""
    span = f"from {start}" + (f" until {until}" if until else "")
    return f"{kind} {agreement_id} of {agency.id} covers {', '.join(facilities)} {span}: {lifts}{law}"


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
            booked_at=ctx.occurred_at,
            person_name=args.get("name"),
            date_of_birth=_date(args, "dob", optional=True),
            a_number=args.get("a_number"),
        )
    )
    return f"booking {booking_id} in {facility.id}, scheduled release {_local(release, facility.tz).isoformat()}"


def _criminal_release(ctx: Context, args: Mapping[str, Any]) -> str:
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    facility = ctx.session.get(Facility, booking.facility_id)
    assert facility is not None
    if booking.booked_at is not None and ctx.occurred_at < booking.booked_at:
        raise Refused(
            INPUT,
            f"field 'occurred_at' ({_local(ctx.occurred_at, facility.tz).isoformat()}) is before booking "
            f"{booking.id} was entered ({_local(booking.booked_at, facility.tz).isoformat()}); a release comes after",
        )
    if booking.released_at is not None:
        raise Refused(
            SEQUENCE,
            f"booking {booking.id}'s release from criminal custody is already recorded "
            f"({_local(booking.released_at, facility.tz).isoformat()})",
        )
    held = [hold for hold in _booking_holds(ctx, booking.id)]
    if held:
        raise Refused(
            SEQUENCE,
            f"custody of booking {booking.id} already passed on {held[0].warrant_id}; "
            "record the release from criminal custody before a warrant is served or a detainer honoured",
        )
    booking.released_at = ctx.occurred_at
    until = _local(ctx.occurred_at + ctx.service_tolerance, facility.tz).isoformat()
    return (
        f"booking {booking.id} released from criminal custody at {_local(ctx.occurred_at, facility.tz).isoformat()}"
        f"; a WSO may serve until {until} ({_minutes(ctx.service_tolerance)} tolerance, WSO-SCHEDULED-RELEASE)"
    )


def _booking_holds(ctx: Context, booking_id: str) -> list[ledger.HoldRow]:
    """Every hold on the booking's warrants, as this transaction sees them (each locked)."""
    warrants = ctx.session.execute(
        select(Warrant.id).where(Warrant.booking_id == booking_id).order_by(Warrant.id)
    ).scalars()
    out = []
    for warrant_id in warrants:
        hold = ctx.unit.get(warrant_id)
        if hold is not None:
            out.append(hold)
    return out


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
    if ctx.unit.get(warrant.id) is not None:
        raise Refused(SEQUENCE, f"warrant {warrant.id} has already been served")
    interpreter = _optional_text(args, "interpreter")
    others = [hold for hold in _booking_holds(ctx, booking.id) if hold.status in ACTIVE]
    wso_held = [hold for hold in others if hold.kind == "wso"]
    if wso_held:
        raise Refused(
            SEQUENCE,
            f"booking {booking.id} is already in ICE custody on {wso_held[0].warrant_id}; one person, one hold",
        )
    detainers = [hold for hold in others if hold.kind == "detainer"]
    lawful_detainer = [
        hold
        for hold in detainers
        if hold.status == "open" and hold.deadline is not None and ctx.occurred_at <= hold.deadline
    ]
    check = service_check(
        ctx.occurred_at,
        booking.scheduled_release,
        booking.released_at,
        tolerance=ctx.service_tolerance,
        detainer_open=bool(lawful_detainer),
    )
    release_local = _local(check.release_at, facility.tz).isoformat()
    which = "recorded release" if check.release_kind == "actual" else "scheduled release"
    if check.timing == "before_release":
        raise Refused(
            "WSO-SCHEDULED-RELEASE",
            f"serve at the {which} from criminal custody ({release_local}), not before; "
            f"record an early release with criminal.release",
        )
    if check.timing == "late":
        assert check.late_by is not None
        raise Refused(
            "WSO-SCHEDULED-RELEASE",
            f"too late: the {which} from criminal custody was {release_local}; a WSO serves at it, within "
            f"{_minutes(check.tolerance)}, and nobody lawfully holds the person now (no open detainer hold within "
            f"its 48 hours); do not serve: the person must be released",
        )
    agency = session.get(Agency, facility.agency_id)
    assert agency is not None
    local_day = _local(ctx.occurred_at, facility.tz).date()
    found = agreements.in_force_agreement(session, agency.id, "WSO", local_day)
    if found is None:
        raise Refused(
            "WSO-AGREEMENT-IN-FORCE",
            f"{agency.id} has no WSO agreement in force on {local_day}; enter the agreement or do not serve",
        )
    signed, _template = found
    kind = agreements.agency_kind(session, agency)
    verdict = eligibility(agency.state, Model.WSO, local_day, kind, signed=signed)
    if verdict.verdict == "prohibited":
        laws = ", ".join(law.id for law in verdict.laws)
        raise Refused(
            "STATE-LAW",
            f"{agency.state} law ({laws}) prohibits WSO service on {local_day} for a {kind} agency's agreement "
            f"signed {signed}; do not serve",
            law=laws,
        )
    served = ctx.occurred_at
    release = check.release_at
    for held in detainers:
        # custody passes to ICE: the detainer hold ends at service (one person, one open hold)
        ctx.hold = held.id
        _close(ctx, held, "transferred", "transferred", {"served": warrant.id})
    hold = ledger.HoldRow(
        id=f"hold-{warrant.id}",
        warrant_id=warrant.id,
        booking_id=booking.id,
        facility_id=facility.id,
        agency_id=agency.id,
        kind="wso",
        officer_id=officer.id,
        opened_at=served,
        clock_start=release,
        deadline=wso_hold_deadline(release),
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
        interpreter=interpreter,
    )
    ctx.hold = hold.id
    payload: dict[str, Any] = {"warrant": warrant.id, "form": warrant.form, "officer": officer.id}
    payload["facility"] = facility.id
    if interpreter is not None:
        payload["interpreter"] = interpreter
    if check.timing == "during_detainer":
        payload["detainer"] = lawful_detainer[0].warrant_id
    _append(ctx, hold, "served", payload, new=True)
    assert hold.deadline is not None
    notes = ""
    if verdict.verdict == "restricted":
        notes += f"; note: {agency.state} law restricts ({', '.join(law.id for law in verdict.laws)})"
    if detainers:
        notes += f"; detainer hold {detainers[0].warrant_id} ended: custody passed to ICE"
    if interpreter is not None:
        notes += f"; interpreter {interpreter} annotated (WSO-INTERPRETER)"
    deadline = _local(hold.deadline, facility.tz).isoformat()
    covered = _covered_words(ctx, facility, agency, hold.deadline)
    limit = (
        f"at {deadline} the hold moves onto {covered} (WSO-DETENTION-AGREEMENT)"
        if covered
        else f"in ICE custody until {deadline} at the latest"
    )
    when = f"at the {which} ({release_local}, tolerance {_minutes(check.tolerance)})"
    if check.timing == "during_detainer":
        when = f"while detainer {lawful_detainer[0].warrant_id} lawfully held the person (the {which}: {release_local})"
    return (
        f"{warrant.form} {warrant.id} served by {officer.id} {when}; {limit} (WSO-48H: 48 hours flat from the "
        f"release); notify ICE now (WSO-NOTIFY-ICE){notes}"
    )


def _covered_words(ctx: Context, facility: Facility, agency: Agency, deadline: datetime) -> str:
    """The detention agreement the hold will move onto at its 48-hour point, in words, or "" if none lifts it."""
    answer = detention.cover(
        ctx.session,
        facility.id,
        agency,
        agreements.agency_kind(ctx.session, agency),
        _local(deadline, facility.tz).date(),
    )
    return f"the {answer.kind} in force" if answer is not None and answer.lifts else ""


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
    start = criminal_release(booking.scheduled_release, booking.released_at)
    if ctx.occurred_at < start:
        local = _local(start, facility.tz)
        raise Refused(
            "DETAINER-48H",
            f"a detainer holds a person only past the time of release ({local.isoformat()}); nothing to hold yet",
        )
    local_day = _local(ctx.occurred_at, facility.tz).date()
    bar = detainer_hold_bar(agency.state, local_day, agreements.agency_kind(session, agency))
    if bar is not None:
        raise Refused(
            "STATE-LAW",
            f"{agency.state} law ({bar.id}, {bar.citation}) bars holding anyone on an I-247A detainer without a "
            f"judicial warrant on {local_day}; do not hold: release the person at the end of criminal custody",
            law=bar.id,
        )
    held = [hold for hold in _booking_holds(ctx, booking.id) if hold.status in ACTIVE]
    if held:
        raise Refused(
            SEQUENCE, f"booking {booking.id} is already held on {held[0].warrant_id}; one person, one open hold"
        )
    deadline = detainer_deadline(start, facility.tz, ctx.detainer_reading, business_calendar(agency.state))
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
    other = "excluding" if ctx.detainer_reading == "flat" else "flat"
    return (
        f"held on I-247A detainer {warrant.id} until {_local(deadline, facility.tz).isoformat()} at the latest "
        f"(DETAINER-48H, reading: {ctx.detainer_reading}; the other reading, {other}, is available)"
    )


# ---- hold events --------------------------------------------------------------------------------------------------


def _notify(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    first = hold.ice_notified_at is None
    if first:
        hold.ice_notified_at = ctx.occurred_at
    _append(ctx, hold, "ice_notified", {})
    late = ""
    if first and hold.kind == "wso" and ctx.occurred_at - hold.opened_at > ICE_NOTIFY_WINDOW:
        late = (
            f' (late: {_duration(ctx.occurred_at - hold.opened_at)} after service; "immediately" means within '
            f"{_minutes(ICE_NOTIFY_WINDOW)}, WSO-NOTIFY-ICE)"
        )
    return f"ICE notified of {hold.warrant_id}{late}"


def _claim(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    if hold.citizenship_claim_at is not None:
        raise Refused(SEQUENCE, f"a citizenship claim on {hold.warrant_id} is already recorded")
    hold.citizenship_claim_at = ctx.occurred_at
    _append(ctx, hold, "citizenship_claim", {"flag": "review"})
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    instrument = _instrument(ctx, hold)
    if not citizenship_report_applies(instrument):
        return (
            f"U.S. citizenship claimed on {hold.warrant_id}; flagged for review; tell ICE (the one-hour report, "
            f"WSO-CITIZENSHIP-1H, applies to WSO holds only, not to an {instrument} hold)"
        )
    standard = _citizenship(ctx, hold, facility)
    due = ctx.occurred_at + standard.window
    return (
        f"U.S. citizenship claimed on {hold.warrant_id}; flagged for review; report it to the ICE Field Office "
        f"Director immediately, by {_local(due, facility.tz).isoformat()} (WSO-CITIZENSHIP-1H: "
        f'"{standard.words}", MOA template {standard.template})'
    )


def _report(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args, open_only=False)
    if hold.citizenship_claim_at is None:
        raise Refused(SEQUENCE, f"no citizenship claim is recorded on {hold.warrant_id}; record the claim first")
    if hold.citizenship_reported_at is not None:
        raise Refused(SEQUENCE, f"the citizenship claim on {hold.warrant_id} is already reported")
    hold.citizenship_reported_at = ctx.occurred_at
    _append(ctx, hold, "citizenship_reported", {})
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    if not citizenship_report_applies(_instrument(ctx, hold)):
        return f"citizenship claim on {hold.warrant_id} reported to ICE"
    standard = _citizenship(ctx, hold, facility)
    late = ctx.occurred_at - hold.citizenship_claim_at > standard.window
    return f"citizenship claim on {hold.warrant_id} reported to ICE" + (
        f' (late: more than one hour after the claim; the {standard.template} MOA says "{standard.words}", '
        f"WSO-CITIZENSHIP-1H, {standard.severity})"
        if late
        else ""
    )


def _instrument(ctx: Context, hold: ledger.HoldRow) -> str:
    warrant = ctx.session.get(Warrant, hold.warrant_id)
    assert warrant is not None
    return warrant.form


def _citizenship(ctx: Context, hold: ledger.HoldRow, facility: Facility) -> Any:
    """The citizenship report's standard under the MOA template of the agency's WSO agreement on the claim's day."""
    assert hold.citizenship_claim_at is not None
    day = _local(hold.citizenship_claim_at, facility.tz).date()
    found = agreements.in_force_agreement(ctx.session, hold.agency_id, "WSO", day)
    return citizenship_standard(found[1] if found is not None else None)


def _close(
    ctx: Context, hold: ledger.HoldRow, status: str, reason: str, extra: Mapping[str, Any] | None = None
) -> None:
    """End the hold (open, or held on under a detention agreement since `detention_agreement_from`)."""
    hold.ended_at = ctx.occurred_at
    hold.end_reason = reason
    hold.status = status
    _append(ctx, hold, status, {"reason": reason, **(extra or {})})


def _ending(ctx: Context, args: Mapping[str, Any]) -> ledger.HoldRow:
    """The hold a transfer or release ends: an open one, or one held on under a detention agreement."""
    hold = _hold_for_warrant(ctx, args, open_only=False)
    if hold.status not in ACTIVE:
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
    agency = ctx.session.get(Agency, hold.agency_id)
    assert facility is not None and agency is not None and hold.deadline is not None
    if hold.kind != "wso":
        raise Refused(
            "WSO-DETENTION-AGREEMENT",
            f"{hold.warrant_id} is a detainer hold; a detention agreement lifts only a WSO hold's 48 hours",
        )
    point = _local(hold.deadline, facility.tz)
    if hold.id in ctx.settled:
        return (
            f"{hold.warrant_id}: held on under the detention agreement from {point.isoformat()}; off the 48-hour clock"
        )
    if hold.status == "detention_agreement":
        assert hold.detention_agreement_from is not None
        since = _local(hold.detention_agreement_from, facility.tz).isoformat()
        raise Refused(SEQUENCE, f"{hold.warrant_id} is already held on under a detention agreement (from {since})")
    answer = detention.cover(
        ctx.session, facility.id, agency, agreements.agency_kind(ctx.session, agency), point.date()
    )
    if answer is not None and answer.barred_by is not None:
        raise Refused(
            "STATE-LAW",
            f"{answer.reason}; transfer or release the person by {point.isoformat()} (WSO-RELEASE)",
            law=answer.barred_by.id,
        )
    if answer is None or not answer.lifts:
        why = answer.reason if answer is not None else f"no detention agreement covers {facility.id}"
        raise Refused(
            "WSO-DETENTION-AGREEMENT",
            f"{why}; transfer or release the person by {point.isoformat()} (WSO-RELEASE)",
        )
    raise Refused(
        SEQUENCE,
        f"{hold.warrant_id} moves onto the {answer.kind} at its 48-hour point ({point.isoformat()}), and the ledger "
        "records it then by itself; nothing to record before",
    )


# ---- acts a WSO may not do ----------------------------------------------------------------------------------------


def _interview(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    topic = _choice(args, "topic", parse_interview_topic)
    if topic in WSO_FORBIDDEN_TOPICS:
        raise Refused(
            "WSO-NO-INTERROGATION",
            f"a WSO may not question anyone about {topic} (the WSO model forbids: {', '.join(WSO_FORBIDDEN_TOPICS)}); "
            "refer it to ICE",
        )
    _officer_event(ctx, officer, "interview", {"booking": booking.id, "topic": topic})
    return f"interview by {officer.id} on {topic!r} recorded"


def _issue_detainer(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    raise Refused(
        "WSO-NO-DETAINER",
        f"a WSO ({officer.id}) may not issue detainers; only ICE issues an I-247A: refer the case to ICE",
    )


def _complaint_receive(ctx: Context, args: Mapping[str, Any]) -> str:
    complaint_id = _text(args, "id")
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    facility = _get(ctx.session, Facility, _text(args, "facility"), "facility")
    if facility.agency_id != officer.agency_id:
        raise Refused(
            INPUT, f"field 'facility': {facility.id} belongs to {facility.agency_id}, not {officer.agency_id}"
        )
    if ctx.session.get(Complaint, complaint_id) is not None:
        raise Refused(SEQUENCE, f"complaint {complaint_id!r} is already recorded")
    due = complaint_report_deadline(ctx.occurred_at, facility.tz)
    ctx.session.add(
        Complaint(
            id=complaint_id,
            agency_id=officer.agency_id,
            officer_id=officer.id,
            facility_id=facility.id,
            received_at=ctx.occurred_at,
            due_at=due,
            recorded_at=ctx.now,
        )
    )
    return (
        f"complaint {complaint_id} about {officer.id} received; report it to ICE by "
        f"{_local(due, facility.tz).isoformat()} (WSO-COMPLAINT-48H: 48 hours, excluding weekends)"
    )


def _complaint_report(ctx: Context, args: Mapping[str, Any]) -> str:
    complaint = _get(ctx.session, Complaint, _text(args, "id"), "complaint")
    if complaint.reported_at is not None:
        raise Refused(SEQUENCE, f"complaint {complaint.id} is already reported to ICE")
    if ctx.occurred_at < complaint.received_at:
        raise Refused(INPUT, f"field 'occurred_at' is before complaint {complaint.id} was received")
    complaint.reported_at = ctx.occurred_at
    late = ctx.occurred_at > complaint.due_at
    return f"complaint {complaint.id} reported to ICE" + (
        " (late: more than 48 hours after it was received, weekends excluded, WSO-COMPLAINT-48H)" if late else ""
    )


def _sweep(ctx: Context, args: Mapping[str, Any]) -> str:
    raised = raise_alerts(ctx.session, ctx.now, ctx.unit, actor=ctx.actor)
    for alert, message in raised:
        ctx.alerts.append({"kind": alert.kind, "warrant": alert.warrant, "hold": alert.hold, "at": alert.at})
        ctx.messages.append(message)
    listed = "; ".join(f"{alert.kind} {alert.warrant}" for alert, _ in raised)
    return f"{len(raised)} alert(s) raised" + (f": {listed}" if listed else "")


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _minutes(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} minutes"


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

assert set(HANDLERS) == set(FIELDS) and set(OPTIONAL) <= set(FIELDS)
