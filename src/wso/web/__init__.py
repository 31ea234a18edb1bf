"""The web door: public pages and the jail's console (server-rendered HTML), and the JSON API under /api.

`create_app` builds the FastAPI application; `wso serve` runs it with uvicorn on the default database.
"""

from wso.web.app import create_app

__all__ = ["create_app"]
