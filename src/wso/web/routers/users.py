"""The console's users (admins only): who may sign in, with which role, and adding a user. Passwords are hashed
with argon2 (`wso.web.accounts`); every addition is written to the journal with the admin who made it. The
first admin is made with the CLI: `wso users add NAME --role admin`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso.web.accounts import ROLES, AccountError, Principal, create_user, list_users, record_action
from wso.web.deps import BAD_INPUT, ApiAdmin, ApiAdminWriter, ClockDep, ConsoleAdmin, ConsoleAdminWriter, DbSession
from wso.web.rendering import render

router = APIRouter(tags=["console"])


class UserOut(BaseModel):
    username: str
    role: str
    active: bool
    created_at: datetime


class NewUserIn(BaseModel):
    username: str = Field(max_length=80)
    role: str = Field(description=f"One of: {', '.join(ROLES)}")
    password: str = Field(description="10 characters or more", max_length=1024)


def _users(session: Session) -> list[UserOut]:
    return [
        UserOut(username=u.username, role=u.role, active=u.active, created_at=u.created_at) for u in list_users(session)
    ]


def _add(session: Session, admin: Principal, body: NewUserIn, now: datetime, remote: str | None) -> UserOut:
    user = create_user(session, body.username, body.password, body.role, now=now)
    record_action(
        session,
        at=now,
        actor=admin.username,
        kind="user-added",
        detail=f"user {user.username} added with role {user.role}",
        ok=True,
        remote=remote,
    )
    return UserOut(username=user.username, role=user.role, active=user.active, created_at=user.created_at)


@router.get("/api/console/users", response_model=list[UserOut])
def api_users(user: ApiAdmin, session: DbSession) -> list[UserOut]:
    """The console's users and their roles (admins only)."""
    return _users(session)


@router.post("/api/console/users", response_model=UserOut, status_code=201, responses=BAD_INPUT)
def api_add_user(
    request: Request, body: NewUserIn, user: ApiAdminWriter, session: DbSession, clock: ClockDep
) -> UserOut:
    """Add a user (admins only); refused for a taken name, an unknown role or a short password."""
    try:
        return _add(session, user, body, clock.now(), request.client.host if request.client else None)
    except AccountError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None


@router.get("/console/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, user: ConsoleAdmin, session: DbSession) -> HTMLResponse:
    context = {"users": _users(session), "roles": ROLES, "error": None}
    return render(request, "console/users.html", context, user=user)


@router.post("/console/users", response_class=HTMLResponse, include_in_schema=False, response_model=None)
def add_user_form(
    request: Request,
    user: ConsoleAdminWriter,
    session: DbSession,
    clock: ClockDep,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        body = NewUserIn(username=username, role=role, password=password)
        _add(session, user, body, clock.now(), request.client.host if request.client else None)
    except (AccountError, ValueError) as error:
        context = {"users": _users(session), "roles": ROLES, "error": str(error)}
        return render(request, "console/users.html", context, user=user, status_code=400)
    return RedirectResponse("/console/users", status_code=303)
