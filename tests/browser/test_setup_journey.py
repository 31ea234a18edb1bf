"""A supervisor sets up a new jail in a real browser (Debian's chromium, headless) through /console/setup: the
agency found by name in ICE's list and entered with one button, its agreement, a facility with its time zone
picked from a list, an officer nominated, examined, certified and authorized, each picked from a list, without
typing an id or an ISO time; then a clerk books a person with the date-and-time picker in the facility's zone.
Screenshots are kept in artifacts/browser/."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import shot
from tests.web.conftest import PASSWORD


def sign_in(page: Any, username: str) -> None:
    page.goto("/signin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/console")


def step(page: Any, command: str) -> str:
    return str(page.locator(f"#step-{command.replace('.', '-')}").get_attribute("data-done"))


def pick(select: Any, shown: str) -> None:
    """Choose the option of a picker whose text matches `shown` (what a person reads, never the id)."""
    value = select.locator("option", has_text=re.compile(shown)).first.get_attribute("value")
    select.select_option(value=value)


def submit(page: Any, form: Any) -> None:
    """Send a setup form; success comes back to the setup page (303), a refusal would show its rule."""
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#steps").count() == 1, page.locator("main").inner_text()[:2000]


def test_a_supervisor_sets_up_a_jail_without_typing_an_id_or_a_time(page: Any) -> None:
    sign_in(page, "supervisor")
    page.goto("/console/commands")
    page.click("#setup-link")
    page.wait_for_url("**/console/setup")
    assert [step(page, c) for c in ("agency", "agreement", "facility", "officer-authorize")] == ["no"] * 4
    shot(page, "30-setup-start")

    page.fill("#agency-q", "Hardee")  # a name, never an id
    page.click("#agency-search")
    page.wait_for_selector("#agency-results")
    shot(page, "31-setup-agency-found")
    page.locator("#agency-results button", has_text="Hardee County Sheriff").first.click()
    page.wait_for_url("**/console/setup")
    assert step(page, "agency") == "yes"
    assert "Next: Enter a 287(g) agreement" in page.locator("#next-step").inner_text()

    form = page.locator("#form-agreement")
    pick(form.locator("select[name=agency]"), r"Hardee County Sheriff")
    form.locator("select[name=model]").select_option(label="Warrant Service Officer (WSO)")
    form.locator("input[name=signed]").fill("2025-02-26")  # the browser's date picker
    submit(page, form)
    assert step(page, "agreement") == "yes"

    form = page.locator("#form-facility")
    pick(form.locator("select[name=agency]"), r"Hardee")
    form.locator("input[name=name]").fill("Hardee County Jail")
    pick(form.locator("select[name=tz]"), r"^Eastern \(New York")
    submit(page, form)
    assert step(page, "facility") == "yes" and "Hardee County Jail (America/New_York)" in page.content()

    form = page.locator("#form-officer-nominate")
    pick(form.locator("select[name=agency]"), r"Hardee")
    form.locator("input[name=name]").fill("Deputy A")
    form.locator("select[name=us_citizen]").select_option(label="Yes")
    submit(page, form)
    shot(page, "32-setup-officer-nominated")

    form = page.locator("#form-officer-exam")
    form.locator("select[name=id]").select_option(label="Deputy A: nominated")
    form.locator("input[name=score]").fill("81")
    submit(page, form)
    for command, status in (("officer-certify", "trained"), ("officer-authorize", "certified")):
        form = page.locator(f"#form-{command}")
        form.locator("select[name=id]").select_option(label=f"Deputy A: {status}")
        submit(page, form)
    assert [step(page, c) for c in ("agency", "agreement", "facility", "officer-nominate", "officer-authorize")] == [
        "yes"
    ] * 5
    assert "The jail is set up" in page.locator("#next-step").inner_text()
    shot(page, "33-setup-done")

    # A clerk books a person, the release picked as a local date and time in the facility's zone.
    page.click("#signout")
    sign_in(page, "clerk")
    page.goto("/console/commands")
    page.click("#cmd-booking")
    page.wait_for_url("**/console/commands/booking")
    form = page.locator("#form-booking")
    pick(form.locator("select[name=facility]"), r"Hardee County Jail")
    form.locator("input[name=scheduled_release]").fill("2026-12-04T09:00")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#result[data-status=accepted]")
    assert "scheduled release 2026-12-04T09:00:00-05:00" in page.locator("#result").inner_text()
    shot(page, "34-clerk-booked")
