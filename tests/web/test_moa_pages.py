"""The MOA pages and API: /moa with search, /moa/deviations, /moa/{id}, /api/moa..., and the agency page's MOA
section (its MOA matched through the registry by ICE's own link)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import MOA_DIR
from tests.moa.conftest import ADDENDUM, BORN_DIGITAL, GOOD_LAYER
from wso import registry
from wso.clock import FixedClock
from wso.moa import FakeRecognizer, deviations, ingest
from wso.moa.match import Matcher
from wso.moa.models import MoaDocument, MoaRuleCheck
from wso.store import Database


def load(database: Database) -> None:
    report = ingest(database, [GOOD_LAYER, ADDENDUM], FixedClock(datetime(2026, 12, 1, tzinfo=UTC)),
                    recognizer=FakeRecognizer())  # fmt: skip
    assert len(report.read) == 2


def test_the_agency_page_shows_its_moa_matched_by_ices_link(public_db: Database, public_client: TestClient) -> None:
    load(public_db)
    listed = public_client.get("/api/moa").json()
    charlotte = next(d for d in listed if d["file"] == GOOD_LAYER.name)
    assert charlotte["registry_agency_id"] and charlotte["ice_url"].endswith(GOOD_LAYER.name)
    agency = public_client.get(f"/api/agencies/{charlotte['registry_agency_id']}").json()
    assert [m["file"] for m in agency["moas"]] == [GOOD_LAYER.name]
    moa = agency["moas"][0]
    assert moa["how_read"] == "text layer" and moa["template"] == "WSO 2019" and len(moa["text"]) == 12
    page = public_client.get(f"/agencies/{charlotte['registry_agency_id']}").text
    assert "Its MOA" in page and GOOD_LAYER.name in page and "WSO 2019" in page
    assert f'href="{charlotte["ice_url"]}"' in page
    assert "<h4>page 1</h4>" in page and "<h4>page 12</h4>" in page  # its text, page by page, labelled
    spanish = public_client.get(f"/agencies/{charlotte['registry_agency_id']}?lang=es").text
    assert "Su MOA" in spanish


def test_an_agency_without_an_moa_read_says_so(public_client: TestClient) -> None:
    found = public_client.get("/api/search", params={"q": "sheriff", "state": "TX"}).json()
    page = public_client.get(f"/agencies/{found[0]['id']}").text
    assert "No signed MOA of this agency has been read." in page


def test_moa_search_page_and_api(sqlite_db: Database, client: TestClient) -> None:
    load(sqlite_db)
    hits = client.get("/api/moa/search", params={"q": "reimbursable fee"}).json()
    assert hits and all("[[" in h["snippet"] for h in hits)
    page = client.get("/moa", params={"q": "reimbursable fee"}).text
    assert "<mark>reimbursable</mark>" in page.lower() and "page 8" in page
    assert 'class="search" role="search"' in page  # a landmark a screen reader can jump to, as /search has
    assert client.get("/api/moa/search", params={"q": "  "}).status_code == 400
    assert "Charlotte County Sheriffs Office" in client.get("/moa").text


def test_the_moa_api_refuses_a_model_none_of_the_programs_instead_of_answering_empty(
    sqlite_db: Database, client: TestClient
) -> None:
    load(sqlite_db)
    for path in ("/api/moa", "/api/moa/deviations"):
        refused = client.get(path, params={"model": "xyz"})
        assert refused.status_code == 400 and "model" in refused.json()["detail"] and "WSO" in refused.json()["detail"]
        assert client.get(path, params={"model": "wso"}).status_code == 200


def test_the_moa_api_takes_a_model_by_icess_long_name_as_the_cli_does(sqlite_db: Database, client: TestClient) -> None:
    load(sqlite_db)
    for path in ("/api/moa", "/api/moa/deviations"):
        by_code = client.get(path, params={"model": "WSO"})
        by_name = client.get(path, params={"model": "Warrant Service Officer"})
        assert by_name.status_code == 200, by_name.text
        assert by_name.json() == by_code.json()


def test_moa_document_deviations_and_diff(sqlite_db: Database, client: TestClient) -> None:
    load(sqlite_db)
    listed = client.get("/api/moa").json()
    one = listed[0]["id"]
    detail = client.get(f"/api/moa/{one}").json()
    assert detail["pages"][0]["text"] and detail["fields"]["model"]["value"] in ("WSO", "JEM")
    assert client.get(f"/api/moa/{one}/diff").json()["against_kind"] == "template"
    assert client.get(f"/api/moa/{one}/diff?against=").json()["against_kind"] == "template"  # empty: its own
    page = client.get(f"/moa/{one}").text
    assert 'id="page-1"' in page
    assert client.get("/moa/deviations").status_code == 200
    rows = client.get("/api/moa/deviations").json()
    assert all(r["status"] in ("changed", "missing", "added") for r in rows)
    assert client.get("/api/moa/nothing-like-this").status_code == 404
    assert client.get("/moa/nothing-like-this").status_code == 404


def test_every_rule_a_moa_page_links_to_is_an_anchor_of_the_rules_page(sqlite_db: Database, client: TestClient) -> None:
    # Waller County's WSO 2019 MOA: its IV.B (OFFICER-US-CITIZEN) differs from the template, so the deviations
    # page, its own page and its agency's section name rules; each link must land on that rule's row of /rules.
    waller = MOA_DIR / "287gWSO_WallerCoTx2020-02-12.pdf"
    ingest(sqlite_db, [waller], FixedClock(datetime(2026, 12, 1, tzinfo=UTC)), recognizer=FakeRecognizer())
    (document,) = client.get("/api/moa").json()
    anchors = set(re.findall(r'id="([^"]+)"', client.get("/rules").text))
    pages = [client.get("/moa/deviations").text, client.get(f"/moa/{document['id']}").text]
    linked = {fragment for page in pages for fragment in re.findall(r'href="/rules#([^"]+)"', page)}
    assert "rule-OFFICER-US-CITIZEN" in linked
    assert linked <= anchors, f"links to no row of /rules: {sorted(linked - anchors)}"


def test_an_moa_page_names_its_table_columns_and_speaks_spanish(sqlite_db: Database, client: TestClient) -> None:
    load(sqlite_db)
    one = next(d for d in client.get("/api/moa").json() if d["file"] == GOOD_LAYER.name)["id"]
    page = client.get(f"/moa/{one}").text
    assert "<th></th>" not in page and '<th scope="row">Model</th>' in page
    spanish = client.get(f"/moa/{one}?lang=es").text
    assert '<th scope="col">Campo</th>' in spanish and '<th scope="row">Plantilla</th>' in spanish
    assert "Cómo se leyó: capa de texto" in spanish and "página 1 · capa de texto" in spanish


def test_an_moa_with_no_name_or_state_read_is_matched_by_ices_link_in_any_state(public_db: Database) -> None:
    # Lee County's JEM MOA (the archive) reads "Lea Conaly Shans Otten" through OCR, and the 2025 templates some
    # agencies sent back leave the name blank: no state was read, so ICE's own link was never looked for.
    with public_db.session() as session:
        found = Matcher(session).match([BORN_DIGITAL.name], None, None, "WSO")
    assert found is not None and found.how == "ICE's link names this file" and found.confidence == 1.0
    assert found.state == "FL" and found.ice_url is not None and found.ice_url.endswith(BORN_DIGITAL.name)


def test_the_deviations_page_tells_a_rule_deviated_from_from_a_rule_carried(
    sqlite_db: Database, client: TestClient
) -> None:
    # App. A carries seven WSO rules: a clause changed by a word listed all seven alike, as if the MOA deviated
    # from each. Waller County's IV.B (OFFICER-US-CITIZEN) is changed; its rule check is here made to fail, as
    # Calhoun County's did (the archive), and only then does the page say the MOA deviates from the rule.
    waller = MOA_DIR / "287gWSO_WallerCoTx2020-02-12.pdf"
    ingest(sqlite_db, [waller], FixedClock(datetime(2026, 12, 1, tzinfo=UTC)), recognizer=FakeRecognizer())
    with sqlite_db.session() as session:  # (the pages are read once, after: public answers are cached 10 s)
        (before,) = [r for r in deviations(session) if r.clause == "IV.B"]
        assert before.rules == ("OFFICER-US-CITIZEN",) and before.flagged == ()
        sha256 = session.scalars(select(MoaDocument.sha256)).one()
        session.add(MoaRuleCheck(sha256=sha256, rule="OFFICER-US-CITIZEN", clause="IV.B", phrase="citizens",
                                 found=0.0, ok=False, page=1))  # fmt: skip
        session.commit()
    (row,) = [r for r in client.get("/api/moa/deviations").json() if r["clause"] == "IV.B"]
    assert row["flagged"] == ["OFFICER-US-CITIZEN"]
    page = client.get("/moa/deviations").text
    assert '<strong>deviates from rule <a href="/rules#rule-OFFICER-US-CITIZEN">' in page


def test_public_lists_name_an_moa_by_its_registry_agency_and_keep_the_name_as_read(
    public_db: Database, public_client: TestClient
) -> None:
    # OCR reads some agencies' names as garbage (Lee County's JEM MOA: "Lea Conaly Shans Otten", the archive):
    # a list naming MOAs so is no list. Charlotte's MOA is matched by ICE's own link; its name as read is here made
    # such garbage, and the lists, the search and the page's title name the registry's agency instead.
    load(public_db)
    with public_db.session() as session:
        document = session.scalars(select(MoaDocument).where(MoaDocument.name == GOOD_LAYER.name)).one()
        as_read = document.agency = "Lea Conaly Shans Otten"
        fields = json.loads(document.fields_json)
        fields["agency"] = {**fields["agency"], "value": as_read}
        document.fields_json = json.dumps(fields)
        agency = registry.get_agency(session, document.registry_agency_id or "")
        assert agency is not None
        session.commit()
    listed = {d["file"]: d for d in public_client.get("/api/moa").json()}
    charlotte = listed[GOOD_LAYER.name]
    assert charlotte["agency"] == as_read and charlotte["registry_agency"] == agency.name
    assert listed[ADDENDUM.name]["registry_agency"] is None or listed[ADDENDUM.name]["registry_agency_id"]
    page = public_client.get("/moa").text
    assert f">{escape(agency.name)}</a>" in page and "Lea Conaly" not in page
    hits = public_client.get("/moa", params={"q": "Charlotte"}).text
    assert f">{escape(agency.name)}</a>" in hits and "Lea Conaly" not in hits
    one = public_client.get(f"/moa/{charlotte['id']}").text
    assert f"<h1>{escape(agency.name)}" in one
    assert f"<td>{escape(as_read)}" in one  # the agency field: the name as read, where it was read


def test_the_deviations_page_is_paged_with_the_total_and_links_that_keep_the_filters(
    sqlite_db: Database, client: TestClient
) -> None:
    # /moa/deviations was one page of every deviation of every MOA (157 KB); it is paged as the console's lists are.
    waller = MOA_DIR / "287gWSO_WallerCoTx2020-02-12.pdf"
    ingest(sqlite_db, [waller, GOOD_LAYER], FixedClock(datetime(2026, 12, 1, tzinfo=UTC)), recognizer=FakeRecognizer())
    every = client.get("/api/moa/deviations").json()
    wso = [r for r in every if r["model"] == "WSO"]
    assert len(wso) >= 3
    first = client.get("/moa/deviations", params={"model": "WSO", "per_page": 1, "lang": "es"}).text
    assert f'id="page-of">Página 1 de {len(wso)} ({len(wso)} en total)' in first
    assert 'href="?lang=es&amp;model=WSO&amp;page=2&amp;per_page=1">Siguiente</a>' in first
    assert 'id="prev-page"' not in first and '<option value="WSO" selected>' in first
    second = client.get("/moa/deviations", params={"model": "WSO", "per_page": 1, "page": 2}).text
    assert f'id="page-of">Page 2 of {len(wso)} ({len(wso)} in all)' in second
    assert 'href="?model=WSO&amp;page=1&amp;per_page=1">Previous</a>' in second
    assert 'href="?model=WSO&amp;page=3&amp;per_page=1">Next</a>' in second
    assert len(re.findall(r"<tr><td><a href=\"/moa/\d+\">", second)) == 1
    everything = client.get("/moa/deviations").text  # 100 rows a page unless asked
    assert f"({len(every)} in all)" in everything
    assert len(re.findall(r"<tr><td><a href=\"/moa/\d+\">", everything)) == min(len(every), 100)


def test_the_deviations_page_refuses_a_model_none_of_the_programs_on_its_own_page(client: TestClient) -> None:
    for lang, words in (("en", "is no model of the program"), ("es", "no es un modelo del programa")):
        refused = client.get("/moa/deviations", params={"model": "xyz", "lang": lang})
        assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
        assert words in refused.text and "&#39;xyz&#39;" in refused.text and 'id="deviations-filter"' in refused.text


def test_a_bad_page_number_of_the_deviations_is_a_page_naming_it_in_the_pages_language(client: TestClient) -> None:
    english = client.get("/moa/deviations", params={"per_page": "0"})
    assert english.status_code == 422
    assert "<li>per_page: Input should be greater than or equal to 1</li>" in english.text
    spanish = client.get("/moa/deviations", params={"page": "0", "lang": "es"})
    assert spanish.status_code == 422 and "<li>page: 1 o más</li>" in spanish.text
