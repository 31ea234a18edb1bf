"""What every custody command shares: the refusal, the command's context, reading its fields, and the ledger
helpers that find, settle, append to and close holds."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from wso.custody import ledger
from wso.custody.models import Facility, Officer
from wso.custody.notify import AlertMessage
from wso.custody.policy import SERVICE_TOLERANCE, DetainerReading, UnknownValue, decision_second
from wso.custody.sweep import settle

_T = TypeVar("_T")

INPUT = "INPUT"
SEQUENCE = "SEQUENCE"

FORMS = ("I-200", "I-205", "I-247A", "judicial")
WSO_FORMS = ("I-200", "I-205")
RELEASE_REASONS = ("released", "warrant_cancelled", "citizenship_verified")
ACTIVE = ("open", "detention_agreement")  # a hold that still keeps the person


class Refused(Exception):
    def __init__(self, rule: str, message: str, law: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.law = law


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


def _get(session: Session, model: type[_T], key: str, what: str, *, lock: bool = False) -> _T:
    """The row of `model` with primary key `key`, or a refusal naming it. `lock`: read it under a row lock
    (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer at a time), for a command that reads the row and
    writes it back, so that two writers at once never both act on the same old values."""
    row = session.get(model, key, with_for_update=lock)
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
        raise Refused(SEQUENCE, ended_words(ctx, hold))
    ctx.hold = hold.id
    _settle(ctx, hold)
    return hold


def local_time(ctx: Context, hold: ledger.HoldRow, moment: datetime) -> str:
    """`moment` in the zone of the hold's facility, ISO 8601 with its offset (as every answer shows times)."""
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    return _local(moment, facility.tz).isoformat()


def ended_words(ctx: Context, hold: ledger.HoldRow) -> str:
    """The refusal of an act on a hold that has ended: how and when it ended, in the facility's zone."""
    when = f" at {local_time(ctx, hold, hold.ended_at)}" if hold.ended_at is not None else ""
    return f"the hold on warrant {hold.warrant_id!r} is {hold.status}{when}, not open; record a new fact only"


def already(ctx: Context, hold: ledger.HoldRow, fact: str, at: datetime, todo: str) -> Refused:
    """The refusal of a one-time fact of a hold recorded again (SEQUENCE): `fact` names it and the hold, the answer
    says when the first was recorded (it stands), in the facility's zone, and what to do; nothing is written."""
    return Refused(SEQUENCE, f"{fact} at {local_time(ctx, hold, at)}; {todo}")


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
    """Append the next event of the officer's chain (see `ledger.append_officer_event`)."""
    ledger.append_officer_event(
        ctx.session, officer.id, kind, payload, actor=ctx.actor, occurred_at=ctx.occurred_at, recorded_at=ctx.now
    )


def _close(
    ctx: Context, hold: ledger.HoldRow, status: str, reason: str, extra: Mapping[str, Any] | None = None
) -> None:
    """End the hold (open, or held on under a detention agreement since `detention_agreement_from`); never before
    it began, to the second (what the audit finds as DATA-ENDED-BEFORE-SERVED is refused here)."""
    if decision_second(ctx.occurred_at) < decision_second(hold.opened_at):
        raise Refused(
            INPUT,
            f"field 'occurred_at' ({ledger.timestamp(ctx.occurred_at)}) is before the hold on {hold.warrant_id} "
            f"began ({ledger.timestamp(hold.opened_at)}); a hold ends after it begins (DATA-ENDED-BEFORE-SERVED)",
        )
    hold.ended_at = ctx.occurred_at
    hold.end_reason = reason
    hold.status = status
    _append(ctx, hold, status, {"reason": reason, **(extra or {})})


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _minutes(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} minutes"
