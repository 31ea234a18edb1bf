"""Migration registry_0002 moves a database made under registry_0001 (wide rows, listings) without losing a row."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import sessionmaker

from tests.registry.conftest import INGESTED_AT
from wso import registry
from wso.clock import FixedClock
from wso.registry.models import PendingListing, Reading, Row
from wso.store.database import Database, make_engine
from wso.store.migrate import alembic_config, upgrade

PART, PEND = "a" * 64, "b" * 64
RAW = json.dumps({"STATE": "TEXAS", "LAW ENFORCEMENT AGENCY": "Alpha County Sheriff's Office"})


def test_upgrade_from_registry_0001_keeps_every_row(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "registry_0001")
    with engine.begin() as c:
        for sid, kind, day in ((PART, "participating", "2025-05-01"), (PEND, "pending", "2025-04-20")):
            c.execute(
                text(
                    "INSERT INTO registry_snapshots (id, kind, file_name, source_path, published, half, captured_at,"
                    " ingested_at, file_format, header, row_count, blank_rows) VALUES (:id, :kind, 'f.xlsx', 'f.xlsx',"
                    " :day, 'am', :at, :at, 'xlsx', '[]', 2, 0)"
                ),
                {"id": sid, "kind": kind, "day": date.fromisoformat(day), "at": INGESTED_AT},
            )
        row = (
            "INSERT INTO registry_rows (snapshot_id, row_number, raw, state, name, name_key, kind, county, model,"
            " signed) VALUES (:sid, :n, :raw, 'TX', 'Alpha County Sheriff''s Office', 'alpha county sheriffs office',"
            " 'county', 'Alpha County', 'TFM', :signed)"
        )
        for sid, n, signed in ((PART, 2, date(2025, 4, 1)), (PART, 3, date(2025, 4, 1)), (PEND, 2, None)):
            c.execute(text(row), {"sid": sid, "n": n, "raw": RAW, "signed": signed})
        c.execute(
            text(
                "INSERT INTO registry_agencies (id, state, name, name_key, kind, county, spellings)"
                " VALUES ('ag-1', 'TX', 'Alpha', 'alpha', 'county', NULL, '[]')"
            )
        )
        c.execute(
            text(
                "INSERT INTO registry_agreements (id, agency_id, model, signed, first_listed, last_listed, status)"
                " VALUES ('agr-1', 'ag-1', 'TFM', :d, :d, :d, 'active')"
            ),
            {"d": date(2025, 4, 1)},
        )
        for sid, n in ((PART, 2), (PART, 3), (PEND, 2)):
            c.execute(text("INSERT INTO registry_listings VALUES (:sid, :n, 'ag-1', 'agr-1')"), {"sid": sid, "n": n})
    upgrade(engine)
    db = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    try:
        with db.session() as s:
            rows = s.execute(select(Row.snapshot_id, Row.row_number, Row.reading_id).order_by(Row.snapshot_id)).all()
            readings = s.scalars(select(Reading)).all()
            pending = s.execute(select(PendingListing.snapshot_id, PendingListing.agreement_id)).all()
            with_dates = {r.signed: r for r in readings}
        assert len(rows) == 3 and len(readings) == 2  # two rows of the same content are one reading
        assert with_dates[date(2025, 4, 1)].agreement_id == "agr-1" and with_dates[date(2025, 4, 1)].raw == RAW
        assert with_dates[None].agreement_id is None and with_dates[None].agency_id == "ag-1"
        assert pending == [(PEND, "agr-1")]
        # the migrated database takes a new snapshot, and the rebuild replaces what the old version derived
        path = tmp_path / "20250511T150000Z" / "participatingAgencies05102025am.csv"
        path.parent.mkdir(parents=True)
        path.write_text(
            "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
            "TEXAS,Alpha County Sheriff's Office,County,Alpha County,Task Force Model,04/01/2025,link\n"
        )
        with db.session() as s:
            assert registry.ingest(s, [path], clock=FixedClock(INGESTED_AT)).added == 1
            (alpha,) = registry.find_agencies(s, "alpha")
        (agreement,) = alpha.agreements
        assert (agreement.first_listed, agreement.last_listed, agreement.pending_since) == (
            date(2025, 5, 1),
            date(2025, 5, 10),
            date(2025, 4, 20),
        )
        command.downgrade(alembic_config(engine), "registry_0001")
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM registry_rows WHERE raw IS NOT NULL")).scalar() == 4
            assert c.execute(text("SELECT count(*) FROM registry_listings")).scalar() == 4
    finally:
        engine.dispose()


def test_registry_0003_drops_the_derived_foreign_keys_and_its_downgrade_restores_them(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        db = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
        for name, body in (
            ("pendingAgencies04202025am.csv", "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE\n"),
            ("participatingAgencies05012025am.csv", "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED\n"),
        ):
            path = tmp_path / "20250501T150000Z" / name
            path.parent.mkdir(exist_ok=True)
            signed = ",04/01/2025" if "SIGNED" in body else ""
            row = f"TEXAS,Alpha County Sheriff's Office,County,Alpha County,Task Force Model{signed}\n"
            path.write_text(body + row)
        with db.session() as s:
            assert registry.ingest(s, [tmp_path], clock=FixedClock(INGESTED_AT)).added == 2
        assert _foreign_keys(engine) == set()
        # putting the keys back makes the database check every derived row at once: none may point nowhere
        command.downgrade(alembic_config(engine), "registry_0002")
        assert _foreign_keys(engine) == {
            ("registry_agreements", "registry_agencies"),
            ("registry_pending_listings", "registry_snapshots"),
        }
        command.upgrade(alembic_config(engine), "heads")
        assert _foreign_keys(engine) == set()
        with engine.connect() as c:
            counts = [c.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in DERIVED]
        assert counts == [1, 1, 1]
    finally:
        engine.dispose()


DERIVED = ("registry_agencies", "registry_agreements", "registry_pending_listings")


def _foreign_keys(engine: Engine) -> set[tuple[str, str]]:
    """(table, referred table) of every foreign key of the derived tables."""
    found = inspect(engine)
    return {(t, fk["referred_table"]) for t in DERIVED for fk in found.get_foreign_keys(t)}
