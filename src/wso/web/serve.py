"""`wso serve`: open the default database, load the bundled snapshot if it holds none, run uvicorn."""

from __future__ import annotations

import uvicorn

from wso.clock import SystemClock
from wso.registry.bundled import load_bundled_if_empty
from wso.settings import get_settings
from wso.store import open_database
from wso.web.app import create_app


def prepare(url: str | None = None) -> str | None:
    """Open (and migrate) the database; load the bundled snapshot on first run. Returns what was loaded."""
    settings = get_settings()
    database = open_database(url or settings.resolved_database_url())
    try:
        with database.session() as session:
            report = load_bundled_if_empty(session, clock=SystemClock())
    finally:
        database.dispose()
    return None if report is None else "bundled snapshot loaded"


def serve(host: str = "127.0.0.1", port: int = 8000, log_level: str = "info") -> None:
    settings = get_settings()
    loaded = prepare()
    if loaded:
        print(f"wso: first run: {loaded} into {settings.resolved_database_url()}", flush=True)
    app = create_app(settings, open_database(settings.resolved_database_url()), SystemClock())
    print(f"wso: serving on http://{host}:{port}/ (API: http://{host}:{port}/api/docs)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=True)
