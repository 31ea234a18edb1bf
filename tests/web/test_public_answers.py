"""Public pages that finish the answer (issue 19): pending agreements named as pending, counts that add up, a
mandate described as the law words it, search with near matches that says what "no match" means in the state,
shareable search addresses, a banner when ICE's newest list is old, and compressed responses. Over three real
snapshots of ICE's lists, on the day of the issue (2026-12-03) and on the fixtures' day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.settings import get_settings
from wso.store import Database
from wso.web.app import create_app

DAY = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def late_client(public_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings(), public_db, FixedClock(DAY)), follow_redirects=False) as c:
        yield c


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&amp;", "&")


def test_state_agencies_add_up_to_the_total_above_them(late_client: TestClient) -> None:
    data = late_client.get("/api/states/TX").json()
    assert sum(a["in_force"] for a in data["agencies"]) == data["agreements_active"] > 0
    page = late_client.get("/states/TX").text
    assert f'<td class="num" id="agencies-sum">{data["agreements_active"]}</td>' in page
    rows = re.findall(r"<tr><td><a href=\"/agencies/[^\"]+\">.*?</tr>", page.split('id="agencies"', 1)[1])
    assert len(rows) == len(data["agencies"])
    cells = [[text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]
    assert sum(int(c[5]) for c in cells) == data["agreements_active"]


def test_pending_agreements_are_named_pending_on_the_state_page(late_client: TestClient) -> None:
    data = late_client.get("/api/states/TX").json()
    pending = [a for a in data["agencies"] if a["pending_models"]]
    assert pending and data["pending"] >= len(pending)
    page = late_client.get("/states/TX").text
    for agency in pending:
        name = agency["name"].replace("'", "&#39;")
        row = page.split(name, 1)[1].split("</tr>", 1)[0]
        assert f"{', '.join(agency['pending_models'])} (pending)" in row, agency["name"]
        assert row.count("<td") == 5  # kind, county, in force, pending, count: no cell left blank without a word
    # the coverage's uncovered counties with a pending agreement are said to be pending, not simply "none"
    assert data["pending_counties"] and set(data["pending_counties"]) <= set(data["coverage"]["uncovered"])
    said = page.split('<p id="uncovered-pending">', 1)[1].split("</p>", 1)[0]
    assert "pending (applied for, not in force)" in said
    assert all(county in said for county in data["pending_counties"])


def test_a_mandate_is_described_as_the_law_words_it(late_client: TestClient) -> None:
    page = text(late_client.get("/states/TX").text)
    assert "mandates one 287(g) agreement, of any of TFM, JEM, WSO" in page
    assert "What TX-SB8-2025 requires, as the law words it: every sheriff operating a jail: must hold a 287(g) " in page
    assert "one agreement of any model the law names is enough" in page
    assert "mandates 287(g) agreements (TFM, JEM, WSO)" not in page


def test_search_finds_the_county_and_near_matches_and_says_what_no_match_means(late_client: TestClient) -> None:
    answer = late_client.get("/api/search/answer", params={"q": "Harris", "state": "TX"}).json()
    assert answer["matches"] == []
    assert [(c["county"], c["state"], c["listed"]) for c in answer["counties"]] == [("Harris", "TX", "none")]
    assert [a["name"] for a in answer["near"]] == ["Harrison County Sheriff's Office"]
    assert [(s["state"], s["stance"]) for s in answer["no_match"]] == [("TX", "mandates")]
    page = text(late_client.get("/search", params={"q": "Harris"}).text)
    assert "Harris County, Texas: ICE lists no agreement of its sheriff." in page
    assert "Texas requires one: every sheriff operating a jail: must hold a 287(g) agreement" in page
    assert page.index("Harris County, Texas") < page.index("Near matches") < page.index("Harrison County Sheriff")

    travis = text(late_client.get("/search", params={"q": "Travis"}).text)
    assert "No agency matches." in travis and "an agency not found here has no agreement ICE lists" in travis
    assert "Travis County, Texas: ICE lists no agreement of its sheriff." in travis
    assert "Texas requires one:" in travis
    es = text(late_client.get("/search", params={"q": "Travis", "lang": "es"}).text)
    assert "Condado de Travis, Texas: ICE no lista ningún acuerdo de su sheriff." in es
    assert "Texas lo exige: cada sheriff que administra una cárcel: debe tener un acuerdo 287(g)" in es


def test_a_misspelt_name_offers_close_spellings(late_client: TestClient) -> None:
    answer = late_client.get("/api/search/answer", params={"q": "Hardy", "state": "FL"}).json()
    assert answer["matches"] == [] and any(a["name"].startswith("Hardee County") for a in answer["near"])
    exact = late_client.get("/api/search/answer", params={"q": "Hardee County"}).json()
    assert exact["matches"] and all("Hardee" in a["name"] for a in exact["matches"])


def test_a_search_has_a_shareable_address(late_client: TestClient) -> None:
    page = late_client.get("/search", params={"q": "Harris", "state": "TX"}).text
    assert '<form method="get" action="/search"' in page and 'hx-push-url="true"' in page
    assert 'value="Harris"' in page and '<option value="TX" selected>' in page


def test_an_old_list_raises_a_banner_on_every_public_page(late_client: TestClient, public_client: TestClient) -> None:
    for path in ("/", "/states/TX", "/search?q=x", "/rules", "/records", "/moa"):
        page = text(late_client.get(path).text)
        assert "ICE's newest list here is 518 days old." in page, path
        assert "published on 2025-07-03; today is 2026-12-03" in page and "wso registry fetch" in page
    assert "La lista más reciente de ICE aquí tiene 518 días." in late_client.get("/?lang=es").text
    # on the fixtures' own day the newest list is fresh: no banner
    assert 'id="stale-banner"' not in public_client.get("/").text


def test_responses_are_compressed_for_browsers_that_accept_it(public_client: TestClient) -> None:
    packed = public_client.get("/", headers={"Accept-Encoding": "gzip"})  # first: the page cache stores it
    raw = public_client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert packed.headers["content-encoding"] == "gzip" and packed.text == raw.text
    assert int(packed.headers["content-length"]) < len(raw.content) / 2
    # the page cache keeps what it stored uncompressed: each visitor gets what it asked for
    again = public_client.get("/", headers={"Accept-Encoding": "gzip"})
    assert again.headers["content-encoding"] == "gzip" and again.text == raw.text
    plain = public_client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == raw.content


@pytest.mark.parametrize("state", ["TX", "IL", "MD", "CA", "VA"])
def test_spanish_state_pages_give_the_law_in_spanish(late_client: TestClient, state: str) -> None:
    english = late_client.get(f"/api/states/{state}").json()["laws"]
    page = text(late_client.get(f"/states/{state}", params={"lang": "es"}).text)
    for law in english:
        assert law["note"] not in page and law["requirement"] not in page, law["id"]
        assert f"confianza: {dict(high='alta', medium='media', low='baja')[law['confidence']]}" in page
    assert "confidence" not in page


def test_spanish_rules_page_gives_severities_in_spanish(late_client: TestClient) -> None:
    page = text(late_client.get("/rules", params={"lang": "es"}).text)
    assert " infracción " in page and " violation " not in page


def test_every_status_an_agreement_can_have_is_named_on_its_agency_page(public_client: TestClient) -> None:
    """An agreement whose SIGNED date ICE corrected has the status "corrected": its agency page must name it (in
    both languages) as it names active, pending and removed ones."""
    from wso.web.i18n import MESSAGES

    statuses = {"active", "removed", "pending", "corrected"}  # AgreementView.status
    assert all(f"status.{s}" in MESSAGES for s in statuses)
    changed = public_client.get("/api/overview").json()["changes"]["changed"]
    assert changed
    shown = []
    for agency_id in {c["agency_id"] for c in changed}:
        for lang in ("en", "es"):
            page = public_client.get(f"/agencies/{agency_id}", params={"lang": lang})
            assert page.status_code == 200
            shown.append("corrected signing date" in page.text or "fecha de firma corregida" in page.text)
    assert any(shown)
