"""The console's pages (every GET route under /console, enumerated from the app), signed in as each role,
checked by axe-core (vendored, run inside Debian's chromium): no violation that axe rates serious or critical.
A page a role may not open is its error page, and is checked too. The audit page is checked with an audit's
results on it. Findings go to artifacts/browser/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.browser.conftest import ARTIFACTS, serious_violations, sign_in_as
from wso.accounts import ROLES
from wso.audit import generate
from wso.web.app import endpoints

# A value for each path parameter of a console page; a GET route whose parameter has none here is left out (and
# named in artifacts/browser/axe-console-left-out.json): add one when a page is added.
EXAMPLES = {"ref": "hold-W-200", "request_id": "1", "command": "warrant.serve", "booking": "B-1", "warrant": "W-200"}
NOT_PAGES = {"/console/audit/{name}"}  # the audit's downloads: files, not pages


def console_pages(app: FastAPI) -> tuple[list[str], list[str]]:
    """Every console page of the app (its GET routes under /console, enumerated, so a page added later is
    checked without anyone listing it), with its parameters filled from EXAMPLES; and those left out."""
    pages, left_out = [], []
    for method, path in endpoints(app):
        if method != "GET" or not path.startswith("/console") or path in NOT_PAGES:
            continue
        names = re.findall(r"\{(\w+)(?::\w+)?\}", path)
        if any(n not in EXAMPLES for n in names):
            left_out.append(path)
            continue
        pages.append(re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: EXAMPLES[m.group(1)], path))
    return sorted(set(pages)), left_out


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
    assert {"/console", "/console/holds/hold-W-200", "/console/audit", "/console/records/1"} <= set(pages)
    page = console_tab(axe=True)
    sign_in_as(page, role)
    upload(page, records)
    found = {}
    for path in pages:
        page.goto(path)
        name = f"axe-console-{role}" + "".join(c if c.isalnum() else "-" for c in path).rstrip("-")
        bad = serious_violations(page, name)
        if bad:
            found[path] = bad
    assert found == {}, json.dumps(found, indent=1)
