"""Search across agencies by name (any spelling ICE used), optionally within a state: whole-word matches, near
matches, the counties of that name, and what "no match" means under the state's law. The page's address holds
the query (GET), so a search can be shared."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from wso.program import STATES, UnknownValue, parse_state
from wso.web import public, publicsearch
from wso.web.deps import BAD_INPUT, DbSession, LangDep, OptionalPrincipal
from wso.web.i18n import translator
from wso.web.public import AgencySummary
from wso.web.publicdeps import SEARCH_LIMIT, LawsDep, TodayDep, too_long
from wso.web.publicsearch import SearchOut
from wso.web.rendering import render

router = APIRouter(tags=["public"])

QueryText = Annotated[str, Query(max_length=SEARCH_LIMIT, description="Part of an agency's name")]
STATE_LIMIT = 40
StateFilter = Annotated[str | None, Query(max_length=STATE_LIMIT, description="USPS code or state name")]
# the page's form: a value too long is refused by the page itself (too_long), not by FastAPI's 422 JSON
PageText = Annotated[str, Query()]
PageState = Annotated[str | None, Query()]


def _state(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parse_state(value)
    except UnknownValue as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


@router.get("/api/search", response_model=list[AgencySummary], responses=BAD_INPUT)
def api_search(session: DbSession, q: QueryText = "", state: StateFilter = None) -> list[AgencySummary]:
    """Agencies whose name holds every word of `q`, whole or in part (with no `q`, every agency of `state`)."""
    return public.search(session, q, _state(state))


@router.get("/api/search/answer", response_model=SearchOut, responses=BAD_INPUT)
def api_search_answer(
    session: DbSession, laws: LawsDep, today: TodayDep, q: QueryText = "", state: StateFilter = None
) -> SearchOut:
    """The search page's whole answer: whole-word matches, near matches, the counties of that name with what ICE
    lists for their sheriff, and, when no agency matches, what the state's law says of agreements."""
    return publicsearch.search(session, q, _state(state), laws, today)


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    session: DbSession,
    laws: LawsDep,
    today: TodayDep,
    lang: LangDep,
    user: OptionalPrincipal,
    q: PageText = "",
    state: PageState = None,
) -> HTMLResponse:
    error = too_long("q", q, lang) or too_long("state", state or "", lang, STATE_LIMIT)
    code = None
    if state and not error:
        try:
            code = parse_state(state)
        except UnknownValue:  # said on the page, not searched everywhere as if no state had been given
            error = translator(lang)("input.unknown_state", value=state)
    answer = publicsearch.search(session, q, code, laws, today) if (q.strip() or code) and not error else None
    return render(
        request,
        "search.html",
        {"q": q, "state": code or "", "answer": answer, "states": STATES, "error": error},
        lang=lang,
        user=user,
        status_code=422 if error else 200,
    )
