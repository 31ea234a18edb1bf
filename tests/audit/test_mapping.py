"""A jail's own export, audited unedited through a mapping file: its column names, local times, Y/N flags."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from tests.audit.builders import AS_OF, SERVED, agreement, hold, iso, officer, write_records
from wso.audit import MappingError, load_mapping, load_records, run_audit
from wso.cli.main import app

CENTRAL = ZoneInfo("America/Chicago")
H = timedelta(hours=1)

MAPPING = """\
# Tarrant-style booking export: one file per table, local (Central) times, Y/N flags
time_zone: America/Chicago
time_format: "%m/%d/%Y %I:%M %p"
true_values: ["Y"]
false_values: ["N"]
tables:
  holds:
    file: exports/ICE_HOLDS_2025Q1.csv
    columns:
      record_id: "Booking No"
      agency_id: "ORI"
      agency_name: "Agency"
      facility_id: "Facility Code"
      instrument: "Warrant Type"
      officer_id: "Serving Deputy Badge"
      served_at: "Warrant Served"
      scheduled_release_at: "Sched Release"
      served_inside_facility: "Served In Jail (Y/N)"
      ice_notified_at: "ICE Notified"
      citizenship_claim_at: "USC Claim"
      citizenship_reported_at: "USC Claim Reported"
      detention_agreement: "Det Agreement"
      ended_at: "Released To ICE/Other"
      end_reason: "Disposition"
      person_ref: "Inmate SID"
    constants: {state: TX, facility_tz: America/Chicago}
  officers:
    file: exports/wso_roster.csv
    columns: {officer_id: Badge, agency_id: ORI, authorized_from: "Auth Start", authorized_until: "Auth End"}
    time_formats: {authorized_from: "%m/%d/%Y", authorized_until: "%m/%d/%Y"}
  agreements:
    file: exports/moa.csv
    columns: {agency_id: ORI, state: ST, model: "287g Model", in_force_from: Signed, in_force_until: Terminated}
    time_formats: {in_force_from: "%m/%d/%Y", in_force_until: "%m/%d/%Y"}
"""

EXPORT_COLUMNS = {
    "record_id": "Booking No",
    "agency_id": "ORI",
    "agency_name": "Agency",
    "facility_id": "Facility Code",
    "instrument": "Warrant Type",
    "officer_id": "Serving Deputy Badge",
    "served_at": "Warrant Served",
    "scheduled_release_at": "Sched Release",
    "served_inside_facility": "Served In Jail (Y/N)",
    "ice_notified_at": "ICE Notified",
    "citizenship_claim_at": "USC Claim",
    "citizenship_reported_at": "USC Claim Reported",
    "detention_agreement": "Det Agreement",
    "ended_at": "Released To ICE/Other",
    "end_reason": "Disposition",
    "person_ref": "Inmate SID",
}


def _local(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(CENTRAL).strftime("%m/%d/%Y %I:%M %p")
    return {"true": "Y", "false": "N"}.get(str(value), str(value))


def _holds() -> list[dict[str, Any]]:
    tx = {"state": "TX", "agency_id": "TX0000000", "facility_id": "TCJ", "facility_tz": "America/Chicago"}
    return [
        hold("25-000101", **tx),
        hold("25-000102", **tx, ended_at=SERVED + 53 * H),  # WSO-48H, 5 hours over
        hold("25-000103", **tx, served_inside_facility="false"),  # WSO-JAIL-ONLY
        hold("25-000104", **tx, officer_id="4471"),  # authorization ended the day before
        hold("25-000105", **tx, ice_notified_at=SERVED + 3 * H),  # WSO-NOTIFY-ICE
        hold("25-000106", **tx, citizenship_claim_at=SERVED + 2 * H, citizenship_reported_at=None),
        hold("25-000107", **tx, instrument="I-247A", officer_id=None, ended_at=SERVED + 130 * H),  # DETAINER-48H
        hold("25-000108", **tx, ended_at=None, end_reason=None),  # open past its deadline as of the audit
    ]


def _officers() -> list[dict[str, Any]]:
    return [
        officer("OF-1", agency_id="TX0000000", authorized_from=datetime(2024, 6, 3, tzinfo=CENTRAL)),
        officer(
            "4471",
            agency_id="TX0000000",
            authorized_from=datetime(2024, 6, 3, tzinfo=CENTRAL),
            authorized_until=datetime(2025, 3, 3, tzinfo=CENTRAL),
        ),
    ]


def _write_export(root: Path) -> None:
    """The same facts as the jail would export them: other names, other order, local times, Y/N."""
    exports = root / "exports"
    exports.mkdir(parents=True)
    order = list(reversed(EXPORT_COLUMNS))  # columns in another order, and an extra column the audit ignores
    with (exports / "ICE_HOLDS_2025Q1.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([EXPORT_COLUMNS[c] for c in order] + ["Housing Unit"])
        for h in _holds():
            w.writerow([_local(h[c]) for c in order] + ["4B"])
    with (exports / "wso_roster.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Badge", "ORI", "Auth Start", "Auth End", "Rank"])
        for o in _officers():
            until = o["authorized_until"]
            w.writerow(
                [o["officer_id"], o["agency_id"], o["authorized_from"].strftime("%m/%d/%Y"),
                 until.strftime("%m/%d/%Y") if until else "", "Deputy"]
            )  # fmt: skip
    with (exports / "moa.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ORI", "ST", "287g Model", "Signed", "Terminated"])
        w.writerow(["TX0000000", "TX", "WSO", "01/15/2024", ""])
        w.writerow(["TX0000000", "TX", "TFM", "01/15/2024", "12/31/2024"])


def test_a_jails_own_export_audits_unedited_and_agrees_with_the_schema_form(tmp_path: Path) -> None:
    canonical = write_records(
        tmp_path / "canonical",
        _holds(),
        _officers(),
        [agreement(agency_id="TX0000000", state="TX", in_force_from="2024-01-15")],
    )
    export = tmp_path / "jail"
    _write_export(export)
    mapping_file = export / "mapping.yaml"
    mapping_file.write_text(MAPPING, encoding="utf-8")
    expected = run_audit(load_records(canonical), AS_OF).findings
    got = run_audit(load_records(export, load_mapping(mapping_file)), AS_OF).findings
    found = set(zip(got["record_id"].to_pylist(), got["rule_id"].to_pylist(), strict=True))
    assert found == {
        ("25-000102", "WSO-48H"),
        ("25-000103", "WSO-JAIL-ONLY"),
        ("25-000104", "WSO-AUTHORIZED-OFFICER"),
        ("25-000105", "WSO-NOTIFY-ICE"),
        ("25-000106", "WSO-CITIZENSHIP-1H"),
        ("25-000107", "DETAINER-48H"),
        ("25-000108", "WSO-48H"),
    }
    assert got.equals(expected)  # same evidence to the second: the local times were read in Central time

    out = tmp_path / "findings.json"
    result = CliRunner().invoke(
        app, ["audit", "run", str(export), "--mapping", str(mapping_file), "--as-of", iso(AS_OF), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "7 findings" in result.stdout


def test_a_toml_mapping_and_per_row_facility_zones(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    served_local = SERVED.astimezone(ZoneInfo("America/Denver")).replace(tzinfo=None)
    with (root / "holds.csv").open("w", newline="", encoding="utf-8") as fh:
        rows = [
            hold("NY-1"),
            hold("CO-1", facility_tz="America/Denver", ended_at=SERVED + 49 * H),
        ]
        w = csv.writer(fh)
        w.writerow(list(rows[0]))
        for r in rows:
            zone = ZoneInfo(r["facility_tz"])
            w.writerow(
                [
                    v.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v or ""
                    for v in r.values()
                ]
            )
    write_records(tmp_path / "other", [hold("X")])
    for name in ("officers.csv", "agreements.csv"):
        (root / name).write_bytes((tmp_path / "other" / name).read_bytes())
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text('time_zone = "facility"\n', encoding="utf-8")
    rows_found = run_audit(load_records(root, load_mapping(mapping_file)), AS_OF).findings.to_pylist()
    assert [(r["record_id"], r["rule_id"]) for r in rows_found] == [("CO-1", "WSO-48H")]
    assert served_local.hour == 8  # 15:00Z is 08:00 in Denver: read in the row's own zone, the hold is 1 h over
    assert '"hours_over":1.0' in rows_found[0]["evidence"].replace(" ", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: blue\n", "unknown key 'colour'"),
        ("tables:\n  bookings: {}\n", "tables.bookings"),
        ("tables:\n  holds:\n    columns: [a, b]\n", "must be a table of name: value"),
        ("tables:\n  holds:\n    sheet: 2\n", "unknown key 'sheet'"),
        ("time_zone: [\n", "not valid YAML"),
    ],
)
def test_a_bad_mapping_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message) as err:
        load_mapping(path)
    assert str(path) in str(err.value)


def test_a_mapped_file_that_is_not_there(tmp_path: Path) -> None:
    from wso.audit import RecordsError

    path = tmp_path / "m.yaml"
    path.write_text("tables:\n  holds:\n    file: export.csv\n", encoding="utf-8")
    with pytest.raises(RecordsError, match=r"export\.csv: no such file"):
        load_records(tmp_path, load_mapping(path))
