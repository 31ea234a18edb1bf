"""Fixtures of the browser tests: the app over three real snapshots of ICE's lists, served by uvicorn on a free
loopback port, and Debian's chromium driven by Playwright (headless, `/usr/bin/chromium`; no browser is ever
downloaded). Screenshots go to `artifacts/browser/` (gitignored), the run's artifacts.

Without chromium the tests are skipped, except under CI=true, where a missing chromium fails them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.browser.server import ARGS, CHROMIUM, need_chromium, serve
from tests.web.conftest import PASSWORD, registry_template  # noqa: F401  (a session fixture, shared)
from wso.clock import FixedClock
from wso.settings import get_settings
from wso.store import open_database
from wso.web.accounts import ROLES, create_user
from wso.web.app import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# The day the issue was filed: ICE's newest list in the fixtures (2025-07-03) is then 518 days old.
TODAY = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site_app(registry_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:  # noqa: F811
    """The app over a copy of the three snapshots, on the clock's day of the issue, with a user of each role."""
    target = tmp_path_factory.mktemp("site") / "site.sqlite3"
    shutil.copyfile(registry_template, target)
    database = open_database(f"sqlite:///{target}")
    with database.session() as session:
        for role in ROLES:
            create_user(session, role, PASSWORD, role, now=TODAY)
    yield create_app(get_settings(), database, FixedClock(TODAY))
    database.dispose()


@pytest.fixture(scope="module")
def site(site_app: FastAPI) -> Iterator[str]:
    need_chromium()
    with serve(site_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _context(browser: Any, site: str, **options: Any) -> Any:
    context = browser.new_context(base_url=site, accept_downloads=True, **options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A tab of a desktop browser in English."""
    context = _context(browser, site, viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def axe_page(browser: Any, site: str) -> Iterator[Any]:
    """A tab like `page` that lets the accessibility check add axe-core to the page: the site's Content Security
    Policy rightly refuses a script it did not serve, so this tab alone sets it aside (`bypass_csp`); every other
    test runs under the policy."""
    context = _context(browser, site, viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any, site: str) -> Iterator[Any]:
    """A tab of a 390-pixel-wide phone whose browser asks for Spanish."""
    context = _context(
        browser, site, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="es-MX"
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot kept as the run's artifact."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
