"""One answer everywhere: for the same agreement (state, model, signing day, agency kind) and day, `wso rules check
--json`, the registry's conflicts and the agency and state pages give the same verdict (real ICE snapshots)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from wso.cli.main import app as cli
from wso.clock import FixedClock
from wso.registry import active_agreements, agencies_in_state, latest_snapshot_date
from wso.registry.compliance import began, conflicts
from wso.settings import get_settings
from wso.store import Database
from wso.web.app import create_app

LATER = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)  # after Maryland's and New York's dates
runner = CliRunner()


@pytest.fixture
def later_client(public_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings(), public_db, FixedClock(LATER)), follow_redirects=False) as c:
        yield c


def check(state: str, model: str, on: date, kind: str, signed: date) -> dict[str, object]:
    args = ["rules", "check", "--state", state, "--model", model, "--on", on.isoformat()]
    args += ["--agency-kind", kind, "--signed", signed.isoformat(), "--json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


@pytest.mark.parametrize("state", ["MD", "NY", "VA"])
def test_cli_conflicts_and_agency_pages_agree(state: str, public_db: Database, later_client: TestClient) -> None:
    with public_db.session() as session:
        last = latest_snapshot_date(session)
        assert last is not None
        listed = {a.id for a in active_agreements(session, last, state)}
        agencies = agencies_in_state(session, state)
    checked = 0
    for agency in agencies:
        page = later_client.get(f"/api/agencies/{agency.id}").json()
        for view, out in zip(agency.agreements, page["agreements"], strict=True):
            assert view.id == out["id"]
            signed = began(view)
            for span in out["state_law"]:
                for day in {date.fromisoformat(span["start"]), date.fromisoformat(span["end"])}:
                    answer = check(state, view.model, day, agency.kind, signed)
                    assert answer["verdict"] == span["verdict"], (agency.name, view.model, day)
                    assert [law["id"] for law in answer["laws"]] == span["laws"]  # type: ignore[union-attr]
                    assert [law["id"] for law in answer["grace"]] == span["grace"]  # type: ignore[union-attr]
                    if view.id in listed and day > last:
                        with public_db.session() as session:
                            found = {c.agreement_id for c in conflicts(session, day).conflicts}
                        assert (view.id in found) == (span["verdict"] == "prohibited"), (agency.name, day)
                    checked += 1
    assert checked > 0


def test_maryland_agreement_of_2025_runs_until_july_2026_on_every_surface(
    public_db: Database, later_client: TestClient
) -> None:
    """HB 444: an agreement signed in 2025 may run until 2026-07-01 (the same on the CLI, in conflicts and on its
    agency page); the state page, asked about a new agreement today, says prohibited."""
    with public_db.session() as session:
        agreements = [a for a in active_agreements(session, date(2025, 7, 3), "MD") if a.model == "WSO"]
        assert agreements
        agreement = agreements[0]
        assert began(agreement) < date(2026, 2, 17)
        in_grace = {c.agreement_id for c in conflicts(session, date(2026, 6, 30)).conflicts}
        ended = {c.agreement_id for c in conflicts(session, date(2026, 7, 1)).conflicts}
    assert agreement.id not in in_grace and agreement.id in ended
    page = later_client.get(f"/api/agencies/{agreement.agency_id}").json()
    spans = next(g for g in page["agreements"] if g["id"] == agreement.id)["state_law"]
    graced = next(s for s in spans if s["grace"])
    assert (graced["verdict"], graced["grace_until"], graced["end"]) == ("permitted", "2026-07-01", "2026-06-30")
    assert graced["start"] <= "2026-02-17" and spans[-1]["verdict"] == "prohibited"
    assert spans[-1]["start"] == "2026-07-01" and spans[-1]["laws"] == ["MD-HB444-2026"]
    signed = began(agreement)
    assert check("MD", "WSO", date(2026, 6, 30), "county", signed)["verdict"] == "permitted"
    assert check("MD", "WSO", date(2026, 7, 1), "county", signed)["verdict"] == "prohibited"
    html = later_client.get(f"/agencies/{agreement.agency_id}").text
    assert "signed before MD-HB444-2026: may run until 2026-07-01" in html
    state = later_client.get("/api/states/MD").json()
    new = {(e["agency_kind"], e["model"]): e for e in state["eligibility"]}
    assert new[("county", "WSO")]["verdict"] == "prohibited" and new[("county", "WSO")]["laws"] == ["MD-HB444-2026"]
    late = check("MD", "WSO", LATER.date(), "county", LATER.date())
    assert late["verdict"] == "prohibited"


def test_state_page_answers_for_each_agency_kind_with_the_cli(later_client: TestClient) -> None:
    for state in ("VA", "TX", "MA", "CO"):
        page = later_client.get(f"/api/states/{state}").json()
        assert len(page["eligibility"]) == 9
        for row in page["eligibility"]:
            args = ["rules", "check", "--state", state, "--model", row["model"], "--on", LATER.date().isoformat()]
            result = runner.invoke(cli, [*args, "--agency-kind", row["agency_kind"], "--json"])
            answer = json.loads(result.stdout)
            assert (answer["verdict"], [law["id"] for law in answer["laws"]]) == (row["verdict"], row["laws"])
    va = {
        (e["agency_kind"], e["model"]): e["verdict"] for e in later_client.get("/api/states/VA").json()["eligibility"]
    }
    assert va[("state", "TFM")] == "prohibited" and va[("county", "TFM")] == "permitted"


def test_state_page_describes_a_mandate_as_the_law_words_it(later_client: TestClient) -> None:
    page = later_client.get("/states/TX").text.replace("&#39;", "'")
    assert "allowed; meets the mandate" in page and ">mandated<" not in page
    assert "must hold a 287(g) agreement; an agreement of any model (TFM, JEM or WSO) satisfies it" in page
    data = later_client.get("/api/states/TX").json()
    sheriff = next(e for e in data["eligibility"] if e["agency_kind"] == "county" and e["model"] == "WSO")
    assert sheriff["verdict"] == "mandated" and "(by 2026-12-01)" in sheriff["requirement"][0]
    police = next(e for e in data["eligibility"] if e["agency_kind"] == "municipal" and e["model"] == "WSO")
    assert police["verdict"] == "permitted" and police["requirement"] == []


def test_state_page_shows_each_laws_scope(later_client: TestClient) -> None:
    data = later_client.get("/api/states/IL").json()
    scopes = {law["id"]: law["scope"] for law in data["laws"]}
    assert scopes == {
        "IL-TRUST": "287g",
        "IL-TRUST-DETAINERS": "detainer_holds",
        "IL-WFA-DETENTION": "detention_agreements",
    }
    page = later_client.get("/states/IL").text
    assert "holds on I-247A detainers without a judicial warrant" in page
    assert "must end by 2022-01-01" in page
