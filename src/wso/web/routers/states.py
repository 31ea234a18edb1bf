"""A state's page: its laws with citation and confidence, each model's verdict today, its agencies and
agreements, and mandate coverage where the state's counties are known."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from wso import registry
from wso.web import svg
from wso.web.deps import NOT_FOUND, DbSession, LangDep, OptionalPrincipal
from wso.web.i18n import translator
from wso.web.public import StateOut, StateSummary
from wso.web.publicdeps import OverviewDep, StateFound
from wso.web.rendering import render

router = APIRouter(tags=["public"])


@router.get("/api/states", response_model=list[StateSummary])
def api_states(data: OverviewDep) -> list[StateSummary]:
    """Every state with agreements or a law: agreements in force by model, and the law's stance today."""
    return data.states


@router.get("/api/states/{code}", response_model=StateOut, responses=NOT_FOUND)
def api_state(code: str, found: StateFound) -> StateOut:
    """One state (USPS code or full name)."""
    if found is None:
        raise HTTPException(status_code=404, detail=f"no state {code!r}: give a USPS code such as TX")
    return found


@router.get("/states/{code}", response_class=HTMLResponse, include_in_schema=False)
def state_page(
    request: Request, code: str, session: DbSession, found: StateFound, lang: LangDep, user: OptionalPrincipal
) -> HTMLResponse:
    if found is None:
        return render(request, "not_found.html", {"what": code}, lang=lang, user=user, status_code=404)
    # the state's agreements over the registry's whole history, by model (distinct agreements each publication)
    entries = registry.timeline(session, kind="participating", state=found.code)
    trend = svg.line_chart(
        [e.published for e in entries],
        {m: [e.agreements.get(m, 0) for e in entries] for m in ("TFM", "JEM", "WSO")},
        title=f"{found.name}: {translator(lang)('overview.trend')}",
    )
    return render(request, "state.html", {"s": found, "trend": trend if entries else None}, lang=lang, user=user)
