"""The hold-record schema as users read it: `wso audit schema` lists every table, and every text names the version
the schema has (templates take it from the schema itself)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from tests.audit.builders import AS_OF, hold, write_records
from wso.audit import audit_to_file
from wso.cli.main import app
from wso.program import hold_records as hr

ROOT = Path(__file__).resolve().parents[2]
#: "schema v2", "schema, v2", "schema version 2" (case aside)
NAMED = re.compile(r"schema,? (?:v|version )(\d+)(\s+files?\b)?", re.IGNORECASE)
TEMPLATES = [*(ROOT / "src" / "wso").rglob("*.html"), *(ROOT / "src" / "wso").rglob("*.j2")]
TEXTS = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "src" / "wso").rglob("*.py")),
    *TEMPLATES,
]


def versions() -> set[int]:
    """The versions the schema has had: 1, and every version that added a table or a column."""
    since = {t.since for t in hr.ALL_TABLES} | {c.since for t in hr.ALL_TABLES for c in t.columns}
    return {1} | since


def misnamed(text: str) -> list[str]:
    """The places in `text` that name a version the schema does not have, or an earlier one as though it were the
    schema (an earlier version may be named only as a file's: "a schema v1 file")."""
    bad = []
    for m in NAMED.finditer(text):
        version, of_a_file = int(m.group(1)), m.group(2) is not None
        if version not in versions() or (version != hr.SCHEMA_VERSION and not of_a_file):
            bad.append(m.group(0))
    return bad


def test_the_check_catches_a_wrong_or_stale_version() -> None:
    assert misnamed("hold-record schema v2; a schema v1 file still audits") == []
    assert misnamed("hold-record schema v1") == ["schema v1"]
    assert misnamed(f"schema v{hr.SCHEMA_VERSION + 1}") == [f"schema v{hr.SCHEMA_VERSION + 1}"]
    assert misnamed("Schema version 9 files") == ["Schema version 9 files"]


def test_every_text_names_a_version_the_schema_has() -> None:
    found = {str(p.relative_to(ROOT)): misnamed(p.read_text(encoding="utf-8")) for p in TEXTS}
    assert {k: v for k, v in found.items() if v} == {}


def test_templates_take_the_version_from_the_schema() -> None:
    literal = re.compile(r"schema,? (?:v|version )\d", re.IGNORECASE)
    assert [str(p) for p in TEMPLATES if literal.search(p.read_text(encoding="utf-8"))] == []


def test_the_html_report_names_the_schema_version(tmp_path: Path) -> None:
    root = write_records(tmp_path / "r", [hold("H1")])
    out = tmp_path / "report.html"
    audit_to_file(root, out, as_of=AS_OF, fmt="html")
    assert f"hold-record schema v{hr.SCHEMA_VERSION} ·" in out.read_text(encoding="utf-8")


def test_wso_audit_schema_lists_every_table_the_optional_one_marked() -> None:
    result = CliRunner().invoke(app, ["audit", "schema"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"hold-record schema v{hr.SCHEMA_VERSION}"
    heads = [line.split(":")[0] for line in lines if line and not line.startswith((" ", "CSV"))][1:]
    assert heads == ["holds", "officers", "agreements", "complaints (optional, since v2"]
    assert "  complaint_id" in result.output and "  received_at" in result.output
