"""Sessions as a person meets them: the holds board's refresh says the session ended (and keeps its last state),
and a form sent after the session ended leads through sign-in back to the same form with the typed values."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_from, sign_in
from wso.clock import FixedClock
from wso.settings import get_settings

HTML = {"accept": "text/html"}


def _end_session(clock: FixedClock) -> None:
    clock.advance(timedelta(minutes=get_settings().session_idle_minutes + 1))


def test_board_refresh_after_the_session_ended_says_so_and_keeps_the_board(
    client: TestClient, clock: FixedClock
) -> None:
    sign_in(client, "clerk")
    home = client.get("/console").text
    assert '<div id="session-status"></div>' in home and 'hx-get="/console"' in home
    _end_session(clock)
    refresh = client.get(
        "/console", headers={"hx-request": "true", "hx-current-url": "http://testserver/console", **HTML}
    )
    # not a redirect to the sign-in page (whose content htmx would swap in as an empty board)
    assert refresh.status_code == 286  # htmx swaps it and stops polling
    assert refresh.headers["hx-retarget"] == "#session-status"
    assert refresh.headers["hx-reselect"] == "#session-status"
    assert refresh.headers["hx-reswap"] == "outerHTML"
    assert 'id="session-status" class="notice stale ended"' in refresh.text
    assert "Your session has ended" in refresh.text and 'href="/signin?next=%2Fconsole"' in refresh.text
    assert "<script" not in refresh.text
    assert "script-src 'self'" in refresh.headers["content-security-policy"]
    css = client.get("/static/style.css").text
    assert "#session-status.ended + #live" in css


def test_a_form_sent_after_the_session_ended_comes_back_with_its_values(client: TestClient, clock: FixedClock) -> None:
    token = sign_in(client, "clerk")
    client.get("/console/records")
    _end_session(clock)
    sent = client.post(
        "/console/records",
        data={"csrf_token": token, "agency": "Harris County Sheriff's Office", "state": "TX", "sent": "2026-12-01"},
        headers={**HTML, "referer": "http://testserver/console/records"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/signin?next=%2Fconsole%2Frecords"
    signin = client.get(sent.headers["location"])
    assert 'id="draft-kept"' in signin.text
    form = {"username": "clerk", "password": PASSWORD, "csrf_token": csrf_from(signin.text)}
    back = client.post("/signin", data={**form, "next": "/console/records"})
    assert back.status_code == 303 and back.headers["location"] == "/console/records"
    page = client.get("/console/records")
    assert page.status_code == 200 and 'id="draft-notice"' in page.text
    found = re.search(r"<div id=\"draft-data\" hidden data-draft='([^']*)'></div>", page.text, flags=re.S)
    assert found
    draft = json.loads(html.unescape(found.group(1)))
    assert draft["action"] == "/console/records"
    assert ["agency", "Harris County Sheriff's Office"] in draft["fields"]
    assert ["state", "TX"] in draft["fields"] and ["sent", "2026-12-01"] in draft["fields"]
    assert all(name != "csrf_token" for name, _ in draft["fields"])  # the stale token is never given back
    assert '<script src="/static/draft.js" defer></script>' in page.text
    assert "<" not in found.group(1)  # tojson escapes quotes and angle brackets inside the attribute
    # given back once: a reload shows the empty form
    assert 'id="draft-data"' not in client.get("/console/records").text
    assert client.get("/static/draft.js").status_code == 200


def test_a_post_only_form_returns_to_its_page_not_to_method_not_allowed(client: TestClient, clock: FixedClock) -> None:
    token = sign_in(client, "supervisor")
    _end_session(clock)
    sent = client.post(
        "/console/alerts/sweep", data={"csrf_token": token}, headers={**HTML, "referer": "http://testserver/console"}
    )
    assert sent.headers["location"] == "/signin?next=%2Fconsole"


def test_a_password_is_never_kept(client: TestClient, clock: FixedClock) -> None:
    token = sign_in(client, "admin")
    _end_session(clock)
    client.post(
        "/console/users",
        data={"csrf_token": token, "username": "newbie", "password": "s3cret-typed", "role": "clerk"},
        headers={**HTML, "referer": "http://testserver/console/users"},
    )
    signin = client.get("/signin?next=/console/users")
    form = {"username": "admin", "password": PASSWORD, "csrf_token": csrf_from(signin.text)}
    client.post("/signin", data={**form, "next": "/console/users"})
    page = client.get("/console/users").text
    assert "s3cret-typed" not in page and '["username", "newbie"]' in page
