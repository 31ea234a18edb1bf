"""Jinja2 templates with what every page needs: the language, its messages, the user and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from wso.accounts import Principal
from wso.program import hold_records
from wso.web import drafts, flash
from wso.web.freshness import freshness
from wso.web.i18n import Lang, translator
from wso.web.i18n_es import law_words, records_words
from wso.web.sessions import CSRF_FIELD, csrf_token
from wso.web.timefmt import when

CONSOLE = "console/"  # the folder of the console's templates

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.filters["when"] = when  # every console template shows times through this one function
TEMPLATES.env.globals["hold_record_schema_version"] = hold_records.SCHEMA_VERSION  # named from the schema itself


def lang_url(path: str, lang: Lang, **params: Any) -> str:
    """`path` with the page's language kept (English is the default and needs nothing)."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if lang != "en":
        query["lang"] = lang
    return path + (("?" + urlencode(query)) if query else "")


def paging(total: int, page: int, per_page: int) -> dict[str, int]:
    """What a list page's paging links (_paging.html) need: the page, rows per page, pages (at least one), total."""
    return {"page": page, "per_page": per_page, "pages": max((total + per_page - 1) // per_page, 1), "total": total}


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    lang: Lang = "en",
    user: Principal | None = None,
    status_code: int = 200,
    needs_csrf: bool = False,
) -> HTMLResponse:
    session = request.scope.setdefault("session", {})
    other: Lang = "es" if lang == "en" else "en"
    public = not template.startswith(CONSOLE)
    params = dict(request.query_params)
    params["lang"] = other
    base: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "t": translator(lang),
        "url": lambda path, **kw: lang_url(path, lang, **kw),
        # the console's pages (console/...) are in English only, so they offer no switch they would not honour
        "switch_url": request.url.path + "?" + urlencode(params) if public else "",
        "user": user,
        "csrf_field": CSRF_FIELD,
        "csrf": csrf_token(session) if needs_csrf or user is not None else "",
        # public pages: law and records texts in the page's language, and how old ICE's newest list is
        "law_words": lambda law: law_words(law, lang),
        "records_words": lambda facts: records_words(facts, lang),
        "fresh": freshness(request) if public else None,
    }
    if not public and user is not None:  # a form's typed values given back after sign-in (wso.web.drafts)
        base["draft"] = drafts.take(session, request.url.path)
        base["flash"] = flash.take(session, request.url.path)
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status_code)
