"""The public-page cache: anonymous GETs of public paths are answered from memory for a few seconds; the console,
sign-in, signed-in visitors, other languages or days, and answers that are not a plain 200 always reach the app."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from wso.web import pagecache
from wso.web.pagecache import PublicPageCache


@pytest.fixture
def counted() -> tuple[FastAPI, dict[str, int], list[date]]:
    app = FastAPI()
    calls: dict[str, int] = {}
    today = [date(2025, 6, 2)]

    def hit(name: str) -> int:
        calls[name] = calls.get(name, 0) + 1
        return calls[name]

    @app.get("/")
    def home() -> dict[str, int]:
        return {"n": hit("/")}

    @app.get("/console")
    def console() -> dict[str, int]:
        return {"n": hit("/console")}

    @app.get("/missing")
    def missing(response: Response) -> dict[str, int]:
        response.status_code = 404
        return {"n": hit("/missing")}

    @app.get("/cookie")
    def cookie(response: Response) -> dict[str, int]:
        response.set_cookie("wso_session", "x")
        return {"n": hit("/cookie")}

    app.add_middleware(PublicPageCache, today=lambda: today[0])
    return app, calls, today


def test_anonymous_public_gets_are_served_from_memory(counted: tuple[FastAPI, dict[str, int], list[date]]) -> None:
    app, _, today = counted
    client = TestClient(app)
    assert client.get("/").json() == {"n": 1}
    assert client.get("/").json() == {"n": 1}
    assert client.get("/?lang=es").json() == {"n": 2}  # another language is another page
    assert client.get("/", headers={"accept-language": "es"}).json() == {"n": 3}
    assert client.get("/", headers={"accept-language": "es-MX,es;q=0.9"}).json() == {"n": 3}
    assert client.get("/", headers={"accept-language": "en-US"}).json() == {"n": 1}
    today[0] = date(2025, 6, 3)  # a new day: pages that depend on today are computed again
    assert client.get("/").json() == {"n": 4}


def test_private_paths_signed_in_visitors_and_odd_answers_are_never_cached(
    counted: tuple[FastAPI, dict[str, int], list[date]],
) -> None:
    app, _, _ = counted
    client = TestClient(app)
    assert [client.get("/console").json()["n"] for _ in range(2)] == [1, 2]
    assert [client.get("/missing").json()["n"] for _ in range(2)] == [1, 2]
    assert [client.get("/cookie").json()["n"] for _ in range(2)] == [1, 2]
    client.cookies.set("wso_session", "signed")
    assert [client.get("/").json()["n"] for _ in range(2)] == [1, 2]


def test_entries_expire_and_the_oldest_go_first(
    counted: tuple[FastAPI, dict[str, int], list[date]], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, _ = counted
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    client = TestClient(app)
    assert client.get("/").json() == {"n": 1}
    now[0] += 9.9
    assert client.get("/").json() == {"n": 1}
    now[0] += 0.2
    assert client.get("/").json() == {"n": 2}
    inner = FastAPI()
    computed: list[str] = []

    @inner.get("/")
    def page(q: str) -> str:
        computed.append(q)
        return q

    small = TestClient(PublicPageCache(inner, today=lambda: date(2025, 6, 2), max_entries=2))
    for query in ("a", "b", "c", "a", "c"):
        assert small.get(f"/?q={query}").json() == query
    assert computed == ["a", "b", "c", "a"]  # "a" was dropped for "c", so computed again; "c" was kept


def test_compressed_and_plain_answers_are_kept_apart_and_gzip_runs_once() -> None:
    """gzip sits inside the cache: a cached page is sent as stored, compressed or not, without compressing it
    again (compressing the 176 KB overview costs far more than serving it from memory)."""
    from fastapi.middleware.gzip import GZipMiddleware

    inner = FastAPI()
    calls = [0]

    @inner.get("/big")
    def big() -> Response:
        calls[0] += 1
        return Response("x" * 5000, media_type="text/plain")

    cache = PublicPageCache(GZipMiddleware(inner, minimum_size=1000), today=lambda: date(2025, 6, 2))
    client = TestClient(cache)
    for _ in range(2):
        packed = client.get("/big", headers={"accept-encoding": "gzip"})
        assert packed.headers["content-encoding"] == "gzip" and packed.text == "x" * 5000
    assert calls[0] == 1
    for _ in range(2):
        plain = client.get("/big", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.text == "x" * 5000
    assert calls[0] == 2
    bodies = sorted(entry.body[:2] for entry in cache._entries.values())
    assert bodies == [b"\x1f\x8b", b"xx"]  # one stored compressed, one plain
