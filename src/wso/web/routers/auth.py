"""Sign in and sign out (HTML forms with CSRF); every attempt is written to the journal with its actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wso.web.accounts import authenticate, record_action
from wso.web.deps import ClockDep, ConsoleUser, DbSession, LangDep, session_data
from wso.web.rendering import render
from wso.web.sessions import csrf_matches, csrf_token

router = APIRouter(tags=["auth"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker chose."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/console"


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, lang: LangDep, next: str = "/console") -> HTMLResponse:
    return render(request, "signin.html", {"next": _safe_next(next), "failed": False}, lang=lang, needs_csrf=True)


@router.post("/signin", response_model=None)
def signin(
    request: Request,
    session: DbSession,
    clock: ClockDep,
    lang: LangDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
    next: Annotated[str, Form()] = "/console",
) -> Response:
    data = session_data(request)
    if not csrf_matches(data, csrf_token_field):
        raise HTTPException(status_code=403, detail="the form's CSRF token is missing or stale; reload the page")
    remote = request.client.host if request.client else None
    principal = authenticate(session, username, password)
    record_action(
        session,
        at=clock.now(),
        actor=username.strip()[:80],
        kind="sign-in" if principal else "sign-in-refused",
        detail="signed in" if principal else "wrong username or password",
        ok=principal is not None,
        remote=remote,
    )
    if principal is None:
        return render(
            request,
            "signin.html",
            {"next": _safe_next(next), "failed": True},
            lang=lang,
            status_code=401,
            needs_csrf=True,
        )
    data.clear()
    data["uid"] = principal.user_id
    csrf_token(data)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/signout")
def signout(
    request: Request,
    user: ConsoleUser,
    session: DbSession,
    clock: ClockDep,
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
) -> RedirectResponse:
    data = session_data(request)
    if not csrf_matches(data, csrf_token_field):
        raise HTTPException(status_code=403, detail="the form's CSRF token is missing or stale; reload the page")
    record_action(session, at=clock.now(), actor=user.username, kind="sign-out", detail="signed out", ok=True)
    data.clear()
    return RedirectResponse("/", status_code=303)
