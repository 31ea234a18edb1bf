"""An agency's page: each agreement's life, its MOA, what its model lets officers do, and state law's verdict
on it over time."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from wso.web import svg
from wso.web.deps import NOT_FOUND, LangDep, OptionalPrincipal
from wso.web.public import AgencyOut
from wso.web.publicdeps import AgencyFound
from wso.web.rendering import render

router = APIRouter(tags=["public"])


@router.get("/api/agencies/{agency_id}", response_model=AgencyOut, responses=NOT_FOUND)
def api_agency(agency_id: str, found: AgencyFound) -> AgencyOut:
    """One agency by its registry id."""
    if found is None:
        raise HTTPException(status_code=404, detail=f"no agency {agency_id!r}; find ids with /api/search?q=...")
    return found


@router.get("/agencies/{agency_id}", response_class=HTMLResponse, include_in_schema=False)
def agency_page(
    request: Request, agency_id: str, found: AgencyFound, lang: LangDep, user: OptionalPrincipal
) -> HTMLResponse:
    if found is None:
        return render(request, "not_found.html", {"what": agency_id}, lang=lang, user=user, status_code=404)
    # its agreements on one time axis, over the registry's whole history (first to last listing)
    bars = [
        (f"{g.model} {g.signed or '—'}", g.model, g.pending_since or g.first_listed, g.last_listed, g.status)
        for g in sorted(found.agreements, key=lambda g: (g.first_listed, g.model))
    ]
    timeline = svg.agreement_timeline(bars, title=found.name)
    return render(request, "agency.html", {"a": found, "timeline": timeline}, lang=lang, user=user)
