"""The public-records page and its API: each state's records law and what to ask for, in English and Spanish."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from wso.records import record_sets, state_facts


def test_api_lists_every_state_with_facts_and_every_record_set(public_client: TestClient) -> None:
    data = public_client.get("/api/records").json()
    assert [s["state"] for s in data["states"]] == list(state_facts())
    assert [s["id"] for s in data["sets"]] == [v.id for v in record_sets("en")]
    texas = next(s for s in data["states"] if s["state"] == "TX")
    assert texas["state_name"] == "Texas" and texas["citation"] == state_facts()["TX"].citation
    spanish = public_client.get("/api/records", params={"lang": "es"}).json()
    assert [s["title"] for s in spanish["sets"]] == [v.title for v in record_sets("es")]


def test_api_one_state_by_code_or_name_and_404_otherwise(public_client: TestClient) -> None:
    by_code = public_client.get("/api/records/fl").json()
    assert by_code == public_client.get("/api/records/Florida").json()
    assert by_code["state"] == "FL" and by_code["law_name"] == state_facts()["FL"].law_name
    missing = public_client.get("/api/records/XX")
    assert missing.status_code == 404 and "no public-records facts" in missing.json()["detail"]


def test_page_shows_a_chosen_states_law_and_what_to_ask_for(public_client: TestClient) -> None:
    page = public_client.get("/records", params={"state": "GA"})
    assert page.status_code == 200
    html = page.text.replace("&#39;", "'").replace("&amp;", "&")
    facts = state_facts()["GA"]
    assert f"Georgia: {facts.law_name}" in html and facts.citation in html and facts.appeal_to in html
    assert '<option value="GA" selected>' in html
    assert html.count('class="card recordset"') == len(record_sets("en"))
    assert public_client.get("/records", params={"state": "XX"}).status_code == 404
    spanish = public_client.get("/records", params={"lang": "es"}).text
    assert "Pida los registros que deja el programa" in spanish and 'id="records-state"' not in spanish


def test_every_link_in_the_public_navigation_resolves(public_client: TestClient) -> None:
    """The navigation linked to /records, a page no route served (it answered 404 on every page)."""
    nav = re.search(r"<nav.*?</nav>", public_client.get("/").text, re.S)
    assert nav is not None
    links = set(re.findall(r'href="(/[^"]*)"', nav.group(0)))
    assert "/records" in links
    statuses = {link: public_client.get(link.replace("&amp;", "&")).status_code for link in links}
    assert {link: code for link, code in statuses.items() if code not in (200, 303)} == {}
