"""The state page's mandate coverage is the registry's answer, as `wso rules coverage --json` gives it.

The page counted it with code of its own, without the registry's "runs a jail" filter, so a county police
department ICE files under TYPE "County" (as it files "Alachua Police Departent" in Florida) counted as its
county's sheriff on the page while `wso rules coverage` said the county had no agreement."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.program.test_compliance import SMALL
from wso import registry
from wso.cli.main import app as cli
from wso.clock import FixedClock
from wso.settings import get_settings
from wso.store import open_database
from wso.web.app import create_app

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)


@pytest.fixture
def small_url(database_url: str, tmp_path: Path) -> str:
    folder = tmp_path / "sheets" / "20260315T150000Z"
    folder.mkdir(parents=True)
    (folder / "participatingAgencies03152026am.csv").write_text(SMALL, encoding="utf-8")  # Alachua: police only
    database = open_database(database_url)
    try:
        with database.session() as session:
            registry.ingest(session, [tmp_path / "sheets"], clock=FixedClock(NOW))
    finally:
        database.dispose()
    return database_url


@pytest.fixture
def client(small_url: str) -> Iterator[TestClient]:
    database = open_database(small_url)
    with TestClient(create_app(get_settings(), database, FixedClock(NOW)), follow_redirects=False) as c:
        yield c
    database.dispose()


def test_the_state_page_shows_the_registrys_coverage(
    client: TestClient, small_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WSO_DATABASE_URL", small_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["rules", "coverage", "--state", "FL", "--on", NOW.date().isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)

    assert client.get("/api/states/FL").json()["coverage"] == answer
    assert answer["counties_covered"] == 3 and "Alachua" in answer["uncovered"]
    assert answer["not_counted"] == ["Alachua Police Departent"]

    page = client.get("/states/FL").text.replace("&#39;", "'")
    assert "in 3 of the state's 67 counties, the sheriff has an agreement" in page
    assert "<summary>The 64 counties whose sheriff has none</summary>" in page
    uncovered = page.split('<p id="uncovered">', 1)[1].split("</p>", 1)[0]
    assert uncovered.split(", ") == answer["uncovered"]
    assert 'id="not-counted"' in page and "Alachua Police Departent" in page


def test_the_state_page_says_why_the_registry_cannot_tell(client: TestClient) -> None:
    """Georgia's mandate is in force, but no county list is packaged for Georgia: the page says so."""
    georgia = client.get("/api/states/GA").json()["coverage"]
    assert georgia["can_tell"] is False and "cannot tell" in georgia["reason"]
    page = client.get("/states/GA").text.replace("&#39;", "'")
    assert f'<p id="mandate">{georgia["reason"]}</p>' in page
