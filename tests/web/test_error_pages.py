"""Every error a browser can reach is an HTML page in the site's style; /api/... keeps FastAPI's JSON."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import sign_in
from tests.web.test_route_guard import concrete
from wso.clock import FixedClock
from wso.settings import get_settings
from wso.store import Database
from wso.web.app import create_app, endpoints, routes
from wso.web.errors import is_page_route

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


# ---- every route, enumerated from the app: an error a browser meets is a page, the API's stays JSON ----------

SMALL_LIMIT = 2048  # the body cap of the app below, so that a "large" upload is a few kilobytes
# Left out of the signed-in sweep: signing out would end the session the sweep runs in.
SWEPT_LAST = {("POST", "/signout")}


def _is_html(response: Any, what: object) -> None:
    assert response.headers["content-type"].startswith("text/html"), (what, response.status_code, response.text[:200])
    assert '<link rel="stylesheet" href="/static/style.css">' in response.text, what
    assert '{"detail"' not in response.text, what


def _is_json(response: Any, what: object) -> None:
    assert response.headers["content-type"].startswith("application/json"), (what, response.status_code)
    assert "detail" in response.json(), what


@pytest.fixture
def small_app(sqlite_db: Database, clock: FixedClock, users: dict[str, str]) -> FastAPI:
    return create_app(get_settings().model_copy(update={"max_request_bytes": SMALL_LIMIT}), sqlite_db, clock)


def _browser_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(m, p) for m, p in endpoints(app) if not p.startswith("/api")]


def test_a_method_a_route_does_not_take_is_a_page_on_every_path(client: TestClient, app: FastAPI) -> None:
    methods: dict[str, set[str]] = {}
    for method, path in endpoints(app):
        methods.setdefault(path, set()).add(method)
    assert any(p.startswith("/console") for p in methods) and any(not p.startswith("/api") for p in methods)
    for path, allowed in methods.items():
        wrong = next(m for m in ("DELETE", "PUT", "PATCH") if m not in allowed)
        response = client.request(wrong, concrete(path), headers=HTML)
        assert response.status_code == 405, (wrong, path, response.status_code)
        if path.startswith("/api"):
            _is_json(response, path)
        else:
            text = _is_page(response, 405)
            assert "does not take that kind of request" in text


def test_a_body_over_the_cap_is_a_page_for_a_browser_and_json_for_the_api(small_app: FastAPI) -> None:
    body = b"x" * (SMALL_LIMIT * 2)
    with TestClient(small_app, follow_redirects=False) as client:
        token = sign_in(client, "admin")
        posts = [(m, p) for m, p in endpoints(small_app) if m == "POST"]
        assert any(p.startswith("/console") for _, p in posts) and any(p.startswith("/api") for _, p in posts)
        for _, path in posts:
            headers = {**HTML, "content-type": "application/x-www-form-urlencoded", "x-csrf-token": token}
            response = client.post(concrete(path), content=body, headers=headers)
            assert response.status_code == 413, (path, response.status_code)
            if path.startswith("/api"):
                _is_json(response, path)
            else:
                text = _is_page(response, 413)
                assert f"({SMALL_LIMIT} bytes)" in text
                assert "(admin)" in text, path  # the page knows who is signed in
        # a body without a length, cut off while it streams, gets the same page
        chunks = iter([b"a=" + b"x" * SMALL_LIMIT, b"x" * SMALL_LIMIT])
        form = {**HTML, "content-type": "application/x-www-form-urlencoded"}
        streamed = client.post("/console/records", content=chunks, headers=form)
        assert streamed.status_code == 413
        _is_page(streamed, 413)


def _sweep(client: TestClient, app: FastAPI, token: str) -> list[tuple[str, str, int]]:
    """Every browser route (`{...}` filled with "1"), a POST with an empty form but the session's token; each
    error answered must be an HTML page. Returns the (method, path, status) of the errors met."""
    met = []
    for method, path in _browser_routes(app):
        if (method, path) in SWEPT_LAST:
            continue
        data = {"csrf_token": token} if method == "POST" else None
        response = client.request(method, concrete(path), data=data, headers=HTML)
        if response.status_code >= 400:
            _is_html(response, (method, path))
            met.append((method, path, response.status_code))
    return met


def test_every_error_of_every_browser_route_is_a_page(client: TestClient, app: FastAPI) -> None:
    met = {status for _, _, status in _sweep(client, app, "")}  # signed out: redirects, refusals, 404s
    token = sign_in(client, "auditor")
    met |= {status for _, _, status in _sweep(client, app, token)}  # a read-only role: 403 on writes
    token = sign_in(client, "admin")
    met |= {status for _, _, status in _sweep(client, app, token)}  # 400, 404, 422 on empty forms
    met |= {status for _, _, status in _sweep(client, app, "stale")}  # a stale form token: 403
    assert {403, 404, 422} <= met, met


@pytest.mark.parametrize("path", ["/console/boom", "/boom"])
def test_a_server_error_is_a_page_that_tells_nothing_of_its_cause(app: FastAPI, path: str) -> None:
    def boom() -> None:
        raise RuntimeError("secret detail of the failure")

    app.add_api_route(path, boom, methods=["GET"])
    app.add_api_route("/api" + path, boom, methods=["GET"])
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        if path.startswith("/console"):
            sign_in(client, "clerk")
        response = client.get(path, headers=HTML)
        text = _is_page(response, 500)
        assert "The server failed" in text and "secret detail" not in text
        assert response.headers["x-frame-options"] == "DENY"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        api = client.get("/api" + path, headers=HTML)
        assert api.status_code == 500 and api.json() == {"detail": "Internal Server Error"}


# ---- a bad query parameter of a page is a page, whatever the client accepts; the API's stays JSON ------------


def _query_params(dependant: Any) -> list[Any]:
    return [*dependant.query_params, *(p for sub in dependant.dependencies for p in _query_params(sub))]


def _bad_value(param: Any) -> str:
    """A value the parameter's declared type or limits refuse, else one far longer than any search a page takes."""
    for rule in param.field_info.metadata:
        if getattr(rule, "max_length", None) is not None:
            return "x" * (rule.max_length + 1)
        if getattr(rule, "ge", None) is not None:
            return str(rule.ge - 1)
    if int in (param.field_info.annotation, *getattr(param.field_info.annotation, "__args__", ())):
        return "not-a-number"
    if getattr(param.field_info.annotation, "__origin__", None) is Literal:
        return "no-such-choice"
    return "x" * 5000


def _with_bad_query(app: FastAPI, page: bool) -> list[tuple[str, str, str]]:
    """(path, parameter, bad value) for every GET route with a query parameter: of the pages, or of the API."""
    found = []
    for path, route in routes(app):
        if "GET" not in (route.methods or ()) or path.startswith("/api") == page or is_page_route(route) != page:
            continue
        found += [(path, p.alias, _bad_value(p)) for p in _query_params(route.dependant)]
    return found


def test_no_page_answers_a_bad_query_parameter_with_json(client: TestClient, app: FastAPI) -> None:
    pages = _with_bad_query(app, page=True)
    assert {"/moa", "/search", "/moa/deviations", "/console/bookings"} <= {path for path, _, _ in pages}
    sign_in(client, "admin")  # the console's pages too
    for path, name, value in pages:
        response = client.get(concrete(path), params={name: value})  # a client that does not ask for HTML
        what = (path, name, response.status_code)
        _is_html(response, what)
        assert response.status_code in (200, 400, 422), what


def test_every_api_route_keeps_json_for_a_bad_query_parameter(client: TestClient, app: FastAPI) -> None:
    answers = _with_bad_query(app, page=False)
    assert {"/api/moa/search", "/api/console/bookings"} <= {path for path, _, _ in answers}
    sign_in(client, "admin")
    for path, name, value in answers:
        response = client.get(concrete(path), params={name: value}, headers=HTML)
        _is_json(response, (path, name, response.status_code))


@pytest.mark.parametrize(("lang", "words"), [("en", "q: at most 200 characters"), ("es", "q: como máximo 200")])
def test_a_search_too_long_is_its_page_naming_the_field_and_the_limit_with_the_form_kept(
    client: TestClient, lang: str, words: str
) -> None:
    long = "sheriff " * 30
    for path in ("/moa", "/search"):
        response = client.get(path, params={"q": long, "lang": lang})
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html"), path
        text = response.text
        length = f"this one has {len(long)}" if lang == "en" else f"este tiene {len(long)}"
        assert words in text and length in text, path
        assert f'name="q" value="{long}"' in text and 'role="search"' in text, path  # the form, as typed
        assert 'id="error"' not in text  # the page itself, not the site's error page


def test_the_error_page_names_a_bad_value_and_its_limit_in_the_pages_language(client: TestClient) -> None:
    # /records?state= of more than 40 characters was a 500 (the page built its LetterIn from it, which refused it)
    english = client.get("/records", params={"state": "x" * 41})
    assert english.status_code == 422 and "<li>state: String should have at most 40 characters</li>" in english.text
    spanish = client.get("/records", params={"state": "x" * 41, "lang": "es"})
    assert spanish.status_code == 422 and 'lang="es"' in spanish.text
    assert "<li>state: como máximo 40 caracteres</li>" in spanish.text and "Parte de lo enviado" in spanish.text


@pytest.mark.parametrize(("lang", "words"), [("en", "is no state"), ("es", "no es un estado")])
def test_a_search_in_no_state_says_so_on_its_page_instead_of_searching_everywhere(
    client: TestClient, lang: str, words: str
) -> None:
    # /search?state=Narnia answered as if no state had been given: every agency of that name, in any state
    response = client.get("/search", params={"q": "sheriff", "state": "Narnia", "lang": lang})
    assert response.status_code == 422 and words in response.text and "&#39;Narnia&#39;" in response.text
    assert 'name="q" value="sheriff"' in response.text and 'id="matches"' not in response.text
