"""A jail's day at the console's desk in a real browser (Debian's chromium, headless), over a seeded jail whose
clock the test moves: the release board says "not yet", then offers "Serve now" at the release; the serve form
comes pre-filled and leads back to the board; the warrants list finds what waits; the hold page shows the booking
and comes back to itself after notify and a confirmed transfer. Screenshots in artifacts/browser/; axe-core finds
no serious violation on the desk's pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.browser.conftest import ARTIFACTS, AXE, shot
from tests.browser.server import ARGS, CHROMIUM, need_chromium, serve
from tests.web.conftest import NOW, PASSWORD, PERSON, seed_jail
from wso.clock import FixedClock
from wso.custody import Custody
from wso.settings import get_settings
from wso.store import open_database
from wso.web.accounts import ROLES, create_user
from wso.web.app import create_app

SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def desk_clock() -> FixedClock:
    return FixedClock(NOW - timedelta(minutes=10))  # ten minutes before B-1's scheduled release


@pytest.fixture(scope="module")
def desk_app(tmp_path_factory: pytest.TempPathFactory, desk_clock: FixedClock) -> Iterator[FastAPI]:
    path: Path = tmp_path_factory.mktemp("desk") / "desk.sqlite3"
    database = open_database(f"sqlite:///{path}")
    with database.session() as session:
        for role in ROLES:
            create_user(session, role, PASSWORD, role, now=desk_clock.now())
    seed_jail(database, desk_clock)
    yield create_app(get_settings(), database, desk_clock)
    database.dispose()


@pytest.fixture(scope="module")
def desk_browser(desk_app: FastAPI) -> Iterator[tuple[Any, str]]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve(desk_app) as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium, url
        finally:
            chromium.close()


def _tab(desk_browser: tuple[Any, str], **options: Any) -> Any:
    chromium, url = desk_browser
    context = chromium.new_context(base_url=url, viewport={"width": 1280, "height": 900}, locale="en-US", **options)
    context.set_default_timeout(15_000)
    return context


def _sign_in(page: Any, username: str) -> None:
    page.goto("/console")
    page.wait_for_url("**/signin?next=%2Fconsole")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/console")


def _choose(field: Any, value: str) -> None:
    """Type `value` into a text field, or pick it in a picker."""
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def test_a_clerk_serves_at_the_release_from_the_board_then_notifies_and_transfers(
    desk_browser: tuple[Any, str], desk_clock: FixedClock
) -> None:
    context = _tab(desk_browser)
    page = context.new_page()
    try:
        _sign_in(page, "clerk")
        row = page.locator("#board tr[data-booking='B-1']")
        assert row.get_attribute("data-moment") == "early"
        assert row.locator(".serve-now").count() == 0 and "Not yet" in row.inner_text()
        assert "Mon 2 Jun 2025, 11:00 EDT" in row.inner_text() and PERSON in row.inner_text()
        shot(page, "desk-01-board-not-yet")

        desk_clock.advance(timedelta(minutes=11))  # one minute after the release: the moment to serve
        page.reload()
        page.click("#serve-W-200")
        page.wait_for_url("**/console/commands/warrant.serve?**")
        form = page.locator("#form-warrant-serve")
        assert form.locator("[name=warrant]").input_value() == "W-200"  # a text field or a picker, pre-filled
        assert form.locator("[name=facility]").input_value() == "polk-jail"
        _choose(form.locator("[name=officer]"), "wso-7")
        shot(page, "desk-02-serve-form")
        page.click("#run-warrant-serve")
        page.wait_for_url("**/console/board")
        assert page.locator("#no-due").count() == 1
        assert page.locator("#holds tr[data-hold='hold-W-200']").count() == 1
        shot(page, "desk-03-board-served")

        page.goto("/console/warrants")
        page.select_option("select[name=status]", "served")
        page.click("#warrant-search button[type=submit]")
        page.wait_for_url("**/console/warrants?**status=served**")
        assert page.locator("#warrants tbody tr").all_inner_texts()[0].startswith("W-200")
        shot(page, "desk-04-warrants-served")
        page.goto("/console/holds/D-247")  # a detainer not yet held: its booking says what waits
        assert "a detainer: held at the release" in page.locator("#booking-warrants").inner_text()

        page.goto("/console/holds/hold-W-200")
        assert page.locator("#person-name").inner_text() == PERSON
        assert "EDT" in page.locator("#events tbody tr").first.inner_text()
        page.click("#do-ice-notify")
        page.wait_for_url("**/console/holds/hold-W-200")
        assert page.locator("#events tbody tr").count() == 2
        page.click("#do-custody-transfer")
        page.wait_for_selector("#confirm-question")
        shot(page, "desk-05-confirm-transfer")
        page.click("#confirm")
        page.wait_for_url("**/console/holds/hold-W-200")
        assert page.locator("#hold-status").inner_text() == "transferred"
        shot(page, "desk-06-hold-transferred")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/console",
        "/console/bookings",
        "/console/warrants?status=waiting",
        "/console/bookings/B-1",
        "/console/holds/W-200",
    ],
)
def test_the_desks_pages_have_no_serious_accessibility_violation(desk_browser: tuple[Any, str], path: str) -> None:
    context = _tab(desk_browser, bypass_csp=True)  # only so that axe-core, which the site did not serve, may run
    page = context.new_page()
    try:
        _sign_in(page, "supervisor")
        page.goto(path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'], "
            "runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        bad = [(v["id"], v["help"]) for v in result["violations"] if v["impact"] in SERIOUS]
        assert bad == [], (path, bad)
    finally:
        context.close()


def test_when_the_session_ends_the_board_keeps_its_rows_marked_stale(
    desk_browser: tuple[Any, str], desk_app: FastAPI, desk_clock: FixedClock
) -> None:
    ledger = Custody(desk_app.state.database, desk_clock)
    release = (desk_clock.now() + timedelta(hours=2)).isoformat()
    assert ledger.run("booking", {"id": "B-3", "facility": "polk-jail", "scheduled_release": release}).accepted
    assert ledger.run("warrant.receive", {"id": "W-3", "booking": "B-3", "form": "I-205"}).accepted
    context = _tab(desk_browser)
    page = context.new_page()
    try:
        _sign_in(page, "officer")
        page.goto("/console/board")
        assert page.locator("#board tr[data-booking='B-3']").count() == 1
        desk_clock.advance(timedelta(minutes=get_settings().session_idle_minutes + 1))
        poll = "{source: '#live', target: '#live', select: '#live', swap: 'outerHTML'}"
        page.evaluate(f"htmx.ajax('GET', '/console', {poll})")  # the 30-second refresh, now
        page.wait_for_selector("#session-status.ended")
        assert "Your session has ended" in page.locator("#session-status").inner_text()
        assert page.locator("#board tr[data-booking='B-3']").count() == 1  # the last state stays, marked stale
        assert float(page.eval_on_selector("#live", "e => getComputedStyle(e).opacity")) < 1
        shot(page, "desk-07-board-stale")
    finally:
        context.close()
