"""The desk: the release board as JSON, the bookings and the warrants (received, waiting for service or served)
searched and paged, and one booking with what is waiting on it. A person's data only for roles that see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from wso.accounts import Principal
from wso.custody import Search
from wso.program import UnknownValue, parse_state
from wso.web.deps import BAD_INPUT, NOT_FOUND, ApiUser, ClockDep, ConsoleUser, DbSession, SettingsDep
from wso.web.desk import (
    BOARD_HOURS,
    PAGE_SIZE,
    BoardOut,
    BookingDetailOut,
    BookingsOut,
    WarrantsOut,
    booking_detail,
    booking_list,
    release_board,
    search_of,
    warrant_list,
)
from wso.web.rendering import paging, render
from wso.web.routers.console import Hours, tolerance_of

router = APIRouter(tags=["console"])

Text = Annotated[str, Query(max_length=200)]
State = Annotated[str, Query(max_length=2, description="The agency's state (USPS code)")]
Status = Annotated[Literal["", "waiting", "served"], Query(description="waiting: no hold yet; served: a hold")]
PageNo = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=200, description="Rows per page")]


@router.get("/api/console/board", response_model=BoardOut)
def api_board(
    user: ApiUser, session: DbSession, clock: ClockDep, settings: SettingsDep, hours: Hours = BOARD_HOURS
) -> BoardOut:
    """Who is due for release within `hours` (ahead or back) with a WSO warrant waiting for service, soonest
    first; `may_serve` says whether warrant.serve would be accepted now and `explain` why (WSO-SCHEDULED-RELEASE)."""
    return release_board(session, clock.now(), user, hours=hours, tolerance=tolerance_of(settings))


@dataclass
class ListQuery:
    """A list's search and page, from the query string."""

    q: Text = ""
    facility: Text = ""
    state: State = ""
    page: PageNo = 1
    per_page: PerPage = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def search(self, user: Principal, status: str = "") -> Search:
        return search_of(user, self.q, self.facility, _state(self.state), status)


def _state(text: str) -> str:
    """The state filter as a USPS code ("" for none); a state none of the program's is refused (400, a page to a
    browser), never searched as though it had no holds."""
    if not text.strip():
        return ""
    try:
        return parse_state(text)
    except UnknownValue as exc:
        raise HTTPException(status_code=400, detail=f"state: {exc}") from exc


ListDep = Annotated[ListQuery, Depends()]


@router.get("/api/console/bookings", response_model=BookingsOut, responses=BAD_INPUT)
def api_bookings(user: ApiUser, session: DbSession, query: ListDep) -> BookingsOut:
    """Bookings, latest scheduled release first; `q` is a booking number (or a person's name, for roles that see
    personal data)."""
    return booking_list(session, query.search(user), offset=query.offset, limit=query.per_page)


@router.get("/api/console/warrants", response_model=WarrantsOut, responses=BAD_INPUT)
def api_warrants(user: ApiUser, session: DbSession, query: ListDep, status: Status = "") -> WarrantsOut:
    """Warrants received, latest first: `status=waiting` those not yet served (no hold), `served` those with one;
    `q` is a warrant or booking number (or a person's name, for roles that see personal data)."""
    return warrant_list(session, query.search(user, status), offset=query.offset, limit=query.per_page)


@router.get("/api/console/bookings/{ref}", response_model=BookingDetailOut, responses=NOT_FOUND)
def api_booking(ref: str, user: ApiUser, session: DbSession) -> BookingDetailOut:
    """One booking (by its number or a warrant's) with its warrants, waiting or served."""
    found = booking_detail(session, ref, user)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no booking or warrant {ref!r}")
    return found


def _list_page(
    request: Request, user: Principal, template: str, found: BookingsOut | WarrantsOut, query: ListQuery, status: str
) -> HTMLResponse:
    search = {"q": query.q, "facility": query.facility, "state": query.state, "status": status}
    pages = paging(found.total, query.page, query.per_page)
    return render(request, template, {"found": found, "search": search, "paging": pages}, user=user)


@router.get("/console/bookings", response_class=HTMLResponse, include_in_schema=False)
def bookings_page(request: Request, user: ConsoleUser, session: DbSession, query: ListDep) -> HTMLResponse:
    found = booking_list(session, query.search(user), offset=query.offset, limit=query.per_page)
    return _list_page(request, user, "console/bookings.html", found, query, "")


@router.get("/console/warrants", response_class=HTMLResponse, include_in_schema=False)
def warrants_page(
    request: Request, user: ConsoleUser, session: DbSession, query: ListDep, status: Status = ""
) -> HTMLResponse:
    found = warrant_list(session, query.search(user, status), offset=query.offset, limit=query.per_page)
    return _list_page(request, user, "console/warrants.html", found, query, status)


def booking_page_or_none(request: Request, ref: str, user: Principal, session: DbSession) -> HTMLResponse | None:
    """The booking page of `ref` (a booking's or a warrant's number), or None when neither exists."""
    found = booking_detail(session, ref, user)
    if found is None:
        return None
    return render(request, "console/booking.html", {"d": found, "ref": ref}, user=user)


@router.get("/console/bookings/{ref}", response_class=HTMLResponse, include_in_schema=False)
def booking_page(request: Request, ref: str, user: ConsoleUser, session: DbSession) -> HTMLResponse:
    page = booking_page_or_none(request, ref, user, session)
    if page is None:
        return render(request, "not_found.html", {"what": ref}, user=user, status_code=404)
    return page
