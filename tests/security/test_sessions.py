"""Finding 3 of issue 18: signing out, deactivation, a role change, a password reset and an admin's "end all
sessions" end a session at once, whatever copy of its cookie was kept; sessions idle out; a new session id at
every sign-in. Finding 4: admins manage accounts from the console, journaled."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import PASSWORD, csrf_from, sign_in
from wso.accounts import WebAction
from wso.clock import FixedClock
from wso.store import Database


def _me(client: TestClient, cookie: str) -> int:
    """/api/console/me with a kept copy of a session cookie (the client's own jar is left alone)."""
    return client.get("/api/console/me", headers={"Cookie": f"wso_session={cookie}"}).status_code


def test_a_saved_cookie_is_dead_after_sign_out(client: TestClient) -> None:
    csrf = sign_in(client, "officer")
    saved = client.cookies.get("wso_session")
    assert saved
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 303
    assert _me(client, saved) == 401
    # nor may it run a sweep with its CSRF token
    sweep = client.post("/api/console/alerts/sweep", headers={"X-CSRF-Token": csrf, "Cookie": f"wso_session={saved}"})
    assert sweep.status_code == 401


def test_a_session_ends_after_the_idle_timeout(client: TestClient, clock: FixedClock) -> None:
    sign_in(client, "clerk")
    clock.advance(timedelta(minutes=29))
    assert client.get("/api/console/me").status_code == 200
    clock.advance(timedelta(minutes=29))  # 29 minutes since the last request: still in
    assert client.get("/api/console/me").status_code == 200
    clock.advance(timedelta(minutes=31))
    assert client.get("/api/console/me").status_code == 401


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client: TestClient, clock: FixedClock) -> None:
    sign_in(client, "clerk")
    for _ in range(25):  # 25 x 29 minutes: past 12 hours
        clock.advance(timedelta(minutes=29))
        client.get("/api/console/me")
    assert client.get("/api/console/me").status_code == 401


def test_the_session_id_changes_at_every_sign_in(client: TestClient) -> None:
    before = csrf_from(client.get("/signin").text)
    after = sign_in(client, "clerk")
    first = client.cookies.get("wso_session")
    assert after != before
    client.cookies.clear()
    sign_in(client, "clerk")
    assert client.cookies.get("wso_session") != first
    assert _me(client, first or "") == 200  # two browsers of one user may both be signed in


def _admin_action(admin: TestClient, csrf: str, path: str, **data: str) -> int:
    return admin.post(path, data={"csrf_token": csrf, **data}).status_code


def test_deactivation_role_change_and_end_sessions_take_effect_at_once(app: object, sqlite_db: Database) -> None:
    with TestClient(app, follow_redirects=False) as admin, TestClient(app, follow_redirects=False) as clerk:  # type: ignore[arg-type]
        csrf = sign_in(admin, "admin")
        sign_in(clerk, "clerk")
        saved = clerk.cookies.get("wso_session") or ""
        assert _admin_action(admin, csrf, "/console/users/clerk/end-sessions") == 303
        assert _me(clerk, saved) == 401

        sign_in(clerk, "clerk")
        saved = clerk.cookies.get("wso_session") or ""
        assert _admin_action(admin, csrf, "/console/users/clerk/role", role="auditor") == 303
        assert _me(clerk, saved) == 401
        sign_in(clerk, "clerk")
        assert clerk.get("/api/console/me").json()["role"] == "auditor"

        saved = clerk.cookies.get("wso_session") or ""
        assert _admin_action(admin, csrf, "/console/users/clerk/deactivate") == 303
        assert _me(clerk, saved) == 401
        token = csrf_from(clerk.get("/signin").text)
        refused = clerk.post("/signin", data={"username": "clerk", "password": PASSWORD, "csrf_token": token})
        assert refused.status_code == 401

        assert _admin_action(admin, csrf, "/console/users/clerk/reactivate") == 303
        sign_in(clerk, "clerk")
    with sqlite_db.session() as session:
        kinds = session.scalars(select(WebAction.kind).where(WebAction.actor == "admin")).all()
    assert {"user-sessions-ended", "user-role-changed", "user-deactivated", "user-reactivated"} <= set(kinds)


def test_a_reset_password_must_be_changed_at_the_next_sign_in(app: object) -> None:
    with TestClient(app, follow_redirects=False) as admin, TestClient(app, follow_redirects=False) as clerk:  # type: ignore[arg-type]
        csrf = sign_in(admin, "admin")
        sign_in(clerk, "clerk")
        saved = clerk.cookies.get("wso_session") or ""
        reset = admin.post("/api/console/users/clerk/reset-password", headers={"X-CSRF-Token": csrf})
        assert reset.status_code == 200, reset.text
        temporary = reset.json()["temporary_password"]
        assert _me(clerk, saved) == 401
        token = csrf_from(clerk.get("/signin").text)
        signed = clerk.post("/signin", data={"username": "clerk", "password": temporary, "csrf_token": token})
        assert signed.status_code == 303 and signed.headers["location"] == "/console/password"
        assert clerk.get("/console").headers["location"] == "/console/password"
        assert clerk.get("/api/console/me").status_code == 403
        page = clerk.get("/console/password")
        csrf_clerk = csrf_from(page.text)
        new = "a fresh one for the desk"
        weak = clerk.post(
            "/console/password",
            data={"csrf_token": csrf_clerk, "current": temporary, "new": "password123", "again": "password123"},
        )
        assert weak.status_code == 400 and "common passwords" in weak.text
        done = clerk.post(
            "/console/password", data={"csrf_token": csrf_clerk, "current": temporary, "new": new, "again": new}
        )
        assert done.status_code == 303
        assert clerk.get("/api/console/me").status_code == 200


def test_an_admin_lists_and_ends_sessions_from_the_api(app: object) -> None:
    with TestClient(app, follow_redirects=False) as admin, TestClient(app, follow_redirects=False) as clerk:  # type: ignore[arg-type]
        csrf = sign_in(admin, "admin")
        sign_in(clerk, "clerk")
        listed = admin.get("/api/console/users/clerk/sessions")
        assert listed.status_code == 200 and len(listed.json()) == 1
        assert "token" not in str(listed.json()).lower()
        ended = admin.post("/api/console/users/clerk/end-sessions", headers={"X-CSRF-Token": csrf})
        assert ended.status_code == 200 and ended.json() == {"username": "clerk", "sessions_ended": 1}
        assert clerk.get("/api/console/me").status_code == 401
        assert admin.get("/api/console/users/clerk/sessions").json() == []


def test_only_admins_manage_accounts_and_the_last_admin_stays(app: object) -> None:
    with TestClient(app, follow_redirects=False) as c:  # type: ignore[arg-type]
        csrf = sign_in(c, "supervisor")
        assert c.post("/api/console/users/clerk/deactivate", headers={"X-CSRF-Token": csrf}).status_code == 403
        c.cookies.clear()
        csrf = sign_in(c, "admin")
        last = c.post("/api/console/users/admin/deactivate", headers={"X-CSRF-Token": csrf})
        assert last.status_code == 400 and "last active admin" in last.json()["detail"]
        assert c.post("/api/console/users/nobody/deactivate", headers={"X-CSRF-Token": csrf}).status_code == 404
