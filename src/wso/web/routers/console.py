"""The console's home (signed-in users only): the release board (who is due for release with a warrant waiting,
"serve now" at the right moment), open holds by time left with live countdowns, the alerts raised on them (the
server raises them on its own schedule), the ledger's chain status; who am I; the journal of sign-ins and
commands."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from wso.accounts import ActionView, Principal, recent_actions
from wso.custody import choices
from wso.web.console import ledger_verification, open_holds, raised_alerts
from wso.web.deps import ApiUser, ClockDep, ConsoleUser, DbSession, SettingsDep
from wso.web.desk import BOARD_HOURS, release_board
from wso.web.rendering import render

router = APIRouter(tags=["console"])

# Roles that see who did what on the console's home page (everyone signed in may open the journal).
OVERSIGHT = ("supervisor", "auditor", "admin")


class Me(BaseModel):
    username: str
    role: str
    can_write: bool
    via: str


class ActionOut(BaseModel):
    at: str
    actor: str | None
    kind: str
    detail: str
    ok: bool


Hours = Annotated[int, Query(ge=1, le=168, description="How many hours ahead (and back) the board looks")]


def home_context(
    session: Session, now: datetime, user: Principal, *, tolerance: timedelta, hours: int = BOARD_HOURS
) -> dict[str, Any]:
    """What the console's home page shows (the API has each part: board, holds, alerts, ledger/verify, journal)."""
    return {
        "board": release_board(session, now, user, hours=hours, tolerance=tolerance),
        "holds": open_holds(session, now),
        "alerts": raised_alerts(session),
        "verification": ledger_verification(session),
        "actions": recent_actions(session, limit=20) if user.role in OVERSIGHT else [],
        "zone": choices.shared_zone(session),  # the journal's times read in it (UTC where facilities differ)
        "now": now,
    }


def tolerance_of(settings: SettingsDep) -> timedelta:
    return timedelta(minutes=settings.service_tolerance_minutes)


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
@router.get("/console/board", response_class=HTMLResponse, include_in_schema=False)
def console_home(
    request: Request,
    user: ConsoleUser,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    hours: Hours = BOARD_HOURS,
    swept: Annotated[int | None, Query(ge=0, include_in_schema=False)] = None,
) -> HTMLResponse:
    context = home_context(session, clock.now(), user, tolerance=tolerance_of(settings), hours=hours)
    context["swept"] = swept  # after "Run a sweep now": how many alerts it raised
    return render(request, "console/home.html", context, user=user)


@router.get("/console/journal", response_class=HTMLResponse, include_in_schema=False)
def console_journal(request: Request, user: ConsoleUser, session: DbSession) -> HTMLResponse:
    """The journal, its times in the zone the facilities share (as every other time on the console is in the
    facility's), else in UTC; the API's stay ISO 8601 UTC."""
    context = {"actions": recent_actions(session, limit=500), "zone": choices.shared_zone(session)}
    return render(request, "console/journal.html", context, user=user)


@router.get("/api/console/me", response_model=Me)
def api_me(user: ApiUser) -> Me:
    """Who the session or token belongs to."""
    return Me(username=user.username, role=user.role, can_write=user.can_write, via=user.via)


@router.get("/api/console/journal", response_model=list[ActionOut])
def api_journal(user: ApiUser, session: DbSession, limit: int = 100) -> list[ActionOut]:
    """The latest sign-ins and commands, newest first."""
    rows: list[ActionView] = recent_actions(session, limit=max(1, min(limit, 1000)))
    return [ActionOut(at=a.at.isoformat(), actor=a.actor, kind=a.kind, detail=a.detail, ok=a.ok) for a in rows]
