"""The snapshot shipped inside the package, so a new user sees real figures before ingesting anything."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry.ingestion import IngestReport, ingest
from wso.registry.models import Snapshot


def bundled_path() -> Path:
    """The folder holding ICE's files as captured (20250704T151659Z: participating and pending of 07/03 pm)."""
    return Path(str(resources.files("wso.registry") / "data"))


def has_snapshots(session: Session) -> bool:
    return session.scalars(select(Snapshot.id).limit(1)).first() is not None


def load_bundled_if_empty(session: Session, *, clock: Clock) -> IngestReport | None:
    """Ingest the bundled snapshot when the database holds none; None when it already holds some."""
    if has_snapshots(session):
        return None
    return ingest(session, [bundled_path()], clock=clock)
