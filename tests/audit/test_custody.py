"""The custody ledger's export audits clean for a lawful replayed day, and flags a late one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wso.audit import audit_to_file, load_records, run_audit
from wso.cli.main import app
from wso.custody.export import export_hold_records
from wso.custody.replay import parse_lines, replay
from wso.store import Database, open_database

SETUP = [
    {"at": "2026-03-05T08:00:00-05:00", "cmd": "agency", "id": "FL-HARDEE-SO", "name": "Hardee SO", "state": "FL"},
    {"at": "2026-03-05T08:00:00-05:00", "cmd": "agreement", "agency": "FL-HARDEE-SO", "model": "WSO",
     "signed": "2025-02-26"},
    {"at": "2026-03-05T08:00:00-05:00", "cmd": "facility", "id": "hardee-jail", "agency": "FL-HARDEE-SO",
     "name": "Hardee County Jail", "tz": "America/New_York", "detention_agreement": False},
    {"at": "2026-03-05T08:10:00-05:00", "cmd": "officer.nominate", "id": "wso-17", "agency": "FL-HARDEE-SO",
     "name": "Deputy A", "us_citizen": True},
    {"at": "2026-03-05T09:00:00-05:00", "cmd": "officer.exam", "id": "wso-17", "score": 81},
    {"at": "2026-03-05T15:00:00-05:00", "cmd": "officer.certify", "id": "wso-17"},
    {"at": "2026-03-05T16:00:00-05:00", "cmd": "officer.authorize", "id": "wso-17"},
    {"at": "2026-03-05T18:00:00-05:00", "cmd": "booking", "id": "bk-101", "facility": "hardee-jail",
     "scheduled_release": "2026-03-06T09:00:00-05:00", "name": "Jane Roe", "a_number": "A012345678"},
    {"at": "2026-03-05T18:00:00-05:00", "cmd": "warrant.receive", "id": "I200-101", "booking": "bk-101",
     "form": "I-200"},
    {"at": "2026-03-05T18:05:00-05:00", "cmd": "booking", "id": "bk-102", "facility": "hardee-jail",
     "scheduled_release": "2026-03-06T17:00:00-05:00"},
    {"at": "2026-03-05T18:05:00-05:00", "cmd": "warrant.receive", "id": "I247A-102", "booking": "bk-102",
     "form": "I-247A"},
    {"at": "2026-03-05T18:10:00-05:00", "cmd": "booking", "id": "bk-103", "facility": "hardee-jail",
     "scheduled_release": "2026-03-06T11:00:00-05:00"},
    {"at": "2026-03-05T18:10:00-05:00", "cmd": "warrant.receive", "id": "I205-103", "booking": "bk-103",
     "form": "I-205"},
    {"at": "2026-03-06T09:00:00-05:00", "cmd": "warrant.serve", "warrant": "I200-101", "officer": "wso-17",
     "facility": "hardee-jail"},
    {"at": "2026-03-06T09:10:00-05:00", "cmd": "ice.notify", "warrant": "I200-101"},
    {"at": "2026-03-06T11:00:00-05:00", "cmd": "warrant.serve", "warrant": "I205-103", "officer": "wso-17",
     "facility": "hardee-jail"},
    {"at": "2026-03-06T11:05:00-05:00", "cmd": "ice.notify", "warrant": "I205-103"},
    {"at": "2026-03-06T12:00:00-05:00", "cmd": "citizenship.claim", "warrant": "I205-103"},
    {"at": "2026-03-06T12:40:00-05:00", "cmd": "citizenship.report", "warrant": "I205-103"},
    {"at": "2026-03-06T17:00:00-05:00", "cmd": "detainer.hold", "warrant": "I247A-102"},
    {"at": "2026-03-07T10:00:00-05:00", "cmd": "custody.release", "warrant": "I205-103",
     "reason": "citizenship_verified"},
    {"at": "2026-03-07T11:00:00-05:00", "cmd": "custody.transfer", "warrant": "I247A-102"},
]  # fmt: skip
LAWFUL_END = [{"at": "2026-03-07T15:30:00-05:00", "cmd": "custody.transfer", "warrant": "I200-101"}]
# the I-200 hold runs past its deadline (Sunday 8 March, 10:00 EDT = 14:00Z) by two hours: the ledger records it
LATE_END = [{"at": "2026-03-08T12:00:00-04:00", "cmd": "custody.transfer", "warrant": "I200-101"}]
AS_OF = datetime(2026, 3, 12, tzinfo=UTC)


def _day(lines: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def _replay(db: Database, lines: list[dict[str, Any]]) -> dict[str, Any]:
    answer = replay(parse_lines(_day(lines).splitlines()), db)
    refused = [r for r in answer["results"] if r["status"] != "accepted"]
    assert not refused, refused
    return answer


def test_a_lawful_day_exports_and_audits_clean(db: Database, tmp_path: Path) -> None:
    _replay(db, SETUP + LAWFUL_END)
    with db.session() as session:
        summary = export_hold_records(session, tmp_path / "export", b"test key")
    assert summary.files["holds.csv"] == 3
    out = tmp_path / "findings.json"
    run = audit_to_file(tmp_path / "export", out, as_of=AS_OF)
    assert run.result.holds == 3
    assert run.result.findings.num_rows == 0, run.result.findings.to_pylist()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["summary"]["findings"] == 0 and doc["findings"] == []
    assert "Jane Roe" not in out.read_text(encoding="utf-8")


def test_a_late_day_is_flagged_with_the_hours_over(db: Database, tmp_path: Path) -> None:
    answer = _replay(db, SETUP + LATE_END)
    assert [h["status"] for h in answer["holds"] if h["warrant"] == "I200-101"] == ["transferred"]
    with db.session() as session:
        export_hold_records(session, tmp_path / "export", b"test key", identified=True)
    findings = run_audit(load_records(tmp_path / "export"), AS_OF).findings.to_pylist()
    assert [(f["record_id"], f["rule_id"]) for f in findings] == [("hold-I200-101", "WSO-48H")]
    evidence = json.loads(findings[0]["evidence"])
    assert evidence["deadline"] == "2026-03-08T14:00:00Z" and evidence["hours_over"] == 2.0


def test_open_hold_past_its_deadline_as_of_the_audit_time(db: Database, tmp_path: Path) -> None:
    _replay(db, SETUP)  # the I-200 hold is never ended
    with db.session() as session:
        export_hold_records(session, tmp_path / "export", b"test key", identified=True)
    records = load_records(tmp_path / "export")
    before = run_audit(records, datetime(2026, 3, 8, 13, 0, tzinfo=UTC)).findings
    assert before.num_rows == 0  # an hour before its deadline: nothing yet
    after = run_audit(records, datetime(2026, 3, 8, 17, 30, tzinfo=UTC)).findings.to_pylist()
    assert [(f["record_id"], f["rule_id"]) for f in after] == [("hold-I200-101", "WSO-48H")]
    assert json.loads(after[0]["evidence"])["hours_over"] == 3.5


def test_through_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`wso custody replay`, `wso custody export --out DIR`, `wso audit run DIR`: the late day, flagged."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("WSO_DATABASE_URL", url)
    monkeypatch.setenv("WSO_DATA_DIR", str(tmp_path / "data"))
    from wso.settings import get_settings

    get_settings.cache_clear()
    open_database(url).dispose()
    day = tmp_path / "day.jsonl"
    day.write_text(_day(SETUP + LATE_END), encoding="utf-8")
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["custody", "replay", str(day), "--database", url, "--json"]).exit_code == 0
        exported = runner.invoke(app, ["custody", "export", "--out", str(tmp_path / "export")])
        assert exported.exit_code == 0, exported.output
        out = tmp_path / "report.html"
        result = runner.invoke(
            app,
            ["audit", "run", str(tmp_path / "export"), "--as-of", "2026-03-12T00:00:00Z", "--format", "html",
             "--out", str(out), "--json"],
        )  # fmt: skip
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["holds"] == 3 and summary["findings"] == 1
    assert [r["rule_id"] for r in summary["by_rule"] if r["findings"]] == ["WSO-48H"]
    html = out.read_text(encoding="utf-8")
    assert "WSO-48H" in html and "A012345678" not in html
