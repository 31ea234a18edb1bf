"""Retake the README's screenshots of the real pages (docs/img/*.png).

    .venv/bin/python scripts/screenshots.py [--on 2026-12-02] [--out docs/img]

The web application runs on a fresh SQLite database holding the snapshot of ICE's spreadsheets bundled with wso,
with its clock fixed on `--on` (so the pages, and the pictures, are the same on every run), served by uvicorn on a
free loopback port; Playwright drives Debian's chromium (/usr/bin/chromium, headless; no browser is downloaded), as
the browser tests do. Needs the development set-up (`scripts/setup`).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from wso.clock import FixedClock
from wso.registry import find_agencies, load_bundled_if_empty
from wso.settings import get_settings
from wso.store import open_database
from wso.web import create_app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def serve(app: object) -> tuple[str, uvicorn.Server, threading.Thread, socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread, sock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 12, 2), help="the pages' today")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup does, as root)")
    clock = FixedClock(datetime.combine(args.on, datetime.min.time(), tzinfo=UTC).replace(hour=15))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wso-screenshots-") as tmp:
        database = open_database(f"sqlite:///{Path(tmp) / 'wso.sqlite3'}")
        with database.session() as session:
            load_bundled_if_empty(session, clock=clock)
            (hardee,) = find_agencies(session, "Hardee County Sheriff's Office", state="FL")
        base, server, thread, sock = serve(create_app(get_settings(), database, clock))
        pages = {
            "overview": "/",
            "state-texas": "/states/TX",
            "agency-hardee": f"/agencies/{hardee.id}",
        }
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
                context = browser.new_context(base_url=base, viewport={"width": 1200, "height": 820}, locale="en-US")
                tab = context.new_page()
                for name, path in pages.items():
                    tab.goto(path)
                    target = args.out / f"{name}.png"
                    tab.screenshot(path=str(target))
                    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: {base}{path}")
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            sock.close()
            database.dispose()


if __name__ == "__main__":
    sys.exit(main())
