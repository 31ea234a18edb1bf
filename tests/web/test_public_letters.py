"""Letters from the site (issue 19): the records page's form and its API make the same letter as
`wso records letter` (PDF, DOCX, text; English or Spanish), store nothing, and refuse with a reason; agency pages
link to the form. The records facts are in Spanish on Spanish pages. The console's tracker no longer takes
"Harris" to mean Harrison County, and a draft no longer says Texas has no deadline."""

from __future__ import annotations

import io
import re

import docx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from tests.web.conftest import NOW, sign_in
from wso.cli.main import app as cli
from wso.records import list_requests, state_facts
from wso.settings import get_settings
from wso.store import Database

NAME = "Ana Pérez Requester"


def form(client: TestClient, state: str = "TX", **fields: object) -> dict[str, object]:
    page = client.get("/records", params={"state": state}).text
    agency = re.search(r'<option value="([^"]+)" >Burnet County Sheriff', page) if state == "TX" else None
    data: dict[str, object] = {"state": state, "requester_name": NAME, "format": "md", "letter_lang": "en"}
    if agency:
        data["agency_id"] = agency.group(1)
    return {**data, **fields}


def test_the_records_page_offers_the_letter_with_agencies_from_the_registry(public_client: TestClient) -> None:
    page = public_client.get("/records", params={"state": "TX"}).text
    assert 'id="letter-form"' in page and 'action="/records/letter"' in page
    assert "Burnet County Sheriff&#39;s Office</option>" in page and 'name="requester_name"' in page
    for fmt in ("pdf", "docx", "md"):
        assert f'name="format" value="{fmt}"' in page
    assert 'id="letter-choose-state"' in public_client.get("/records").text


def test_the_site_gives_the_same_letter_as_the_cli(
    public_client: TestClient, public_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = public_client.post("/records/letter", data=form(public_client))
    assert made.status_code == 200, made.text
    assert made.headers["content-type"].startswith("text/plain")
    disposition = made.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "burnet-county-sheriff-s-office" in disposition
    assert made.headers["cache-control"] == "no-store"
    monkeypatch.setenv("WSO_DATABASE_URL", public_db.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    args = ["records", "letter", "--agency", "Burnet County Sheriff's Office", "--state", "TX"]
    result = CliRunner().invoke(cli, [*args, "--requester-name", NAME, "--on", NOW.date().isoformat()])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert made.text == result.stdout
    assert "Tex. Gov't Code ch. 552" in made.text and NAME in made.text


def test_pdf_and_docx_in_spanish(public_client: TestClient) -> None:
    pdf = public_client.post("/records/letter", data=form(public_client, format="pdf", letter_lang="es"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Solicitud de registros públicos" in text and "Burnet County Sheriff" in text
    word = public_client.post("/records/letter", data=form(public_client, format="docx"))
    assert word.headers["content-type"].endswith("wordprocessingml.document")
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert NAME in body and "Burnet County Sheriff's Office" in body


def test_the_api_makes_the_letter_and_stores_nothing(public_client: TestClient, public_db: Database) -> None:
    with public_db.session() as session:
        before = len(list_requests(session))
    body = {"state": "TX", "agency": "Burnet County Sheriff's Office", "requester_name": NAME, "format": "md"}
    made = public_client.post("/api/records/letter", json=body)
    assert made.status_code == 200 and "Burnet County Sheriff's Office" in made.text
    with public_db.session() as session:
        assert len(list_requests(session)) == before == 0
    refused = public_client.post("/api/records/letter", json={**body, "requester_name": " "})
    assert refused.status_code == 400 and "requester" in refused.json()["detail"]
    assert public_client.post("/api/records/letter", json={**body, "state": "ZZ"}).status_code == 400
    assert public_client.post("/api/records/letter", json={**body, "format": "html"}).status_code == 400
    other_state = public_client.post("/api/records/letter", json={**body, "agency": None, "agency_id": "nope"})
    assert other_state.status_code == 400 and "choose one from the list" in other_state.json()["detail"]


def test_a_refused_form_comes_back_with_what_was_typed(public_client: TestClient) -> None:
    refused = public_client.post("/records/letter", data=form(public_client, requester_name="", agency="Nixon"))
    assert refused.status_code == 400 and 'id="letter-error"' in refused.text
    assert 'value="Nixon"' in refused.text and refused.headers["cache-control"] == "no-store"


def test_harris_is_not_taken_to_mean_harrison(public_client: TestClient) -> None:
    made = public_client.post("/records/letter", data=form(public_client, agency_id="", agency="Harris"))
    assert made.status_code == 200
    assert "Harrison County Sheriff's Office" in made.text and "only resemble" in made.text
    first = made.text.split("Harrison", 1)[0]
    assert "Harris" in first  # addressed to the name given, not to Harrison


def test_agency_pages_link_to_the_letter(public_client: TestClient) -> None:
    found = public_client.get("/api/search", params={"q": "Burnet", "state": "TX"}).json()[0]
    page = public_client.get(f"/agencies/{found['id']}").text
    link = f"/records?state=TX&amp;agency={found['id']}#letter"
    assert f'<p id="records-letter"><a href="{link}">' in page
    chosen = public_client.get(f"/records?state=TX&agency={found['id']}").text
    assert f'<option value="{found["id"]}" selected>' in chosen


def test_records_facts_are_in_spanish_on_spanish_pages(public_client: TestClient) -> None:
    facts = state_facts()["TX"]
    page = public_client.get("/records", params={"state": "TX", "lang": "es"}).text.replace("&#39;", "'")
    assert facts.deadline_text not in page and facts.fees_note not in page and facts.appeal_to not in page
    assert "10 días hábiles" in page and "confianza: alta" in page
    api = public_client.get("/api/records", params={"lang": "es"}).json()
    texas = next(s for s in api["states"] if s["state"] == "TX")
    assert texas["deadline_text"].startswith("Entregar «con prontitud»")


def test_the_tracker_keeps_the_name_given_and_a_draft_states_the_deadline(
    public_client: TestClient, public_db: Database
) -> None:
    csrf = sign_in(public_client, "clerk")
    created = public_client.post("/console/records", data={"csrf_token": csrf, "agency": "Harris", "state": "TX"})
    assert created.status_code == 303, created.text
    with public_db.session() as session:
        tracked = [(r.agency, r.agency_id) for r in list_requests(session)]
    assert tracked == [("Harris", None)]
    page = public_client.get(created.headers["location"]).text
    deadline = page.split('<span id="deadline">', 1)[1].split("</span>", 1)[0]
    assert deadline == "not sent yet: the answer is due 10 business days after it is sent"
    assert "no deadline in law" not in page
