"""Sign in, sign out, and choosing a new password (HTML forms with CSRF): thin wrappers over `wso.accounts`,
which throttles, checks, opens and ends server-side sessions and writes the journal."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wso.accounts import AccountError, Busy, SignInThrottle, change_password, end_session, record_action, sign_in
from wso.web import drafts
from wso.web.auditstore import forget_session
from wso.web.deps import (
    PASSWORD_PAGE,
    ClockDep,
    ConsoleUser,
    DatabaseDep,
    DbSession,
    LangDep,
    RemoteDep,
    session_data,
)
from wso.web.rendering import render
from wso.web.sessions import csrf_matches, csrf_token

router = APIRouter(tags=["auth"], include_in_schema=False)

CSRF_REFUSED = "the form's CSRF token is missing or stale; reload the page"


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker chose."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


def _check_csrf(request: Request, given: str) -> None:
    if not csrf_matches(session_data(request), given):
        raise HTTPException(status_code=403, detail=CSRF_REFUSED)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, lang: LangDep, next: str = "/console") -> HTMLResponse:
    context = {"next": _safe_next(next), "failed": False, "draft": drafts.carried(session_data(request))}
    return render(request, "signin.html", context, lang=lang, needs_csrf=True)


@router.post("/signin", response_model=None)
def signin(
    request: Request,
    database: DatabaseDep,
    clock: ClockDep,
    lang: LangDep,
    remote: RemoteDep,
    username: Annotated[str, Form(max_length=1024)],
    password: Annotated[str, Form(max_length=4096)],
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
    next: Annotated[str, Form(max_length=2048)] = "/console",
) -> Response:
    _check_csrf(request, csrf_token_field)
    throttle: SignInThrottle = request.app.state.signin_throttle
    context = {"next": _safe_next(next), "failed": True, "wait": 0}
    try:
        outcome = sign_in(database, throttle, username, password, now=clock.now(), remote=remote)
    except Busy:
        context["wait"] = 5
        response = render(request, "signin.html", context, lang=lang, status_code=503, needs_csrf=True)
        response.headers["Retry-After"] = "5"
        return response
    if outcome.principal is None or outcome.token is None:
        wait = math.ceil(outcome.retry_after)
        context["wait"] = wait
        response = render(request, "signin.html", context, lang=lang, status_code=429 if wait else 401, needs_csrf=True)
        if wait:
            response.headers["Retry-After"] = str(wait)
        return response
    data = session_data(request)
    draft = drafts.carried(data)
    data.clear()  # a new session: new id, new CSRF token; nothing of the signed-out visit carries over
    data["sid"] = outcome.token
    if draft is not None:  # ... but the typed values of a form sent after the last session ended
        data[drafts.KEY] = draft
    csrf_token(data)
    if outcome.principal.must_change_password:
        return RedirectResponse(PASSWORD_PAGE, status_code=303)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/signout")
def signout(
    request: Request,
    user: ConsoleUser,
    session: DbSession,
    clock: ClockDep,
    remote: RemoteDep,
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
) -> RedirectResponse:
    _check_csrf(request, csrf_token_field)
    data = session_data(request)
    sid = data.get("sid")
    if isinstance(sid, str):
        end_session(session, sid, now=clock.now())
        forget_session(request.app.state, sid)  # the session's audit result goes with it
    record_action(
        session, at=clock.now(), actor=user.username, kind="sign-out", detail="signed out", ok=True, remote=remote
    )
    data.clear()
    return RedirectResponse("/", status_code=303)


@router.get(PASSWORD_PAGE, response_class=HTMLResponse)
def password_page(request: Request, user: ConsoleUser) -> HTMLResponse:
    return render(request, "console/password.html", {"error": None}, user=user)


@router.post(PASSWORD_PAGE, response_class=HTMLResponse, response_model=None)
def password_form(
    request: Request,
    user: ConsoleUser,
    session: DbSession,
    clock: ClockDep,
    remote: RemoteDep,
    current: Annotated[str, Form(max_length=4096)] = "",
    new: Annotated[str, Form(max_length=4096)] = "",
    again: Annotated[str, Form(max_length=4096)] = "",
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
) -> Response:
    _check_csrf(request, csrf_token_field)
    try:
        if new != again:
            raise AccountError("the two new passwords differ")
        change_password(session, user.user_id, current, new, now=clock.now(), remote=remote)
    except AccountError as error:
        return render(request, "console/password.html", {"error": str(error)}, user=user, status_code=400)
    except Busy:
        return render(request, "console/password.html", {"error": "busy; try again"}, user=user, status_code=503)
    return RedirectResponse("/console", status_code=303)
