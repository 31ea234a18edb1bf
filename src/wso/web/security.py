"""The web door's own defences, as ASGI middleware: security headers on every response, and a cap on the size
of every request body.

Headers: a strict Content-Security-Policy (scripts, styles, images, fonts and connections from this site only;
no inline script or style, no plugins, no `<base>`, forms post only here, and no page may be framed:
`frame-ancestors 'none'`, with X-Frame-Options: DENY for older browsers), X-Content-Type-Options: nosniff,
Referrer-Policy: same-origin, Cross-Origin-Opener-Policy: same-origin, and Strict-Transport-Security when the
request came over https. Console pages, the console's API, sign-in and the password page are
`Cache-Control: no-store` (a shared computer's back button or disk cache keeps nothing). The API reference
(/api/docs, Swagger UI) needs its one inline script, allowed by its hash and on that page only.

Body cap: a request whose Content-Length is over the limit is answered 413 before it is read; one without a
length (chunked) is cut off with 413 when it passes the limit. A browser gets the site's error page, the API JSON.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
#: what a refusal made before the app runs answers a request (scope, status, detail), or None for JSON
RefusalPage = Callable[[Scope, int, str], Response | None]
PRIVATE_PREFIXES = ("/console", "/api/console", "/signin", "/signout")


def inline_script_hashes(html: str) -> list[str]:
    """The CSP sources ('sha256-...') that allow the inline scripts of `html`."""
    found = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'" for s in found]


def docs_policy(docs_html: str) -> str:
    """The policy of the API reference page: its own inline script by hash, and the inline styles Swagger UI
    sets (that page holds nothing personal)."""
    scripts = " ".join(inline_script_hashes(docs_html))
    return POLICY.replace("script-src 'self'", f"script-src 'self' {scripts}").replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )


def secure(headers: MutableHeaders, path: str, *, https: bool, policy: str = POLICY) -> None:
    """Set the headers above on one response's `headers` (also used by the server-error page, which Starlette
    answers outside every middleware)."""
    headers["Content-Security-Policy"] = policy
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if https:
        headers["Strict-Transport-Security"] = HSTS
    if path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"


class SecurityHeaders:
    """Adds the headers above to every HTTP response (errors, redirects and static files too)."""

    def __init__(self, app: ASGIApp, special: dict[str, str] | None = None) -> None:
        self.app = app
        self.special = special or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure(MutableHeaders(scope=message), path, https=https, policy=self.special.get(path, POLICY))
            await send(message)

        await self.app(scope, receive, send_wrapper)


class TooLarge(HTTPException):
    """A body that passed the limit while it streamed: an HTTP error, so that FastAPI's body parsing lets it
    through as itself (it turns any other error into 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request is larger than the server accepts ({limit} bytes)")


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413 (by Content-Length, or while a chunked body streams):
    JSON, or what `page` answers for the request (the error page a browser gets, wso.web.errors)."""

    def __init__(self, app: ASGIApp, limit: int, page: RefusalPage | None = None) -> None:
        self.app = app
        self.limit = limit
        self.page = page

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the request is larger than the server accepts ({self.limit} bytes)"
        answer = self.page(scope, 413, detail) if self.page is not None else None
        if answer is not None:
            await answer(scope, receive, send)
            return
        body = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit or declared < 0:
                    await self._refuse(scope, receive, send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            if not started:
                await self._refuse(scope, receive, send)
