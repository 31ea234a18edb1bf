"""`wso watch` from the command line: subscribe, list, remove, a cycle with --once, status, feeds, calendar;
bad input stops with one line naming the option, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.watch.servers import FakeIce
from tests.watch.test_golden import TICKS
from wso.cli.main import app

runner = CliRunner()


def wso(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["watch", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _ice(ice: FakeIce, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSO_FETCH_PARTICIPATING_URL", ice.urls["participating"])
    monkeypatch.setenv("WSO_FETCH_PENDING_URL", ice.urls["pending"])


def test_subscribe_list_remove(tmp_path: Path) -> None:
    code, out, err = wso(
        "subscribe", "--webhook", "https://hooks.example.org/287g", "--state", "tx", "--model", "wso", "--json"
    )
    assert code == 0, err
    made = json.loads(out)
    assert made["secret"].startswith("whsec_") and made["status"] == "active" and not made["needs_confirmation"]
    assert made["filter"] == {"state": "TX", "county": None, "agency_id": None, "model": "WSO", "change": None}
    code, out, _ = wso("subscribe", "--email", "a@example.org", "--change", "pending-signed")
    assert code == 0 and "confirmation link" in out
    code, out, _ = wso("list", "--json")
    listed = json.loads(out)
    assert [s["status"] for s in listed] == ["active", "pending"]
    assert "secret" not in out and "whsec_" not in out and "example.org" not in out  # no personal data by default
    code, out, _ = wso("list", "--identified", "--json")
    assert [s["target"] for s in json.loads(out)] == ["https://hooks.example.org/287g", "a@example.org"]
    assert "whsec_" not in out
    code, out, _ = wso("remove", "1", "--json")
    assert code == 0 and json.loads(out)["status"] == "removed"
    code, _, err = wso("remove", "7")
    assert code == 2 and "no subscription with id 7" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--email", "not-an-address"), "--email 'not-an-address' is not an e-mail address"),
        (("--webhook", "ftp://x.org/a"), "is not an http(s) URL"),
        (("--email", "a@example.org", "--state", "Narnia"), "--state 'Narnia' is not a state"),
        (("--email", "a@example.org", "--county", "Harris"), "--county 'Harris' needs --state"),
        (("--email", "a@example.org", "--model", "287"), "--model '287' is not a 287(g) model"),
        (("--email", "a@example.org", "--change", "joined"), "--change 'joined' is not a kind of change"),
        (("--email", "a@example.org", "--agency", "ag-nothing"), "--agency 'ag-nothing' names no agency"),
        (("--email", "a@example.org", "--webhook", "https://x.org/a"), "give one of --webhook URL or --email ADDRESS"),
        ((), "give one of --webhook URL or --email ADDRESS"),
    ],
)
def test_bad_input_is_refused_naming_the_option_and_writes_nothing(args: tuple[str, ...], message: str) -> None:
    code, _, err = wso("subscribe", *args)
    assert code == 2 and message in err and err.count("\n") == 1
    assert json.loads(wso("list", "--json")[1]) == []


def test_once_status_feeds_and_calendar(ice: FakeIce, tmp_path: Path) -> None:
    ice.tick(*TICKS[0])
    code, out, err = wso("--once", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["outcome"] == "ok" and first["changes"] == 0  # the first run is history
    wso("subscribe", "--webhook", "https://hooks.example.org/pa", "--state", "PA")
    ice.down = True
    code, out, err = wso("--once")
    assert code == 1 and "HTTP 503" in err and out.startswith("failed:")
    code, out, _ = wso("status", "--json")
    status = json.loads(out)
    assert [r["outcome"] for r in status["runs"]] == ["failed", "ok"] and status["failed_in_a_row"] == 1
    assert status["subscriptions"] == {"active": 1}
    code, out, _ = wso("feeds", "--out", str(tmp_path / "feeds"), "--json")
    assert code == 0 and str(tmp_path / "feeds" / "all.atom") in json.loads(out)
    code, out, _ = wso("calendar", "ana@example.org", "--json")
    assert json.loads(out)["url"].startswith("http://127.0.0.1:8000/feeds/records/")
    code, out, _ = wso("calendar", "ana@example.org", "--out", str(tmp_path / "ana.ics"))
    assert code == 0 and (tmp_path / "ana.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    code, _, err = wso("calendar", "nobody")
    assert code == 2 and "is not an e-mail address" in err
