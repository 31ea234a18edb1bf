"""Findings as JSON, CSV, Parquet; the summary by rule, agency, facility; the HTML report. Each read back."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.audit.builders import AS_OF as HAND_AS_OF
from tests.audit.builders import SERVED, hold, iso, write_records
from wso.audit import audit_to_file, load_records, run_audit
from wso.audit.engine import FINDING_COLUMNS
from wso.audit.facts import DATA_RULES, PROGRAM_RULES
from wso.audit.synth import AS_OF
from wso.cli.main import app
from wso.program import hold_records as hr

runner = CliRunner()


@pytest.fixture(scope="module")
def expected(synth_dir: Path) -> list[dict[str, Any]]:
    rows = run_audit(load_records(synth_dir), AS_OF).findings.to_pylist()
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    return rows


def _check_summary(summary: dict[str, Any], findings: list[dict[str, Any]]) -> None:
    assert summary["holds"] == 3000 and summary["findings"] == len(findings)
    assert summary["as_of"] == "2026-01-08T00:00:00Z" and summary["backend"] == "duckdb"
    by_rule = {r["rule_id"]: r["findings"] for r in summary["by_rule"]}
    assert set(by_rule) == set(PROGRAM_RULES) | {d.id for d in DATA_RULES}  # every rule, with or without findings
    for rule_id, n in by_rule.items():
        assert n == sum(f["rule_id"] == rule_id for f in findings), rule_id
    assert sum(a["holds"] for a in summary["by_agency"]) == 3000
    assert sum(a["findings"] for a in summary["by_agency"]) == len(findings)
    assert sum(f["holds"] for f in summary["by_facility"]) == 3000
    assert sum(f["findings"] for f in summary["by_facility"]) == len(findings)
    for a in summary["by_agency"]:
        assert a["findings"] == sum(f["agency_id"] == a["agency_id"] for f in findings)
    assert summary["records_with_findings"] == len({f["record_id"] for f in findings})


def test_json(tmp_path: Path, synth_dir: Path, expected: list[dict[str, Any]]) -> None:
    out = tmp_path / "findings.json"
    run = audit_to_file(synth_dir, out, as_of=AS_OF, fmt="json")
    assert run.written == [out]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema_version"] == hr.SCHEMA_VERSION == 2
    assert doc["findings"] == expected
    assert list(doc["findings"][0]) == list(FINDING_COLUMNS)
    _check_summary(doc["summary"], expected)


def test_csv(tmp_path: Path, synth_dir: Path, expected: list[dict[str, Any]]) -> None:
    out = tmp_path / "findings.csv"
    run = audit_to_file(synth_dir, out, as_of=AS_OF, fmt="csv")
    assert run.written == [out, tmp_path / "findings.summary.json"]
    table = pacsv.read_csv(out, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    assert table.column_names == list(FINDING_COLUMNS)
    rows = table.to_pylist()
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    assert rows == expected
    _check_summary(json.loads((tmp_path / "findings.summary.json").read_text(encoding="utf-8")), expected)


def test_parquet(tmp_path: Path, synth_dir: Path, expected: list[dict[str, Any]]) -> None:
    out = tmp_path / "findings.parquet"
    run = audit_to_file(synth_dir, out, as_of=AS_OF, fmt="parquet")
    table = pq.read_table(out)
    assert table.equals(run.result.findings)
    assert [(r["record_id"], r["rule_id"]) for r in table.to_pylist()] == [
        (r["record_id"], r["rule_id"]) for r in expected
    ]
    _check_summary(run.summary, expected)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs_seen: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs_seen.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained_readable_and_printable(tmp_path: Path, synth_dir: Path) -> None:
    out = tmp_path / "report.html"
    run = audit_to_file(synth_dir, out, as_of=AS_OF, fmt="html")
    html = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    # charts drawn on the server as inline SVG; nothing fetched: no scripts, no stylesheets or images from elsewhere
    # (by rule, by agency, and the unreimbursed bed-days by month: docs/cost.md)
    assert page.tags.count("svg") == 3 and page.tags.count("rect") > 10
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    urls = re.findall(r"https?://[^\s\"'<>]+", html)
    assert set(urls) <= {"http://www.w3.org/2000/svg"}  # the SVG namespace only, never a CDN
    assert "@media print" in html and "page-break-inside: avoid" in html
    text = " ".join(page.text)
    assert "3,000" in text and f"{run.summary['findings']:,}" in text
    for r in run.summary["by_rule"]:
        if r["findings"]:
            assert r["rule_id"] in text
    for a in run.summary["by_agency"]:
        assert a["agency_id"] in text


def test_html_escapes_what_the_records_say(tmp_path: Path) -> None:
    early = SERVED + timedelta(hours=5)
    root = write_records(
        tmp_path / "r",
        [hold("<script>alert(1)</script>", agency_name="A & B <County>", scheduled_release_at=early)],
    )
    out = tmp_path / "report.html"
    run = audit_to_file(root, out, as_of=HAND_AS_OF, fmt="html")
    assert run.summary["findings"] == 1
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B &lt;County&gt;" in html


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet", "html"])
def test_cli_writes_each_format(tmp_path: Path, synth_dir: Path, fmt: str) -> None:
    out = tmp_path / f"findings.{fmt}"
    result = runner.invoke(
        app, ["audit", "run", str(synth_dir), "--format", fmt, "--out", str(out), "--as-of", iso(AS_OF), "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["written"][0] == str(out) and out.stat().st_size > 1000
    assert answer["holds"] == 3000 and answer["findings"] > 300
