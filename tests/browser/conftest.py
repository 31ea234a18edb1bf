"""Fixtures of the browser tests: the app over three real snapshots of ICE's lists, served by uvicorn on a free
loopback port, and Debian's chromium driven by Playwright (headless, `/usr/bin/chromium`; no browser is ever
downloaded). Screenshots go to `artifacts/browser/` (gitignored), the run's artifacts.

The console's journeys share `console_app` (the same snapshots, a seeded jail with one hold, a user of each role,
its clock an hour after the hold began), its tabs (`console_tab`), and `sign_in_as`.

Without chromium the tests are skipped, except under CI=true, where a missing chromium fails them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.browser.server import ARGS, CHROMIUM, need_chromium, serve
from tests.web.conftest import NOW, PASSWORD, registry_template, seed_jail  # noqa: F401  (a session fixture, shared)
from wso.clock import FixedClock
from wso.custody import Custody
from wso.records import state_facts, track_request
from wso.settings import get_settings
from wso.store import Database, open_database
from wso.web.accounts import ROLES, create_user
from wso.web.app import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# The day the issue was filed: ICE's newest list in the fixtures (2025-07-03) is then 518 days old.
TODAY = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}


def _with_users(template: Path, folder: Path, now: datetime) -> Database:
    """A copy of the snapshots' database in `folder`, with a user of each role named after it."""
    target = folder / "site.sqlite3"
    shutil.copyfile(template, target)
    database = open_database(f"sqlite:///{target}")
    with database.session() as session:
        for role in ROLES:
            create_user(session, role, PASSWORD, role, now=now)
    return database


@pytest.fixture(scope="module")
def site_app(registry_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:  # noqa: F811
    """The app over a copy of the three snapshots, on the clock's day of the issue, with a user of each role."""
    database = _with_users(registry_template, tmp_path_factory.mktemp("site"), TODAY)
    yield create_app(get_settings(), database, FixedClock(TODAY))
    database.dispose()


@pytest.fixture(scope="module")
def site(site_app: FastAPI) -> Iterator[str]:
    need_chromium()
    with serve(site_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    need_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


@contextmanager
def _tab(browser: Any, site: str, **options: Any) -> Iterator[Any]:
    """A tab in a browser context of its own (cookies, downloads) on `site`, closed after the test."""
    context = browser.new_context(base_url=site, accept_downloads=True, **options)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A tab of a desktop browser in English."""
    with _tab(browser, site, **DESKTOP) as tab:
        yield tab


@pytest.fixture
def axe_page(browser: Any, site: str) -> Iterator[Any]:
    """A tab like `page` that lets the accessibility check add axe-core to the page: the site's Content Security
    Policy rightly refuses a script it did not serve, so this tab alone sets it aside (`bypass_csp`); every other
    test runs under the policy."""
    with _tab(browser, site, **DESKTOP, bypass_csp=True) as tab:
        yield tab


@pytest.fixture
def phone(browser: Any, site: str) -> Iterator[Any]:
    """A tab of a 390-pixel-wide phone whose browser asks for Spanish."""
    options = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True, "locale": "es-MX"}
    with _tab(browser, site, viewport=PHONE, **options) as tab:
        yield tab


SERIOUS = ("serious", "critical")
WCAG = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']"


def serious_violations(page: Any, name: str) -> list[dict[str, Any]]:
    """axe-core's violations of the page open in `page` (a tab that bypasses the CSP) that axe rates serious or
    critical; all of them are written to artifacts/browser/`name`.json, and a screenshot when any is serious."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], "
        f"runOnly: {{type: 'tag', values: {WCAG}}}}})"
    )
    bad = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:10]}
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(result["violations"], indent=1), encoding="utf-8")
    if bad:
        shot(page, name)
    return bad


def shot(page: Any, name: str) -> None:
    """A full-page screenshot kept as the run's artifact."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# ---- the console ---------------------------------------------------------------------------------------------

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}


@pytest.fixture(scope="module")
def console_app(registry_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:  # noqa: F811
    """The app over the three snapshots with a jail (tests.web.conftest.seed_jail: an agency, its WSO agreement,
    a facility, an authorized officer, two bookings), the warrant W-200 served at the release (the hold
    hold-W-200), a public-records request (id 1), a user of each role; its clock an hour after the service."""
    database = _with_users(registry_template, tmp_path_factory.mktemp("console"), NOW)
    clock = FixedClock(NOW)
    seed_jail(database, clock)
    assert Custody(database, clock).run("warrant.serve", SERVE, actor="seed").accepted
    with database.session() as session:  # a public-records request, for the tracker's pages
        facts = state_facts(None)["TX"]
        track_request(session, agency="Burnet County Sheriff's Office", facts=facts, clock=clock, sent=NOW.date())
    clock.advance(timedelta(hours=1))
    yield create_app(get_settings(), database, clock)
    database.dispose()


@pytest.fixture(scope="module")
def console_site(console_app: FastAPI) -> Iterator[str]:
    with serve(console_app) as url:  # the tabs ask for `browser` first, which skips without chromium
        yield url


@pytest.fixture
def console_tab(browser: Any, console_site: str) -> Iterator[Callable[..., Any]]:
    """Opens desktop tabs on the console's site, closed after the test: `console_tab()` under the site's Content
    Security Policy, `console_tab(axe=True)` one that lets the accessibility check add axe-core (see `axe_page`)."""
    with ExitStack() as stack:

        def open_tab(axe: bool = False) -> Any:
            return stack.enter_context(_tab(browser, console_site, **DESKTOP, bypass_csp=axe))

        yield open_tab


def sign_in_as(page: Any, role: str) -> None:
    """Sign in through the form as the user named after `role` (each role has one), landing on the console."""
    page.goto("/signin?next=/console")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console")
