"""Every console route and every API write refuses a signed-out request: enumerated from the app itself, so a
route added later is covered without anyone remembering to add it here."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from wso.store import Database
from wso.web.app import endpoints

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# The only writes open to the signed-out: the sign-in form itself (CSRF-checked), the watch room's subscribe
# form and its confirm and unsubscribe links (RFC 8058 one-click: the token in the URL is the credential), and the
# public-records letter (below).
OPEN_WRITES = {
    ("POST", "/signin"),
    ("POST", "/watch/subscribe"),
    ("POST", "/watch/confirm/{token}"),
    ("POST", "/watch/unsubscribe/{token}"),
    # a public-records letter made from the form or the API: it writes nothing, and is a POST only so that the
    # requester's name stays out of addresses, logs and caches
    ("POST", "/records/letter"),
    ("POST", "/api/records/letter"),
}


def guarded(app: FastAPI) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for method, path in endpoints(app):
        is_console = path.startswith(("/console", "/api/console"))
        if (is_console or method in WRITE_METHODS) and (method, path) not in OPEN_WRITES:
            out.append((method, path))
    return out


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_app_has_console_routes_and_writes_to_guard(app: FastAPI) -> None:
    routes = guarded(app)
    assert any(p.startswith("/console") for _, p in routes)
    assert any(p.startswith("/api/") for _, p in routes)


def test_every_console_route_and_api_write_refuses_the_signed_out(client: TestClient, app: FastAPI) -> None:
    for method, path in guarded(app):
        response = client.request(method, concrete(path))
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code in (303, 401, 403), (method, path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/signin"), (method, path)


def test_every_console_route_refuses_a_bad_token(client: TestClient, app: FastAPI) -> None:
    headers = {"Authorization": "Bearer wso_forged"}
    for method, path in guarded(app):
        response = client.request(method, concrete(path), headers=headers)
        assert response.status_code in (303, 401, 403), (method, path, response.status_code)


def test_api_writes_need_csrf_from_a_browser_session(client: TestClient, app: FastAPI) -> None:
    """A signed-in browser's API write without the X-CSRF-Token header is refused before the route runs."""
    from .conftest import sign_in

    sign_in(client, "admin")
    for method, path in guarded(app):
        if path.startswith("/api/") and method in WRITE_METHODS:
            response = client.request(method, concrete(path))
            assert response.status_code == 403, (method, path, response.status_code)


# Writes any signed-in role may make: signing out, choosing a new password, and auditing uploaded records
# (which changes nothing).
ANY_ROLE_WRITES = {
    ("POST", "/signout"),
    ("POST", "/console/password"),  # choosing a new password for oneself
    ("POST", "/console/audit"),
    ("POST", "/api/console/audit"),
}


def test_every_write_refuses_the_read_only_auditor(client: TestClient, app: FastAPI, sqlite_db: Database) -> None:
    """Enumerated from the app too: a signed-in auditor (with a valid CSRF token) and an auditor's API token are
    refused on every write but those open to every role."""
    from wso.accounts import create_token

    from .conftest import NOW, sign_in

    csrf = sign_in(client, "auditor")
    with sqlite_db.session() as session:
        token = create_token(session, "auditor", "guard", now=NOW)
    writes = [(m, p) for m, p in guarded(app) if m in WRITE_METHODS and (m, p) not in ANY_ROLE_WRITES]
    assert any(p.startswith("/api/") for _, p in writes) and any(p.startswith("/console") for _, p in writes)
    for method, path in writes:
        if path.startswith("/api/"):
            response = client.request(method, concrete(path), headers={"X-CSRF-Token": csrf})
            assert response.status_code == 403, (method, path, response.status_code)
            by_token = client.request(method, concrete(path), headers={"Authorization": f"Bearer {token}"})
            assert by_token.status_code == 403, (method, path, by_token.status_code)
        else:
            response = client.request(method, concrete(path), data={"csrf_token": csrf})
            assert response.status_code == 403, (method, path, response.status_code)
