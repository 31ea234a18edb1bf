"""`wso registry ...` commands, run through the real CLI against the default (temporary) SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.registry.conftest import sheet
from tests.registry.test_archive import ARCHIVE
from wso.cli.main import app
from wso.settings import get_settings

runner = CliRunner()


def test_stats_on_an_empty_database_loads_the_bundled_history() -> None:
    """The package's history: the public archive and the shared captures, the latest list of 2026-02-27 am."""
    result = runner.invoke(app, ["registry", "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["snapshot"] == "2026-02-27am"
    assert data["total"] == 1492
    assert data["by_model"] == {"TFM": 868, "JEM": 152, "WSO": 472}
    assert sum(s["total"] for s in data["by_state"].values()) == 1492
    text = runner.invoke(app, ["registry", "stats"])
    assert "1492 agreements" in text.stdout
    # the trend since 2021: the first capture of ICE's web page, and the July 2025 figures of the shared captures
    timeline = json.loads(runner.invoke(app, ["registry", "timeline", "--kind", "participating", "--json"]).stdout)
    assert timeline[0]["label"] == "2021-01-12" and timeline[0]["total"] == 150
    july = runner.invoke(app, ["registry", "stats", "--on", "2025-07-03", "--json"]).stdout
    assert json.loads(july)["total"] == 777


def test_ingest_then_query_commands() -> None:
    folder = sheet("20250519T024922Z", "participatingAgencies05162025am.xlsx").parent
    result = runner.invoke(app, ["registry", "ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2 added, 0 skipped, 663 rows, 4 issues"
    again = runner.invoke(app, ["registry", "ingest", str(folder), "--json"])
    assert json.loads(again.stdout)["skipped"] == 2

    timeline = json.loads(runner.invoke(app, ["registry", "timeline", "--kind", "participating", "--json"]).stdout)
    assert [(e["label"], e["total"], e["by_model"]) for e in timeline] == [
        ("2025-05-16am", 571, {"TFM": 275, "JEM": 91, "WSO": 205})
    ]
    agency = json.loads(runner.invoke(app, ["registry", "agency", "berrian", "--json"]).stdout)
    assert agency[0]["state"] == "MI" and agency[0]["agreements"][0]["model"] == "WSO"
    issues = json.loads(runner.invoke(app, ["registry", "issues", "--json"]).stdout)
    assert {i["code"] for i in issues} >= {"signed_repaired", "moa_link_missing"}


def test_bad_input_fails_with_a_clear_message() -> None:
    missing = runner.invoke(app, ["registry", "ingest", "/nonexistent/folder"])
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.output
    bad_date = runner.invoke(app, ["registry", "stats", "--on", "yesterday"])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    bad_state = runner.invoke(app, ["registry", "timeline", "--state", "Atlantis"])
    assert bad_state.exit_code == 2 and "Atlantis" in bad_state.output


def test_an_unreadable_file_stops_the_ingest_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "20250502T150000Z"
    folder.mkdir()
    (folder / "participatingAgencies05012025am.csv").write_text(
        "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\nTEXAS,Alpha PD,Municipality,,WSO,,\n"
    )
    broken = folder / "pendingAgencies05012025am.xlsx"
    broken.write_bytes(b"<html>Access denied</html>")
    result = runner.invoke(app, ["registry", "ingest", str(folder)])
    assert result.exit_code == 2
    assert str(broken) in result.output and "nothing was ingested" in result.output
    timeline = json.loads(runner.invoke(app, ["registry", "timeline", "--json"]).stdout)
    assert timeline == []


def test_ingest_counts_one_issue_as_one_issue() -> None:
    result = runner.invoke(
        app, ["registry", "ingest", str(sheet("20250608T151716Z", "pendingAgencies06062025am.xlsx"))]
    )
    assert result.exit_code == 0, result.output
    assert "pending 2025-06-06am: 79 rows, 1 issue  (" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 added, 0 skipped, 79 rows, 1 issue"


def test_ingest_refuses_fewer_than_one_worker_and_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["registry", "ingest", "--workers", "0", str(tmp_path)])
    assert result.exit_code == 2
    assert "--workers 0: give 1 or more" in result.output
    assert not list(tmp_path.iterdir())


def test_ingest_with_its_workers_started_early_reports_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`wso registry ingest` with 2 workers starts them before it opens the database (an SQLite file): its report
    is the one `--workers 1` gives, byte for byte, and so is a repeated ingest's."""
    outputs: dict[str, list[str]] = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("WSO_DATABASE_URL", f"sqlite:///{tmp_path / f'workers{workers}.sqlite3'}")
        get_settings.cache_clear()
        runs = [runner.invoke(app, ["registry", "ingest", str(ARCHIVE), "--json", "--workers", workers]) for _ in "12"]
        assert all(run.exit_code == 0 for run in runs), [run.output for run in runs]
        outputs[workers] = [run.stdout for run in runs]
    assert outputs["2"] == outputs["1"]
    first, again = (json.loads(out) for out in outputs["2"])
    assert first["added"] == 13 and again["added"] == 0 and again["skipped"] == 13
