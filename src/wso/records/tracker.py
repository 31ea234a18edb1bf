"""The request tracker: create a request, log what happens to it, list what is due.

Every function takes a SQLAlchemy `Session` first; the caller owns the transaction (`Database.session()`). A refused
command raises before anything is added to the session, so it writes nothing.

A request's status is the last event logged ("draft" before it is sent). Which event may follow which is the
table `TRANSITIONS`; `sent` starts the clock, `extended` replaces the due date, `closed` ends everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Any, Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.program import UnknownValue, parse_state
from wso.records.due import due_dates_for
from wso.records.facts import StateFacts
from wso.records.letter import Requester
from wso.records.models import RecordsRequest, RecordsRequestEvent
from wso.records.sets import RECORD_SETS, Lang, RecordSet, choose_sets, parse_lang

Event = Literal[
    "sent", "acknowledged", "extended", "fee-estimate", "produced", "partially-produced", "denied", "appealed", "closed"
]
EVENTS: tuple[Event, ...] = (
    "sent",
    "acknowledged",
    "extended",
    "fee-estimate",
    "produced",
    "partially-produced",
    "denied",
    "appealed",
    "closed",
)
STATUSES: tuple[str, ...] = ("draft", *EVENTS)

# While an answer is awaited, the agency may answer in any of these ways, or the requester may appeal: many laws
# treat no answer by the deadline as a denial, and a fee estimate can be appealed too.
_ANSWERS: frozenset[str] = frozenset(
    {"extended", "fee-estimate", "produced", "partially-produced", "denied", "appealed", "closed"}
)
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent", "closed"}),
    "sent": _ANSWERS | {"acknowledged"},
    "acknowledged": _ANSWERS,
    "extended": _ANSWERS,
    "fee-estimate": _ANSWERS,
    "partially-produced": _ANSWERS,
    "produced": frozenset({"appealed", "closed"}),
    "denied": frozenset({"appealed", "closed"}),
    # An appeal is answered by a production or a denial, or taken further (to a court after the attorney general).
    "appealed": frozenset({"produced", "partially-produced", "denied", "appealed", "closed"}),
    "closed": frozenset(),
}
"""status -> the events that may follow it (anything else is refused, writing nothing)."""

AWAITING: frozenset[str] = frozenset({"sent", "acknowledged", "extended", "fee-estimate", "partially-produced"})
"""Statuses in which the agency still owes an answer, so a due (or follow-up) date counts."""


class TrackerError(ValueError):
    """A command the tracker refuses; nothing was written."""


class UnknownRequest(TrackerError, LookupError):
    def __init__(self, request_id: int | str) -> None:
        self.request_id = request_id
        super().__init__(f"no public-records request with id {request_id}")


class UnknownFilter(TrackerError, UnknownValue):
    """A list's filter (status, state) that is none of the accepted values: `what`, `value`, `accepted`."""


class UnknownEvent(TrackerError):
    def __init__(self, value: str) -> None:
        super().__init__(f"unknown event {value!r}; accepted: {', '.join(EVENTS)}")


class IllegalTransition(TrackerError):
    def __init__(self, request_id: int, status: str, event: str) -> None:
        self.request_id = request_id
        self.status = status
        self.event = event
        allowed = sorted(TRANSITIONS[status])
        after = f"allowed next: {', '.join(allowed)}" if allowed else "it is closed and takes no more events"
        super().__init__(f"request {request_id} is {status}: {event!r} cannot follow it ({after})")


class BadEventDate(TrackerError):
    pass


def parse_event(value: str) -> Event:
    text = value.strip().lower().replace("_", "-")
    for event in EVENTS:
        if event == text:
            return event
    raise UnknownEvent(value)


@dataclass(frozen=True)
class RequesterView:
    name: str | None
    email: str | None
    address: str | None


@dataclass(frozen=True)
class EventView:
    seq: int
    event: str
    on: date
    due: date | None
    note: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class RequestView:
    """A request as `wso records new/list --json` print it; `requester` only when asked for (identified)."""

    id: int
    agency: str
    agency_id: str | None
    state: str
    law_name: str
    citation: str
    sent: date | None
    deadline_kind: str
    deadline_days: int | None
    due: date | None
    follow_up: date | None
    status: str
    sets: tuple[str, ...]
    lang: str
    created_at: datetime
    updated_at: datetime
    requester: RequesterView | None = None


@dataclass(frozen=True)
class RequestDetail(RequestView):
    """A request with its whole history, as `wso records show --json` prints it."""

    events: tuple[EventView, ...] = ()


@dataclass(frozen=True)
class DueEntry:
    """An open request whose due (or follow-up) date falls on or before the day asked about."""

    id: int
    agency: str
    state: str
    citation: str
    status: str
    sent: date | None
    due: date | None
    follow_up: date | None
    when: date
    kind: Literal["due", "follow_up"]
    overdue: bool
    days_overdue: int


# SQLite and PostgreSQL keep an id in a signed 64-bit integer: a larger number names no request.
MAX_ROW_ID = 2**63 - 1

V = TypeVar("V", bound="RequestView")


def _view(row: RecordsRequest, identified: bool) -> RequestView:
    return _build(RequestView, row, identified)


def _build(cls: type[V], row: RecordsRequest, identified: bool, **extra: Any) -> V:
    requester = (
        RequesterView(name=row.requester_name, email=row.requester_email, address=row.requester_address)
        if identified
        else None
    )
    return cls(
        id=row.id,
        agency=row.agency_name,
        agency_id=row.agency_id,
        state=row.state,
        law_name=row.law_name,
        citation=row.citation,
        sent=row.sent_on,
        deadline_kind=row.deadline_kind,
        deadline_days=row.deadline_days,
        due=row.due_on,
        follow_up=row.follow_up_on,
        status=row.status,
        sets=tuple(i for i in row.set_ids.split(",") if i),
        lang=row.lang,
        created_at=row.created_at,
        updated_at=row.updated_at,
        requester=requester,
        **extra,
    )


def _detail(row: RecordsRequest, identified: bool) -> RequestDetail:
    events = tuple(
        EventView(seq=e.seq, event=e.event, on=e.occurred_on, due=e.due_on, note=e.note, recorded_at=e.recorded_at)
        for e in row.events
    )
    return _build(RequestDetail, row, identified, events=events)


def public_view(view: V) -> V:
    """`view` without the requester's personal data (name, email, address): what a page, an answer of the API or a
    command shows unless its user asked for the person (`--identified`)."""
    return replace(view, requester=None)


def event_day(clock: Clock, zone: tzinfo | None = None) -> date:
    """The tracker's "today": the day of an event logged without a date, and the day `due` looks from by default.

    The day in `zone` (default: the machine's local time zone; the UTC day is already tomorrow on a US evening), but
    never after the UTC day against which the tracker refuses dates in the future (east of UTC, early in the
    morning, the UTC day is still yesterday)."""
    now = clock.now()
    return min(now.astimezone(zone).date(), _today(clock))


def _today(clock: Clock) -> date:
    return clock.now().date()


def _check_not_future(day: date, clock: Clock, what: str) -> None:
    today = _today(clock)
    if day > today:
        raise BadEventDate(f"{what} {day.isoformat()} is after today ({today.isoformat()})")


def new_request(
    session: Session,
    *,
    agency: str,
    facts: StateFacts,
    clock: Clock,
    sent: date | None = None,
    agency_id: str | None = None,
    requester: Requester | None = None,
    sets: Sequence[RecordSet] = RECORD_SETS,
    lang: Lang | str = "en",
    note: str | None = None,
) -> RequestDetail:
    """Record a new request to `agency` under `facts`' law: sent on `sent` (due date computed), or a draft."""
    name = agency.strip()
    if not name:
        raise TrackerError("the agency's name is missing; give --agency")
    language = parse_lang(lang)
    chosen = choose_sets([s.id for s in sets])
    if sent is not None:
        _check_not_future(sent, clock, "sent date")
    now = clock.now()
    row = RecordsRequest(
        agency_name=name,
        agency_id=agency_id,
        state=facts.state,
        law_name=facts.law_name,
        citation=facts.citation,
        deadline_kind=facts.deadline_kind,
        deadline_days=facts.response_deadline_days,
        status="draft",
        set_ids=",".join(s.id for s in chosen),
        lang=language,
        requester_name=requester.name.strip() if requester else None,
        requester_email=requester.email if requester else None,
        requester_address=requester.address if requester else None,
        created_at=now,
        updated_at=now,
    )
    if sent is not None:
        _apply(row, "sent", sent, None, note, now)
    session.add(row)
    session.flush()
    return _detail(row, identified=True)


def _apply(row: RecordsRequest, event: Event, on: date, due: date | None, note: str | None, now: datetime) -> None:
    """Change `row` for `event` (already checked) and append the event."""
    if event == "sent":
        row.sent_on = on
        dates = due_dates_for(row.state, row.deadline_kind, row.deadline_days, on)
        row.due_on = dates.due
        row.follow_up_on = dates.follow_up
    elif event == "extended":
        row.due_on = due
        row.follow_up_on = None
    row.status = event
    row.updated_at = now
    seq = len(row.events) + 1
    row.events.append(
        RecordsRequestEvent(seq=seq, event=event, occurred_on=on, due_on=due, note=note or None, recorded_at=now)
    )


def _get(session: Session, request_id: int | str) -> RecordsRequest:
    try:
        key = int(request_id)
    except (TypeError, ValueError):
        raise UnknownRequest(request_id) from None
    if not 1 <= key <= MAX_ROW_ID:  # no row can have it, and the database cannot even be asked
        raise UnknownRequest(request_id)
    row = session.get(RecordsRequest, key)
    if row is None:
        raise UnknownRequest(request_id)
    return row


def log_event(
    session: Session,
    request_id: int | str,
    event: Event | str,
    *,
    clock: Clock,
    on: date | None = None,
    due: date | None = None,
    note: str | None = None,
) -> RequestDetail:
    """Log `event` on request `request_id` (dated `on`, default `event_day`); `extended` needs the new `due` date.

    Refused, writing nothing, when the event cannot follow the request's status, when `on` is before the last event
    or after today, or when an extension's due date is missing or not later than the date it replaces.
    """
    name = parse_event(event)
    row = _get(session, request_id)
    if name not in TRANSITIONS[row.status]:
        raise IllegalTransition(row.id, row.status, name)
    day = on if on is not None else event_day(clock)
    _check_not_future(day, clock, f"{name} date")
    if row.events and day < row.events[-1].occurred_on:
        last = row.events[-1]
        raise BadEventDate(
            f"{name} date {day.isoformat()} is before the request's last event ({last.event} on "
            f"{last.occurred_on.isoformat()})"
        )
    if name == "extended":
        if due is None:
            raise BadEventDate("an extension needs its new due date; give --due YYYY-MM-DD")
        if due < day:
            raise BadEventDate(f"new due date {due.isoformat()} is before the extension itself ({day.isoformat()})")
        current = row.due_on or row.follow_up_on
        if current is not None and due <= current:
            raise BadEventDate(
                f"new due date {due.isoformat()} is not later than the current one ({current.isoformat()})"
            )
    elif due is not None:
        raise BadEventDate(f"only an extension takes a new due date, not {name!r}")
    _apply(row, name, day, due, note, clock.now())
    session.flush()
    return _detail(row, identified=True)


def show_request(session: Session, request_id: int | str, *, identified: bool = False) -> RequestDetail:
    """One request with its whole history; the requester only when `identified`."""
    return _detail(_get(session, request_id), identified)


def list_requests(
    session: Session, *, status: str | None = None, state: str | None = None, identified: bool = False
) -> list[RequestView]:
    """Every request (optionally of one status or state: a USPS code or a name), oldest first; the requester only
    when `identified`. A status or state none of the known ones raises TrackerError naming the accepted ones."""
    query = select(RecordsRequest).order_by(RecordsRequest.id)
    if status is not None:
        wanted = status.strip().lower()
        if wanted not in STATUSES:
            raise UnknownFilter("status", status, STATUSES)
        query = query.where(RecordsRequest.status == wanted)
    if state is not None:
        try:
            code = parse_state(state)
        except UnknownValue as exc:  # a state none of the program's: refused, never an empty list
            raise UnknownFilter("state", state, exc.accepted) from None
        query = query.where(RecordsRequest.state == code)
    return [_view(row, identified) for row in session.scalars(query)]


def due_requests(session: Session, as_of: date) -> list[DueEntry]:
    """Requests still awaiting an answer whose due date (or, with no legal deadline, follow-up date) is on or before
    `as_of`, earliest first; those past it are flagged overdue."""
    query = select(RecordsRequest).where(RecordsRequest.status.in_(sorted(AWAITING))).order_by(RecordsRequest.id)
    entries: list[DueEntry] = []
    for row in session.scalars(query):
        if row.due_on is not None:
            day, kind = row.due_on, "due"
        elif row.follow_up_on is not None:
            day, kind = row.follow_up_on, "follow_up"
        else:
            continue
        if day > as_of:
            continue
        entries.append(
            DueEntry(
                id=row.id,
                agency=row.agency_name,
                state=row.state,
                citation=row.citation,
                status=row.status,
                sent=row.sent_on,
                due=row.due_on,
                follow_up=row.follow_up_on,
                when=day,
                kind=kind,  # type: ignore[arg-type]
                overdue=day < as_of,
                days_overdue=max(0, (as_of - day).days),
            )
        )
    entries.sort(key=lambda e: (e.when, e.id))
    return entries
