"""In a real browser (Playwright over Debian's chromium; skipped where chromium is missing, failed in CI): a form
sent after the session ended leads through sign-in back to the same form with what was typed (static/draft.js),
and the holds board's refresh after the session ended keeps the board and says so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.web.conftest import PASSWORD
from tests.web.test_browser import live_server, page, shot, until
from wso.clock import FixedClock
from wso.settings import get_settings

__all__ = ["live_server", "page"]  # the fixtures, shared with test_browser


def _sign_in(page: Any, username: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")


def test_a_late_form_comes_back_filled_after_sign_in(page: Any, clock: FixedClock) -> None:
    page.goto("/signin")
    _sign_in(page, "clerk")
    page.wait_for_url("**/console")
    page.goto("/console/records")
    page.fill("#new-request input[name=agency]", "Harris County Sheriff's Office")
    page.fill("#new-request input[name=state]", "TX")
    clock.advance(timedelta(minutes=get_settings().session_idle_minutes + 1))
    page.click("#new-request button[type=submit]")
    page.wait_for_url("**/signin?next=%2Fconsole%2Frecords")
    assert page.locator("#draft-kept").count() == 1
    _sign_in(page, "clerk")
    page.wait_for_url("**/console/records")
    until(page, "document.querySelector('#new-request input[name=agency]').value !== ''")
    assert page.input_value("#new-request input[name=agency]") == "Harris County Sheriff's Office"
    assert page.input_value("#new-request input[name=state]") == "TX"
    assert page.locator("#draft-notice").count() == 1
    shot(page, "20-console-form-kept-after-sign-in")


def test_the_board_says_the_session_ended_and_keeps_its_rows(page: Any, clock: FixedClock) -> None:
    page.goto("/signin")
    _sign_in(page, "clerk")
    page.wait_for_url("**/console")
    before = page.locator("#live").inner_text()
    clock.advance(timedelta(minutes=get_settings().session_idle_minutes + 1))
    # the 30-second poll, now (htmx.ajax sends the same HX-Request headers as the poll)
    poll = "{source: '#live', target: '#live', select: '#live', swap: 'outerHTML'}"
    page.evaluate(f"htmx.ajax('GET', '/console', {poll})")
    until(page, "document.querySelector('#session-status.ended') !== null")
    assert "Your session has ended" in page.locator("#session-status").inner_text()
    assert page.locator("#live").inner_text() == before
    shot(page, "21-console-board-session-ended")
