"""The console's pages (every GET route under /console, enumerated from the app), signed in as each role,
checked by axe-core (vendored, run inside Debian's chromium): no violation that axe rates serious or critical, and
no heading level skipped.
A page a role may not open is its error page, and is checked too. The audit page is checked with an audit's
results on it. Findings go to artifacts/browser/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.browser.conftest import ARTIFACTS, serious_violations, sign_in_as
from wso.accounts import ROLES
from wso.audit import generate
from wso.web.app import endpoints

# The addresses each console page with path parameters is checked at, in the seeded jail of `console_app`: a hold
# page of a served warrant and of one still waiting (which shows its booking), a booking, a record request and a
# command's form. A GET route not listed here is left out (and named in artifacts/browser/axe-console-left-out.json),
# which fails the test: add its addresses when a page is added.
EXAMPLES = {
    "/console/holds/{ref:path}": ["/console/holds/hold-W-200", "/console/holds/D-247"],
    "/console/bookings/{ref}": ["/console/bookings/B-1"],
    "/console/records/{request_id}": ["/console/records/1"],
    "/console/commands/{command}": ["/console/commands/warrant.serve", "/console/commands/booking"],
}
NOT_PAGES = {"/console/audit/{name}"}  # the audit's downloads: files, not pages


def console_pages(app: FastAPI) -> tuple[list[str], list[str]]:
    """Every console page of the app (its GET routes under /console, enumerated, so a page added later is
    checked without anyone listing it), a route with path parameters at its addresses in EXAMPLES; and the routes
    left out (with parameters, but no addresses)."""
    pages, left_out = [], []
    for method, path in endpoints(app):
        if method != "GET" or not path.startswith("/console") or path in NOT_PAGES:
            continue
        if "{" not in path:
            pages.append(path)
        elif path in EXAMPLES:
            pages.extend(EXAMPLES[path])
        else:
            left_out.append(path)
    return sorted(set(pages)), sorted(set(left_out))


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
def test_no_serious_accessibility_violation_on_the_console(
    console_app: FastAPI, console_tab: Any, role: str, records: Path
) -> None:
    pages, left_out = console_pages(console_app)
    (ARTIFACTS / "axe-console-left-out.json").write_text(json.dumps(left_out), encoding="utf-8")
    assert left_out == [], f"console pages with no addresses in EXAMPLES: {left_out}"
    assert {"/console", "/console/holds/hold-W-200", "/console/audit", "/console/records/1"} <= set(pages)
    page = console_tab(axe=True)
    sign_in_as(page, role)
    upload(page, records)
    found: dict[str, Any] = {}
    for path in pages:
        response = page.goto(path)
        assert response.status != 404, f"{path}: not found; its address in EXAMPLES names nothing in the seeded jail"
        name = f"axe-console-{role}" + "".join(c if c.isalnum() else "-" for c in path).rstrip("-")
        bad = serious_violations(page, name)
        # and no heading skipped (moderate to axe, but it misleads a screen reader's outline of the page)
        written = json.loads((ARTIFACTS / f"{name}.json").read_text(encoding="utf-8"))
        bad += [{"id": v["id"], "impact": v["impact"]} for v in written if v["id"] == "heading-order"]
        if bad:
            found[path] = bad
    assert found == {}, json.dumps(found, indent=1)
