"""The console's main pages, signed in as each role, checked by axe-core (vendored, run inside Debian's
chromium): no violation that axe rates serious or critical. A page a role may not open is its error page, and
is checked too. The audit page is checked with an audit's results on it. Findings go to artifacts/browser/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serious_violations, sign_in_as
from wso.accounts import ROLES
from wso.audit import generate

PAGES = (
    "/console",
    "/console/holds/hold-W-200",
    "/console/commands",
    "/console/audit",
    "/console/cost",
    "/console/records",
    "/console/users",
    "/console/journal",
    "/console/watch",
    "/console/password",
)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("audit")
    generate(out, 300, seed=11, violation_rate=0.5, file_format="csv")
    return out


def upload(page: Any, folder: Path) -> None:
    """Upload every file of `folder` on the audit page and wait for its result."""
    page.goto("/console/audit")
    page.set_input_files("#audit-files", [str(p) for p in sorted(folder.iterdir())])
    page.fill("#audit-as-of", "2026-01-01T00:00:00Z")
    page.click("#audit-form button[type=submit]")
    page.wait_for_selector("#audit-summary")


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_accessibility_violation_on_the_console(console_tab: Any, role: str, records: Path) -> None:
    page = console_tab(axe=True)
    sign_in_as(page, role)
    upload(page, records)
    found = {}
    for path in PAGES:
        page.goto(path)
        name = f"axe-console-{role}" + "".join(c if c.isalnum() else "-" for c in path).rstrip("-")
        bad = serious_violations(page, name)
        if bad:
            found[path] = bad
    assert found == {}, json.dumps(found, indent=1)
