"""Every error a browser can reach is an HTML page in the site's style; /api/... keeps FastAPI's JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import sign_in

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _is_page(response: object, status: int) -> str:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    text: str = response.text  # type: ignore[attr-defined]
    assert 'id="error"' in text and f'data-status="{status}"' in text
    assert '<link rel="stylesheet" href="/static/style.css">' in text
    assert '{"detail"' not in text
    return text


def test_public_404_is_a_page_and_the_api_404_stays_json(client: TestClient) -> None:
    text = _is_page(client.get("/no/such/page", headers=HTML), 404)
    assert "Not found" in text
    api = client.get("/api/no/such/thing", headers=HTML)
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    # a client that does not ask for HTML keeps JSON on any path
    assert client.get("/no/such/page").json() == {"detail": "Not Found"}


def test_the_404_page_speaks_spanish_when_asked(client: TestClient) -> None:
    text = _is_page(client.get("/no/such/page?lang=es", headers=HTML), 404)
    assert "No encontrado" in text and 'lang="es"' in text


def test_405_is_a_page(client: TestClient) -> None:
    text = _is_page(client.post("/", headers=HTML), 405)
    assert "does not take that kind of request" in text
    assert client.post("/api/overview", headers=HTML).json() == {"detail": "Method Not Allowed"}


def test_stale_csrf_token_is_a_page_that_says_what_to_do(client: TestClient) -> None:
    sign_in(client, "clerk")
    response = client.post(
        "/console/records",
        data={"csrf_token": "stale", "agency": "x"},
        headers={**HTML, "referer": "http://testserver/console/records"},
    )
    text = _is_page(response, 403)
    assert 'id="stale-form"' in text and "Nothing was changed" in text
    assert 'href="http://testserver/console/records" id="error-back"' in text
    assert "(clerk)" in text  # the header still shows who is signed in
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_a_foreign_referer_is_not_offered_as_the_way_back(client: TestClient) -> None:
    sign_in(client, "clerk")
    response = client.post(
        "/console/records", data={"csrf_token": "stale"}, headers={**HTML, "referer": "https://evil.example/x"}
    )
    assert "evil.example" not in _is_page(response, 403)


def test_forbidden_is_a_page_and_the_api_refusal_stays_json(client: TestClient, users: dict[str, str]) -> None:
    token = sign_in(client, "auditor")
    text = _is_page(client.post("/console/records", data={"csrf_token": token}, headers=HTML), 403)
    assert "may only read" in text and "Not allowed" in text
    api = client.post("/api/console/records", json={}, headers={**HTML, "x-csrf-token": token})
    assert api.status_code == 403 and "may only read" in api.json()["detail"]


def test_bad_form_input_is_a_page_naming_the_field(client: TestClient) -> None:
    text = _is_page(client.post("/records/letter", data={}, headers=HTML), 422)
    assert "<li>state: Field required</li>" in text
    api = client.post("/api/records/letter", json={}, headers=HTML)
    assert api.status_code == 422 and isinstance(api.json()["detail"], list)
