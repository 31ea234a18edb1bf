"""A short-lived cache of whole public responses for visitors who are not signed in.

The public pages and their API read data that changes only when a snapshot is ingested, and are the same for
every anonymous visitor of one language on one day. So a GET of a public path by a request without a session
cookie is answered from memory when the same path, query, language and day were answered with a 200 in the last
`ttl` seconds (10 by default: an ingest shows within 10 seconds). Anything else passes through untouched: the
console and its API, sign-in, static files, any request carrying a session cookie, any response that is not a 200
or that sets a cookie. The cache holds at most `max_entries` responses, dropping the oldest first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wso.web.i18n import pick_language
from wso.web.sessions import COOKIE

# Paths never cached (prefixes): the console, its API, signing in and out, static files, the API's own docs.
PRIVATE = ("/console", "/api/console", "/signin", "/signout", "/static", "/api/docs", "/api/openapi.json")


@dataclass(frozen=True)
class _Entry:
    stored: float
    start: Message
    body: bytes


class PublicPageCache:
    """ASGI middleware; `today` gives the day the pages are computed for (the app's clock)."""

    def __init__(self, app: ASGIApp, *, today: Callable[[], date], ttl: float = 10.0, max_entries: int = 512) -> None:
        self.app = app
        self.today = today
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, bytes, str, date], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, scope: Scope) -> tuple[str, bytes, str, date] | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        path: str = scope["path"]
        if path.startswith(PRIVATE):
            return None
        headers = Headers(scope=scope)
        if COOKIE in headers.get("cookie", ""):
            return None
        query: bytes = scope.get("query_string", b"")
        lang_param = None
        for part in query.split(b"&"):
            name, _, value = part.partition(b"=")
            if name == b"lang":
                lang_param = value.decode("latin-1")
        lang = pick_language(lang_param, headers.get("accept-language"))
        return (path, query, lang, self.today())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and now - entry.stored < self.ttl:
            await send({**entry.start, "headers": list(entry.start.get("headers", []))})  # an outer layer may edit it
            await send({"type": "http.response.body", "body": entry.body, "more_body": False})
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = {**message, "headers": list(message.get("headers", []))}  # before gzip edits it
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, start, b"".join(chunks), now)
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: tuple[str, bytes, str, date], start: Message | None, body: bytes, now: float) -> None:
        if start is None or start["status"] != 200:
            return
        if any(name.lower() == b"set-cookie" for name, _ in start.get("headers", [])):
            return
        with self._lock:
            self._entries[key] = _Entry(now, start, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
