"""The history shipped inside the package, so a new user sees real figures, and the trend since 2021, before
ingesting anything."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.registry.ingestion import FileResult, IngestReport
from wso.registry.models import Snapshot
from wso.registry.pack import load_pack
from wso.registry.queries import remember_answers


def bundled_path() -> Path:
    """The folder holding ICE's two files as captured (20250704T151659Z: participating and pending of 07/03 pm)."""
    return Path(str(resources.files("wso.registry") / "data"))


def history_path() -> Path:
    """The registry's history in compact form (`wso registry pack`): the public archive's 1,023 files and the 42
    shared captures, January 2021 to February 2026."""
    return bundled_path() / "history.json.xz"


def has_snapshots(session: Session) -> bool:
    return session.scalars(select(Snapshot.id).limit(1)).first() is not None


def load_bundled_if_empty(session: Session, *, clock: Clock) -> IngestReport | None:
    """Load the bundled history when the database holds no snapshot (in the caller's transaction); None when it
    already holds some. The report lists the history as one added file. `clock` is unused: nothing is dated
    now (the history carries its own ingest times)."""
    del clock
    if has_snapshots(session):
        return None
    path = history_path()
    summary = load_pack(session.connection(), path)
    remember_answers(session)
    report = IngestReport()
    report.files.append(FileResult(str(path), "", "added", kind="history", label=summary.latest, rows=summary.rows))
    return report
