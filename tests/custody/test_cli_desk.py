"""`wso custody board|bookings|warrants`: the desk's read side from the command line, against a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wso.cli.main import app
from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import open_database

from .conftest import RELEASE, build_jail

runner = CliRunner()


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test jail (booking B1 released at RELEASE, I-200 W1 waiting) in the configured database."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("WSO_DATABASE_URL", url)
    from wso.settings import get_settings

    get_settings.cache_clear()
    database = open_database(url)
    build_jail(Custody(database, FixedClock(RELEASE - timedelta(hours=1))))
    database.dispose()
    yield url
    get_settings.cache_clear()


def test_the_board_says_when_to_serve(ledger: str) -> None:
    early = runner.invoke(app, ["custody", "board", "--at", (RELEASE - timedelta(minutes=5)).isoformat()])
    assert early.exit_code == 0 and "B1: release 2026-03-06T09:00:00-05:00 (scheduled), W1: not yet" in early.stdout
    now = runner.invoke(app, ["custody", "board", "--at", RELEASE.isoformat(), "--json"])
    (row,) = json.loads(now.stdout)
    assert (row["moment"], row["may_serve"], row["person"]) == ("now", True, None)
    assert (row["facility_name"], row["agency_name"]) == ("County Jail", "Hardee County Sheriff's Office")
    named = runner.invoke(app, ["custody", "board", "--at", RELEASE.isoformat(), "--identified", "--json"])
    assert json.loads(named.stdout)[0]["person"]["name"] == "Jane Roe"
    far = runner.invoke(app, ["custody", "board", "--at", (RELEASE + timedelta(days=3)).isoformat()])
    assert "nobody is due for release within 24 hours" in far.stdout
    bad = runner.invoke(app, ["custody", "board", "--at", "2026-03-06T09:00:00"])
    assert bad.exit_code != 0 and "--at" in bad.output and "no UTC offset" in bad.output


def test_bookings_and_warrants_list_and_search(ledger: str) -> None:
    listed = json.loads(runner.invoke(app, ["custody", "bookings", "--json"]).stdout)
    assert listed["total"] == 1 and listed["rows"][0]["waiting"] == ["W1"] and listed["rows"][0]["person"] is None
    assert json.loads(runner.invoke(app, ["custody", "bookings", "--q", "roe", "--json"]).stdout)["total"] == 0
    named = runner.invoke(app, ["custody", "bookings", "--q", "roe", "--identified", "--json"])
    assert json.loads(named.stdout)["total"] == 1
    waiting = runner.invoke(app, ["custody", "warrants", "--status", "waiting"])
    assert waiting.exit_code == 0 and "W1 (I-200) on B1: waiting for service" in waiting.stdout
    served = json.loads(runner.invoke(app, ["custody", "warrants", "--status", "served", "--json"]).stdout)
    assert served["total"] == 0
    bad = runner.invoke(app, ["custody", "warrants", "--status", "lost"])
    assert bad.exit_code != 0 and "status must be waiting or served" in bad.output


def test_the_lists_print_their_count_page_and_rows(ledger: str) -> None:
    listed = runner.invoke(app, ["custody", "bookings"])
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        "1 booking; page 1",
        "B1 (JAIL): release 2026-03-06T09:00:00-05:00, waiting: W1",
    ]
    second = runner.invoke(app, ["custody", "warrants", "--page", "2"])
    assert second.exit_code == 0 and second.stdout.splitlines() == ["1 warrant; page 2"]
