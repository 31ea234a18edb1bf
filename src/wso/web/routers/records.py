"""The public-records page: each state's records law (deadline, residency, fees, appeal) and what to ask for.

The letters themselves are made by `wso records letter` and, for a signed-in user, tracked in the console."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from wso.records import NoFacts, facts_for
from wso.web import public
from wso.web.deps import NOT_FOUND, LangDep, OptionalPrincipal
from wso.web.i18n import Lang
from wso.web.publicdeps import RecordsFactsDep
from wso.web.rendering import render

router = APIRouter(tags=["public"])


@router.get("/api/records", response_model=public.RecordsOut)
def api_records(facts: RecordsFactsDep, lang: Annotated[Lang, Query()] = "en") -> public.RecordsOut:
    """Every state's public-records law as a request needs it, and the record sets to ask for (in `lang`)."""
    return public.records(facts, lang)


@router.get("/api/records/{state}", response_model=public.RecordsFactsOut, responses=NOT_FOUND)
def api_records_state(state: str, facts: RecordsFactsDep) -> public.RecordsFactsOut:
    """One state's public-records law (USPS code or full name)."""
    try:
        return public.records_facts_out(facts_for(state, facts))
    except NoFacts as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/records", response_class=HTMLResponse, include_in_schema=False)
def records_page(
    request: Request, facts: RecordsFactsDep, lang: LangDep, user: OptionalPrincipal, state: str | None = None
) -> HTMLResponse:
    data = public.records(facts, lang)
    chosen = None
    if state:
        try:
            chosen = public.records_facts_out(facts_for(state, facts))
        except NoFacts:
            return render(request, "not_found.html", {"what": state}, lang=lang, user=user, status_code=404)
    return render(request, "records.html", {"r": data, "chosen": chosen}, lang=lang, user=user)
