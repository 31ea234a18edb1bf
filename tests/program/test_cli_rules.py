"""`wso rules show|check|laws`: thin wrappers over wso.program, JSON, and one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wso.cli.main import app
from wso.program import rules

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["rules", *args])
    return result.exit_code, result.stdout, result.stderr


def test_show_all_rules_as_json() -> None:
    code, out, _ = run("show", "--json")
    assert code == 0
    shown = json.loads(out)
    assert [r["id"] for r in shown] == [r.id for r in rules()]
    assert all(r["citation"] and r["source"] for r in shown)


def test_show_one_rule() -> None:
    code, out, _ = run("show", "wso-48h", "--json")
    assert code == 0
    assert json.loads(out)["id"] == "WSO-48H"
    code, out, _ = run("show", "WSO-CITIZENSHIP-1H")
    assert code == 0
    assert "one hour" in out and "MOA-WSO-2025" in out


def test_show_unknown_rule_exits_2_naming_the_ids() -> None:
    code, out, err = run("show", "WSO-72H")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "WSO-72H" in err and "WSO-48H" in err


def test_check_json_reports_verdict_laws_and_next_change() -> None:
    code, out, _ = run("check", "--state", "Maryland", "--model", "WSO", "--on", "2025-07-04", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["state"] == "MD"
    assert answer["verdict"] == "permitted"
    assert answer["next_change"] == "2026-02-18"
    code, out, _ = run("check", "--state", "MD", "--model", "WSO", "--on", "2026-02-18", "--json")
    answer = json.loads(out)
    assert answer["verdict"] == "prohibited"
    assert answer["laws"][0]["id"] == "MD-HB444-2026"
    assert answer["laws"][0]["existing_agreements_end"] == "2026-07-01"
    assert answer["confidence"] == "high"


def test_check_agency_kind() -> None:
    code, out, _ = run("check", "--state", "VA", "--model", "TFM", "--on", "2026-03-01", "--agency-kind", "state")
    assert code == 0
    assert "restricted" in out and "VA-ED1-2026" in out
    code, out, _ = run("check", "--state", "VA", "--model", "TFM", "--on", "2026-03-01", "--agency-kind", "county")
    assert "permitted" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--state", "ZZ", "--model", "WSO", "--on", "2026-01-01"], ["--state", "'ZZ'", "TX"]),
        (["--state", "TX", "--model", "XYZ", "--on", "2026-01-01"], ["--model", "'XYZ'", "WSO"]),
        (["--state", "TX", "--model", "WSO", "--on", "tomorrow"], ["--on", "'tomorrow'", "YYYY-MM-DD"]),
        (["--state", "TX", "--model", "WSO", "--on", "2026-02-30"], ["--on", "YYYY-MM-DD"]),
        (
            ["--state", "TX", "--model", "WSO", "--on", "2026-01-01", "--agency-kind", "city"],
            ["--agency-kind", "'city'", "municipal"],
        ),
    ],
)
def test_check_bad_input_is_one_line_and_exit_2(args: list[str], words: list[str]) -> None:
    code, out, err = run("check", *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err


def test_check_with_a_user_laws_file(tmp_path: Path) -> None:
    path = tmp_path / "laws.csv"
    path.write_text("id,state,stance,citation,effective\nAL-X,AL,prohibits,Test Act,2026-01-01\n", encoding="utf-8")
    code, out, _ = run("check", "--state", "AL", "--model", "WSO", "--on", "2026-01-01", "--laws", str(path), "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["verdict"] == "prohibited"
    assert answer["laws"][0]["origin"] == str(path)


def test_laws_file_from_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wso.settings import get_settings

    path = tmp_path / "laws.csv"
    path.write_text("id,state,stance,citation,effective\nAL-X,AL,mandates,Test Act,2026-01-01\n", encoding="utf-8")
    monkeypatch.setenv("WSO_LAWS_FILE", str(path))
    get_settings.cache_clear()
    try:
        code, out, _ = run("check", "--state", "AL", "--model", "WSO", "--on", "2026-01-02")
    finally:
        get_settings.cache_clear()
    assert code == 0
    assert "mandated" in out


def test_bad_laws_file_exits_2_naming_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "laws.csv"
    path.write_text("id,state,stance,citation,effective\nAL-X,AL,prohibits,Test Act,someday\n", encoding="utf-8")
    code, _, err = run("check", "--state", "AL", "--model", "WSO", "--on", "2026-01-01", "--laws", str(path))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert str(path) in err and "line 2" in err and "'effective'" in err


def test_laws_lists_a_states_laws() -> None:
    code, out, _ = run("laws", "--state", "tx", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [law["id"] for law in listed] == ["TX-SB8-2025"]
    assert listed[0]["comply_by"] == "2026-12-01"


def test_detainer_command_names_its_reading() -> None:
    code, out, _ = run("detainer", "--start", "2026-03-06T13:00-05:00", "--tz", "America/New_York", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["reading"] == "excluding"  # the default setting
    assert answer["deadline"].startswith("2026-03-10T17:00")
    code, out, _ = run("detainer", "--start", "2026-03-06T13:00-05:00", "--tz", "America/New_York", "--reading", "flat")
    assert code == 0
    assert out.startswith("2026-03-08T14:00:00-04:00") and "flat" in out


def test_detainer_command_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from wso.settings import get_settings

    monkeypatch.setenv("WSO_DETAINER_READING", "flat")
    get_settings.cache_clear()
    code, out, _ = run("detainer", "--start", "2026-03-06T13:00-05:00", "--tz", "America/New_York", "--json")
    get_settings.cache_clear()
    assert code == 0
    assert json.loads(out)["reading"] == "flat"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--start", "friday", "--tz", "America/New_York"], ["--start", "ISO 8601"]),
        (["--start", "2026-03-06T13:00", "--tz", "America/New_York"], ["--start", "offset"]),
        (["--start", "2026-03-06T13:00-05:00", "--tz", "Mars/Olympus"], ["--tz", "Mars/Olympus"]),
        (["--start", "2026-03-06T13:00-05:00", "--tz", "UTC", "--reading", "soft"], ["--reading", "excluding"]),
    ],
)
def test_detainer_command_bad_input(args: list[str], words: list[str]) -> None:
    code, out, err = run("detainer", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err
