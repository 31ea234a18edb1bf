"""Export: hold-record schema v2, stable pseudonyms by default, personal data only on request."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.custody.conftest import accepted
from wso.custody import Custody
from wso.custody.export import (
    AGREEMENTS_COLUMNS,
    HOLDS_COLUMNS,
    OFFICERS_COLUMNS,
    export_hold_records,
    pseudonym_key,
    schema,
)
from wso.settings import get_settings
from wso.store import Database


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_columns_are_the_hold_record_schema() -> None:
    from wso.program import hold_records as hr

    found = schema()
    assert (found.version, found.holds, found.officers, found.agreements) == (
        2,
        HOLDS_COLUMNS,
        OFFICERS_COLUMNS,
        AGREEMENTS_COLUMNS,
    )
    assert hr.HOLDS.column_names == HOLDS_COLUMNS and hr.AGREEMENTS.column_names == AGREEMENTS_COLUMNS


def test_export_pseudonymised_and_identified(jail: Custody, db: Database, tmp_path: Path) -> None:
    accepted(jail, "warrant.serve", {"warrant": "W1", "officer": "O1", "facility": "JAIL"})
    accepted(jail, "ice.notify", {"warrant": "W1"})
    accepted(jail, "officer.withdraw", {"id": "O1"})
    key = pseudonym_key(get_settings())
    assert pseudonym_key(get_settings()) == key  # created once, kept
    with db.session() as session:
        plain = export_hold_records(session, tmp_path / "plain", key)
        named = export_hold_records(session, tmp_path / "named", key, identified=True)
        export_hold_records(session, tmp_path / "other", b"another key")
    assert plain.files == {"holds.csv": 1, "officers.csv": 1, "agreements.csv": 1, "complaints.csv": 0}
    (hold,) = read(tmp_path / "plain" / "holds.csv")
    assert list(hold) == list(HOLDS_COLUMNS)
    assert hold["instrument"] == "I-200" and hold["served_inside_facility"] == "true"
    assert hold["served_at"] == "2026-03-06T14:00:00+00:00" and hold["ended_at"] == ""
    everything = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "plain").iterdir())
    for personal in ("Jane Roe", "A012345678", "1990-01-02", "B1", "hold-W1"):
        assert personal not in everything
    (named_hold,) = read(tmp_path / "named" / "holds.csv")
    assert named_hold["record_id"] == "hold-W1" and named_hold["person_ref"] == hold["person_ref"]
    (person,) = read(tmp_path / "named" / "persons.csv")
    assert (person["name"], person["a_number"], person["date_of_birth"]) == ("Jane Roe", "A012345678", "1990-01-02")
    assert named.files["persons.csv"] == 1
    (other_hold,) = read(tmp_path / "other" / "holds.csv")
    assert other_hold["person_ref"] != hold["person_ref"]
    (window,) = read(tmp_path / "plain" / "officers.csv")
    assert window == {
        "officer_id": "O1",
        "agency_id": "AG",
        "authorized_from": "2026-03-06T13:00:00+00:00",
        "authorized_until": "2026-03-06T14:00:00+00:00",
    }
    (agreement,) = read(tmp_path / "plain" / "agreements.csv")
    assert agreement == {
        "agency_id": "AG",
        "state": "FL",
        "model": "WSO",
        "in_force_from": "2025-02-26",
        "in_force_until": "",
        "agency_kind": "",
        "signed_on": "2025-02-26",
        "moa_template": "",
    }
