"""The application factory: settings, database and clock in; a FastAPI app with every router out."""

from __future__ import annotations

import threading
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute

from wso import __version__
from wso.accounts import SignInThrottle, dummy_hash
from wso.clock import Clock, SystemClock
from wso.settings import Settings, get_settings
from wso.store import Database, open_database
from wso.web import drafts, errors
from wso.web.deps import PASSWORD_PAGE, PasswordChangeRequired, SignInRequired, session_data
from wso.web.pagecache import PublicPageCache
from wso.web.rendering import lang_url
from wso.web.routers import (
    agencies,
    alerts,
    audit,
    auth,
    commands,
    console,
    cost,
    desk,
    holds,
    moa,
    overview,
    records,
    rules,
    search,
    states,
    tracker,
    users,
    watch,
    watch_console,
)
from wso.web.security import BodyLimit, SecurityHeaders, docs_policy
from wso.web.sessions import SessionMiddleware, secret_key

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings | None = None, database: Database | None = None, clock: Clock | None = None
) -> FastAPI:
    """A FastAPI app over `database` (default: the settings' database, migrated)."""
    settings = settings or get_settings()
    database = database or open_database(settings.resolved_database_url())
    # Made now, so that the first sign-in with an unknown name costs no more than any other; on a thread, since
    # argon2 (0.3 s, the GIL released) need not hold up the first page.
    threading.Thread(target=dummy_hash, name="wso-dummy-hash", daemon=True).start()
    app = FastAPI(
        title="wso",
        version=__version__,
        description="The public record of the U.S. 287(g) program, and the console of a WSO custody ledger. "
        "Public routes need nothing; console routes need a session or an API token (Authorization: Bearer).",
        docs_url=None,  # served below from the vendored Swagger UI: no CDN, no validator badge
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock or SystemClock()
    app.state.signin_throttle = SignInThrottle()
    # The body cap inside the session, so that its error page knows who is signed in.
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes, page=errors.refusal_page)
    app.add_middleware(SessionMiddleware, secret=secret_key(settings))
    # Bodies over 1 KB gzip-compressed for browsers that accept it (the overview's 176 KB become 60); inside the
    # page cache, which keeps the compressed answer apart from the plain one, so a cached page costs no gzip.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    # Anonymous GETs of public pages answered from memory for a few seconds (see wso.web.pagecache).
    app.add_middleware(PublicPageCache, today=lambda: app.state.clock.now().date())
    # Outermost: every answer, cached or refused, carries the security headers (wso.web.security).
    app.add_middleware(SecurityHeaders, special={"/api/docs": docs_policy(bytes(api_docs_page().body).decode("utf-8"))})
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (overview.router, states.router, agencies.router, rules.router, search.router, records.router):
        app.include_router(router)
    app.include_router(moa.router)
    app.include_router(watch.router)
    app.include_router(watch_console.router)
    app.include_router(auth.router)
    for router in (
        console.router,
        desk.router,
        holds.router,
        alerts.router,
        commands.router,
        audit.router,
        cost.router,
        tracker.router,
        users.router,
    ):
        app.include_router(router)

    @app.get("/api/docs", include_in_schema=False)
    async def _api_docs() -> HTMLResponse:
        return api_docs_page()

    errors.install(app)

    @app.exception_handler(SignInRequired)
    async def _to_signin(request: Request, exc: SignInRequired) -> Response:
        if request.headers.get("hx-request"):
            # a page's periodic refresh: say the session ended, keep the last state (marked stale), stop polling
            return session_ended(request)
        next_path = exc.next_path
        if exc.fields is not None:  # a form sent after the session ended: back to its page, typed values kept
            referer = request.headers.get("referer", "")
            base = str(request.base_url).rstrip("/")
            next_path = referer[len(base) :] if referer.startswith(base + "/") else "/console"
            drafts.keep(session_data(request), request.url.path, next_path.split("?")[0], exc.fields)
        return RedirectResponse(lang_url("/signin", "en", next=next_path), status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _to_password(request: Request, exc: PasswordChangeRequired) -> RedirectResponse:
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    return app


# The answer to a console page's periodic refresh (htmx) once the session has ended: shown in the page's
# #session-status box (the board stays as it was, marked stale by style.css), and 286 stops htmx's polling.
SESSION_ENDED = (
    '<div id="session-status" class="notice stale ended" role="alert"><p><strong>Your session has ended</strong> '
    "(signed out, or idle too long). What is shown below is how it stood at the last refresh and is no longer "
    'updated. <a href="{signin}">Sign in again</a> to see it live.</p></div>'
)


def session_ended(request: Request) -> HTMLResponse:
    page = request.headers.get("hx-current-url", "")
    base = str(request.base_url).rstrip("/")
    path = page[len(base) :] if page.startswith(base + "/") else "/console"
    signin = escape(lang_url("/signin", "en", next=path))
    headers = {"HX-Retarget": "#session-status", "HX-Reswap": "outerHTML", "HX-Reselect": "#session-status"}
    return HTMLResponse(SESSION_ENDED.format(signin=signin), status_code=286, headers=headers)


def api_docs_page() -> HTMLResponse:
    """The interactive API reference (Swagger UI) from the files vendored under static/vendor: a visitor's
    browser asks nothing of any other server (FastAPI's default page loads a CDN and a validator badge)."""
    return get_swagger_ui_html(
        openapi_url="/api/openapi.json",
        title="wso API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="data:,",
        swagger_ui_parameters={"validatorUrl": None},
    )


def endpoints(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers with a route of ours, walking included routers (FastAPI keeps
    them nested)."""
    return [(method, path) for path, route in routes(app) for method in sorted(route.methods or ())]


def routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every route of ours with its full path, walking included routers."""
    found: list[tuple[str, APIRoute]] = []

    def walk(children: list[BaseRoute], prefix: str) -> None:
        for route in children:
            if isinstance(route, APIRoute):
                found.append((prefix + route.path, route))
                continue
            included = getattr(route, "original_router", None)
            if included is not None:
                context = getattr(route, "include_context", None)
                walk(list(included.routes), prefix + str(getattr(context, "prefix", "")))

    walk(list(app.routes), "")
    return found
