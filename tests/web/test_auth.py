from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from wso.accounts import WebAction, create_token
from wso.store import Database

from .conftest import NOW, PASSWORD, csrf_from, sign_in


def test_sign_in_sets_a_hardened_cookie_and_opens_the_console(client: TestClient) -> None:
    token = csrf_from(client.get("/signin").text)
    response = client.post("/signin", data={"username": "clerk", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = client.get("/console")
    assert page.status_code == 200 and "clerk" in page.text


def test_cookie_is_secure_over_https(app: object) -> None:
    with TestClient(app, base_url="https://wso.example", follow_redirects=False) as c:  # type: ignore[arg-type]
        response = c.get("/signin")
        assert "; secure" in response.headers["set-cookie"].lower()


def test_sign_in_without_csrf_is_refused(client: TestClient) -> None:
    client.get("/signin")
    response = client.post("/signin", data={"username": "clerk", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/console").status_code == 303


def test_wrong_password_is_refused_and_journaled(client: TestClient, sqlite_db: Database) -> None:
    token = csrf_from(client.get("/signin").text)
    response = client.post("/signin", data={"username": "clerk", "password": "nope nope nope", "csrf_token": token})
    assert response.status_code == 401 and "Wrong username or password" in response.text
    sign_in(client, "admin")
    with sqlite_db.session() as session:
        rows = session.execute(select(WebAction.actor, WebAction.kind, WebAction.ok).order_by(WebAction.id)).all()
    assert [tuple(r) for r in rows] == [("clerk", "sign-in-refused", False), ("admin", "sign-in", True)]


def test_sign_in_never_redirects_off_site(client: TestClient) -> None:
    token = csrf_from(client.get("/signin").text)
    data = {"username": "clerk", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}
    response = client.post("/signin", data=data)
    assert response.headers["location"] == "/console"


def test_sign_out_ends_the_session_and_is_journaled(client: TestClient, sqlite_db: Database) -> None:
    csrf = sign_in(client, "officer")
    assert client.post("/signout", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 303
    assert client.get("/console").status_code == 303
    with sqlite_db.session() as session:
        kinds = session.scalars(select(WebAction.kind).order_by(WebAction.id)).all()
    assert kinds == ["sign-in", "sign-out"]


def test_a_tampered_cookie_is_ignored(client: TestClient) -> None:
    sign_in(client, "clerk")
    value = client.cookies.get("wso_session")
    assert value
    client.cookies.set("wso_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/console").status_code == 303


def test_api_token_identifies_a_machine(client: TestClient, sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        token = create_token(session, "auditor", "reports", now=NOW)
    response = client.get("/api/console/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"username": "auditor", "role": "auditor", "can_write": False, "via": "token"}
    assert client.get("/api/console/me", headers={"Authorization": "Bearer wso_nope"}).status_code == 401
