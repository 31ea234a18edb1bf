"""The audit decides each rule as ``wso.program`` defines it (the ledger's decisions): service at the release from
criminal custody, the 48 hours from the release, state law with its grace periods and scope, complaints, and
duplicate record ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.audit.builders import AS_OF, SERVED, agreement, hold, officer, write_records
from tests.audit.helpers import audit_rows, finding, rules_of
from wso.audit import RecordsError, audit_to_file, load_records, run_audit
from wso.audit.rejects import increasing
from wso.program import (
    SERVICE_TOLERANCE,
    complaint_report_deadline,
    detainer_hold_bar,
    eligibility,
    service_check,
    wso_hold_deadline,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _detainer(record_id: str, person: str, start: datetime, end: datetime | None, **over: object) -> dict[str, object]:
    """The jail's own detainer hold on a person, from the release (``start``)."""
    return hold(record_id, instrument="I-247A", officer_id=None, served_at=start, scheduled_release_at=start,
                ice_notified_at=None, ended_at=end, person_ref=person, **over)  # fmt: skip


def test_service_at_the_release_within_the_tolerance_and_not_after(tmp_path: Path) -> None:
    release = SERVED
    tol = SERVICE_TOLERANCE
    rows = audit_rows(
        tmp_path,
        [
            hold("AT", served_at=release + tol, scheduled_release_at=release),
            hold("LATE", served_at=release + tol + 2 * H, scheduled_release_at=release),
            hold("EARLY", served_at=release - 6 * H, scheduled_release_at=release),
        ],
    )
    assert rules_of(rows, "AT") == set()
    late = finding(rows, "LATE", "WSO-SCHEDULED-RELEASE")["evidence"]
    check = service_check(release + tol + 2 * H, release)
    assert check.timing == late["timing"] == "late"
    assert late["hours_late"] == 2.0 and late["release"] == "scheduled" and late["tolerance_minutes"] == 15
    early = finding(rows, "EARLY", "WSO-SCHEDULED-RELEASE")["evidence"]
    assert early["timing"] == "before_release" and early["hours_early"] == 6.0


def test_the_tolerance_is_an_option(tmp_path: Path) -> None:
    write_records(tmp_path, [hold("R1", served_at=SERVED + H, scheduled_release_at=SERVED, ended_at=SERVED + 20 * H)])
    records = load_records(tmp_path)
    assert {r["rule_id"] for r in run_audit(records, AS_OF).findings.to_pylist()} == {"WSO-SCHEDULED-RELEASE"}
    assert run_audit(records, AS_OF, tolerance=2 * H).findings.num_rows == 0
    with pytest.raises(ValueError, match="negative"):
        run_audit(records, AS_OF, tolerance=-H)


def test_an_actual_release_moves_the_service_window_and_the_48_hours(tmp_path: Path) -> None:
    scheduled = SERVED + 3 * 24 * H
    bond = SERVED  # bond posted three days before the scheduled release: served at it, lawfully
    rows = audit_rows(
        tmp_path,
        [
            hold("BOND", served_at=bond, scheduled_release_at=scheduled, criminal_release_at=bond,
                 ended_at=bond + 47 * H),
            hold("BOND-LATE", served_at=bond + 5 * H, scheduled_release_at=scheduled, criminal_release_at=bond,
                 ended_at=bond + 50 * H),
        ],
    )  # fmt: skip
    assert rules_of(rows, "BOND") == set()
    assert rules_of(rows, "BOND-LATE") == {"WSO-SCHEDULED-RELEASE", "WSO-48H"}
    f = finding(rows, "BOND-LATE", "WSO-48H")["evidence"]
    assert f["release_at"] == "2025-03-04T15:00:00Z" and f["deadline"] == "2025-03-06T15:00:00Z"
    assert f["deadline"] == wso_hold_deadline(bond).isoformat().replace("+00:00", "Z")
    assert finding(rows, "BOND-LATE", "WSO-SCHEDULED-RELEASE")["evidence"]["release"] == "actual"


def test_a_late_service_during_a_lawful_detainer_hold_is_lawful_and_runs_from_the_release(tmp_path: Path) -> None:
    release = SERVED
    served = release + 30 * H  # the WSO serves during the detainer hold; the detainer hold ends then
    rows = audit_rows(
        tmp_path,
        [
            _detainer("DET", "P-1", release, served),
            hold("WSO", person_ref="P-1", served_at=served, scheduled_release_at=release, ended_at=release + 47 * H),
            # the same, but the WSO hold runs past 48 hours from the release (not from service)
            _detainer("DET2", "P-2", release, served),
            hold("WSO2", person_ref="P-2", served_at=served, scheduled_release_at=release, ended_at=release + 49 * H),
            # late service, the detainer hold on the person ended before it: nobody held the person lawfully
            _detainer("DET3", "P-3", release, release + 10 * H),
            hold("WSO3", person_ref="P-3", served_at=served, scheduled_release_at=release, ended_at=served + 5 * H),
            # a detainer hold past its own 48 hours at the service: not a lawful hold any more
            _detainer("DET4", "P-4", release, release + 50 * H),
            hold("WSO4", person_ref="P-4", served_at=release + 49 * H, scheduled_release_at=release,
                 ended_at=release + 50 * H),
            # a detainer hold on someone else does not count
            hold("WSO5", person_ref="P-5", served_at=served, scheduled_release_at=release, ended_at=served + 5 * H),
        ],
    )  # fmt: skip
    assert rules_of(rows, "DET") == rules_of(rows, "WSO") == set()
    assert rules_of(rows, "WSO2") == {"WSO-48H"}
    assert finding(rows, "WSO2", "WSO-48H")["evidence"]["hours_over"] == 1.0
    assert rules_of(rows, "WSO3") == {"WSO-SCHEDULED-RELEASE"}
    assert "WSO-SCHEDULED-RELEASE" in rules_of(rows, "WSO4") and "DETAINER-48H" in rules_of(rows, "DET4")
    assert rules_of(rows, "WSO5") == {"WSO-SCHEDULED-RELEASE"}


def _in_2026(tmp_path: Path, holds: list[dict[str, Any]], agreements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit as of 2026-08-01, an officer of every agency authorized."""
    officers = [officer("OF-1", agency_id=a) for a in sorted({a["agency_id"] for a in agreements})]
    return audit_rows(tmp_path, holds, officers=officers, agreements=agreements, as_of=datetime(2026, 8, 1, tzinfo=UTC))


def test_state_law_grace_period_by_the_agreements_signing_day(tmp_path: Path) -> None:
    """Maryland HB 444: an agreement signed in 2025 runs until 2026-07-01; one signed after 2026-02-17 is barred."""
    on = datetime(2026, 3, 2, 15, tzinfo=UTC)
    holds = [
        hold("OLD", state="MD", agency_id="MD-OLD", served_at=on, ended_at=on + 5 * H),
        hold("NEW", state="MD", agency_id="MD-NEW", served_at=on, ended_at=on + 5 * H),
        hold("OLD-JULY", state="MD", agency_id="MD-OLD", served_at=datetime(2026, 7, 1, 15, tzinfo=UTC),
             ended_at=datetime(2026, 7, 1, 20, tzinfo=UTC)),
    ]  # fmt: skip
    agreements = [
        agreement(agency_id="MD-OLD", state="MD", in_force_from="2025-03-03", signed_on="2025-03-01"),
        agreement(agency_id="MD-NEW", state="MD", in_force_from="2026-02-20", signed_on="2026-02-20"),
    ]
    rows = _in_2026(tmp_path, holds, agreements)
    assert eligibility("MD", "WSO", on.date(), signed=date(2025, 3, 1)).verdict != "prohibited"
    assert rules_of(rows, "OLD") == set()
    assert finding(rows, "NEW", "STATE-LAW")["evidence"]["law_ids"] == "MD-HB444-2026"
    assert rules_of(rows, "OLD-JULY") == {"STATE-LAW"}


def test_state_law_binds_by_the_agencys_kind(tmp_path: Path) -> None:
    """Virginia's directive binds state agencies only."""
    on = datetime(2026, 3, 2, 15, tzinfo=UTC)
    holds = [
        hold("STATE", state="VA", agency_id="VA-STATE", served_at=on, ended_at=on + 5 * H),
        hold("COUNTY", state="VA", agency_id="VA-COUNTY", served_at=on, ended_at=on + 5 * H),
    ]
    agreements = [
        agreement(agency_id="VA-STATE", state="VA", agency_kind="state"),
        agreement(agency_id="VA-COUNTY", state="VA", agency_kind="county"),
    ]
    rows = _in_2026(tmp_path, holds, agreements)
    assert eligibility("VA", "WSO", on.date(), "state", signed=date(2024, 1, 1)).verdict == "prohibited"
    assert rules_of(rows, "STATE") == {"STATE-LAW"}
    assert rules_of(rows, "COUNTY") == set()


def test_a_detainer_hold_where_state_law_bars_them(tmp_path: Path) -> None:
    start = SERVED
    rows = audit_rows(
        tmp_path,
        [
            _detainer("CA", "P-1", start, start + 5 * H, state="CA", agency_id="CA-A",
                      facility_tz="America/Los_Angeles"),
            _detainer("FL", "P-2", start, start + 5 * H),
        ],
        officers=[officer("OF-1"), officer("OF-1", agency_id="CA-A")],
        agreements=[agreement(), agreement(agency_id="CA-A", state="CA", model="JEM")],
    )  # fmt: skip
    bar = detainer_hold_bar("CA", start.date())
    assert bar is not None
    f = finding(rows, "CA", "STATE-LAW")
    assert f["evidence"]["law_ids"] == bar.id and bar.citation in f["citation"]
    assert rules_of(rows, "CA") == {"STATE-LAW"}
    assert rules_of(rows, "FL") == set()


def test_complaints_reported_within_48_hours_excluding_weekends(tmp_path: Path) -> None:
    friday = datetime(2025, 3, 7, 20, tzinfo=UTC)  # 15:00 in New York
    deadline = complaint_report_deadline(friday, "America/New_York")  # Tuesday 15:00 EDT
    complaints = [
        {"complaint_id": "C-OK", "agency_id": "FL-A", "facility_tz": "America/New_York", "received_at": friday,
         "reported_at": deadline},
        {"complaint_id": "C-LATE", "agency_id": "FL-A", "facility_tz": "America/New_York", "received_at": friday,
         "reported_at": deadline + 3 * H},
        {"complaint_id": "C-NEVER", "agency_id": "FL-A", "facility_tz": "America/New_York", "received_at": friday,
         "reported_at": None},
    ]  # fmt: skip
    write_records(tmp_path, [hold("R1")], complaints=complaints)
    rows = run_audit(load_records(tmp_path), AS_OF).findings.to_pylist()
    got = {r["record_id"]: r for r in rows}
    assert set(got) == {"C-LATE", "C-NEVER"}
    assert got["C-LATE"]["rule_id"] == "WSO-COMPLAINT-48H" and got["C-LATE"]["agency_id"] == "FL-A"
    assert '"hours_over":3.0' in got["C-LATE"]["evidence"].replace(" ", "")
    assert deadline.isoformat().replace("+00:00", "Z") in got["C-NEVER"]["evidence"]


def test_no_complaints_table_is_no_complaints(tmp_path: Path) -> None:
    write_records(tmp_path, [hold("R1")])
    records = load_records(tmp_path)
    assert "complaints" not in records.files and records.complaints() == []


def test_duplicate_record_ids_are_refused_or_set_aside_by_name(tmp_path: Path) -> None:
    holds = [hold("R1"), hold("R2"), hold("R1", ended_at=SERVED + 60 * H), hold("R3")]
    write_records(tmp_path, holds)
    with pytest.raises(RecordsError) as err:
        load_records(tmp_path)
    message = str(err.value)
    assert "holds.record_id" in message and "'R1'" in message and "appears on 2 rows (1, 3)" in message
    assert "nothing was written" in message
    run = audit_to_file(tmp_path, tmp_path / "out" / "findings.json", as_of=AS_OF, lenient=True)
    assert run.result.holds == 2 and run.summary["rejected_rows"] == 2
    assert sum(f["holds"] for f in run.summary["by_facility"]) == 2  # counted on a cursor, without the duplicates
    rejects = (tmp_path / "out" / "findings.rejects.holds.csv").read_text(encoding="utf-8")
    assert rejects.count("duplicate: R1 appears on 2 rows (1, 3)") == 2
    assert run.result.findings.num_rows == 0  # neither R1 is audited: which one is the hold is unknown


def test_repeated_ids_proven_after_the_rules_still_stop_the_audit_before_anything_is_written(tmp_path: Path) -> None:
    """``audit_to_file`` proves the ids distinct beside the last steps of the audit (``defer_ids``): a repeat found
    then is refused as at load time, with the same words, and no file is written."""
    write_records(tmp_path, [hold("R1"), hold("R2"), hold("R1", ended_at=SERVED + 60 * H), hold("R3")])
    out = tmp_path / "out" / "findings.json"
    with pytest.raises(RecordsError) as err:
        audit_to_file(tmp_path, out, as_of=AS_OF)
    assert "holds.record_id" in str(err.value) and "appears on 2 rows (1, 3)" in str(err.value)
    assert "nothing was written" in str(err.value)
    assert not out.exists() and not out.parent.exists()


def test_ids_out_of_order_but_distinct_audit_as_when_proven_at_load(tmp_path: Path) -> None:
    """Ids not in increasing order prove nothing by their order: the repeat check groups them, finds none, and the
    audit is the one of records checked in full at load time."""
    late = SERVED + 2 * H
    holds = [hold("R3", served_at=late), hold("R1"), hold("R2", ended_at=SERVED + 60 * H)]
    write_records(tmp_path, holds)
    deferred = load_records(tmp_path, defer_ids=True)
    assert [p.table for p in deferred.pending] == ["holds"] and deferred.prove_order() == [False]
    run = audit_to_file(tmp_path, tmp_path / "out" / "findings.json", as_of=AS_OF)
    at_load = run_audit(load_records(tmp_path), AS_OF).findings
    assert run.result.findings.equals(at_load) and at_load.num_rows > 0
    assert run.result.holds == 3 and run.summary["rejected_rows"] == 0


def test_repeated_ids_set_aside_late_keep_their_tables_place_among_the_rejects(tmp_path: Path) -> None:
    """Lenient, a bad officer row is set aside at load and repeated hold ids only once the rules ran: the rejects
    are still listed by table, holds first, as load_records lists them."""
    officers = [officer(), officer("OF-2", authorized_from="next Tuesday")]
    write_records(tmp_path, [hold("R2"), hold("R1"), hold("R2", ended_at=SERVED + 60 * H)], officers)
    records = load_records(tmp_path, lenient=True, defer_ids=True)
    assert [r.table for r in records.rejects] == ["officers"]
    result = run_audit(records, AS_OF)
    assert [r.table for r in records.rejects] == ["holds", "officers"] and records.pending == []
    assert result.holds == 1 and result.rejected == 3


def test_ids_in_increasing_order_prove_themselves_distinct_and_an_empty_id_hides_no_repeat() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'R1'), (2, 'R2'), (3, NULL), (4, 'R3')) AS v(n, id)")
    assert increasing(con, "id", "t")
    con.execute("INSERT INTO t VALUES (5, 'R3')")  # R3 twice in a row
    assert not increasing(con, "id", "t")
    # an empty id between two equal ones: the comparison skips it, and sees the repeat
    con.execute("CREATE TABLE u AS SELECT * FROM (VALUES (1, 'R1'), (2, NULL), (3, 'R1')) AS v(n, id)")
    assert not increasing(con, "id", "u")
    con.close()


def test_the_settings_through_the_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wso.cli.main import app

    write_records(tmp_path, [hold("R1", served_at=SERVED + H, scheduled_release_at=SERVED, ended_at=SERVED + 20 * H)])
    runner = CliRunner()
    base = ["audit", "run", str(tmp_path), "--as-of", "2025-03-20T00:00:00Z", "--out", str(tmp_path / "f.json")]
    strict = runner.invoke(app, [*base, "--json"])
    assert strict.exit_code == 0, strict.output
    assert '"findings": 1' in strict.stdout
    loose = runner.invoke(app, [*base, "--service-tolerance", "90", "--json"])
    assert loose.exit_code == 0 and '"findings": 0' in loose.stdout
    bad = runner.invoke(app, [*base, "--detainer-reading", "weekdays"])
    assert bad.exit_code != 0 and "--detainer-reading 'weekdays'" in bad.output
    negative = runner.invoke(app, [*base, "--service-tolerance", "-5"])
    assert negative.exit_code != 0 and "--service-tolerance" in negative.output
