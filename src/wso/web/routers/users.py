"""The console's users (admins only): who may sign in, with which role; adding a user, deactivating and
reactivating one, changing a role, resetting a password (the user chooses a new one at the next sign-in),
listing and ending a user's sessions. Thin wrappers over `wso.accounts`, which journals each with the admin who
did it. The first admin is made with the CLI: `wso users add NAME --role admin`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso.accounts import (
    ROLES,
    AccountError,
    NoSuchUser,
    Principal,
    WebUser,
    change_role,
    create_user,
    end_sessions,
    get_user,
    list_users,
    live_sessions,
    record_action,
    reset_password,
    set_active,
)
from wso.web.deps import (
    BAD_INPUT,
    NOT_FOUND,
    ApiAdmin,
    ApiAdminWriter,
    ClockDep,
    ConsoleAdmin,
    ConsoleAdminWriter,
    DbSession,
    RemoteDep,
    SettingsDep,
)
from wso.web.rendering import render

router = APIRouter(tags=["console"])

USERNAME = Annotated[str, Path(max_length=80, description="A username")]
REFUSALS: dict[int | str, dict[str, Any]] = {**BAD_INPUT, **NOT_FOUND}


class UserOut(BaseModel):
    username: str
    role: str
    active: bool
    created_at: datetime
    must_change_password: bool = False


class NewUserIn(BaseModel):
    username: str = Field(max_length=80)
    role: str = Field(description=f"One of: {', '.join(ROLES)}")
    password: str = Field(description="10 characters or more; not the username, not a common password", max_length=1024)


class RoleIn(BaseModel):
    role: str = Field(max_length=20, description=f"One of: {', '.join(ROLES)}")


class SessionOut(BaseModel):
    """A live session (never its token)."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    remote: str | None


class SessionsEndedOut(BaseModel):
    username: str
    sessions_ended: int


class ResetOut(BaseModel):
    """The temporary password, shown this once: the user signs in with it and must choose a new one."""

    username: str
    temporary_password: str


def _out(u: WebUser) -> UserOut:
    return UserOut(
        username=u.username,
        role=u.role,
        active=u.active,
        created_at=u.created_at,
        must_change_password=bool(u.must_change_password),
    )


def _users(session: Session) -> list[UserOut]:
    return [_out(u) for u in list_users(session)]


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
    return _out(user)


def _refused(error: AccountError) -> HTTPException:
    return HTTPException(status_code=404 if isinstance(error, NoSuchUser) else 400, detail=str(error))


@router.get("/api/console/users", response_model=list[UserOut])
def api_users(user: ApiAdmin, session: DbSession) -> list[UserOut]:
    """The console's users and their roles (admins only)."""
    return _users(session)


@router.post("/api/console/users", response_model=UserOut, status_code=201, responses=BAD_INPUT)
def api_add_user(
    body: NewUserIn, user: ApiAdminWriter, session: DbSession, clock: ClockDep, remote: RemoteDep
) -> UserOut:
    """Add a user (admins only); refused for a taken or malformed name, an unknown role or a weak password."""
    try:
        return _add(session, user, body, clock.now(), remote)
    except AccountError as error:
        raise _refused(error) from None


Action = Callable[[Session, str, str, datetime, str | None], Any]

ACTIONS: dict[str, Action] = {
    "deactivate": lambda s, name, actor, now, remote: set_active(s, name, False, actor=actor, now=now, remote=remote),
    "reactivate": lambda s, name, actor, now, remote: set_active(s, name, True, actor=actor, now=now, remote=remote),
    "end-sessions": lambda s, name, actor, now, remote: end_sessions(s, name, actor=actor, now=now, remote=remote),
    "reset-password": lambda s, name, actor, now, remote: reset_password(s, name, actor=actor, now=now, remote=remote),
}


def _act(session: Session, action: str, username: str, admin: Principal, now: datetime, remote: str | None) -> Any:
    try:
        return ACTIONS[action](session, username, admin.username, now, remote)
    except AccountError as error:
        raise _refused(error) from None


@router.post("/api/console/users/{username}/deactivate", response_model=UserOut, responses=REFUSALS)
def api_deactivate(
    username: USERNAME, user: ApiAdminWriter, session: DbSession, clock: ClockDep, remote: RemoteDep
) -> UserOut:
    """Deactivate an account: its sessions end and its API tokens are refused at once (admins only)."""
    _act(session, "deactivate", username, user, clock.now(), remote)
    return _out(get_user(session, username))


@router.post("/api/console/users/{username}/reactivate", response_model=UserOut, responses=REFUSALS)
def api_reactivate(
    username: USERNAME, user: ApiAdminWriter, session: DbSession, clock: ClockDep, remote: RemoteDep
) -> UserOut:
    """Let a deactivated account sign in again (admins only)."""
    _act(session, "reactivate", username, user, clock.now(), remote)
    return _out(get_user(session, username))


@router.post("/api/console/users/{username}/role", response_model=UserOut, responses=REFUSALS)
def api_role(
    username: USERNAME, body: RoleIn, user: ApiAdminWriter, session: DbSession, clock: ClockDep, remote: RemoteDep
) -> UserOut:
    """Change an account's role; its sessions end, so it signs in again under the new role (admins only)."""
    try:
        change_role(session, username, body.role, actor=user.username, now=clock.now(), remote=remote)
    except AccountError as error:
        raise _refused(error) from None
    return _out(get_user(session, username))


@router.post("/api/console/users/{username}/reset-password", response_model=ResetOut, responses=REFUSALS)
def api_reset(
    username: USERNAME, user: ApiAdminWriter, session: DbSession, clock: ClockDep, remote: RemoteDep
) -> ResetOut:
    """A temporary password, shown once; the user must choose a new one at the next sign-in. The account's
    sessions end and its API tokens are revoked (admins only)."""
    temporary = _act(session, "reset-password", username, user, clock.now(), remote)
    return ResetOut(username=get_user(session, username).username, temporary_password=temporary)


@router.get("/api/console/users/{username}/sessions", response_model=list[SessionOut], responses=NOT_FOUND)
def api_sessions(
    username: USERNAME, user: ApiAdmin, session: DbSession, clock: ClockDep, settings: SettingsDep
) -> list[SessionOut]:
    """An account's live sessions, newest first (admins only)."""
    try:
        views = live_sessions(session, username, now=clock.now(), idle=timedelta(minutes=settings.session_idle_minutes))
    except AccountError as error:
        raise _refused(error) from None
    return [SessionOut(id=v.id, created_at=v.created_at, last_seen_at=v.last_seen_at, remote=v.remote) for v in views]


@router.post("/api/console/users/{username}/end-sessions", response_model=SessionsEndedOut, responses=REFUSALS)
def api_end_sessions(
    username: USERNAME, user: ApiAdminWriter, session: DbSession, clock: ClockDep, remote: RemoteDep
) -> SessionsEndedOut:
    """End every session of an account at once (admins only)."""
    ended = _act(session, "end-sessions", username, user, clock.now(), remote)
    return SessionsEndedOut(username=get_user(session, username).username, sessions_ended=ended)


def _page(
    request: Request,
    user: Principal,
    session: Session,
    now: datetime,
    idle: timedelta,
    *,
    error: str | None = None,
    reset: ResetOut | None = None,
    status: int = 200,
) -> HTMLResponse:
    users = _users(session)
    sessions = {u.username: live_sessions(session, u.username, now=now, idle=idle) for u in users}
    context = {"users": users, "roles": ROLES, "error": error, "sessions": sessions, "reset": reset}
    return render(request, "console/users.html", context, user=user, status_code=status)


@router.get("/console/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(
    request: Request, user: ConsoleAdmin, session: DbSession, clock: ClockDep, settings: SettingsDep
) -> HTMLResponse:
    return _page(request, user, session, clock.now(), timedelta(minutes=settings.session_idle_minutes))


@router.post("/console/users", response_class=HTMLResponse, include_in_schema=False, response_model=None)
def add_user_form(
    request: Request,
    user: ConsoleAdminWriter,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    remote: RemoteDep,
    username: Annotated[str, Form(max_length=1024)] = "",
    role: Annotated[str, Form(max_length=1024)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
) -> Response:
    try:
        body = NewUserIn(username=username, role=role, password=password)
        _add(session, user, body, clock.now(), remote)
    except (AccountError, ValueError) as error:
        idle = timedelta(minutes=settings.session_idle_minutes)
        message = str(error) if isinstance(error, AccountError) else "username, role or password is malformed"
        return _page(request, user, session, clock.now(), idle, error=message, status=400)
    return RedirectResponse("/console/users", status_code=303)


@router.post(
    "/console/users/{username}/{action}", response_class=HTMLResponse, include_in_schema=False, response_model=None
)
def manage_form(
    request: Request,
    username: USERNAME,
    action: Literal["deactivate", "reactivate", "role", "reset-password", "end-sessions"],
    user: ConsoleAdminWriter,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    remote: RemoteDep,
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    now, idle = clock.now(), timedelta(minutes=settings.session_idle_minutes)
    try:
        if action == "role":
            change_role(session, username, role, actor=user.username, now=now, remote=remote)
        elif action == "reset-password":
            temporary = reset_password(session, username, actor=user.username, now=now, remote=remote)
            reset = ResetOut(username=get_user(session, username).username, temporary_password=temporary)
            page = _page(request, user, session, now, idle, reset=reset)
            return page
        else:
            ACTIONS[action](session, username, user.username, now, remote)
    except AccountError as error:
        status = 404 if isinstance(error, NoSuchUser) else 400
        return _page(request, user, session, now, idle, error=str(error), status=status)
    return RedirectResponse("/console/users", status_code=303)
