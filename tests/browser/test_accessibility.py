"""Every public page, in English and Spanish, checked by axe-core (vendored in tests/browser/vendor/axe-core, run
inside Debian's chromium): no violation that axe rates serious or critical. The violations found are written to
artifacts/browser/axe-*.json, so a failure can be read in full."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tests.browser.conftest import AXE, serious_violations

AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # 4.14.1, as vendor/README.md says
PAGES = (
    "/",
    "/states/TX",
    "/states/CA",
    "/states/HI",
    "/agencies/{burnet}",
    "/rules",
    "/search",
    "/search?q=Harris",
    "/search?q=Travis",
    "/records",
    "/records?state=TX",
    "/moa",
    "/moa/deviations",
    "/signin",
    "/agencies/no-such-agency",
    "/watch/confirm/no-such-token",
)


def test_the_vendored_axe_is_the_recorded_release() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(axe_page: Any, path: str, lang: str) -> None:
    page = axe_page
    if "{burnet}" in path:
        found = page.request.get("/api/search", params={"q": "Burnet County", "state": "TX"}).json()
        path = path.format(burnet=found[0]["id"])
    url = path + ("&" if "?" in path else "?") + "lang=es" if lang == "es" else path
    page.goto(url)
    name = "axe" + "".join(c if c.isalnum() else "-" for c in url).rstrip("-")
    bad = serious_violations(page, name)
    assert bad == [], json.dumps(bad, indent=1)
