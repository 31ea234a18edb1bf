"""The public-records page: each state's records law (deadline, residency, fees, appeal), what to ask for, and the
letter itself, made from the site by the same library as `wso records letter` (PDF, Word or text, in English or
Spanish). Nothing typed into the letter's form is stored. A signed-in user tracks requests in the console."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from wso import registry
from wso.records import NoFacts, facts_for
from wso.web import public
from wso.web.deps import BAD_INPUT, NOT_FOUND, DbSession, LangDep, OptionalPrincipal
from wso.web.i18n import Lang, translator
from wso.web.letters import WEB_FORMATS, LetterIn, LetterRefused, MadeLetter, make_letter
from wso.web.publicdeps import RecordsFactsDep, TodayDep
from wso.web.rendering import render

router = APIRouter(tags=["public"])

LETTER_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The letter, as a file to save (Content-Disposition: attachment).",
        "content": {"application/pdf": {}, "text/plain": {}},
    },
    **BAD_INPUT,
}


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


def _download(made: MadeLetter) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{made.filename}"',
        "Cache-Control": "no-store",  # it carries the requester's name
    }
    return Response(made.data, media_type=made.media_type, headers=headers)


@router.post("/api/records/letter", response_class=Response, responses=LETTER_RESPONSES)
def api_records_letter(body: LetterIn, session: DbSession, facts: RecordsFactsDep, today: TodayDep) -> Response:
    """A request letter to an agency under its state's records law, as `wso records letter` writes it: PDF, DOCX or
    plain text (`md`), in English or Spanish, dated today. Nothing is stored."""
    try:
        return _download(make_letter(session, facts, body, today))
    except LetterRefused as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


@router.post("/records/letter", response_class=Response, include_in_schema=False)
def records_letter_form(
    request: Request,
    session: DbSession,
    facts: RecordsFactsDep,
    today: TodayDep,
    lang: LangDep,
    user: OptionalPrincipal,
    state: Annotated[str, Form(max_length=40)],
    agency_id: Annotated[str | None, Form(max_length=200)] = None,
    agency: Annotated[str | None, Form(max_length=300)] = None,
    requester_name: Annotated[str, Form(max_length=200)] = "",
    requester_email: Annotated[str | None, Form(max_length=300)] = None,
    requester_address: Annotated[str | None, Form(max_length=500)] = None,
    sets: Annotated[list[str] | None, Form()] = None,
    letter_lang: Annotated[str, Form(max_length=5)] = "en",
    format: Annotated[str, Form(max_length=10)] = "pdf",
) -> Response:
    wanted = LetterIn(
        state=state,
        agency_id=agency_id or None,
        agency=agency,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_address=requester_address,
        sets=sets or [],
        lang=letter_lang,
        format=format,
    )
    try:
        return _download(make_letter(session, facts, wanted, today))
    except LetterRefused as exc:
        error = translator(lang)(exc.key, **exc.values)
        page = _page(request, session, facts, lang, user, state, wanted=wanted, error=error, status_code=400)
        page.headers["Cache-Control"] = "no-store"
        return page


@router.get("/records", response_class=HTMLResponse, include_in_schema=False)
def records_page(
    request: Request,
    session: DbSession,
    facts: RecordsFactsDep,
    lang: LangDep,
    user: OptionalPrincipal,
    state: Annotated[str | None, Query(max_length=40)] = None,  # LetterIn's limits: a longer one is a 422 page,
    agency: Annotated[str | None, Query(max_length=200)] = None,  # not a LetterIn that fails (a 500)
) -> HTMLResponse:
    return _page(request, session, facts, lang, user, state, wanted=LetterIn(state=state or "", agency_id=agency))


def _page(
    request: Request,
    session: DbSession,
    facts: RecordsFactsDep,
    lang: Lang,
    user: OptionalPrincipal,
    state: str | None,
    *,
    wanted: LetterIn,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    data = public.records(facts, lang)
    chosen = None
    agencies: list[registry.AgencyView] = []
    if state:
        try:
            chosen = public.records_facts_out(facts_for(state, facts))
        except NoFacts:
            return render(request, "not_found.html", {"what": state}, lang=lang, user=user, status_code=404)
        agencies = registry.agencies_in_state(session, chosen.state)
    context = {
        "r": data,
        "chosen": chosen,
        "agencies": agencies,
        "wanted": wanted,
        "formats": WEB_FORMATS,
        "error": error,
    }
    return render(request, "records.html", context, lang=lang, user=user, status_code=status_code)
