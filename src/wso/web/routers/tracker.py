"""The public-records tracker for signed-in users: requests sent under each state's law, their due dates, and
what happened to them (the `wso records new/list/due/log/show` commands). The requester's own contact details
are kept but never shown here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso.accounts import Principal
from wso.clock import Clock
from wso.records import (
    EVENTS,
    AmbiguousAgency,
    DueEntry,
    EmptyRegistry,
    MissingRequester,
    NoFacts,
    RequestDetail,
    Requester,
    RequestView,
    StateFacts,
    TrackerError,
    UnknownRecordSet,
    UnknownRequest,
    due_requests,
    event_day,
    facts_for,
    list_requests,
    log_event,
    parse_set_ids,
    public_view,
    show_request,
    track_request,
)
from wso.web.deps import (
    BAD_INPUT,
    NOT_FOUND,
    ApiUser,
    ApiWriter,
    ClockDep,
    ConsoleUser,
    ConsoleWriter,
    DbSession,
)
from wso.web.publicdeps import RecordsFactsDep
from wso.web.ranges import ProgramDate, RowId, in_program_years
from wso.web.rendering import render

router = APIRouter(tags=["console"])


class NewRequestIn(BaseModel):
    agency: str = Field(description="The agency's name (looked up in the registry for its agreements)")
    state: str = Field(description="USPS code of the agency's state")
    sent: ProgramDate | None = Field(default=None, description="The day it was sent (else a draft)")
    requester_name: str | None = None
    requester_email: str | None = None
    requester_address: str | None = None
    sets: str | None = Field(default=None, description="Record sets, comma-separated (default: all)")
    lang: str = "en"
    note: str | None = None


class EventIn(BaseModel):
    event: str = Field(description=f"One of: {', '.join(EVENTS)}")
    on: ProgramDate | None = Field(default=None, description="When (default: today)")
    due: ProgramDate | None = Field(default=None, description="For 'extended': the new due date")
    note: str | None = None


def _create(session: Session, known: Mapping[str, StateFacts], clock: Clock, body: NewRequestIn) -> RequestDetail:
    """Track a new request; raises `TrackerError`, `NoFacts`, `AmbiguousAgency`, `UnknownRecordSet`, ... with a
    message fit to show. `known` is every state's public-records facts (the app's, read once)."""
    if not body.state.strip():
        raise TrackerError("the agency's state is missing; give it")
    facts = facts_for(body.state, known)
    requester = None
    if body.requester_name or body.requester_email or body.requester_address:
        requester = Requester(
            name=body.requester_name or "", email=body.requester_email, address=body.requester_address
        )
    # As `wso records new` does it: an empty registry gets the bundled snapshot first, in this request's transaction,
    # so a letter never reads an empty registry as "no agreement" (a refused request leaves nothing behind).
    return track_request(
        session,
        agency=body.agency,
        facts=facts,
        clock=clock,
        sent=body.sent,
        requester=requester,
        sets=parse_set_ids(body.sets),
        lang=body.lang,
        note=body.note,
    ).request


REFUSALS = (TrackerError, NoFacts, AmbiguousAgency, EmptyRegistry, UnknownRecordSet, MissingRequester, ValueError)


@router.get("/api/console/records", response_model=list[RequestView])
def api_records(
    user: ApiUser,
    session: DbSession,
    status: Annotated[str | None, Query(description="Only requests with this status")] = None,
    state: Annotated[str | None, Query(description="Only requests to agencies in this state")] = None,
) -> list[RequestView]:
    """Every tracked request, oldest first (without the requester's contact details)."""
    try:
        return list_requests(session, status=status, state=state)
    except TrackerError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


@router.get("/api/console/records/due", response_model=list[DueEntry])
def api_records_due(
    user: ApiUser,
    session: DbSession,
    clock: ClockDep,
    as_of: Annotated[ProgramDate | None, Query(description="The day (default: today)")] = None,
) -> list[DueEntry]:
    """Requests awaiting an answer that are due (or to follow up) on or before the day; overdue ones flagged."""
    return due_requests(session, as_of or event_day(clock))


@router.get("/api/console/records/{request_id}", response_model=RequestDetail, responses=NOT_FOUND)
def api_record(request_id: RowId, user: ApiUser, session: DbSession) -> RequestDetail:
    """One request with its whole history."""
    try:
        return show_request(session, request_id)
    except UnknownRequest as error:
        raise HTTPException(status_code=404, detail=str(error)) from None


@router.post("/api/console/records", response_model=RequestDetail, status_code=201, responses=BAD_INPUT)
def api_new_record(
    body: NewRequestIn, user: ApiWriter, session: DbSession, known: RecordsFactsDep, clock: ClockDep
) -> RequestDetail:
    """Track a new request: its law, citation, deadline and due date (computed from the day it was sent)."""
    try:
        return public_view(_create(session, known, clock, body))
    except REFUSALS as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


@router.post(
    "/api/console/records/{request_id}/events",
    response_model=RequestDetail,
    responses={**BAD_INPUT, **NOT_FOUND},
)
def api_log_event(
    request_id: RowId, body: EventIn, user: ApiWriter, session: DbSession, clock: ClockDep
) -> RequestDetail:
    """Log what happened to a request; an event that cannot follow its status is refused, nothing written."""
    try:
        return public_view(
            log_event(session, request_id, body.event, clock=clock, on=body.on, due=body.due, note=body.note)
        )
    except UnknownRequest as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except TrackerError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


def _records_page(
    request: Request, user: Principal, session: Session, clock: Clock, error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {
        "due": due_requests(session, event_day(clock)),
        "requests": list_requests(session),
        "error": error,
    }
    return render(request, "console/records.html", context, user=user, status_code=status)


@router.get("/console/records", response_class=HTMLResponse, include_in_schema=False)
def records_page(request: Request, user: ConsoleUser, session: DbSession, clock: ClockDep) -> HTMLResponse:
    return _records_page(request, user, session, clock)


@router.post("/console/records", response_class=HTMLResponse, include_in_schema=False, response_model=None)
def new_record_form(
    request: Request,
    user: ConsoleWriter,
    session: DbSession,
    known: RecordsFactsDep,
    clock: ClockDep,
    agency: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "",
    sent: Annotated[str, Form()] = "",
    requester_name: Annotated[str, Form()] = "",
) -> Response:
    try:
        sent_on = _form_date(sent, "sent")
        body = NewRequestIn(agency=agency, state=state, sent=sent_on, requester_name=requester_name.strip() or None)
        created = _create(session, known, clock, body)
    except REFUSALS as error:
        return _records_page(request, user, session, clock, error=str(error), status=400)
    return RedirectResponse(f"/console/records/{created.id}", status_code=303)


def _form_date(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise TrackerError(f"{name} must be a date YYYY-MM-DD, got {text.strip()!r}") from None
    try:
        return in_program_years(day)
    except ValueError as error:
        raise TrackerError(f"{name} {error}") from None


def _record_page(
    request: Request, user: Principal, view: RequestDetail, error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {"r": view, "events": EVENTS, "error": error}
    return render(request, "console/record.html", context, user=user, status_code=status)


@router.get("/console/records/{request_id}", response_class=HTMLResponse, include_in_schema=False)
def record_page(request: Request, request_id: str, user: ConsoleUser, session: DbSession) -> HTMLResponse:
    try:
        view = show_request(session, request_id)
    except UnknownRequest:
        return render(request, "not_found.html", {"what": request_id}, user=user, status_code=404)
    return _record_page(request, user, view)


@router.post(
    "/console/records/{request_id}/events", response_class=HTMLResponse, include_in_schema=False, response_model=None
)
def log_event_form(
    request: Request,
    request_id: str,
    user: ConsoleWriter,
    session: DbSession,
    clock: ClockDep,
    event: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
    due: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        view = show_request(session, request_id)
    except UnknownRequest:
        return render(request, "not_found.html", {"what": request_id}, user=user, status_code=404)
    try:
        log_event(
            session,
            request_id,
            event,
            clock=clock,
            on=_form_date(on, "on"),
            due=_form_date(due, "due"),
            note=note.strip() or None,
        )
    except TrackerError as error:
        return _record_page(request, user, view, error=str(error), status=400)
    return RedirectResponse(f"/console/records/{view.id}", status_code=303)
