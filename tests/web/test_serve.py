"""`wso serve` on the embedded default database: the first run loads the bundled snapshot, so the README's main
command opens a working site with real data; later runs keep what is there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from wso.web.serve import prepare, startup_lines

ROOT = Path(__file__).resolve().parents[2]


def test_prepare_loads_the_bundled_snapshot_once() -> None:
    first = prepare()
    assert first.loaded and first.users == 0 and first.url.startswith("sqlite:///")
    assert Path(os.environ["WSO_DATA_DIR"]) in Path(first.url.removeprefix("sqlite:///")).parents
    again = prepare()
    assert not again.loaded
    lines = startup_lines(first, "127.0.0.1", 8000)
    assert "bundled snapshot" in lines[0] and "wso users add NAME --role admin" in lines[1]
    assert lines[-1] == "wso: serving on http://127.0.0.1:8000/ (API: http://127.0.0.1:8000/api/docs)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_wso_serve_opens_a_working_site_on_a_fresh_data_directory() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "wso", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        overview = None
        for _ in range(240):  # bounded: up to about two minutes on a loaded machine
            if server.poll() is not None:
                break
            try:
                overview = httpx.get(base + "/api/overview", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert overview is not None and overview.status_code == 200
        assert overview.json()["total"] > 0
        page = httpx.get(base + "/", timeout=10)
        assert page.status_code == 200 and 'id="map"' in page.text
        console = httpx.get(base + "/console", timeout=10)
        assert console.status_code == 303 and console.headers["location"].startswith("/signin")
        assert httpx.get(base + "/api/console/holds", timeout=10).status_code == 401
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "first run: bundled snapshot" in output and "wso users add NAME --role admin" in output
