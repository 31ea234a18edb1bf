"""The web door's fixtures (an app over a real migrated SQLite file, a fixed clock, one user per role), shared
with tests/web."""

from tests.web.conftest import app, client, clock, users

__all__ = ["app", "client", "clock", "users"]
