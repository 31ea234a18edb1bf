"""`wso serve` runs the watcher in its own process when WSO_WATCH_IN_SERVE is true (a one-machine install), and
not otherwise: a real server process against a local ICE."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.watch.servers import FakeIce, free_port
from tests.watch.test_golden import TICKS
from wso.store import open_database
from wso.watch.models import Run

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("in_serve", [True, False])
def test_serve_runs_the_watcher_only_when_asked(in_serve: bool, ice: FakeIce, tmp_path: Path) -> None:
    ice.tick(*TICKS[0])
    port = free_port()
    url = f"sqlite:///{tmp_path / 'wso.sqlite3'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "WSO_DATABASE_URL": url,
        "WSO_WATCH_IN_SERVE": "true" if in_serve else "false",
        "WSO_FETCH_PARTICIPATING_URL": ice.urls["participating"],
        "WSO_FETCH_PENDING_URL": ice.urls["pending"],
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "wso", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        feed = None
        for _ in range(240):  # bounded: up to about two minutes on a loaded machine
            assert server.poll() is None
            try:
                feed = httpx.get(f"http://127.0.0.1:{port}/feeds/all.atom", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert feed is not None and feed.status_code == 200
        database = open_database(url)
        runs: list[Run] = []
        for _ in range(120 if in_serve else 4):
            with database.session() as session:
                runs = list(session.scalars(select(Run).where(Run.outcome != "running")))
            if runs:
                break
            time.sleep(0.5)
        database.dispose()
        if in_serve:
            assert [r.outcome for r in runs] == ["ok"] and ice.requests == 2
        else:
            assert runs == [] and ice.requests == 0
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert ("WSO_WATCH_IN_SERVE" in out) == in_serve
