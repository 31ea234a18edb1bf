"""Playwright drives Debian's chromium (headless, /usr/bin/chromium; no browser is ever downloaded) through a real
uvicorn server on a free loopback port: the public pages in English and Spanish, then a console session that
sets up a jail through the forms, is refused once with the rule shown, serves a warrant, watches the deadline
count down and transfers the person to ICE. Screenshots are kept in artifacts/web/ as the run's artifacts.

Runs whenever chromium is installed (`scripts/setup` installs it as root); in CI (CI=true) a missing chromium
fails the test instead of skipping it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.browser.server import ARGS, CHROMIUM, need_chromium, serve

from .conftest import PASSWORD, PERSON

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"


def until(page: Any, expression: str, timeout: float = 20.0) -> None:
    """Playwright's wait_for_function, without the eval in the page that the console's CSP forbids: polls
    `expression` from outside (page.evaluate goes through the DevTools protocol)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(100)


@pytest.fixture
def live_server(public_app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a thread, on a socket bound to a free loopback port."""
    with serve(public_app) as url:
        yield url


@pytest.fixture
def page(live_server: str) -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        tab = context.new_page()
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_public_pages_in_a_browser(page: Any) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "287(g) agreements in the United States"
    assert page.locator("#map svg path[id^='state-']").count() == 51
    assert int(page.locator("#total .n").inner_text()) > 0
    shot(page, "01-overview")

    page.locator("#map a[href='/states/TX']").first.click()  # a state on the map is a link to its page
    page.wait_for_url("**/states/TX")
    assert page.locator("h1").inner_text() == "Texas (TX)"
    assert page.locator("#agencies tbody tr").count() > 0
    assert page.locator(".card.law").count() > 0
    shot(page, "02-state-TX")

    page.goto("/search")
    page.fill("input[name=q]", "Hardee")  # htmx searches as one types
    page.wait_for_selector("#results table a")
    page.locator("#results table a").first.click()
    page.wait_for_url(re.compile(r".*/agencies/.+"))
    assert "Hardee" in page.locator("h1").inner_text()
    assert page.locator("section.agreement").count() > 0
    shot(page, "03-agency")

    page.goto("/rules")
    assert page.locator("#rule-WSO-48H").count() == 1
    shot(page, "04-rules")

    page.goto("/")
    page.click("#lang-switch")
    page.wait_for_url("**lang=es**")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Acuerdos 287(g) en Estados Unidos"
    shot(page, "05-overview-es")
    assert PERSON not in page.content()


def run(page: Any, command: str, fields: dict[str, str], expect: str = "accepted") -> None:
    """Fill a ledger command's form and submit it; the result must be `expect`."""
    page.goto(f"/console/commands?command={command}")
    form = page.locator(f"#form-{command.replace('.', '-')}")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#result")
    status = page.locator("#result").get_attribute("data-status")
    assert status == expect, page.locator("#result").inner_text()


def seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    h, m, s = (int(x) for x in text.lstrip("-").split(":"))
    return sign * (h * 3600 + m * 60 + s)


def test_a_console_session_serves_a_warrant_and_transfers_to_ice(page: Any) -> None:
    page.goto("/console")
    page.wait_for_url("**/signin?next=%2Fconsole")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    shot(page, "10-signin")
    page.click("main button[type=submit]")
    page.wait_for_url("**/console")
    assert page.locator("#whoami").inner_text() == "supervisor"

    run(page, "agency", {"id": "FL-HARDEE-SO", "name": "Hardee County Sheriff's Office", "state": "FL"})
    run(page, "agreement", {"agency": "FL-HARDEE-SO", "model": "WSO", "signed": "2025-02-26"})
    run(
        page,
        "facility",
        {"id": "hardee-jail", "agency": "FL-HARDEE-SO", "name": "Hardee County Jail", "tz": "America/New_York"},
    )
    run(page, "officer.nominate", {"id": "wso-17", "agency": "FL-HARDEE-SO", "name": "Deputy A", "us_citizen": "yes"})
    run(page, "officer.exam", {"id": "wso-17", "score": "81"})
    run(
        page,
        "booking",
        {"id": "bk-101", "facility": "hardee-jail", "scheduled_release": "2025-06-02T11:00", "name": PERSON},
    )
    run(page, "warrant.receive", {"id": "I200-101", "booking": "bk-101", "form": "I-200"})

    # Not yet authorized: the ledger refuses, naming the rule, and writes nothing.
    serve = {"warrant": "I200-101", "officer": "wso-17", "facility": "hardee-jail"}
    run(page, "warrant.serve", serve, expect="refused")
    assert page.locator("#refusal-rule").inner_text() == "WSO-AUTHORIZED-OFFICER"
    assert "not authorized" in page.locator("#refusal-message").inner_text()
    shot(page, "11-refused")

    run(page, "officer.certify", {"id": "wso-17"})
    run(page, "officer.authorize", {"id": "wso-17"})
    run(page, "warrant.serve", serve)
    assert "WSO-48H" in page.locator("#result").inner_text()
    shot(page, "12-served")

    page.goto("/console")
    row = page.locator("#holds tr[data-hold='hold-I200-101']")
    assert row.count() == 1
    countdown = row.locator(".countdown")
    until(page, "document.querySelector('.countdown').dataset.secondsLeft !== undefined")
    first = seconds(countdown.inner_text())
    assert 47 * 3600 < first <= 48 * 3600
    # Watch it count down (the browser ticks once a second from the server's time).
    until(page, f"Number(document.querySelector('#holds .countdown').dataset.secondsLeft) <= {first - 2}")
    later = seconds(countdown.inner_text())
    assert 2 <= first - later <= 15, (first, later)
    # htmx refreshes the holds every 30 s; a refreshed countdown keeps counting from the server's clock.
    page.evaluate("document.querySelector('#holds .countdown').dataset.marker = 'before'")
    page.evaluate("htmx.ajax('GET', '/console', {target: '#live', select: '#live', swap: 'outerHTML'})")
    until(page, "document.querySelector('#holds .countdown').dataset.marker === undefined")
    until(page, "document.querySelector('#holds .countdown').dataset.secondsLeft !== undefined")
    refreshed = seconds(page.locator("#holds .countdown").inner_text())
    assert 47 * 3600 < refreshed <= first, (first, refreshed)
    assert PERSON not in page.content()
    shot(page, "13-console-holds")

    row.locator("a").click()
    page.wait_for_url("**/console/holds/hold-I200-101")
    assert page.locator("#hold-status").inner_text() == "open"
    assert page.locator("#chain strong").inner_text() == "verified"
    hold_countdown = seconds(page.locator("#countdown").inner_text())
    until(page, f"Number(document.querySelector('#countdown').dataset.secondsLeft) < {hold_countdown}")
    assert 47 * 3600 < seconds(page.locator("#countdown").inner_text()) < hold_countdown
    shot(page, "14-hold")

    page.click("#do-ice-notify")  # each action comes back to the hold (Post/Redirect/Get)
    page.wait_for_url("**/console/holds/hold-I200-101")
    page.wait_for_selector("#events tbody tr:nth-child(2)")
    page.click("#do-custody-transfer")
    page.wait_for_selector("#confirm-question")  # a move out of custody asks once more
    page.click("#confirm")
    page.wait_for_url("**/console/holds/hold-I200-101")
    assert page.locator("#hold-status").inner_text() == "transferred"
    assert [c.inner_text() for c in page.locator("#events tbody tr td:nth-child(2)").all()] == [
        "served",
        "ice_notified",
        "transferred",
    ]
    assert set(page.locator("#events tbody tr td:nth-child(5)").all_inner_texts()) == {"supervisor"}
    shot(page, "15-transferred")

    page.goto("/console")
    assert page.locator("#no-holds").count() == 1
    page.click("#signout")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto("/console")
    page.wait_for_url("**/signin**")
