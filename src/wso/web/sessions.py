"""Signed session cookies and CSRF tokens.

The session is a small JSON dict signed with itsdangerous (HMAC-SHA1 over the settings' secret key), carried
in the `wso_session` cookie: HttpOnly, SameSite=Lax, and Secure whenever the request came over https. A
session lives 12 hours. Every form carries the session's CSRF token; a POST whose token does not match is
refused before anything runs.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from base64 import b64decode, b64encode
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wso.settings import Settings

COOKIE = "wso_session"
MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def secret_key(settings: Settings) -> str:
    """The settings' key, or one generated once and kept (mode 600) in the data directory."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "web-secret-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    path.write_text(key, encoding="utf-8")
    return key


class SessionMiddleware:
    """Loads `scope["session"]` from the signed cookie and writes it back when it changed."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        self.signer = TimestampSigner(secret, salt="wso.web.session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        initial: dict[str, Any] = {}
        raw = connection.cookies.get(COOKIE)
        if raw:
            try:
                data = self.signer.unsign(raw.encode("utf-8"), max_age=MAX_AGE)
                loaded = json.loads(b64decode(data))
                if isinstance(loaded, dict):
                    initial = loaded
            except (BadSignature, ValueError):
                initial = {}
        scope["session"] = dict(initial)
        secure = scope.get("scheme") in ("https", "wss")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                session = scope["session"]
                flags = "path=/; httponly; samesite=lax" + ("; secure" if secure else "")
                headers = MutableHeaders(scope=message)
                if session and session != initial:
                    value = self.signer.sign(b64encode(json.dumps(session).encode("utf-8"))).decode("utf-8")
                    headers.append("set-cookie", f"{COOKIE}={value}; max-age={MAX_AGE}; {flags}")
                elif not session and initial:
                    headers.append("set-cookie", f"{COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; {flags}")
            await send(message)

        await self.app(scope, receive, send_wrapper)


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_matches(session: dict[str, Any], given: str | None) -> bool:
    expected = session.get("csrf")
    return isinstance(expected, str) and given is not None and hmac.compare_digest(expected, given)
