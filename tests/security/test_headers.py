"""Finding 5 of issue 18: no page could be framed, no security header was sent, console pages were cacheable,
and one click in a framed hold page released a person."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import csrf_from, seed_jail, sign_in
from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "wso" / "web" / "templates"


def test_every_answer_carries_the_headers(client: TestClient) -> None:
    for path in ("/", "/signin", "/console", "/api/console/me", "/static/style.css", "/nowhere", "/api/openapi.json"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp and "unsafe-inline" not in csp, path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert "strict-transport-security" not in headers, path


def test_console_pages_and_api_are_never_stored(client: TestClient) -> None:
    sign_in(client, "admin")
    for path in ("/console", "/console/users", "/api/console/me", "/api/console/holds", "/signin"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "no-store" not in client.get("/").headers.get("cache-control", "")


def test_hsts_over_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://wso.example") as c:
        assert c.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_the_api_reference_page_allows_only_its_own_inline_script(client: TestClient) -> None:
    page = client.get("/api/docs")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "'sha256-" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]


def test_the_templates_have_no_inline_script_or_style() -> None:
    """What a strict CSP would block: an inline <script>, <style>, style="..." or on...="..." handler."""
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            found += [f"{template.name}: {m}" for m in re.findall(pattern, text)]
    assert found == []


def test_a_release_from_the_hold_page_asks_once_more(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    seed_jail(sqlite_db, clock)
    ledger = Custody(sqlite_db, clock)
    assert ledger.run("warrant.serve", {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}).accepted

    def events() -> int:
        return len(client.get("/api/console/holds/W-200").json()["events"])

    sign_in(client, "officer")
    page = client.get("/console/holds/W-200")
    csrf = csrf_from(page.text)
    before = events()
    for command in ("custody.release", "custody.transfer", "custody.continue"):
        one_click = client.post(f"/console/commands/{command}", data={"csrf_token": csrf, "warrant": "W-200"})
        assert one_click.status_code == 200 and 'id="confirm-question"' in one_click.text, command
        assert 'name="confirm" value="yes"' in one_click.text and 'value="W-200"' in one_click.text
    assert events() == before  # nothing was written
    confirmed = client.post(
        "/console/commands/custody.transfer", data={"csrf_token": csrf, "warrant": "W-200", "confirm": "yes"}
    )
    assert 'data-status="accepted"' in confirmed.text
    assert events() == before + 1
