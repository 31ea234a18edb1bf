"""FastAPI dependencies as typed `Annotated` aliases: the database session, the clock, the language, and who
is acting (with the refusals: a signed-out console page redirects to sign-in, a signed-out API call gets 401,
a read-only role gets 403 on a write, a form without the session's CSRF token gets 403)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from wso.accounts import Principal, principal_for_session, principal_for_token, record_action
from wso.clock import Clock
from wso.custody import Custody, LogNotifier, Notifier, WebhookNotifier
from wso.settings import Settings
from wso.store import Database
from wso.web.i18n import Lang, pick_language
from wso.web.sessions import CSRF_FIELD, CSRF_HEADER, csrf_matches

PASSWORD_PAGE = "/console/password"


class SignInRequired(Exception):
    """Raised by console pages when nobody is signed in; answered with a redirect to the sign-in page (and a
    form sent after the session ended keeps its typed values: `fields`, see wso.web.drafts)."""

    def __init__(self, next_path: str, fields: list[tuple[str, str]] | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.fields = fields


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back if it raises."""
    with database.session() as session:
        yield session


def get_language(request: Request) -> Lang:
    return pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ClockDep = Annotated[Clock, Depends(get_clock)]
DbSession = Annotated[Session, Depends(get_session)]
LangDep = Annotated[Lang, Depends(get_language)]


def get_notifier(request: Request, settings: SettingsDep) -> Notifier:
    """Where raised alerts go: WSO_WEBHOOK_URL if set, else the log (one notifier per app)."""
    notifier: Notifier | None = getattr(request.app.state, "notifier", None)
    if notifier is None:
        notifier = notifier_for(settings)
        request.app.state.notifier = notifier
    return notifier


def notifier_for(settings: Settings) -> Notifier:
    """WSO_WEBHOOK_URL's notifier if set, else the log's."""
    return WebhookNotifier(settings.webhook_url) if settings.webhook_url else LogNotifier()


def get_custody(
    database: DatabaseDep, settings: SettingsDep, clock: ClockDep, notifier: Annotated[Notifier, Depends(get_notifier)]
) -> Custody:
    """The custody ledger over the app's database and clock, with the settings' detainer reading."""
    return Custody(
        database,
        clock,
        detainer_reading=settings.detainer_reading,
        service_tolerance=timedelta(minutes=settings.service_tolerance_minutes),
        notifier=notifier,
    )


CustodyDep = Annotated[Custody, Depends(get_custody)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


RemoteDep = Annotated[str | None, Depends(client_address)]


def session_data(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = request.scope.setdefault("session", {})
    return data


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def optional_principal(
    request: Request, database: DatabaseDep, clock: ClockDep, settings: SettingsDep
) -> Principal | None:
    """The signed-in user (a live server-side session named by the cookie) or token holder (Authorization:
    Bearer), if any. A cookie whose session has ended is dropped."""
    token = _bearer(request)
    with database.session() as session:
        if token is not None:
            return principal_for_token(session, token)
        data = session_data(request)
        sid = data.get("sid")
        if isinstance(sid, str):
            idle = timedelta(minutes=settings.session_idle_minutes)
            principal = principal_for_session(session, sid, now=clock.now(), idle=idle)
            if principal is None:
                data.clear()
            return principal
    return None


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


class PasswordChangeRequired(Exception):
    """Raised by console pages when the user signed in with a temporary password; answered with a redirect to
    the page where they choose a new one."""


async def console_principal(request: Request, principal: OptionalPrincipal) -> Principal:
    """A console page's user; the signed-out are sent to sign in, and a user whose password was reset to choose
    a new one before anything else."""
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        fields = None
        if request.method == "POST":  # what was typed, kept for after sign-in (text fields only)
            form = await request.form()
            fields = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
        raise SignInRequired(target, fields)
    if principal.must_change_password and request.url.path != PASSWORD_PAGE:
        raise PasswordChangeRequired()
    return principal


async def console_submitter(request: Request, principal: Annotated[Principal, Depends(console_principal)]) -> Principal:
    """A console form's user of any role (a form that changes nothing, such as an audit upload): signed in, and
    the form carries the session's CSRF token."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not csrf_matches(session_data(request), given if isinstance(given, str) else None):
        raise HTTPException(status_code=403, detail="the form's CSRF token is missing or stale; reload the page")
    return principal


def _refuse_read_only(request: Request, principal: Principal) -> None:
    """Refuse a write by a read-only role, and write the attempt to the journal with its actor."""
    database: Database = request.app.state.database
    clock: Clock = request.app.state.clock
    with database.session() as session:
        record_action(
            session,
            at=clock.now(),
            actor=principal.username,
            kind="write-refused",
            detail=f"{request.method} {request.url.path}: role {principal.role} may only read",
            ok=False,
            remote=request.client.host if request.client else None,
        )
    raise HTTPException(status_code=403, detail=f"role {principal.role!r} may only read")


def console_writer(request: Request, principal: Annotated[Principal, Depends(console_submitter)]) -> Principal:
    """A console form's user: as `console_submitter`, by a role that may change the ledger or the tracker."""
    if not principal.can_write:
        _refuse_read_only(request, principal)
    return principal


def api_principal(principal: OptionalPrincipal) -> Principal:
    if principal is None:
        raise HTTPException(
            status_code=401,
            detail="sign in or send an API token (Authorization: Bearer ...)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if principal.must_change_password:
        raise HTTPException(status_code=403, detail=f"choose a new password first, at {PASSWORD_PAGE}")
    return principal


def api_submitter(request: Request, principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    """An API POST by any role: a token holder, or a signed-in browser that sends the CSRF token in
    X-CSRF-Token."""
    if principal.via == "session" and not csrf_matches(session_data(request), request.headers.get(CSRF_HEADER)):
        raise HTTPException(status_code=403, detail="send the session's CSRF token in the X-CSRF-Token header")
    return principal


def api_writer(request: Request, principal: Annotated[Principal, Depends(api_submitter)]) -> Principal:
    """An API write: as `api_submitter`, by a role that may change the ledger or the tracker."""
    if not principal.can_write:
        _refuse_read_only(request, principal)
    return principal


async def form_fields(request: Request) -> dict[str, str]:
    """A form's text fields (files left out), for sync routes that take arbitrary fields."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def console_admin(principal: Annotated[Principal, Depends(console_principal)]) -> Principal:
    """A console page for admins only (managing users)."""
    if principal.role != "admin":
        raise HTTPException(status_code=403, detail="only an admin manages users")
    return principal


def console_admin_writer(principal: Annotated[Principal, Depends(console_writer)]) -> Principal:
    """A console form for admins only: as `console_writer`, by an admin."""
    if principal.role != "admin":
        raise HTTPException(status_code=403, detail="only an admin manages users")
    return principal


ConsoleAdmin = Annotated[Principal, Depends(console_admin)]
ConsoleAdminWriter = Annotated[Principal, Depends(console_admin_writer)]
ConsoleUser = Annotated[Principal, Depends(console_principal)]
ConsoleSubmitter = Annotated[Principal, Depends(console_submitter)]
ConsoleWriter = Annotated[Principal, Depends(console_writer)]
ApiUser = Annotated[Principal, Depends(api_principal)]
ApiSubmitter = Annotated[Principal, Depends(api_submitter)]
ApiWriter = Annotated[Principal, Depends(api_writer)]


def api_admin(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    if principal.role != "admin":
        raise HTTPException(status_code=403, detail="only an admin manages users")
    return principal


def api_admin_writer(principal: Annotated[Principal, Depends(api_writer)]) -> Principal:
    if principal.role != "admin":
        raise HTTPException(status_code=403, detail="only an admin manages users")
    return principal


ApiAdmin = Annotated[Principal, Depends(api_admin)]
ApiAdminWriter = Annotated[Principal, Depends(api_admin_writer)]


class Problem(BaseModel):
    """Why a request was refused, in one sentence fit to show."""

    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Not found"}}
BAD_INPUT: dict[int | str, dict[str, Any]] = {400: {"model": Problem, "description": "Refused, with the reason"}}
