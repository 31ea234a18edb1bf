"""`wso serve`: open the default database, load the bundled snapshot if it is empty, run uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from wso.settings import get_settings
from wso.store import open_database
from wso.web.app import create_app

log = logging.getLogger("wso.web")


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    settings = get_settings()
    database = open_database(settings.resolved_database_url())
    app = create_app(settings, database)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
