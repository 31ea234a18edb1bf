"""The web door: public pages and the jail's console (server-rendered HTML), and the JSON API under /api.

`create_app` builds the FastAPI application; the module `serve` (what `wso serve` runs) serves it with uvicorn on the
default database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wso.web.app import create_app

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    # the application (FastAPI, every router, the audit engine) is imported only when asked for, so that a module
    # of this package used elsewhere does not load all of it
    if name == "create_app":
        from wso.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
