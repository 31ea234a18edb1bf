"""An auditor's journey in a real browser (Debian's chromium, headless): upload a folder's files, among them the
answer key of synthetic records and a README, which are ignored and listed; page to the last findings; download
the findings as CSV and the report as PDF. Screenshots of each step go to artifacts/browser/."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import shot, sign_in_as
from wso.audit import generate


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("production")
    generate(out, 600, seed=21, violation_rate=0.5, file_format="csv")
    (out / "README.md").write_text("Hold records produced under the Texas Public Information Act.\n", "utf-8")
    return out


def test_an_auditor_uploads_a_folder_pages_to_the_end_and_downloads(
    console_tab: Any, folder: Path, tmp_path: Path
) -> None:
    page = console_tab()
    sign_in_as(page, "auditor")
    page.goto("/console/audit")
    page.set_input_files("#audit-folder", str(folder))  # the folder picker: every file in it
    page.fill("#audit-as-of", "2026-01-01T00:00:00Z")
    shot(page, "30-audit-form")
    page.click("#audit-form button[type=submit]")
    page.wait_for_selector("#audit-summary")
    assert page.url.endswith("/console/audit")  # Post/Redirect/Get
    assert page.input_value("#audit-as-of") == "2026-01-01T00:00:00Z"
    ignored = page.locator("#audit-ignored").inner_text()
    for name in ("answer_key.csv", "README.md", "synth.json"):
        assert name in ignored
    assert "answer key" in ignored and "not a table" in ignored
    # exactly those three: the files input left empty (the folder one was used) is no file ignored
    assert page.locator("#audit-ignored li").count() == 3
    shot(page, "31-audit-result")

    total = int(page.locator("#by-rule-total").inner_text())
    page.click("nav.pager >> nth=0 >> a.pager-last")
    page.wait_for_url("**/console/audit?page=*")
    heading = page.locator("#findings-heading").inner_text()
    pages = -(-total // 100)
    assert f"of {total} (page {pages} of {pages})" in heading
    rows = page.locator("#findings tbody tr").count()
    assert rows == total - (pages - 1) * 100
    assert page.locator("#findings dl.evidence dt").count() > 0
    shot(page, "32-audit-last-page")

    with page.expect_download() as got:
        page.click("#audit-downloads >> text=findings (CSV)")
    saved = tmp_path / "findings.csv"
    got.value.save_as(saved)
    with saved.open(encoding="utf-8") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == total
    with page.expect_download(timeout=60_000) as got:
        page.click("#audit-downloads >> text=report (PDF)")
    pdf = tmp_path / "report.pdf"
    got.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    shot(page, "33-audit-downloaded")
