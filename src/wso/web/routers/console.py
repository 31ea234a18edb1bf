"""The console (signed-in users only): who am I, and the journal of sign-ins and commands."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from wso.web.accounts import ActionView, recent_actions
from wso.web.deps import ApiUser, ConsoleUser, DbSession
from wso.web.rendering import render

router = APIRouter(tags=["console"])


class Me(BaseModel):
    username: str
    role: str
    can_write: bool
    via: str


@router.get("/console", response_class=HTMLResponse, include_in_schema=False)
def console_home(request: Request, user: ConsoleUser, session: DbSession) -> HTMLResponse:
    actions = recent_actions(session, limit=20) if user.role in ("supervisor", "auditor", "admin") else []
    return render(request, "console/home.html", {"holds": None, "alerts": None, "actions": actions}, user=user)


@router.get("/console/journal", response_class=HTMLResponse, include_in_schema=False)
def console_journal(request: Request, user: ConsoleUser, session: DbSession) -> HTMLResponse:
    return render(request, "console/journal.html", {"actions": recent_actions(session, limit=500)}, user=user)


@router.get("/api/console/me", response_model=Me)
def api_me(user: ApiUser) -> Me:
    """Who the session or token belongs to."""
    return Me(username=user.username, role=user.role, can_write=user.can_write, via=user.via)


@router.get("/api/console/journal", response_model=list[dict[str, object]])
def api_journal(user: ApiUser, session: DbSession, limit: int = 100) -> list[dict[str, object]]:
    """The latest sign-ins and commands, newest first."""
    rows: list[ActionView] = recent_actions(session, limit=max(1, min(limit, 1000)))
    return [{"at": a.at.isoformat(), "actor": a.actor, "kind": a.kind, "detail": a.detail, "ok": a.ok} for a in rows]
