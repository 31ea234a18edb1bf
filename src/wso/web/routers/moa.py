"""The signed MOAs: /moa (the list, and full-text search with ?q=), /moa/deviations, /moa/{id}; the same in
the API under /api/moa."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from wso import moa
from wso.program import Model, UnknownValue
from wso.web.deps import BAD_INPUT, NOT_FOUND, DbSession, LangDep, OptionalPrincipal
from wso.web.moaout import moa_translator, moa_word
from wso.web.publicdeps import SEARCH_LIMIT, too_long
from wso.web.rendering import TEMPLATES, paging, render
from wso.web.routers.desk import PageNo, PerPage

router = APIRouter(tags=["public"])
# the agency page's MOA section (moa_section.html) asks for the MOA pages' words in its language
TEMPLATES.env.globals["moa_messages"] = moa_translator
TEMPLATES.env.globals["moa_word"] = moa_word

SearchText = Annotated[
    str, Query(max_length=SEARCH_LIMIT, description='Words to find in the MOAs; "quoted phrases" kept')
]
PageSearchText = Annotated[str, Query()]  # /moa's form: a search too long is refused by the page (too_long)
PageModel = Annotated[str, Query()]  # /moa/deviations' form: a model none of the program's is refused by the page
MODEL_LIMIT = 40  # ICE's longest name of a model ("Warrant Service Officer") and then some
DEVIATIONS_PAGE = 100  # rows a page of /moa/deviations shows unless asked for another number
#: a model as the CLI and the page take it: WSO, JEM or TFM, or ICE's long name (``wso.program.parse_model``)
ModelFilter = Annotated[
    str | None,
    Query(
        max_length=MODEL_LIMIT, description='WSO, JEM or TFM, or ICE\'s name of the model ("Warrant Service Officer")'
    ),
]


def _refused(exc: UnknownValue) -> HTTPException:
    return HTTPException(status_code=400, detail=f"{exc.what}: {exc}")


@router.get("/api/moa", response_model=list[moa.DocumentSummary], responses=BAD_INPUT)
def api_list(session: DbSession, model: ModelFilter = None) -> list[moa.DocumentSummary]:
    """Every MOA read: file, sha256, model, agency, state, signed, template, pages, how read, characters."""
    try:
        return moa.list_documents(session, model=model)
    except UnknownValue as exc:
        raise _refused(exc) from exc


@router.get("/api/moa/search", response_model=list[moa.SearchHit], responses=BAD_INPUT)
def api_search(session: DbSession, q: SearchText) -> list[moa.SearchHit]:
    """Pages of MOAs with every word of `q`: the page and a snippet (matched words between [[ and ]])."""
    try:
        return moa.search(session, q)
    except moa.BadQuery as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


@router.get("/api/moa/deviations", response_model=list[moa.DeviationRow], responses=BAD_INPUT)
def api_deviations(session: DbSession, model: ModelFilter = None) -> list[moa.DeviationRow]:
    """Every clause of every MOA missing, added or changed beyond OCR noise, with the rules it carries."""
    try:
        return moa.deviations(session, model=model)
    except UnknownValue as exc:
        raise _refused(exc) from exc


@router.get("/api/moa/{ident}", response_model=moa.DocumentDetail, responses=NOT_FOUND)
def api_show(session: DbSession, ident: str) -> moa.DocumentDetail:
    """One MOA (by id, sha256 or file name): its fields with their sources, pages as read, clauses, rule checks."""
    try:
        return moa.show(session, ident, with_text=True)
    except moa.UnknownDocument as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/api/moa/{ident}/diff", response_model=moa.DiffView, responses=NOT_FOUND)
def api_diff(session: DbSession, ident: str, against: str | None = None) -> moa.DiffView:
    """The MOA clause by clause against its template, or against another MOA (`against`)."""
    try:
        return moa.diff(session, ident, against or None)  # ?against= empty: its template
    except moa.UnknownDocument as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/moa", response_class=HTMLResponse, include_in_schema=False)
def moa_page(
    request: Request, session: DbSession, lang: LangDep, user: OptionalPrincipal, q: PageSearchText = ""
) -> HTMLResponse:
    hits: list[moa.SearchHit] = []
    error = too_long("q", q, lang)  # the page itself says so, form kept, not FastAPI's 422 JSON
    if q.strip() and not error:
        try:
            hits = moa.search(session, q)
        except moa.BadQuery as exc:
            error = str(exc)
    context = {
        "q": q,
        "hits": hits,
        "error": error,
        "documents": moa.list_documents(session),
        "tm": moa_translator(lang),
    }
    return render(request, "moa_list.html", context, lang=lang, user=user, status_code=422 if error else 200)


@router.get("/moa/deviations", response_class=HTMLResponse, include_in_schema=False)
def deviations_page(
    request: Request,
    session: DbSession,
    lang: LangDep,
    user: OptionalPrincipal,
    model: PageModel = "",
    page: PageNo = 1,
    per_page: PerPage = DEVIATIONS_PAGE,
) -> HTMLResponse:
    """The deviations a page at a time (every one of them is one long page: 157 KB), of one model if asked; the
    paging links keep the model and the language."""
    error = too_long("model", model, lang, MODEL_LIMIT)
    rows: list[moa.DeviationRow] = []
    try:
        rows = [] if error else moa.deviations(session, model=model or None)
    except UnknownValue as exc:
        error = moa_translator(lang)("moa.unknown_model", value=exc.value, accepted=", ".join(exc.accepted))
    start = (page - 1) * per_page
    context = {
        "rows": rows[start : start + per_page],
        "tm": moa_translator(lang),
        "models": [m.value for m in Model],
        "model": model,
        "error": error,
        "search": {"model": model, "lang": "" if lang == "en" else lang},
        "paging": paging(len(rows), page, per_page),
    }
    return render(request, "moa_deviations.html", context, lang=lang, user=user, status_code=422 if error else 200)


@router.get("/moa/{ident}", response_class=HTMLResponse, include_in_schema=False)
def document_page(
    request: Request, session: DbSession, lang: LangDep, user: OptionalPrincipal, ident: str
) -> HTMLResponse:
    try:
        detail = moa.show(session, ident, with_text=True)
    except moa.UnknownDocument:
        return render(request, "not_found.html", {"what": ident}, lang=lang, user=user, status_code=404)
    return render(request, "moa_document.html", {"d": detail, "tm": moa_translator(lang)}, lang=lang, user=user)
