"""What the console shows and does, as typed models built from the rooms' public functions only: the open holds
with their clocks, the alerts raised on them, a hold's history and chain status, the custody ledger's commands
(which role may run which, how a form becomes a command's fields, the result with its rule), and the
public-records tracker (the audit of uploaded records is wso.web.auditupload).

The same objects feed the console's pages and its JSON API, so everything a page shows is in the API. The time
always comes from the caller (the app's injected clock), never from the system.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from wso.accounts import Principal, record_action
from wso.custody import CHOICES as CHOICES  # re-exported: the holds page offers the release reasons
from wso.custody import (
    HANDLERS,
    AlertView,
    Custody,
    HoldView,
    Result,
    find_hold,
    history,
    hold_view,
    holds,
    open_alerts,
    verify,
)
from wso.program import rules
from wso.store import Database
from wso.web.commandforms import KINDS as KINDS
from wso.web.commandforms import CommandSpec as CommandSpec
from wso.web.commandforms import FieldSpec as FieldSpec
from wso.web.commandforms import args_from_form as args_from_form
from wso.web.commandforms import command_roles, may_run
from wso.web.commandforms import command_specs as command_specs
from wso.web.desk import BookingOut, FieldOut, booking_card, payload_fields
from wso.web.ranges import aware_in_program_years

# ---- holds, alerts, chains --------------------------------------------------------------------------------------


class HoldOut(HoldView):
    """A hold as the console lists it: custody's `HoldView`, field for field (ids, clock and status; never the
    person's name or A-number: a test fails if a field of a person's data reaches it)."""


class HoldsOut(BaseModel):
    now: datetime
    holds: list[HoldOut]


class AlertOut(AlertView):
    """An alert raised on a hold: custody's `AlertView`, with what it asks of the jail in words (`text`)."""


class AlertsOut(BaseModel):
    now: datetime
    alerts: list[AlertOut]


class EventOut(BaseModel):
    seq: int
    kind: str
    payload: dict[str, Any]
    fields: list[FieldOut] = []  # the payload labelled, its times in the facility's zone (EVENT_DERIVED)
    actor: str
    occurred_at: str | None
    recorded_at: str | None
    prev_hash: str
    hash: str


EVENT_DERIVED: frozenset[str] = frozenset({"fields"})
"""Fields of `EventOut` the console derives from custody's history event (every other one is custody's own)."""


class BrokenLinkOut(BaseModel):
    hold: str
    seq: int
    problem: str


class HoldDetailOut(BaseModel):
    """A hold with its whole history (hash-chained events), its alerts, and whether its chain verifies."""

    now: datetime
    hold: HoldOut
    events: list[EventOut]
    alerts: list[AlertOut]
    chain_ok: bool
    first_broken: BrokenLinkOut | None
    booking: BookingOut | None = None  # the person's data in it only for roles that see personal data


class BrokenOfficerLinkOut(BaseModel):
    officer: str
    seq: int
    problem: str


class VerificationOut(BaseModel):
    """Every chain recomputed: each hold's (`broken`) and each officer's (`broken_officers`)."""

    ok: bool
    holds: int
    events: int
    broken: list[BrokenLinkOut]
    officers: int
    officer_events: int
    broken_officers: list[BrokenOfficerLinkOut]


def _hold_out(view: HoldView) -> HoldOut:
    return HoldOut.model_validate(view, from_attributes=True)


def hold_list(session: Session, now: datetime, *, open_only: bool = True) -> list[HoldOut]:
    """Every open hold (every hold with `open_only=False`), least time left first (holds without a clock last)."""
    return [_hold_out(v) for v in holds(session, now, open_only=open_only)]


def open_holds(session: Session, now: datetime) -> list[HoldOut]:
    """Every open hold, least time left first (holds without a clock last)."""
    return hold_list(session, now)


def _alerts_in(answer: Mapping[str, Any], tz: str = "UTC") -> list[AlertOut]:
    """The alerts of a hold's `history` answer, each with custody's text and the hold's facility's zone."""
    return [
        AlertOut(
            kind=a["kind"],
            text=a["text"],
            hold=answer["hold"],
            warrant=answer["warrant"],
            raised_at=a["raised_at"],
            due_at=a["due_at"],
            tz=tz,
        )
        for a in answer["alerts"]
    ]


def raised_alerts(session: Session) -> list[AlertOut]:
    """The alerts raised on open holds (and those under a detention agreement), newest first: one statement."""
    return [AlertOut(**dict(a)) for a in open_alerts(session)]


def ledger_verification(session: Session) -> VerificationOut:
    result = verify(session)
    return VerificationOut(
        ok=result.ok,
        holds=result.holds,
        events=result.events,
        broken=[BrokenLinkOut(hold=b.hold_id, seq=b.seq, problem=b.problem) for b in result.broken],
        officers=result.officers,
        officer_events=result.officer_events,
        broken_officers=[
            BrokenOfficerLinkOut(officer=b.officer_id, seq=b.seq, problem=b.problem) for b in result.broken_officers
        ],
    )


def hold_detail(session: Session, ref: str, now: datetime, user: Principal | None = None) -> HoldDetailOut | None:
    """One hold by its id or its warrant's id, or None; with its booking (a person's data only if `user` may see
    it) and each event's payload as labelled fields in the facility's zone."""
    found = find_hold(session, ref)
    if found is None:
        return None
    view = hold_view(session, found.id, now)
    if view is None:
        return None
    answer = history(session, found)
    broken = next(iter(verify(session, found.id).broken), None)
    booking = None if user is None else booking_card(session, found.booking_id, user)
    return HoldDetailOut(
        now=now,
        hold=_hold_out(view),
        booking=booking,
        events=[
            EventOut.model_validate({**e, "fields": payload_fields(e["payload"], view.tz)}) for e in answer["events"]
        ],
        alerts=_alerts_in(answer, view.tz),
        chain_ok=broken is None,
        first_broken=None
        if broken is None
        else BrokenLinkOut(hold=broken.hold_id, seq=broken.seq, problem=broken.problem),
    )


# ---- commands ----------------------------------------------------------------------------------------------------

# What the forms and the API offer is read from custody's one catalogue: see wso.web.commandforms.


class EventRef(BaseModel):
    """An event a command appended: the hold and the event's number in its chain."""

    hold: str
    seq: int


class CommandOut(BaseModel):
    """What a command did: accepted, or refused with the rule (its title and citation) and what to do."""

    command: str
    status: Literal["accepted", "refused"]
    message: str
    rule: str | None = None
    rule_title: str | None = None
    rule_citation: str | None = None
    law: str | None = None
    hold: str | None = None
    events: list[EventRef] = []
    alerts: list[dict[str, str]] = []
    actor: str


# Custody's own refusal ids (not rules of the program).
OWN_RULES: dict[str, str] = {
    "INPUT": "a field is missing or malformed, or a record it names does not exist",
    "SEQUENCE": "the command does not fit the hold's or officer's state",
}


@cache
def _rule_index() -> dict[str, tuple[str, str]]:
    return {r.id: (r.title, r.citation) for r in rules()}


def command_out(result: Result, actor: str) -> CommandOut:
    title: str | None = None
    citation: str | None = None
    if result.rule is not None:
        title, citation = _rule_index().get(result.rule, (OWN_RULES.get(result.rule), None))
    return CommandOut(
        command=result.command,
        status=result.status,
        message=result.message,
        rule=result.rule,
        rule_title=title,
        rule_citation=citation,
        law=result.law,
        hold=result.hold,
        events=[EventRef(hold=h, seq=s) for h, s in result.events],
        alerts=list(result.alerts),
        actor=actor,
    )


class UnknownCommand(LookupError):
    def __init__(self, command: str) -> None:
        super().__init__(f"no ledger command {command!r}; known: {', '.join(HANDLERS)}")


class NotAllowed(PermissionError):
    def __init__(self, role: str, command: str) -> None:
        super().__init__(f"role {role!r} may not run {command}; it is for: {', '.join(command_roles(command))}")


# Fields whose values are a person's (or a secret): the journal, which every role reads, never holds them.
PERSONAL_FIELDS: tuple[str, ...] = ("name", "dob", "a_number", "password", "requester_name", "requester_address")
_ECHO = re.compile(r",?\s*\bgot\b.*$", re.S)


def journal_message(message: str, args: Mapping[str, Any]) -> str:
    """A ledger's answer as the journal keeps it: a refusal says which field was bad, not what was typed (the
    "got ..." of an input refusal is cut), and no value of a personal field appears anywhere."""
    kept = _ECHO.sub(" (the value typed is not recorded)", message)
    for name in PERSONAL_FIELDS:
        value = args.get(name)
        if isinstance(value, str) and value.strip():
            kept = kept.replace(value.strip(), f"[{name}]")
    return kept


def execute(
    custody: Custody,
    database: Database,
    user: Principal,
    command: str,
    args: Mapping[str, Any],
    *,
    key: str | None = None,
    occurred_at: datetime | None = None,
    remote: str | None = None,
) -> CommandOut:
    """Run one ledger command as `user` (the ledger records them as the actor) and write it to the journal,
    refused or not. Raises `UnknownCommand`, or `NotAllowed` (journaled) when the role may not run it."""
    if command not in HANDLERS:
        raise UnknownCommand(command)
    if not user.can_write or not may_run(user.role, command):
        with database.session() as session:
            record_action(
                session,
                at=custody.clock.now(),
                actor=user.username,
                kind="command",
                detail=f"{command}: refused (role {user.role} may not run it)",
                ok=False,
                remote=remote,
            )
        raise NotAllowed(user.role, command)
    result = custody.run(command, args, actor=user.username, idempotency_key=key, occurred_at=occurred_at)
    out = command_out(result, user.username)
    rule = f" by {out.rule}" if out.rule else ""
    with database.session() as session:
        record_action(
            session,
            at=custody.clock.now(),
            actor=user.username,
            kind="command",
            detail=f"{command}: {out.status}{rule}: {journal_message(out.message, args)}",
            ok=result.accepted,
            remote=remote,
        )
    return out


def parse_occurred_at(text: str | None) -> datetime | None:
    """A form's `occurred_at` (when the act happened, if earlier than now): ISO 8601 with an offset, or empty."""
    if text is None or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"occurred_at must be an ISO 8601 time with offset, got {text.strip()!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"occurred_at {text.strip()!r} has no UTC offset; add one, e.g. -05:00")
    try:
        return aware_in_program_years(value)
    except ValueError as error:
        raise ValueError(f"occurred_at {error}") from None
