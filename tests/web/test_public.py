"""The public pages and their API, over three real snapshots of ICE's spreadsheets."""

from __future__ import annotations

import itertools
import re

from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.program import rules, state_laws
from wso.registry import ingest
from wso.registry.bundled import bundled_path
from wso.store import Database


def test_overview_api_matches_the_registry(public_client: TestClient) -> None:
    data = public_client.get("/api/overview").json()
    assert data["as_of"] is not None and data["total"] == sum(data["by_model"].values()) > 0
    assert set(data["by_model"]) == {"TFM", "JEM", "WSO"}
    assert len(data["trend"]) == 3
    assert [p["published"] for p in data["trend"]] == sorted(p["published"] for p in data["trend"])
    assert data["trend"][-1]["total"] == data["total"]
    assert sum(s["agreements"] for s in data["states"]) == data["total"]
    changes = data["changes"]
    assert changes["old"] == data["trend"][-2]["label"] and changes["new"] == data["trend"][-1]["label"]
    assert len(changes["added"]) > 0


def test_overview_reports_signing_dates_ice_corrected_as_changes_not_removals(public_client: TestClient) -> None:
    # Between 2025-06-17 and 2025-07-03 ICE re-dated 16 listed agreements (Sarasota Manatee Airport Authority's
    # TFM agreement: SIGNED 06/12/2025, then 06/11/2025). Each is one agreement changed, not one removed and one
    # added: the public page must not tell readers that 16 agencies left the program.
    changes = public_client.get("/api/overview").json()["changes"]
    changed = {(c["agency_name"], c["model"]): c for c in changes["changed"]}
    assert len(changed) == 16
    sarasota = changed[("Sarasota Manatee Airport Authority Police Department", "TFM")]
    assert sarasota["fields"] == {"signed": ["2025-06-12", "2025-06-11"]} and sarasota["signed"] == "2025-06-11"
    assert sarasota["corrects"] is not None and sarasota["corrects"] != sarasota["agreement_id"]
    listed = {c["agreement_id"] for c in changes["added"] + changes["removed"]}
    assert not listed & ({c["agreement_id"] for c in changed.values()} | {c["corrects"] for c in changed.values()})
    removed = {(c["agency_id"], c["model"]) for c in changes["removed"]}
    assert not removed & {(c["agency_id"], c["model"]) for c in changes["added"]}
    # one: the other four "removals" were renames ("City of Zephyrhills Police Department" is "Zephyrhills Police
    # Department", and Miami Springs, Palm Beach, St. Cloud alike), one agency each since issue 16
    assert len(changes["removed"]) == 1
    page = public_client.get("/").text
    assert 'id="corrected"' in page and "Signing date corrected by ICE (16)" in page


def test_overview_states_carry_their_law_stance(public_client: TestClient) -> None:
    states = {s["code"]: s for s in public_client.get("/api/states").json()}
    for law in state_laws():
        if law.scope == "287g" and law.effective.isoformat() <= "2025-06-02" and law.state in states:
            assert states[law.state]["stance"] is not None, law.id
    # Colorado's bar on detainer holds does not make its 287(g) stance "prohibits"
    assert states["CO"]["stance"] == "restricts" and "CO-HB19-1124-DETAINERS" not in states["CO"]["laws"]
    assert states["FL"]["agreements"] > 0


def test_overview_page_draws_the_map_and_charts_from_the_api_figures(public_client: TestClient) -> None:
    data = public_client.get("/api/overview").json()
    page = public_client.get("/")
    assert page.status_code == 200
    html = page.text
    assert html.count('<path id="state-') == 51
    fl = next(s for s in data["states"] if s["code"] == "FL")
    assert f'id="state-FL" data-count="{fl["agreements"]}"' in html
    assert f'<div class="n">{data["total"]}</div>' in html
    assert "<polyline" in html and 'class="chart bars"' in html
    assert "https://" not in re.sub(r'href="https://[^"]+"', "", html), "nothing on the page loads from the network"


def test_every_state_on_the_map_is_named_in_full(public_client: TestClient) -> None:
    """States with no agreement and no law recorded (Hawaii, Rhode Island, DC) were titled by their code."""
    html = public_client.get("/").text
    titles = re.findall(r'<path id="state-(\w\w)"[^>]*><title>([^:<]+):', html)
    assert len(titles) == 51
    assert {code: name for code, name in titles if name == code} == {}
    assert ("HI", "Hawaii") in titles and ("DC", "District of Columbia") in titles


def test_spanish_by_query_or_header_with_a_switch(public_client: TestClient) -> None:
    spanish = public_client.get("/?lang=es").text
    assert '<html lang="es">' in spanish and "Acuerdos por estado" in spanish
    assert 'href="/states/FL?lang=es"' in spanish
    by_header = public_client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).text
    assert "Acuerdos por estado" in by_header
    english = public_client.get("/").text
    assert 'id="lang-switch" href="/?lang=es"' in english and "Agreements per state" in english


def test_spanish_pages_give_the_rules_and_the_models_in_spanish(public_client: TestClient) -> None:
    """The rules' titles and texts, each model's authorities and prohibitions, and an agency's kind were English on
    the Spanish pages."""
    spanish = public_client.get("/rules?lang=es").text
    assert "Solo se pueden servir órdenes I-200 e I-205" in spanish and "Only I-200 and I-205" not in spanish
    assert "Only I-200 and I-205 warrants may be served" in public_client.get("/rules").text
    data = public_client.get("/api/rules").json()
    jail_only = next(r for r in data["rules"] if r["id"] == "WSO-JAIL-ONLY")
    assert jail_only["title_es"] == "Servir solo dentro de la cárcel de la propia agencia"
    wso_agency = next(s for s in public_client.get("/api/states/FL").json()["agencies"] if "WSO" in s["active_models"])
    page = public_client.get(f"/agencies/{wso_agency['id']}", params={"lang": "es"}).text
    assert "✗ interrogar a nadie sobre ciudadanía, extranjería o deportabilidad" in page
    assert "questioning anyone about citizenship" not in page
    assert " · condado" in page or " · municipal" in page or " · estatal" in page


def test_state_page_and_api(public_client: TestClient) -> None:
    data = public_client.get("/api/states/fl").json()
    assert data["code"] == "FL" and data["name"] == "Florida"
    assert {e["model"] for e in data["eligibility"]} == {"TFM", "JEM", "WSO"}
    assert data["agreements_active"] == sum(data["by_model"].values()) > 0
    assert len(data["agencies"]) > 0
    page = public_client.get("/states/FL").text
    for law in data["laws"]:
        assert law["citation"] in page.replace("&amp;", "&").replace("&#39;", "'")
    assert data["agencies"][0]["name"].replace("&", "&amp;").replace("'", "&#39;") in page
    assert public_client.get("/api/states/XX").status_code == 404
    assert public_client.get("/states/XX").status_code == 404


def test_a_state_without_agencies_says_so_instead_of_an_empty_table(public_client: TestClient) -> None:
    assert public_client.get("/api/states/HI").json()["agencies"] == []
    page = public_client.get("/states/HI").text
    assert 'id="no-agencies"' in page and 'id="agencies"' not in page
    assert "ICE's spreadsheets list no agency in this state." in page.replace("&#39;", "'")
    assert 'id="agencies"' in public_client.get("/states/FL").text


def test_mandate_coverage_counts_counties_where_known(public_client: TestClient) -> None:
    mandates = [law for law in state_laws() if law.stance == "mandates" and law.binds_kind("county")]
    assert mandates
    code = mandates[0].state
    coverage = public_client.get(f"/api/states/{code}").json()["coverage"]
    assert coverage["counties_covered"] + len(coverage["uncovered"]) == coverage["counties_total"] > 0
    # the page says what the figures count (it showed "77 / 254" and a bare "177")
    page = public_client.get(f"/states/{code}").text
    covered, total, missing = coverage["counties_covered"], coverage["counties_total"], len(coverage["uncovered"])
    assert f"in {covered} of the state&#39;s {total} counties, the sheriff has an agreement" in page
    assert (f"<summary>The {missing} counties whose sheriff has none</summary>" in page) == (missing > 0)
    assert public_client.get("/api/states/CA").json()["coverage"] is None


def test_agency_page_shows_each_agreements_life_and_the_law_each_day(public_client: TestClient) -> None:
    found = public_client.get("/api/search", params={"q": "sheriff", "state": "FL"}).json()
    assert found
    agency_id = found[0]["id"]
    data = public_client.get(f"/api/agencies/{agency_id}").json()
    assert data["agreements"] and data["models"]
    for agreement in data["agreements"]:
        spans = agreement["state_law"]
        assert spans and spans[0]["start"] <= agreement["first_listed"]
        assert all(a["end"] < b["start"] for a, b in itertools.pairwise(spans))
    page = public_client.get(f"/agencies/{agency_id}").text
    assert data["name"].replace("&", "&amp;").replace("'", "&#39;") in page
    for agreement in data["agreements"]:
        assert f'id="agreement-{agreement["id"]}"' in page
        if agreement["moa_url"]:
            assert agreement["moa_url"].replace("&", "&amp;") in page
    assert public_client.get("/api/agencies/no-such-agency").status_code == 404
    assert public_client.get("/agencies/no-such-agency").status_code == 404


def test_rules_page_lists_every_rule_with_its_citation(public_client: TestClient) -> None:
    data = public_client.get("/api/rules").json()
    assert [r["id"] for r in data["rules"]] == [r.id for r in rules()]
    assert {m["model"] for m in data["models"]} == {"TFM", "JEM", "WSO"}
    page = public_client.get("/rules").text
    for required in ("WSO-48H", "WSO-JAIL-ONLY", "WSO-WARRANT-FORMS", "STATE-LAW"):
        assert f'id="rule-{required}"' in page


def test_search(public_client: TestClient) -> None:
    hits = public_client.get("/api/search", params={"q": "county"}).json()
    assert hits and all("county" in h["name"].lower() or h["county"] for h in hits)
    assert public_client.get("/api/search", params={"q": "x", "state": "Narnia"}).status_code == 400
    page = public_client.get("/search", params={"q": "county", "lang": "es"}).text
    assert "Buscar agencias" in page and hits[0]["id"] in page
    assert "Ninguna agencia coincide" in public_client.get("/search?q=zzzzqqqq&lang=es").text


def test_an_empty_database_still_serves_the_overview(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "No snapshot" in page.text
    assert client.get("/api/overview").json()["total"] == 0


def test_one_publication_day_says_there_is_nothing_to_compare(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    """A registry holding one publication day only (ICE's two files of 2025-07-03 pm): "What changed" stood empty
    under its heading."""
    with sqlite_db.session() as session:
        ingest(session, [bundled_path()], clock=clock)
    page = client.get("/").text
    assert 'id="no-changes"' in page and "nothing to compare yet" in page
    assert client.get("/api/overview").json()["changes"] is None
    assert "todavía no hay nada que comparar" in client.get("/?lang=es").text


def test_api_docs_load_nothing_from_another_server(public_client: TestClient) -> None:
    # FastAPI's default Swagger page loads its script and CSS from a CDN and shows a validator badge fetched from
    # validator.swagger.io: every visitor's address would reach third parties. The page uses vendored copies.
    page = public_client.get("/api/docs")
    assert page.status_code == 200
    refs = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert refs and all(ref.startswith(("/", "data:")) for ref in refs), refs
    assert "cdn" not in page.text.lower() and '"validatorUrl": null' in page.text
    for ref in refs:
        if ref.startswith("/"):
            assert public_client.get(ref).status_code == 200, ref
    spec = public_client.get("/api/openapi.json").json()
    assert "/api/docs" not in spec["paths"] and "/api/overview" in spec["paths"]
