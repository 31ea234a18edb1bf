"""Agreements: hand-entered ones, or the registry's for an agency ICE's spreadsheet lists."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import SHEETS
from tests.custody.conftest import accepted
from wso.audit import load_records, run_audit
from wso.clock import FixedClock
from wso.custody import Custody
from wso.custody.export import export_hold_records
from wso.registry import find_agencies, ingest
from wso.store import Database

CAPTURE = SHEETS / "20250703T151805Z"


@pytest.fixture
def registry_agency(sqlite_db: Database) -> str:
    with sqlite_db.session() as session:
        report = ingest(session, [CAPTURE], clock=FixedClock(datetime(2025, 7, 4, tzinfo=UTC)))
        assert report.added >= 1
        (agency,) = [a for a in find_agencies(session, "Hardee County Sheriff", state="FL")]
        assert any(ag.model == "WSO" for ag in agency.agreements)
        return agency.id


def jail_for(custody: Custody, agency_id: str, release: datetime) -> None:
    accepted(custody, "agency", {"id": agency_id})  # name and state come from the registry
    accepted(
        custody, "facility", {"id": "JAIL", "agency": agency_id, "name": "Hardee County Jail", "tz": "America/New_York"}
    )
    accepted(custody, "officer.nominate", {"id": "O1", "agency": agency_id, "name": "Dep", "us_citizen": True})
    accepted(custody, "officer.exam", {"id": "O1", "score": 88})
    accepted(custody, "officer.certify", {"id": "O1"})
    accepted(custody, "officer.authorize", {"id": "O1"})
    accepted(custody, "booking", {"id": "B1", "facility": "JAIL", "scheduled_release": release.isoformat()})
    accepted(custody, "warrant.receive", {"id": "W1", "booking": "B1", "form": "I-205"})


def test_registry_agreement_in_force_after_its_listing(sqlite_db: Database, registry_agency: str) -> None:
    release = datetime(2025, 7, 10, 14, tzinfo=UTC)
    clock = FixedClock(datetime(2025, 7, 5, tzinfo=UTC))
    custody = Custody(sqlite_db, clock)
    jail_for(custody, registry_agency, release)
    clock.set(release)
    result = custody.run("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    assert result.accepted, result


def test_registry_lists_nothing_before_its_first_snapshot(sqlite_db: Database, registry_agency: str) -> None:
    release = datetime(2025, 3, 1, 14, tzinfo=UTC)
    clock = FixedClock(datetime(2025, 2, 27, tzinfo=UTC))
    custody = Custody(sqlite_db, clock)
    jail_for(custody, registry_agency, release)
    clock.set(release)
    result = custody.run("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    assert (result.status, result.rule) == ("refused", "WSO-AGREEMENT-IN-FORCE")


def test_a_hand_entered_agreement_answers_for_its_agency(sqlite_db: Database, registry_agency: str) -> None:
    release = datetime(2025, 7, 10, 14, tzinfo=UTC)
    clock = FixedClock(datetime(2025, 7, 5, tzinfo=UTC))
    custody = Custody(sqlite_db, clock)
    jail_for(custody, registry_agency, release)
    # The jail records that its agreement ended on 2025-07-08: the jail's own record wins over the listing.
    accepted(
        custody, "agreement", {"agency": registry_agency, "model": "WSO", "signed": "2025-02-26", "ended": "2025-07-08"}
    )
    clock.set(release)
    result = custody.run("warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    assert (result.status, result.rule) == ("refused", "WSO-AGREEMENT-IN-FORCE")


def test_unknown_agency_without_name_is_refused(custody: Custody) -> None:
    result = custody.run("agency", {"id": "nowhere"})
    assert (result.status, result.rule) == ("refused", "INPUT") and "name and state" in result.message


def test_an_audit_of_the_export_sees_the_registry_agreement_served_under(
    sqlite_db: Database, registry_agency: str, tmp_path: Path
) -> None:
    # the ledger accepts service under the registry's listing: the export must carry that agreement, or the audit
    # finds every such service WSO-AGREEMENT-IN-FORCE
    release = datetime(2025, 7, 10, 14, tzinfo=UTC)
    clock = FixedClock(datetime(2025, 7, 5, tzinfo=UTC))
    custody = Custody(sqlite_db, clock)
    jail_for(custody, registry_agency, release)
    clock.set(release)
    accepted(custody, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    clock.set(release + timedelta(minutes=5))
    accepted(custody, "ice.notify", {"warrant": "W1"})
    clock.set(release + timedelta(hours=20))
    accepted(custody, "custody.transfer", {"warrant": "W1"})
    with sqlite_db.session() as session:
        export_hold_records(session, tmp_path, b"key")
    with (tmp_path / "agreements.csv").open(encoding="utf-8", newline="") as handle:
        windows = [row for row in csv.DictReader(handle) if row["model"] == "WSO"]
    assert windows and all(w["agency_id"] == registry_agency and w["agency_kind"] == "county" for w in windows)
    records = load_records(tmp_path)
    try:
        findings = run_audit(records, release + timedelta(days=3), "duckdb").findings.to_pylist()
    finally:
        records.con.close()
    assert findings == []
