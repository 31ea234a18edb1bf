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
    assert answer["next_change"] == "2026-02-17"
    code, out, _ = run("check", "--state", "MD", "--model", "WSO", "--on", "2026-02-17", "--json")
    answer = json.loads(out)
    assert answer["verdict"] == "prohibited"
    assert answer["laws"][0]["id"] == "MD-HB444-2026"
    assert answer["laws"][0]["existing_agreements_end"] == "2026-07-01"
    assert answer["confidence"] == "high"


def test_check_agency_kind() -> None:
    code, out, _ = run("check", "--state", "VA", "--model", "TFM", "--on", "2026-03-01", "--agency-kind", "state")
    assert code == 0
    assert "prohibited" in out and "VA-ED1-2026" in out
    code, out, _ = run("check", "--state", "VA", "--model", "TFM", "--on", "2026-03-01", "--agency-kind", "county")
    assert "permitted" in out


def test_check_signed_gives_maryland_agreements_their_grace_period() -> None:
    """HB 444: an agreement signed in 2025 runs until 2026-07-01; one signed after the law is barred at once."""
    args = ("check", "--state", "MD", "--model", "WSO", "--on", "2026-03-01", "--json")
    code, out, _ = run(*args, "--signed", "2025-03-03")
    assert code == 0
    old = json.loads(out)
    assert (old["verdict"], old["grace_until"], old["next_change"]) == ("permitted", "2026-07-01", "2026-07-01")
    assert [law["id"] for law in old["grace"]] == ["MD-HB444-2026"] and old["signed"] == "2025-03-03"
    new = json.loads(run(*args, "--signed", "2026-02-20")[1])
    assert (new["verdict"], new["grace_until"], new["grace"]) == ("prohibited", None, [])
    text = run(*args[:-1], "--signed", "2025-03-03")[1]
    assert "grace period" in text and "until 2026-07-01" in text and "signed 2025-03-03" in text


def test_check_describes_a_mandate_as_the_law_words_it() -> None:
    code, out, _ = run("check", "--state", "TX", "--model", "WSO", "--on", "2026-03-01")
    assert code == 0
    assert "must hold a 287(g) agreement; an agreement of any model (TFM, JEM or WSO) satisfies it" in out


def test_check_bad_signing_day_is_one_line_and_exit_2() -> None:
    code, out, err = run("check", "--state", "MD", "--model", "WSO", "--on", "2026-03-01", "--signed", "2025-3-3")
    assert code == 2 and out == "" and "--signed" in err and len(err.strip().splitlines()) == 1


def test_bars_names_the_laws_on_detainer_holds_and_detention_agreements() -> None:
    code, out, _ = run("bars", "--state", "IL", "--on", "2021-09-01", "--signed", "2010-01-01", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["detainer_holds"]["id"] == "IL-TRUST-DETAINERS"
    assert answer["detention_agreements"] is None  # an agreement of 2010 may run until 2022-01-01
    answer = json.loads(run("bars", "--state", "IL", "--on", "2022-01-01", "--signed", "2010-01-01", "--json")[1])
    assert answer["detention_agreements"]["id"] == "IL-WFA-DETENTION"
    code, out, _ = run("bars", "--state", "TX", "--on", "2026-03-01")
    assert code == 0 and out.count("no state law bars them") == 2


def test_bars_names_the_laws_that_only_restrict_detainer_holds() -> None:
    answer = json.loads(run("bars", "--state", "NJ", "--on", "2026-01-01", "--json")[1])
    assert answer["detainer_holds"] is None
    assert [law["id"] for law in answer["detainer_holds_restricted_by"]] == ["NJ-AG-2018-6-DETAINERS"]
    code, out, _ = run("bars", "--state", "CT", "--on", "2019-09-30")  # CT's restriction is in effect 2019-10-01
    assert code == 0 and out.count("no state law bars them") == 2
    code, out, _ = run("bars", "--state", "CT", "--on", "2019-10-01")
    assert code == 0 and "not barred, restricted" in out and "CT-TRUST-DETAINERS" in out


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
    assert answer["reading"] == "flat"  # the default setting
    assert answer["deadline"].startswith("2026-03-08T18:00")
    code, out, _ = run(
        "detainer", "--start", "2026-03-06T13:00-05:00", "--tz", "America/New_York", "--reading", "excluding"
    )
    assert code == 0
    assert out.startswith("2026-03-10T13:00:00-04:00") and "excluding" in out


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


def test_bad_laws_file_from_the_setting_names_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wso.settings import get_settings

    path = tmp_path / "laws.csv"
    path.write_text("id,state,stance,citation,effective\nAL-X,AL,bans,Test Act,2026-01-01\n", encoding="utf-8")
    monkeypatch.setenv("WSO_LAWS_FILE", str(path))
    get_settings.cache_clear()
    code, _, err = run("check", "--state", "AL", "--model", "WSO", "--on", "2026-01-02")
    get_settings.cache_clear()
    assert code == 2
    assert err.startswith("error: WSO_LAWS_FILE:") and "line 2" in err and "'stance'" in err


def test_models_command() -> None:
    code, out, _ = run("models", "--json")
    assert code == 0
    assert [m["model"] for m in json.loads(out)] == ["TFM", "JEM", "WSO"]
    code, out, _ = run("models", "Warrant Service Officer")
    assert code == 0
    assert out.startswith("WSO  Warrant Service Officer") and "I-205" in out and "may not" in out
    code, out, err = run("models", "XYZ")
    assert code == 2 and "unknown model 'XYZ'" in err and "WSO" in err
