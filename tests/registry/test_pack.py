"""The registry's history in compact form: a pack loads back exactly what was packed; the shipped one is small."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.registry.conftest import INGESTED_AT
from tests.registry.test_archive import ARCHIVE
from wso import registry
from wso.clock import FixedClock
from wso.registry.bundled import history_path
from wso.registry.models import AGENCIES, AGREEMENTS, ISSUES, PENDING_LISTINGS, READINGS, ROWS, SNAPSHOTS
from wso.registry.pack import load_pack, write_pack
from wso.store import Database, open_database

TABLES = (SNAPSHOTS, READINGS, ROWS, AGENCIES, AGREEMENTS, PENDING_LISTINGS)


def _dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    with db.session() as s:
        dump = {t.name: sorted(map(tuple, s.execute(select(t)).all()), key=repr) for t in TABLES}
        dump["issues"] = sorted(
            (tuple(r) for r in s.execute(select(*[c for c in ISSUES.c if c.name != "id"])).all()), key=repr
        )
    return dump


def test_a_pack_loads_back_what_was_packed(module_db: Database, tmp_path: Path) -> None:
    with module_db.session() as s:
        registry.ingest(s, [ARCHIVE], clock=FixedClock(INGESTED_AT))
    with module_db.session() as s:
        summary = write_pack(s.connection(), tmp_path / "history.json.xz")
    assert summary.snapshots == 13 and summary.latest == "2025-11-14am"
    copy = open_database(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    try:
        with copy.session() as s:
            load_pack(s.connection(), tmp_path / "history.json.xz")
        before, after = _dump(module_db), _dump(copy)
        # a pack keeps a source path's folder and file name only
        where = [c.name for c in SNAPSHOTS.c].index("source_path")
        before["registry_snapshots"] = [
            (*r[:where], "/".join(str(r[where]).split("/")[-2:]), *r[where + 1 :]) for r in before["registry_snapshots"]
        ]
        assert before == after
        # and an ingest on top of it works as on top of the files
        with copy.session() as s:
            report = registry.ingest(s, [ARCHIVE], clock=FixedClock(INGESTED_AT))
        assert report.added == 0 and report.skipped == 13
    finally:
        copy.dispose()


def test_the_shipped_history_is_a_few_hundred_kilobytes() -> None:
    assert history_path().stat().st_size < 1_000_000
