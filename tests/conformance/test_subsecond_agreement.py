"""Where a fraction of a second decides, the ledger and the audit decide alike: every time-based rule reads each
time as its whole UTC second, floored (``wso.program.decision_second``). For each rule, two histories a fraction
apart on either side of a second: the ledger's verdict (its refusal, its "late" answer, what it holds late, its
alert) and the audit's findings on the exported records are the same, and they change together.

A refused act never reaches the ledger's records, so for a refusal the audit is run on a hand-written record with
the same times (``tests.audit.builders``): the audit finds exactly what the ledger refused.

The release from criminal custody is at 09:00:00.4 in New York (13:00:00.4Z), so the exact times and their seconds
differ wherever it matters.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.audit.builders import agreement, hold, officer, write_records
from tests.conformance.harness import finding_set, ledger_late, run_audit_of_export
from wso.audit import load_records, run_audit
from wso.custody.replay import parse_lines, replay
from wso.program import DEFAULT_DETAINER_READING
from wso.store import Database

MS = timedelta(milliseconds=1)
S = timedelta(seconds=1)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
SETUP_AT = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
RELEASE = datetime(2026, 4, 6, 13, 0, 0, 400_000, tzinfo=UTC)  # Monday 09:00:00.4 in New York
AS_OF = datetime(2026, 4, 20, tzinfo=UTC)


def _line(at: datetime, cmd: str, **args: Any) -> str:
    return json.dumps({"at": at.isoformat(), "cmd": cmd, **args})


def _setup(template: str = "2025") -> list[str]:
    at = SETUP_AT
    return [
        _line(at, "agency", id="AG", name="AG Sheriff's Office", state="FL", kind="county"),
        _line(at, "agreement", agency="AG", model="WSO", signed="2025-02-26", moa_template=template),
        _line(at, "facility", id="JAIL", agency="AG", name="JAIL County Jail", tz="America/New_York",
              detention_agreement=False),
        _line(at, "officer.nominate", id="O1", agency="AG", name="Deputy", us_citizen=True),
        _line(at, "officer.exam", id="O1", score=88),
        _line(at, "officer.certify", id="O1"),
        _line(at, "officer.authorize", id="O1"),
        _line(at, "booking", id="B1", facility="JAIL", scheduled_release=RELEASE.isoformat()),
        _line(at, "warrant.receive", id="W1", booking="B1", form="I-200"),
    ]  # fmt: skip


def _run(db: Database, lines: list[str], tmp_path: Path, as_of: datetime = AS_OF) -> tuple[list[dict[str, Any]], Any]:
    """Replay the lines; the ledger's answers (each command's result) and the audit's findings on its export, after
    checking that what the ledger holds late is exactly what the audit finds."""
    answer = replay(parse_lines(lines, "<fractions>"), db, detainer_reading=DEFAULT_DETAINER_READING)
    rows = run_audit_of_export(db, tmp_path / "export", as_of)
    assert finding_set(rows) == ledger_late(db, as_of), (rows, answer["results"])
    return answer["results"], rows


def _result(results: list[dict[str, Any]], cmd: str) -> dict[str, Any]:
    return [r for r in results if r["cmd"] == cmd][-1]


def _rules(rows: list[dict[str, Any]], record: str) -> set[str]:
    return {r["rule_id"] for r in rows if r["record_id"] == record}


def _audit_record(tmp_path: Path, **times: Any) -> set[str]:
    """The audit's rules found on one hand-written WSO hold with these times (the agency's agreement in force)."""
    root = write_records(
        tmp_path / "record",
        [hold("R", **times)],
        [officer(agency_id="FL-A")],
        [agreement(in_force_from="2025-02-26")],
    )
    records = load_records(root)
    try:
        rows = run_audit(records, AS_OF, "duckdb").findings.to_pylist()
    finally:
        records.con.close()
    return {r["rule_id"] for r in rows if r["record_id"] == "R"}


def _served(db: Database, tmp_path: Path, served: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = [
        *_setup(),
        _line(served, "warrant.serve", warrant="W1", officer="O1", facility="JAIL"),
        _line(served + MIN, "ice.notify", warrant="W1"),
        _line(served + 2 * H, "custody.transfer", warrant="W1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    return _result(results, "warrant.serve"), rows


# ---- WSO-SCHEDULED-RELEASE: the tolerance's end, and the release itself ------------------------------------------


@pytest.mark.parametrize(
    ("served", "lawful"),
    [
        (RELEASE + 15 * MIN + 500 * MS, True),  # 15 min 0.5 s after the release: 15 minutes to the second
        (RELEASE + 15 * MIN + 700 * MS, False),  # 15 min 0.7 s: the next second, one second late
        (RELEASE - 300 * MS, True),  # 0.3 s before the release: in its second, not before it
        (RELEASE - 500 * MS, False),  # 0.5 s before: the second before the release's
    ],
)
def test_service_at_the_release_where_a_fraction_decides(
    db: Database, tmp_path: Path, served: datetime, lawful: bool
) -> None:
    serve, rows = _served(db, tmp_path, served)
    found = _audit_record(
        tmp_path,
        served_at=served,
        scheduled_release_at=RELEASE,
        ice_notified_at=served + MIN,
        ended_at=served + 2 * H,
    )
    if lawful:
        assert serve["status"] == "accepted", serve
        assert _rules(rows, "hold-W1") == set()
        assert found == set()
    else:
        assert (serve["status"], serve.get("rule")) == ("refused", "WSO-SCHEDULED-RELEASE"), serve
        assert found == {"WSO-SCHEDULED-RELEASE"}


# ---- WSO-48H: the transfer at the deadline's second ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "late"),
    [
        (500 * MS, False),  # 0.5 s past the exact deadline (13:00:00.9Z): the deadline's second
        (700 * MS, True),  # 0.7 s past it (13:00:01.1Z): one second over
        (-300 * MS, False),
    ],
)
def test_the_48_hours_where_a_fraction_decides(db: Database, tmp_path: Path, over: timedelta, late: bool) -> None:
    deadline = RELEASE + 48 * H
    lines = [
        *_setup(),
        _line(RELEASE, "warrant.serve", warrant="W1", officer="O1", facility="JAIL"),
        _line(RELEASE + MIN, "ice.notify", warrant="W1"),
        _line(deadline + over, "custody.transfer", warrant="W1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    transfer = _result(results, "custody.transfer")
    assert transfer["status"] == "accepted"
    assert ("after the deadline" in transfer["message"]) is late, transfer["message"]
    assert _rules(rows, "hold-W1") == ({"WSO-48H"} if late else set())
    if late:
        assert next(r for r in rows if r["rule_id"] == "WSO-48H")["evidence"]["hours_over"] == round(1 / 3600, 2)


# ---- WSO-NOTIFY-ICE: 15 minutes after service, to the second ---------------------------------------------------


@pytest.mark.parametrize(
    ("after", "late"),
    [
        (15 * MIN + 50 * MS, False),  # served at .9, told at .95 of the 900th second after: 900 s, not late
        (15 * MIN + 100 * MS, True),  # told at .0 of the 901st second: late, though only 900.1 s exactly
    ],
)
def test_ice_notification_where_a_fraction_decides(db: Database, tmp_path: Path, after: timedelta, late: bool) -> None:
    served = RELEASE + 500 * MS  # 13:00:00.9Z
    lines = [
        *_setup(),
        _line(served, "warrant.serve", warrant="W1", officer="O1", facility="JAIL"),
        _line(served + after, "ice.notify", warrant="W1"),
        _line(served + 2 * H, "custody.transfer", warrant="W1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    notify = _result(results, "ice.notify")
    assert ("late" in notify["message"]) is late, notify["message"]
    assert _rules(rows, "hold-W1") == ({"WSO-NOTIFY-ICE"} if late else set())


@pytest.mark.parametrize(
    ("at", "alert"),
    [
        (15 * MIN + 50 * MS, False),  # 900 s to the second: the window has not passed
        (15 * MIN + 100 * MS, True),  # 901 s: passed
    ],
)
def test_the_sweeps_ice_not_notified_where_a_fraction_decides(
    db: Database, tmp_path: Path, at: timedelta, alert: bool
) -> None:
    """A sweep and an audit at the same moment: the alert is raised exactly when the audit finds ICE not told."""
    served = RELEASE + 500 * MS
    now = served + at
    lines = [
        *_setup(),
        _line(served, "warrant.serve", warrant="W1", officer="O1", facility="JAIL"),
        _line(now, "sweep"),
    ]
    results, rows = _run(db, lines, tmp_path, as_of=now)
    raised = "ice_not_notified W1" in _result(results, "sweep")["message"]
    assert raised is alert
    assert ("WSO-NOTIFY-ICE" in _rules(rows, "hold-W1")) is alert


# ---- WSO-CITIZENSHIP-1H: one hour after the claim, to the second -----------------------------------------------


@pytest.mark.parametrize(("after", "late"), [(H + 100 * MS, False), (H + 300 * MS, True)])
def test_the_citizenship_report_where_a_fraction_decides(
    db: Database, tmp_path: Path, after: timedelta, late: bool
) -> None:
    claim = RELEASE + H + 400 * MS  # 14:00:00.8Z; reported at 15:00:00.9Z (one hour) or 15:00:01.1Z (one hour 1 s)
    lines = [
        *_setup("2019"),
        _line(RELEASE, "warrant.serve", warrant="W1", officer="O1", facility="JAIL"),
        _line(RELEASE + MIN, "ice.notify", warrant="W1"),
        _line(claim, "citizenship.claim", warrant="W1"),
        _line(claim + after, "citizenship.report", warrant="W1"),
        _line(RELEASE + 5 * H, "custody.transfer", warrant="W1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    report = _result(results, "citizenship.report")
    assert ("late" in report["message"]) is late, report["message"]
    assert _rules(rows, "hold-W1") == ({"WSO-CITIZENSHIP-1H"} if late else set())
    if late:
        assert next(r for r in rows if r["rule_id"] == "WSO-CITIZENSHIP-1H")["severity"] == "violation"


# ---- DETAINER-48H, flat: the release at the deadline's second ------------------------------------------------------


@pytest.mark.parametrize(("over", "late"), [(500 * MS, False), (700 * MS, True)])
def test_the_detainer_deadline_where_a_fraction_decides(
    db: Database, tmp_path: Path, over: timedelta, late: bool
) -> None:
    lines = [*_setup()[:-1], _line(SETUP_AT, "warrant.receive", id="D1", booking="B1", form="I-247A")]
    lines += [
        _line(RELEASE, "detainer.hold", warrant="D1"),
        _line(RELEASE + 48 * H + over, "custody.release", warrant="D1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    release = _result(results, "custody.release")
    assert release["status"] == "accepted"
    assert ("after the deadline" in release["message"]) is late, release["message"]
    assert _rules(rows, "hold-D1") == ({"DETAINER-48H"} if late else set())


@pytest.mark.parametrize(("before", "refused"), [(300 * MS, False), (500 * MS, True)])
def test_a_detainer_hold_before_the_release_where_a_fraction_decides(
    db: Database, tmp_path: Path, before: timedelta, refused: bool
) -> None:
    """0.3 s before the release (13:00:00.1Z) is the release's second: the hold begins; 0.5 s before (12:59:59.9Z)
    is the second before: nothing to hold yet."""
    lines = [*_setup()[:-1], _line(SETUP_AT, "warrant.receive", id="D1", booking="B1", form="I-247A")]
    lines += [
        _line(RELEASE - before, "detainer.hold", warrant="D1"),
        _line(RELEASE + H, "custody.release", warrant="D1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    held = _result(results, "detainer.hold")
    assert (held["status"], held.get("rule")) == (("refused", "DETAINER-48H") if refused else ("accepted", None))
    assert rows == []


# ---- DATA-ENDED-BEFORE-SERVED: an end before the service's second is refused -----------------------------------


@pytest.mark.parametrize(("before", "refused"), [(300 * MS, False), (1_000 * MS, True)])
def test_an_end_before_service_where_a_fraction_decides(
    db: Database, tmp_path: Path, before: timedelta, refused: bool
) -> None:
    served = RELEASE + 500 * MS  # 13:00:00.9Z; ended at 13:00:00.6Z (its second) or 12:59:59.9Z (the one before)
    ended = served - before
    lines = [
        *_setup(),
        _line(served, "warrant.serve", warrant="W1", officer="O1", facility="JAIL"),
        _line(served + MIN, "ice.notify", warrant="W1"),
        json.dumps({"at": (served + 2 * MIN).isoformat(), "occurred_at": ended.isoformat(),
                    "cmd": "custody.transfer", "warrant": "W1"}),
        _line(served + 3 * MIN, "custody.release", warrant="W1"),  # ends it, if the transfer was refused
    ]  # fmt: skip
    results, rows = _run(db, lines, tmp_path)
    transfer = _result(results, "custody.transfer")
    found = _audit_record(
        tmp_path, served_at=served, scheduled_release_at=RELEASE, ice_notified_at=served + MIN, ended_at=ended
    )
    if refused:
        assert (transfer["status"], transfer.get("rule")) == ("refused", "INPUT"), transfer
        assert "DATA-ENDED-BEFORE-SERVED" in transfer["message"]
        assert found == {"DATA-ENDED-BEFORE-SERVED"}
    else:
        assert transfer["status"] == "accepted", transfer
        assert found == set()
    assert rows == []  # the ledger's records never hold an end before service


# ---- WSO-COMPLAINT-48H: 48 hours, weekends excluded, to the second -------------------------------------------------


@pytest.mark.parametrize(("over", "late"), [(500 * MS, False), (700 * MS, True)])
def test_the_complaint_report_where_a_fraction_decides(
    db: Database, tmp_path: Path, over: timedelta, late: bool
) -> None:
    received = datetime(2026, 4, 3, 19, 0, 0, 400_000, tzinfo=UTC)  # Friday 15:00:00.4 in New York
    due = datetime(2026, 4, 7, 19, 0, 0, 400_000, tzinfo=UTC)  # Tuesday: the weekend does not count
    lines = [
        *_setup(),
        _line(received, "complaint.receive", id="C1", officer="O1", facility="JAIL"),
        _line(due + over, "complaint.report", id="C1"),
    ]
    results, rows = _run(db, lines, tmp_path)
    report = _result(results, "complaint.report")
    assert report["status"] == "accepted"
    assert ("late" in report["message"]) is late, report["message"]
    assert _rules(rows, "C1") == ({"WSO-COMPLAINT-48H"} if late else set())
