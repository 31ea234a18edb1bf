"""Each rule on hand-written records, one test per real-world quirk."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.audit.builders import AS_OF, SERVED, agreement, hold, holds_as_parquet, iso, officer, write_records
from tests.audit.helpers import audit_rows, finding, rules_of
from wso.audit import engine, load_records, run_audit
from wso.program import (
    DEFAULT_DETAINER_READING,
    ICE_NOTIFY_WINDOW,
    Model,
    business_calendar,
    citizenship_standard,
    detainer_deadline,
    detainer_hold_bar,
    eligibility,
    rule,
    wso_hold_deadline,
)
from wso.program import hold_records as hr

H = timedelta(hours=1)


def test_a_lawful_hold_audits_clean(tmp_path: Path) -> None:
    assert audit_rows(tmp_path, [hold("R1")]) == []


def test_held_past_48_hours_reports_the_hours_over_and_cites_the_moa(tmp_path: Path) -> None:
    rows = audit_rows(tmp_path, [hold("R1", ended_at=SERVED + 50 * H), hold("R2", ended_at=SERVED + 48 * H)])
    f = finding(rows, "R1", "WSO-48H")
    assert f["evidence"]["hours_over"] == 2.0
    assert f["evidence"]["deadline"] == "2025-03-06T15:00:00Z"
    assert f["citation"] == rule("WSO-48H").citation
    assert f["severity"] == "violation"
    assert rules_of(rows, "R2") == set()  # exactly 48 hours is within the limit


def test_an_open_hold_past_its_deadline_counts_as_of_the_audit_time(tmp_path: Path) -> None:
    as_of = SERVED + 60 * H
    rows = audit_rows(
        tmp_path,
        [hold("OPEN", ended_at=None, end_reason=None), hold("YOUNG", served_at=SERVED + 20 * H, ended_at=None)],
        as_of=as_of,
    )
    f = finding(rows, "OPEN", "WSO-48H")
    assert f["evidence"]["hours_over"] == 12.0
    assert f["evidence"]["ended_at"] is None
    assert f["evidence"]["open_as_of"] == "2025-03-07T03:00:00Z"
    assert rules_of(rows, "YOUNG") == set()


def test_a_detention_agreement_lifts_the_48_hour_limit_from_the_moment_the_hold_moved_onto_it(tmp_path: Path) -> None:
    deadline = wso_hold_deadline(SERVED)
    rows = audit_rows(
        tmp_path,
        [
            # moved onto the agreement at the 48-hour point (the ledger's record): not late, however long after
            hold("MOVED", ended_at=SERVED + 200 * H, detention_agreement="true", detention_agreement_from=deadline),
            # moved onto it three hours late: late by those three hours
            hold("MOVED-LATE", ended_at=SERVED + 200 * H, detention_agreement="true",
                 detention_agreement_from=deadline + 3 * H),
            # a facility with an agreement, but the hold never moved onto it (not in force, or barred): late
            hold("NEVER-MOVED", ended_at=SERVED + 50 * H, detention_agreement="true"),
        ],
    )  # fmt: skip
    assert rules_of(rows, "MOVED") == set()
    late = finding(rows, "MOVED-LATE", "WSO-48H")["evidence"]
    assert late["hours_over"] == 3.0 and late["detention_agreement_from"] == "2025-03-06T18:00:00Z"
    assert finding(rows, "NEVER-MOVED", "WSO-48H")["evidence"]["hours_over"] == 2.0


def _moved(record_id: str, until: datetime | None, **over: object) -> dict[str, object]:
    """A hold moved onto a detention agreement at its 48-hour point, whose cover ends at ``until``."""
    fields: dict[str, object] = {"detention_agreement": "true", "detention_agreement_from": wso_hold_deadline(SERVED)}
    return hold(record_id, **{**fields, "detention_agreement_until": until, **over})


def test_a_hold_is_late_again_once_its_detention_agreement_stops_covering_it(tmp_path: Path) -> None:
    until = wso_hold_deadline(SERVED) + 100 * H
    as_of = until + 10 * H
    rows = audit_rows(
        tmp_path,
        [
            _moved("ENDED-AFTER", until, ended_at=until + 3 * H),
            _moved("ENDED-IN-ITS-SECOND", until, ended_at=until + timedelta(milliseconds=999)),
            _moved("ENDED-BEFORE", until, ended_at=until - H),
            _moved("OPEN", until, ended_at=None, end_reason=None),
            _moved("OPEN-ENDED", None, ended_at=until + 3 * H),
        ],
        as_of=as_of,
    )
    assert {r["record_id"] for r in rows} == {"ENDED-AFTER", "OPEN"}
    late = finding(rows, "ENDED-AFTER", "WSO-48H")["evidence"]
    # the hours before the move (48) and those after the cover's end (3): 3 over the limit
    assert late["hours_over"] == 3.0 and late["detention_agreement_until"] == iso(until)
    assert late["detention_agreement_from"] == iso(wso_hold_deadline(SERVED))
    still = finding(rows, "OPEN", "WSO-48H")["evidence"]
    assert still["hours_over"] == 10.0 and still["open_as_of"] == iso(as_of)
    plain = audit_rows(tmp_path / "plain", [hold("LATE", ended_at=SERVED + 50 * H)])
    assert finding(plain, "LATE", "WSO-48H")["evidence"]["detention_agreement_until"] is None


def test_without_the_until_column_a_moved_hold_has_no_end(tmp_path: Path) -> None:
    """Files written before the column (v1, and v2 without it) still audit: a moved hold is never late again."""
    until = wso_hold_deadline(SERVED) + 10 * H
    columns = [c.name for c in hr.HOLDS.columns if c.name != "detention_agreement_until"]
    write_records(tmp_path, [_moved("R1", until, ended_at=until + 5 * H)], holds_columns=columns)
    records = load_records(tmp_path)
    assert "detention_agreement_until" in records.absent["holds"]
    assert run_audit(records, AS_OF).findings.num_rows == 0


def test_fractions_of_a_second_decide_the_end_of_the_cover_on_csv_and_parquet(tmp_path: Path) -> None:
    until = wso_hold_deadline(SERVED) + 10 * H
    ms = timedelta(milliseconds=1)
    late_start = SERVED + 900 * ms  # the release 0.9 s into its second; the move in the second of its 48-hour point
    holds = [
        # both parts lose most of a second in microseconds (47:59:59.1 before the move, 0.1 s after the end), yet
        # floored they are 48 h and 1 s: one second late, which the microsecond candidate must keep
        _moved("OVER", until + 900 * ms, served_at=late_start, ended_at=until + 1_000 * ms,
               detention_agreement_from=wso_hold_deadline(SERVED)),
        # the cover ended 0.9 s into its second, the hold 0.1 s into the next: one second late
        _moved("NEXT", until + 900 * ms, ended_at=until + 1_100 * ms),
        # in the cover end's second: not late
        _moved("SAME", until + 100 * ms, ended_at=until + 900 * ms),
    ]  # fmt: skip
    found = {}
    for name in ("csv", "parquet"):
        root = write_records(tmp_path / name, holds)
        if name == "parquet":
            holds_as_parquet(root)
        records = load_records(root)
        found[name] = {(r["record_id"], r["rule_id"]) for r in run_audit(records, AS_OF).findings.to_pylist()}
        records.con.close()
    assert found["csv"] == found["parquet"] == {("OVER", "WSO-48H"), ("NEXT", "WSO-48H")}


def test_a_v1_file_reads_detention_agreement_as_v1_defined_it(tmp_path: Path) -> None:
    """Hold-record schema v1 has no detention_agreement_from: there, detention_agreement = true lifts the limit."""
    v1 = [c.name for c in hr.HOLDS.columns if c.since == 1]
    write_records(tmp_path, [hold("R1", ended_at=SERVED + 200 * H, detention_agreement="true"),
                             hold("R2", ended_at=SERVED + 50 * H)], holds_columns=v1)  # fmt: skip
    records = load_records(tmp_path)
    assert "detention_agreement_from" in records.absent["holds"]
    rows = run_audit(records, AS_OF).findings.to_pylist()
    assert [(r["record_id"], r["rule_id"]) for r in rows] == [("R2", "WSO-48H")]


def test_ice_notified_within_the_programs_window_is_immediate_later_or_never_is_not(tmp_path: Path) -> None:
    window = ICE_NOTIFY_WINDOW  # the ledger's alert uses the same window
    rows = audit_rows(
        tmp_path,
        [
            hold("ONTIME", ice_notified_at=SERVED + window),
            hold("LATE", ice_notified_at=SERVED + window + timedelta(minutes=3)),
            hold("NEVER", ice_notified_at=None),
        ],
    )
    assert rules_of(rows, "ONTIME") == set()
    late = finding(rows, "LATE", "WSO-NOTIFY-ICE")["evidence"]
    assert late["hours_after_service"] == round((window + timedelta(minutes=3)) / H, 2)
    never = finding(rows, "NEVER", "WSO-NOTIFY-ICE")["evidence"]
    assert never["ice_notified_at"] is None and never["window_hours"] == round(window / H, 2)


def test_a_citizenship_claim_on_a_wso_hold_must_be_reported_in_the_words_of_its_moa(tmp_path: Path) -> None:
    claim = SERVED + 2 * H
    rows = audit_rows(
        tmp_path,
        [
            hold("OK", citizenship_claim_at=claim, citizenship_reported_at=claim + timedelta(minutes=59)),
            hold("LATE", citizenship_claim_at=claim, citizenship_reported_at=claim + timedelta(minutes=61)),
            hold("NEVER", citizenship_claim_at=claim, citizenship_reported_at=None),
            hold("OLD-MOA", agency_id="FL-B", citizenship_claim_at=claim, citizenship_reported_at=claim + 2 * H),
            hold("DETAINER", instrument="I-247A", officer_id=None, citizenship_claim_at=claim),
        ],
        officers=[officer("OF-1"), officer("OF-1", agency_id="FL-B")],
        agreements=[agreement(), agreement(agency_id="FL-B", moa_template="2019")],
    )
    assert rules_of(rows, "OK") == set()
    late = finding(rows, "LATE", "WSO-CITIZENSHIP-1H")
    assert late["evidence"]["hours_to_report"] == 1.02
    # no template recorded: the 2025 one, "generally within one hour"
    standard = citizenship_standard(None)
    assert late["severity"] == standard.severity == "warning"
    assert late["evidence"]["standard"] == standard.words and late["citation"] == standard.citation
    assert finding(rows, "NEVER", "WSO-CITIZENSHIP-1H")["evidence"]["citizenship_reported_at"] is None
    old = finding(rows, "OLD-MOA", "WSO-CITIZENSHIP-1H")
    assert old["severity"] == "violation" and old["evidence"]["standard"] == "in no case more than one hour"
    assert old["evidence"]["moa_template"] == "2019"
    assert rules_of(rows, "DETAINER") == set()  # the citizenship report is a WSO duty: not for detainer holds


def test_settled_findings_each_keep_their_own_words_and_citation(tmp_path: Path) -> None:
    """The engine settles a state law's citation and the citizenship report's MOA words on the same finding rows:
    settling one never overwrites the other."""
    claim = SERVED + 2 * H
    rows = audit_rows(
        tmp_path,
        [
            hold("OLD-MOA", agency_id="FL-B", citizenship_claim_at=claim, citizenship_reported_at=claim + 2 * H),
            hold("NEW-MOA", citizenship_claim_at=claim, citizenship_reported_at=None),
            hold("CA", instrument="I-247A", officer_id=None, state="CA", agency_id="CA-A",
                 facility_tz="America/Los_Angeles"),
        ],
        officers=[officer("OF-1"), officer("OF-1", agency_id="FL-B")],
        agreements=[agreement(), agreement(agency_id="FL-B", moa_template="2019"),
                    agreement(agency_id="CA-A", state="CA", model="JEM")],
    )  # fmt: skip
    assert finding(rows, "OLD-MOA", "WSO-CITIZENSHIP-1H")["citation"] == citizenship_standard("2019").citation
    assert finding(rows, "NEW-MOA", "WSO-CITIZENSHIP-1H")["citation"] == citizenship_standard("2025").citation
    law = finding(rows, "CA", "STATE-LAW")
    bar = detainer_hold_bar("CA", SERVED.date())
    assert bar is not None and law["evidence"]["law_ids"] == bar.id and bar.citation in law["citation"]


def test_served_before_scheduled_release_and_outside_the_jail(tmp_path: Path) -> None:
    rows = audit_rows(
        tmp_path,
        [
            hold("EARLY", scheduled_release_at=SERVED + 6 * H),
            hold("STREET", served_inside_facility="false"),
        ],
    )
    assert finding(rows, "EARLY", "WSO-SCHEDULED-RELEASE")["evidence"]["hours_early"] == 6.0
    assert finding(rows, "STREET", "WSO-JAIL-ONLY")["evidence"]["served_inside_facility"] is False


def test_a_detainer_served_by_an_officer_is_a_detainer_treated_as_a_warrant(tmp_path: Path) -> None:
    rows = audit_rows(
        tmp_path,
        [hold("SERVED", instrument="I-247A"), hold("JAILS-OWN", instrument="I-247A", officer_id=None)],
    )
    assert rules_of(rows, "SERVED") == {"WSO-WARRANT-FORMS"}
    assert rules_of(rows, "JAILS-OWN") == set()


def test_detainer_past_48_hours_reports_both_readings(tmp_path: Path) -> None:
    friday = datetime(2025, 3, 7, 20, 0, tzinfo=UTC)  # 15:00 in New York, before the DST weekend
    holds = [
        # over the flat 48 hours (Sunday 20:00Z) but within the excluding reading (Tuesday 15:00 EDT = 19:00Z)
        hold("FLAT", instrument="I-247A", officer_id=None, served_at=friday, ended_at=friday + 60 * H),
        hold("BOTH", instrument="I-247A", officer_id=None, served_at=friday, ended_at=friday + 100 * H),
    ]
    # the default reading is flat (the program's): past the flat deadline is a violation
    assert DEFAULT_DETAINER_READING == "flat"
    rows = audit_rows(tmp_path, holds)
    assert finding(rows, "FLAT", "DETAINER-48H")["severity"] == "violation"
    assert finding(rows, "FLAT", "DETAINER-48H")["evidence"]["reading"] == "flat"
    # under the excluding reading, past the flat deadline only is a warning
    write_records(tmp_path, holds)
    rows = run_audit(load_records(tmp_path), AS_OF, reading="excluding").findings.to_pylist()
    for r in rows:
        r["evidence"] = json.loads(r["evidence"])
    flat = finding(rows, "FLAT", "DETAINER-48H")
    assert flat["severity"] == "warning" and flat["evidence"]["reading"] == "excluding"
    assert flat["evidence"]["flat_deadline"] == "2025-03-09T20:00:00Z"
    assert flat["evidence"]["excluding_deadline"] == "2025-03-11T19:00:00Z"
    assert flat["evidence"]["flat_hours_over"] == 12.0
    assert flat["evidence"]["excluding_hours_over"] < 0
    both = finding(rows, "BOTH", "DETAINER-48H")
    assert both["severity"] == "violation"
    assert both["evidence"]["excluding_hours_over"] == 5.0


def test_the_excluding_reading_matches_the_program_on_many_starts(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    zones = ["America/New_York", "America/Chicago", "America/Phoenix", "America/Anchorage", "Pacific/Honolulu"]
    starts = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(0, 365 * 86400)) for _ in range(150)]
    # edges: Friday just before midnight, Saturday, Monday 00:00 local, holidays, both DST weekends
    starts += [
        datetime(2025, 3, 8, 4, 59, tzinfo=UTC),
        datetime(2025, 3, 8, 5, 0, tzinfo=UTC),
        datetime(2025, 3, 10, 4, 0, tzinfo=UTC),
        datetime(2025, 11, 26, 22, 0, tzinfo=UTC),
        datetime(2025, 12, 24, 17, 0, tzinfo=UTC),
        datetime(2025, 11, 1, 12, 0, tzinfo=UTC),
        datetime(2025, 7, 3, 16, 0, tzinfo=UTC),
        datetime(2025, 1, 17, 23, 30, tzinfo=UTC),
    ]
    holds = []
    expected = {}
    for i, start in enumerate(starts):
        tz = zones[i % len(zones)]
        rid = f"D{i:03d}"
        holds.append(
            hold(rid, instrument="I-247A", officer_id=None, served_at=start, facility_tz=tz, ended_at=start + 400 * H)
        )
        # the one calendar of both engines: federal and the facility state's holidays (builders: Florida)
        expected[rid] = detainer_deadline(start, tz, "excluding", business_calendar("FL")).astimezone(UTC)
    rows = audit_rows(tmp_path, holds, as_of=datetime(2026, 6, 1, tzinfo=UTC))
    for rid, deadline in expected.items():
        got = finding(rows, rid, "DETAINER-48H")["evidence"]["excluding_deadline"]
        assert got == deadline.isoformat().replace("+00:00", "Z"), rid


def test_officer_authorization_windows(tmp_path: Path) -> None:
    officers = [
        officer("OF-1"),
        officer("WITHDRAWN", authorized_until=SERVED - 24 * H),
        officer("RENEWED", authorized_until=SERVED - 10 * 24 * H),
        officer("RENEWED", authorized_from=SERVED + 24 * H),
        officer("RENEWED-OK", authorized_until=SERVED - 24 * H),
        officer("RENEWED-OK", authorized_from=SERVED - H),
        officer("ELSEWHERE", agency_id="TX-B"),
    ]
    rows = audit_rows(
        tmp_path,
        [
            hold("W", officer_id="WITHDRAWN"),
            hold("GAP", officer_id="RENEWED"),
            hold("BACK", officer_id="RENEWED-OK"),
            hold("OTHER", officer_id="ELSEWHERE"),
            hold("STRANGER", officer_id="NOBODY"),
            hold("NONE", officer_id=None),
        ],
        officers=officers,
    )
    for rid in ("W", "GAP", "OTHER", "STRANGER"):
        assert rules_of(rows, rid) == {"WSO-AUTHORIZED-OFFICER"}, rid
    assert rules_of(rows, "BACK") == set()
    assert rules_of(rows, "NONE") == {"DATA-NO-OFFICER"}
    assert finding(rows, "NONE", "DATA-NO-OFFICER")["severity"] == "data"


def test_an_officer_with_overlapping_authorization_windows_gives_each_finding_once(tmp_path: Path) -> None:
    # two windows of one officer in one agency both cover the service: the pass's join matches the hold twice
    officers = [
        officer("TWICE", authorized_from=SERVED - 10 * 24 * H),
        officer("TWICE", authorized_from=SERVED - 24 * H, authorized_until=SERVED + 24 * H),
        officer("ONCE"),
    ]
    late = {"served_at": SERVED, "ended_at": SERVED + 50 * H, "ice_notified_at": None}
    rows = audit_rows(tmp_path, [hold("T", officer_id="TWICE", **late), hold("O", officer_id="ONCE", **late)],
                      officers=officers)  # fmt: skip
    assert sorted(r["rule_id"] for r in rows if r["record_id"] == "T") == ["WSO-48H", "WSO-NOTIFY-ICE"]
    assert sorted(r["rule_id"] for r in rows if r["record_id"] == "O") == ["WSO-48H", "WSO-NOTIFY-ICE"]


def test_repeats_are_looked_for_only_where_a_join_can_make_them(tmp_path: Path) -> None:
    def possible(officers: list[dict[str, object]], name: str) -> bool:
        records = load_records(write_records(tmp_path / name, [hold()], officers))
        return engine._repeats_possible(records, engine._agreement_windows(records))

    touching = [officer("A", authorized_until=SERVED), officer("A", authorized_from=SERVED)]
    assert possible(touching, "touching") is False
    assert possible([officer("A"), officer("A", agency_id="TX-B")], "two agencies") is False
    overlapping = [officer("A", authorized_until=SERVED + H), officer("A", authorized_from=SERVED)]
    assert possible(overlapping, "overlapping") is True
    assert possible([officer("A"), officer("A", authorized_from=SERVED)], "open and later") is True


def test_agreement_in_force_is_judged_on_the_local_date_of_service(tmp_path: Path) -> None:
    agreements = [agreement(in_force_until="2025-03-04"), agreement(agency_id="FL-J", model="JEM")]
    rows = audit_rows(
        tmp_path,
        [
            hold("LATE-EVENING", served_at=datetime(2025, 3, 5, 3, 30, tzinfo=UTC)),  # 22:30 on the 4th locally
            hold("AFTER-MIDNIGHT", served_at=datetime(2025, 3, 5, 5, 30, tzinfo=UTC)),  # 00:30 on the 5th
            hold("JEM-ONLY", agency_id="FL-J"),
        ],
        officers=[officer("OF-1"), officer("OF-1", agency_id="FL-J")],
        agreements=agreements,
    )
    assert rules_of(rows, "LATE-EVENING") == set()
    f = finding(rows, "AFTER-MIDNIGHT", "WSO-AGREEMENT-IN-FORCE")
    assert f["evidence"]["local_date"] == "2025-03-05"
    assert rules_of(rows, "JEM-ONLY") == {"WSO-AGREEMENT-IN-FORCE"}  # a JEM agreement does not authorize WSO


def test_state_law_findings_follow_program_eligibility_day_by_day(tmp_path: Path) -> None:
    days = [date(2025, 7, 13), date(2025, 7, 14), date(2025, 8, 12), date(2025, 8, 13), date(2025, 9, 1)]
    holds = [
        hold(
            f"DE{d.isoformat()}",
            state="DE",
            agency_id="DE-A",
            served_at=datetime(d.year, d.month, d.day, 16, tzinfo=UTC),
        )
        for d in days
    ]
    holds.append(hold("WA", state="WA", agency_id="WA-A", facility_tz="America/Los_Angeles"))
    rows = audit_rows(
        tmp_path,
        holds,
        officers=[officer("OF-1", agency_id=a) for a in ("DE-A", "WA-A")],
        agreements=[agreement(agency_id="DE-A", state="DE"), agreement(agency_id="WA-A", state="WA")],
        as_of=datetime(2025, 12, 1, tzinfo=UTC),
    )
    for d in days:
        # the agreement was signed (in force) on 2024-01-01: Delaware's grace period runs to 2025-08-13
        prohibited = eligibility("DE", Model.WSO, d, signed=date(2024, 1, 1)).verdict == "prohibited"
        assert ("STATE-LAW" in rules_of(rows, f"DE{d.isoformat()}")) == prohibited, d
    assert "STATE-LAW" not in rules_of(rows, "DE2025-07-14") and "STATE-LAW" in rules_of(rows, "DE2025-08-13")
    wa = finding(rows, "WA", "STATE-LAW")
    laws = eligibility("WA", Model.WSO, SERVED.date()).laws
    assert wa["evidence"]["law_ids"] == "; ".join(law.id for law in laws)
    assert laws[0].citation in wa["citation"]


def test_impossible_records_are_data_findings_not_crashes(tmp_path: Path) -> None:
    rows = audit_rows(
        tmp_path,
        [
            hold("BACKWARDS", ended_at=SERVED - 3 * H),
            hold("FUTURE", served_at=AS_OF + 24 * H, ended_at=AS_OF + 30 * H),
        ],
    )
    assert rules_of(rows, "BACKWARDS") == {"DATA-ENDED-BEFORE-SERVED"}
    assert finding(rows, "BACKWARDS", "DATA-ENDED-BEFORE-SERVED")["evidence"]["hours_backwards"] == 3.0
    assert rules_of(rows, "FUTURE") == {"DATA-FUTURE-TIME"}
    ev = finding(rows, "FUTURE", "DATA-FUTURE-TIME")["evidence"]
    assert ev["columns"] == "served_at scheduled_release_at ice_notified_at ended_at"
