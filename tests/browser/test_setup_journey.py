"""The issue's "Done when" journey of a jail's day, in a real browser (Debian's chromium, headless): a supervisor
sets up a new jail through /console/setup (the agency found by name in ICE's list and entered with one button, its
agreement, a facility with its time zone picked from a list, an officer nominated, examined, certified and
authorized, each picked from a list); then a clerk books a person with the date-and-time picker in the facility's
zone, receives an I-200 for the booking picked from a list, sees it on the release board, serves it at the release
through "Serve now" (the form pre-filled), and from the hold page notifies ICE and transfers, each confirmed on the
hold page: never typing an id or an ISO time. Screenshots are kept in artifacts/browser/."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

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


def test_a_jail_is_set_up_and_a_clerk_books_receives_serves_notifies_and_transfers(
    page: Any, site_app: FastAPI
) -> None:
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
    # The site's clock reads 10:00 EST on 3 December 2026: the release is set twenty minutes later.
    form.locator("input[name=scheduled_release]").fill("2026-12-03T10:20")
    form.locator("input[name=name]").fill("Jane Roe")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#result[data-status=accepted]")
    assert "scheduled release 2026-12-03T10:20:00-05:00" in page.locator("#result").inner_text()
    shot(page, "34-clerk-booked")

    receive_and_serve(page, site_app)
    notify_and_transfer(page)


def receive_and_serve(page: Any, site_app: FastAPI) -> None:
    """The clerk receives an I-200 for the booking (picked), sees it on the board, and serves it at the release."""
    page.goto("/console/commands/warrant.receive")
    form = page.locator("#form-warrant-receive")
    pick(form.locator("select[name=booking]"), r"hardee")
    form.locator("select[name=form]").select_option(label="I-200 administrative warrant of arrest")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#result[data-status=accepted]")
    shot(page, "35-clerk-received")

    page.goto("/console")
    row = page.locator("#board tbody tr").filter(has_text="Hardee")
    assert row.count() == 1 and "Not yet" in row.inner_text() and "Thu 3 Dec 2026, 10:20 EST" in row.inner_text()
    assert "Jane Roe" in row.inner_text()  # a clerk sees whom the board is about
    shot(page, "36-board-not-yet")
    site_app.state.clock.advance(timedelta(minutes=21))  # a minute after the release: the moment to serve
    page.reload()
    row.locator(".serve-now").first.click()
    page.wait_for_url("**/console/commands/warrant.serve?**")
    form = page.locator("#form-warrant-serve")
    assert form.locator("[name=warrant]").input_value() and form.locator("[name=facility]").input_value()
    pick(form.locator("select[name=officer]"), r"^Deputy A")
    shot(page, "37-serve-form")
    page.click("#run-warrant-serve")
    page.wait_for_url("**/console/board")
    assert page.locator("#board tbody tr").filter(has_text="Hardee").count() == 0


def notify_and_transfer(page: Any) -> None:
    """From the board's open holds to the hold page: ICE notified, then the transfer (confirmed), each confirmed
    by a message on the hold page in the facility's time."""
    page.locator("#holds tbody tr").filter(has_text="Hardee").locator("a").first.click()
    page.wait_for_url("**/console/holds/**")
    hold = page.url
    assert page.locator("#person-name").inner_text() == "Jane Roe"  # the hold page shows the booking
    page.click("#do-ice-notify")
    page.wait_for_url(hold)
    assert page.locator("#flash").inner_text() == "ICE notified at 10:21 EST"
    shot(page, "38-hold-notified")
    page.click("#do-custody-transfer")
    page.wait_for_selector("#confirm-question")
    page.click("#confirm")
    page.wait_for_url(hold)
    assert page.locator("#flash").inner_text() == "Transferred to ICE at 10:21 EST"
    assert page.locator("#hold-status").inner_text() == "transferred"
    shot(page, "39-hold-transferred")
