"""A pending agreement (applied for, not in force) reads as pending wherever it appears, never as a blank cell."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from wso.web.i18n import translator
from wso.web.rendering import TEMPLATES


def _dallam(client: TestClient) -> str:
    """Dallam County's sheriff: ICE lists its WSO agreement as pending only (filed with issue 19)."""
    found = client.get("/api/search", params={"q": "Dallam County", "state": "TX"}).json()
    agency = client.get(f"/api/agencies/{found[0]['id']}").json()
    assert [(g["model"], g["status"], g["signed"]) for g in agency["agreements"]] == [("WSO", "pending", None)]
    return str(found[0]["id"])


def test_the_agency_page_says_a_pending_agreement_is_not_signed_yet(public_client: TestClient) -> None:
    agency = _dallam(public_client)
    english = public_client.get(f"/agencies/{agency}").text
    cell = re.search(r'<td id="signed-[^"]+">(.*?)</td>', english, flags=re.S)
    assert cell and "not signed: pending with ICE" in cell.group(1)
    spanish = public_client.get(f"/agencies/{agency}?lang=es").text
    assert "sin firmar: pendiente ante ICE" in spanish


def test_no_signed_cell_of_an_agency_page_is_blank(public_client: TestClient) -> None:
    for query in ("Dallam County", "Burnet County", "Harris"):
        for hit in public_client.get("/api/search", params={"q": query, "state": "TX"}).json()[:3]:
            page = public_client.get(f"/agencies/{hit['id']}").text
            cells = re.findall(r'<td id="signed-[^"]+">(.*?)</td>', page, flags=re.S)
            assert cells and all(c.strip() for c in cells), (hit["name"], cells)


def test_the_overview_names_each_changes_status_and_leaves_no_signed_cell_blank(public_client: TestClient) -> None:
    changes = public_client.get("/api/overview").json()["changes"]
    rows = changes["added"] + changes["removed"] + changes["changed"]
    assert rows and all(r["status"] in ("active", "pending", "removed") for r in rows)
    page = public_client.get("/").text
    tables = re.findall(r"<h3>.*?</h3>\s*<table.*?</table>", page, flags=re.S)
    assert tables
    for table in tables:
        for row in re.findall(r"<tr><td><a.*?</tr>", table, flags=re.S):
            assert "<td></td>" not in row, row


def test_the_cells_say_pending_or_no_date_in_both_languages() -> None:
    template = TEMPLATES.env.from_string(
        '{% import "_signed.html" as cells with context %}'
        '[{{ cells.signed_cell(None, "pending") }}|{{ cells.signed_cell(None, "active") }}|'
        '{{ cells.signed_cell("2025-02-01", "pending") }}|{{ cells.model_cell("WSO", "pending") }}]'
    )
    english = template.render(t=translator("en"))
    assert english == (
        '[<span class="pending">not signed: pending with ICE</span>|'
        '<span class="unknown">no date in ICE&#39;s list</span>|2025-02-01|'
        'WSO <span class="pending">(pending)</span>]'
    )
    spanish = template.render(t=translator("es"))
    assert "sin firmar: pendiente ante ICE" in spanish and "sin fecha en la lista de ICE" in spanish
    assert "(pendiente)" in spanish
