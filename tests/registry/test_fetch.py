"""`wso registry fetch` against a local HTTP server (never the network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.registry.conftest import sheet
from wso import registry
from wso.cli.main import app
from wso.clock import FixedClock
from wso.registry.fetch import FetchError, fetch
from wso.store import Database

PARTICIPATING = sheet("20250704T151659Z", "participatingAgencies07032025pm.xlsx").read_bytes()
PENDING = sheet("20250704T151659Z", "pendingAgencies07032025pm.xlsx").read_bytes()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/doclib/participatingAgencies.xlsx":
            body, headers = PARTICIPATING, {}
        elif self.path == "/download/pending":
            body = PENDING
            headers = {"Content-Disposition": 'attachment; filename="pendingAgencies07032025pm.xlsx"'}
        else:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


CAPTURED = datetime(2025, 7, 4, 15, 16, 59, tzinfo=UTC)


def test_fetch_stores_a_capture_and_ingests_it(db: Database, server: str, tmp_path: Path) -> None:
    urls = {"participating": f"{server}/doclib/participatingAgencies.xlsx", "pending": f"{server}/download/pending"}
    with db.session() as s:
        fetched, report = fetch(s, clock=FixedClock(CAPTURED), data_dir=tmp_path, urls=urls)
    folder = tmp_path / "captures" / "20250704T151659Z"
    # no date in the URL's name: one is made from the capture time in ICE's (Eastern) time: 11:16 am
    assert [f.path for f in fetched] == [
        folder / "participatingAgencies07042025am.xlsx",
        folder / "pendingAgencies07032025pm.xlsx",
    ]
    assert fetched[0].path.read_bytes() == PARTICIPATING
    assert report.added == 2 and report.rows == 777 + 47
    with db.session() as s:
        entries = registry.timeline(s)
        assert {e.captured_at for e in entries} == {CAPTURED}
        fetched_again, again = fetch(s, clock=FixedClock(CAPTURED), data_dir=tmp_path / "2", urls=urls)
    # the same bytes again: skipped, and no new capture folder written
    assert again.added == 0 and again.skipped == 2 and fetched_again == []
    assert not (tmp_path / "2").exists()


def test_fetch_failure_names_the_url_and_writes_nothing(db: Database, server: str, tmp_path: Path) -> None:
    urls = {"participating": f"{server}/doclib/participatingAgencies.xlsx", "pending": f"{server}/missing.xlsx"}
    with db.session() as s, pytest.raises(FetchError, match=r"missing\.xlsx: HTTP 404"):
        fetch(s, clock=FixedClock(CAPTURED), data_dir=tmp_path, urls=urls)
    assert not (tmp_path / "captures").exists()


def test_fetch_command(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("WSO_FETCH_PARTICIPATING_URL", f"{server}/doclib/participatingAgencies.xlsx")
    monkeypatch.setenv("WSO_FETCH_PENDING_URL", f"{server}/download/pending")
    from wso.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["registry", "fetch", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 2
    monkeypatch.setenv("WSO_FETCH_PENDING_URL", f"{server}/nothing-here")
    get_settings.cache_clear()
    failed = runner.invoke(app, ["registry", "fetch"])
    assert failed.exit_code == 1
    assert "nothing-here: HTTP 404" in failed.output
