"""Agreement lives on small hand-made CSV snapshots: pending before signed, renewed, removed, still active."""

from __future__ import annotations

import csv
import gc
import json
import random
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.registry.conftest import INGESTED_AT
from wso import registry
from wso.clock import FixedClock
from wso.registry.derive import first_and_last
from wso.registry.lives import SnapshotKey, position
from wso.registry.models import Agency, Agreement, Reading
from wso.store import Database, open_database

PARTICIPATING = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
PENDING = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"]

A = ["TEXAS", "Alpha County Sheriff's Office", "County", "Alpha County", "Task Force Model"]
B = ["TEXAS", "Bravo County Sheriff's Office", "County", "Bravo County", "Warrant Service Officer"]
C = ["FLORIDA", "Charlie Police Department", "Municipality", "", "Warrant Service Officer"]
D = ["FLORIDA", "Delta County Sheriff’s Office", "County", "Delta County", "Jail Enforcement Model"]

SNAPSHOTS: dict[str, tuple[list[str], list[list[str]]]] = {
    "20250421T150000Z/pendingAgencies04202025am.csv": (PENDING, [A, C]),
    "20250502T150000Z/participatingAgencies05012025am.csv": (
        PARTICIPATING,
        [[*A, "04/01/2025", "link pending"], [*B, "2020-01-01", "https://www.ice.gov/doclib/287gMOA/b.pdf"]],
    ),
    "20250511T150000Z/participatingAgencies05102025pm.csv": (
        PARTICIPATING,
        [
            [
                "texas ",
                "ALPHA COUNTY SHERIFFS OFFICE",
                "County",
                "Alpha County ",
                "Task Force Model ",
                "4/1/2025",
                "link",
            ],
            [*B, "2020-01-01", "link"],
            [*B, "05/05/2025", "link pending"],
            [*C, "2025-05-08", "link pending"],
        ],
    ),
    "20250521T150000Z/participatingAgencies05202025am.csv": (PARTICIPATING, [[*A, "04/01/2025", "link"]]),
    "20250521T150000Z/pendingAgencies05202025am.csv": (PENDING, [D]),
}


def write_snapshots(root: Path) -> list[Path]:
    paths = []
    for name, (header, rows) in SNAPSHOTS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(path)
    return paths


def lives(db: Database) -> dict[tuple[str, str, date | None], registry.AgreementView]:
    with db.session() as s:
        agencies = [registry.get_agency(s, a) for a in s.scalars(select(Agency.id))]
    return {(a.agency_name, a.model, a.signed): a for ag in agencies if ag for a in ag.agreements}


@pytest.fixture
def history(db: Database, tmp_path: Path) -> Database:
    with db.session() as s:
        report = registry.ingest(s, write_snapshots(tmp_path / "captures"), clock=FixedClock(INGESTED_AT))
    assert report.added == 5 and not report.failed
    return db


def test_spellings_of_one_agency_are_one_agreement(history: Database) -> None:
    with history.session() as s:
        (alpha,) = registry.find_agencies(s, "alpha county")
    assert len(alpha.agreements) == 1
    assert alpha.name == "Alpha County Sheriff's Office"  # the latest spelling
    assert alpha.county == "Alpha County"


def test_pending_then_signed_then_still_active(history: Database) -> None:
    alpha = lives(history)[("Alpha County Sheriff's Office", "TFM", date(2025, 4, 1))]
    assert alpha.pending_since == date(2025, 4, 20)
    assert (alpha.first_listed, alpha.last_listed) == (date(2025, 5, 1), date(2025, 5, 20))
    assert (alpha.status, alpha.removed_on) == ("active", None)


def test_renewed_then_removed(history: Database) -> None:
    all_lives = lives(history)
    old = all_lives[("Bravo County Sheriff's Office", "WSO", date(2020, 1, 1))]
    new = all_lives[("Bravo County Sheriff's Office", "WSO", date(2025, 5, 5))]
    assert new.renewal_of == old.id and old.renewal_of is None
    assert old.moa_url == "https://www.ice.gov/doclib/287gMOA/b.pdf"
    assert (old.status, old.removed_on) == ("removed", date(2025, 5, 20))
    assert (new.first_listed, new.last_listed, new.removed_on) == (
        date(2025, 5, 10),
        date(2025, 5, 10),
        date(2025, 5, 20),
    )


def test_pending_listing_before_signing_counts_for_a_municipality(history: Database) -> None:
    charlie = lives(history)[("Charlie Police Department", "WSO", date(2025, 5, 8))]
    assert charlie.pending_since == date(2025, 4, 20)
    assert charlie.status == "removed"


def test_pending_only_agency_is_a_pending_agreement(history: Database) -> None:
    delta = lives(history)[("Delta County Sheriff’s Office", "JEM", None)]
    assert (delta.status, delta.pending_since, delta.signed) == ("pending", date(2025, 5, 20), None)


def test_active_agreements_and_in_force_by_day(history: Database) -> None:
    with history.session() as s:
        assert registry.active_agreements(s, date(2025, 4, 30)) == []
        on_may_12 = registry.active_agreements(s, date(2025, 5, 12))
        assert len(on_may_12) == 4
        assert {a.state for a in registry.active_agreements(s, date(2025, 5, 12), state="fl")} == {"FL"}
        (bravo,) = registry.find_agencies(s, "bravo")
        assert registry.agreement_in_force(s, bravo.id, "WSO", date(2025, 5, 12))
        assert not registry.agreement_in_force(s, bravo.id, "WSO", date(2025, 5, 25))
        assert registry.latest_snapshot_date(s) == date(2025, 5, 20)


def test_ids_do_not_depend_on_ingest_order(history: Database, tmp_path: Path) -> None:
    other = open_database(f"sqlite:///{tmp_path / 'reverse.sqlite3'}")
    try:
        paths = sorted(write_snapshots(tmp_path / "again"), reverse=True)
        for path in paths:  # one file at a time, newest first
            with other.session() as s:
                registry.ingest(s, [path], clock=FixedClock(INGESTED_AT))
        with history.session() as s1, other.session() as s2:
            first = [
                (a.id, a.agency_id, a.status, a.pending_since, a.renewal_of)
                for a in s1.scalars(select(Agreement).order_by(Agreement.id))
            ]
            second = [
                (a.id, a.agency_id, a.status, a.pending_since, a.renewal_of)
                for a in s2.scalars(select(Agreement).order_by(Agreement.id))
            ]
        assert first == second and len(first) == 5
    finally:
        other.dispose()


E = ["OHIO", "Echo County Sheriff's Office", "County", "Echo County", "Task Force Model"]
F = ["OHIO", "Foxtrot Police Department", "Municipality", "", "Warrant Service Officer"]
G = ["OHIO", "Golf County Sheriff's Office", "County", "Golf County", "Jail Enforcement Model"]
H = ["OHIO", "Hotel County Sheriff's Office", "County", "Hotel County", "Task Force Model"]
CORRECTIONS: dict[str, tuple[list[str], list[list[str]]]] = {
    "20250502T150000Z/participatingAgencies05012025am.csv": (
        PARTICIPATING,
        [[*E, "04/10/2025", "link"], [*F, "03/01/2025", "link"], [*G, "01/01/2025", "link"], [*H, "04/10/2025", ""]],
    ),
    "20250511T150000Z/participatingAgencies05102025am.csv": (
        PARTICIPATING,
        [[*E, "04/01/2025", "link"], [*F, "03/01/2025", "link"], [*F, "03/02/2025", "link"], [*G, "03/15/2025", ""]],
    ),
    "20250521T150000Z/participatingAgencies05202025am.csv": (
        PARTICIPATING,
        [[*E, "04/01/2025", "link"], [*F, "03/02/2025", "link"], [*G, "03/15/2025", ""], [*H, "04/11/2025", ""]],
    ),
}


def test_corrected_signing_date_rule_on_hand_made_snapshots(db: Database, tmp_path: Path) -> None:
    """A SIGNED date that changes by at most 31 days from one participating list to the next is a correction;
    side by side, further apart, or with a gap between the two listings it is not."""
    paths = []
    for name, (header, rows) in CORRECTIONS.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *rows])
        paths.append(path)
    with db.session() as s:
        registry.ingest(s, paths, clock=FixedClock(INGESTED_AT))
        forward = registry.diff(s, "2025-05-01am", "2025-05-10am")
        backward = registry.diff(s, "2025-05-10am", "2025-05-01am")
    got = lives(db)
    typo = got[("Echo County Sheriff's Office", "TFM", date(2025, 4, 10))]
    fixed = got[("Echo County Sheriff's Office", "TFM", date(2025, 4, 1))]
    assert (typo.status, typo.removed_on, typo.renewal_of) == ("corrected", date(2025, 5, 10), None)
    assert (fixed.status, fixed.corrects, fixed.renewal_of) == ("active", typo.id, None)
    side_by_side = got[("Foxtrot Police Department", "WSO", date(2025, 3, 2))]
    assert side_by_side.corrects is None and got[("Foxtrot Police Department", "WSO", date(2025, 3, 1))].status == (
        "removed"
    )
    far = got[("Golf County Sheriff's Office", "JEM", date(2025, 3, 15))]
    assert far.corrects is None and far.renewal_of == got[("Golf County Sheriff's Office", "JEM", date(2025, 1, 1))].id
    after_gap = got[("Hotel County Sheriff's Office", "TFM", date(2025, 4, 11))]
    assert after_gap.corrects is None
    assert got[("Hotel County Sheriff's Office", "TFM", date(2025, 4, 10))].status == "removed"

    (change,) = [c for c in forward.changed if c.agency_name.startswith("Echo")]
    assert change.agreement_id == fixed.id and change.corrects == typo.id
    assert change.fields == {"signed": ("2025-04-10", "2025-04-01")}
    assert {c.agency_name for c in forward.added} == {"Foxtrot Police Department", "Golf County Sheriff's Office"}
    assert {c.agency_name for c in forward.removed} == {"Golf County Sheriff's Office", "Hotel County Sheriff's Office"}
    (back,) = [c for c in backward.changed if c.agency_name.startswith("Echo")]
    assert back.agreement_id == typo.id and back.fields["signed"] == ("2025-04-01", "2025-04-10")


def test_awkward_cell_text_is_stored_exactly(db: Database, tmp_path: Path) -> None:
    """Tabs, line breaks, backslashes and a literal \\N in cells survive the bulk write (COPY on PostgreSQL)."""
    county = "Tab\there \\N back\\slash\r\nnext line"
    path = tmp_path / "20250502T150000Z" / "participatingAgencies05012025am.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([PARTICIPATING, ["TEXAS", "Alpha \\ County", "County", county, "WSO", "", ""]])
    with db.session() as s:
        registry.ingest(s, [path], clock=FixedClock(INGESTED_AT))
        (reading,) = s.scalars(select(Reading)).all()
    assert reading.name == "Alpha \\ County"
    assert json.loads(reading.raw)["COUNTY"] == county


def test_first_and_last_places_match_a_row_by_row_reading() -> None:
    """Places found by whole-snapshot dict updates are the minimum and maximum over every row, also for a reading
    listed in both a pending and a participating snapshot, and for a reading repeated within one snapshot."""
    rng = random.Random(287)
    kinds = ["participating", "pending", "participating", "participating", "pending", "participating"]
    keys = [SnapshotKey(f"s{i}", kind, date(2025, 5, 1 + i), i) for i, kind in enumerate(kinds)]
    ordered = []
    for key in keys:
        numbers = sorted(rng.sample(range(2, 60), 25))
        ordered.append((key, (numbers, [f"r{rng.randrange(30)}" for _ in numbers])))
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    listed_first: dict[str, int] = {}
    listed_last: dict[str, int] = {}
    for key, (numbers, rids) in ordered:
        for number, rid in zip(numbers, rids, strict=True):
            place = position(key.order, number)
            first[rid], last[rid] = min(first.get(rid, place), place), max(last.get(rid, place), place)
            if key.kind == "participating":
                listed_first[rid] = min(listed_first.get(rid, place), place)
                listed_last[rid] = max(listed_last.get(rid, place), place)
    pending = {rid for key, (_n, rids) in ordered if key.kind == "pending" for rid in rids}
    assert pending & listed_first.keys(), "the case of a reading listed in both kinds is exercised"
    assert first_and_last(ordered) == (first, last, listed_first, listed_last)
    only_participating = [(key, group) for key, group in ordered if key.kind == "participating"]
    got = first_and_last(only_participating)
    assert got[0] == got[2] == listed_first
    assert got[1] == got[3] == listed_last


def test_ingest_resumes_the_garbage_collector_as_it_found_it(db: Database, tmp_path: Path) -> None:
    """Ingest pauses Python's cyclic collector while it runs; afterwards it runs again if it ran before (after a
    good ingest and after a failed one), and stays off if it was off."""
    broken = tmp_path / "broken" / "participatingAgencies05162025am.xlsx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK not a workbook")
    assert gc.isenabled()
    with db.session() as s:
        report = registry.ingest(s, write_snapshots(tmp_path / "captures"), clock=FixedClock(INGESTED_AT))
    assert report.added and gc.isenabled()
    with db.session() as s, pytest.raises(registry.IngestError):
        registry.ingest(s, [broken], clock=FixedClock(INGESTED_AT))
    assert gc.isenabled()
    gc.disable()
    try:
        with db.session() as s, pytest.raises(registry.IngestError):
            registry.ingest(s, [broken], clock=FixedClock(INGESTED_AT))
        assert not gc.isenabled()
    finally:
        gc.enable()
