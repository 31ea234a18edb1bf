"""The cellar: one SQLAlchemy engine, sessions, and the migrations of every room.

Each room owns its tables (declared on `Base`) and its Alembic migrations, kept as an independent
branch under ``<room>/migrations``; `upgrade` brings every branch to its head.
"""

from wso.store.base import Base, UTCDateTime
from wso.store.database import Database, open_database
from wso.store.migrate import upgrade

__all__ = ["Base", "Database", "UTCDateTime", "open_database", "upgrade"]
