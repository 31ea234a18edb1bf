"""Search across agencies by name (any spelling ICE used), optionally within a state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from wso.program import STATES, UnknownValue, parse_state
from wso.web import public
from wso.web.deps import BAD_INPUT, DbSession, LangDep, OptionalPrincipal
from wso.web.public import AgencySummary
from wso.web.rendering import render

router = APIRouter(tags=["public"])

QueryText = Annotated[str, Query(max_length=200, description="Part of an agency's name")]
StateFilter = Annotated[str | None, Query(max_length=40, description="USPS code or state name")]


def _state(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parse_state(value)
    except UnknownValue as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


@router.get("/api/search", response_model=list[AgencySummary], responses=BAD_INPUT)
def api_search(session: DbSession, q: QueryText = "", state: StateFilter = None) -> list[AgencySummary]:
    """Agencies whose name matches `q` (with no `q`, every agency of `state`)."""
    return public.search(session, q, _state(state))


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    session: DbSession,
    lang: LangDep,
    user: OptionalPrincipal,
    q: QueryText = "",
    state: StateFilter = None,
) -> HTMLResponse:
    try:
        code = _state(state)
    except HTTPException:
        code = None
    results = public.search(session, q, code) if (q.strip() or code) else []
    return render(
        request,
        "search.html",
        {"q": q, "state": code or "", "results": results, "states": STATES},
        lang=lang,
        user=user,
    )
