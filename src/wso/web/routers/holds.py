"""Holds: the open ones by time left, one hold's full history (in the facility's zone, each event's fields
labelled) with its booking and chain status, and the whole ledger's verification. A warrant not yet served has its
booking's page instead: it says what is waiting."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from wso.web.console import (
    CHOICES,
    HoldDetailOut,
    HoldsOut,
    VerificationOut,
    hold_detail,
    hold_list,
    ledger_verification,
)
from wso.web.deps import NOT_FOUND, ApiUser, ClockDep, ConsoleUser, DbSession
from wso.web.rendering import render
from wso.web.routers.desk import booking_page_or_none

router = APIRouter(tags=["console"])

# The hold's actions that end or extend custody: the commands page asks for confirmation before it runs them, and
# the hold page's buttons say so ("…").
ASKS_FIRST = ("custody.release", "custody.transfer", "custody.continue")


@router.get("/api/console/holds", response_model=HoldsOut)
def api_holds(user: ApiUser, session: DbSession, clock: ClockDep, all: bool = False) -> HoldsOut:
    """Open holds (every hold with `all=true`), least time left first, with the server's time."""
    now = clock.now()
    return HoldsOut(now=now, holds=hold_list(session, now, open_only=not all))


@router.get("/api/console/holds/{ref:path}", response_model=HoldDetailOut, responses=NOT_FOUND)
def api_hold(ref: str, user: ApiUser, session: DbSession, clock: ClockDep) -> HoldDetailOut:
    """One hold (by hold id or warrant id): its events with their hashes, its alerts, its chain status."""
    found = hold_detail(session, ref, clock.now(), user)
    if found is None:
        raise HTTPException(
            status_code=404,
            detail=f"no hold {ref!r}; give a hold id or a warrant id (a warrant not yet served has no hold: "
            f"see /api/console/bookings/{ref})",
        )
    return found


@router.get("/api/console/ledger/verify", response_model=VerificationOut)
def api_verify(user: ApiUser, session: DbSession) -> VerificationOut:
    """Every hold's and every officer's hash chain recomputed; the first broken link of each broken chain."""
    return ledger_verification(session)


@router.get("/console/holds/{ref:path}", response_class=HTMLResponse, include_in_schema=False)
def hold_page(request: Request, ref: str, user: ConsoleUser, session: DbSession, clock: ClockDep) -> HTMLResponse:
    found = hold_detail(session, ref, clock.now(), user)
    if found is None:  # a warrant not yet served (or a booking): its booking's page says what is waiting
        page = booking_page_or_none(request, ref, user, session)
        if page is not None:
            return page
        return render(request, "not_found.html", {"what": ref}, user=user, status_code=404)
    context = {"d": found, "now": found.now, "release_reasons": CHOICES["reason"], "confirm": ASKS_FIRST}
    return render(request, "console/hold.html", context, user=user)
