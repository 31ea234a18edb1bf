"""Errors as a person meets them: a browser (Accept: text/html, outside /api) gets an HTML page in the site's
style for every refusal (403, 404, 405, 413 from the body cap, a stale CSRF token, 422 bad form input) and for a
server error (500, which says nothing of its cause), and so does any client of a route that answers with a page
(a bad query parameter of /moa is a page, whatever the client accepts); /api/... and other clients keep FastAPI's
JSON."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from wso.web.deps import get_language, optional_principal
from wso.web.i18n import Lang, translator
from wso.web.rendering import CONSOLE, render
from wso.web.security import secure

# The page's heading for each status a browser can meet (the detail below it says what exactly happened).
TITLES = {
    400: "error.bad_request",
    401: "error.signin",
    403: "error.forbidden",
    404: "error.not_found",
    405: "error.method",
    413: "error.too_large",
    422: "error.bad_input",
    500: "error.server",
}
SERVER_ERROR = "the server failed to answer this request; nothing more is shown here (the server's log has it)"
STALE_FORM = "CSRF"  # FastAPI's detail of a stale or missing form token names it


def wants_html(request: Request) -> bool:
    """A request for a page: not the API, and a route that answers with a page (HTMLResponse) or a client that
    accepts text/html."""
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return False
    return is_page_route(request.scope.get("route")) or "text/html" in request.headers.get("accept", "")


def is_page_route(route: object) -> bool:
    """A route that answers with an HTML page (response_class=HTMLResponse)."""
    answer = getattr(route, "response_class", None) if isinstance(route, APIRoute) else None
    return isinstance(answer, type) and issubclass(answer, HTMLResponse)


def readable_errors(errors: Any, lang: Lang = "en") -> list[str]:
    """FastAPI's validation errors as lines a person reads: "field: what is wrong", in the page's language where
    the kind of error is one a form or an address meets (`input.<pydantic type>` in wso.web.i18n)."""
    t = translator(lang)
    lines = []
    for error in errors:
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")]
        said = error.get("msg", "not valid")
        if lang != "en":
            with suppress(KeyError):  # a kind of error no form meets: pydantic's words
                said = t(f"input.{error.get('type')}", **(error.get("ctx") or {}))
        lines.append(f"{'.'.join(where) or 'request'}: {said}")
    return lines


def _page(request: Request, status: int, detail: str, lines: list[str], headers: Mapping[str, str] | None) -> Response:
    try:
        user = optional_principal(
            request, request.app.state.database, request.app.state.clock, request.app.state.settings
        )
    except Exception:  # an error page must not fail for want of a user; it then shows the signed-out header
        user = None
    console = request.url.path.startswith("/console")
    stale_form = status == 403 and STALE_FORM in detail
    back = request.headers.get("referer", "")
    context = {
        "status": status,
        "title_key": TITLES.get(status, "error.other"),
        "detail": detail,
        "lines": lines,
        "stale_form": stale_form,
        # a Referer of this site only (same-origin policy), so the link leads back to the form
        "back": back if back.startswith(str(request.base_url)) else "",
    }
    response = render(
        request,
        CONSOLE + "error.html" if console else "error.html",
        context,
        lang="en" if console else get_language(request),
        user=user,
        status_code=status,
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def refusal_page(scope: Scope, status: int, detail: str) -> Response | None:
    """The page for a refusal made before the app runs (the body cap, wso.web.security.BodyLimit): HTML to a
    browser, None to anyone else (who gets JSON)."""
    request = Request(scope)
    if not wants_html(request):
        return None
    return _page(request, status, detail, [], None)


def install(app: FastAPI) -> None:
    """Put the three handlers on `app`."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html(request):
            return await http_exception_handler(request, exc)
        return _page(request, exc.status_code, str(exc.detail), [], exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not wants_html(request):
            return await request_validation_exception_handler(request, exc)
        console = request.url.path.startswith("/console")
        lines = readable_errors(exc.errors(), "en" if console else get_language(request))
        return _page(request, 422, "the form or address has a value the server cannot use", lines, None)

    @app.exception_handler(Exception)
    async def _failed(request: Request, exc: Exception) -> Response:
        # Starlette's outermost middleware calls this, then raises `exc` again for the server's log
        if not wants_html(request):
            return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
        response = _page(request, 500, SERVER_ERROR, [], None)
        secure(response.headers, request.url.path, https=request.url.scheme == "https")
        return response
