"""`wso custody ...`: thin wrappers over the library, against a real database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.custody.test_readme import block, section
from wso.cli.main import app
from wso.custody.ledger import events
from wso.store import open_database

runner = CliRunner()


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The day of docs/custody.md replayed into the configured database (WSO_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("WSO_DATABASE_URL", url)
    from wso.settings import get_settings

    get_settings.cache_clear()
    day = tmp_path / "day.jsonl"
    day.write_text(block(section(), "jsonl"), encoding="utf-8")
    result = runner.invoke(app, ["custody", "replay", str(day), "--database", url, "--json"])
    assert result.exit_code == 0, result.output
    return url


def test_holds_history_verify(loaded: str) -> None:
    holds = json.loads(runner.invoke(app, ["custody", "holds", "--json"]).stdout)
    assert [(h["warrant"], h["status"], h["reading"]) for h in holds] == [
        ("I200-101", "released", "flat"),
        ("I200-102", "transferred", "flat"),
        ("I247A-102", "transferred", "flat"),
    ]
    names = {(h["agency_name"], h["facility_name"], h["officer_name"]) for h in holds}
    assert names == {
        ("Hardee County Sheriff's Office", "Hardee County Jail", "Deputy A"),
        ("Hardee County Sheriff's Office", "Hardee County Jail", None),  # the detainer hold: no officer
    }
    assert holds[0]["interpreter"] == "M. Ortiz"
    assert holds[0]["deadline_local"] == "2026-03-08T10:00:00-04:00"
    history = json.loads(runner.invoke(app, ["custody", "history", "I200-101", "--json"]).stdout)
    assert [e["kind"] for e in history["events"]] == ["served", "ice_notified", "released"]
    assert [a["kind"] for a in history["alerts"]] == ["ice_not_notified", "due_12h", "due_1h", "overdue"]
    result = runner.invoke(app, ["custody", "verify"])
    assert result.exit_code == 0 and "every chain verifies" in result.stdout


def test_verify_names_an_officer_whose_interview_was_rewritten(loaded: str) -> None:
    clean = json.loads(runner.invoke(app, ["custody", "verify", "--json"]).stdout)
    assert clean["ok"] and clean["officers"] >= 1 and clean["officer_events"] >= 1 and clean["broken_officers"] == []
    db = open_database(loaded)
    try:
        with db.engine.begin() as conn:
            last = text("SELECT officer_id, max(seq) FROM custody_officer_events GROUP BY officer_id")
            officer, seq = conn.execute(last).first()
            conn.execute(text("DROP TRIGGER custody_officer_events_no_update"))
            conn.execute(
                text("UPDATE custody_officer_events SET actor = 'mallory' WHERE officer_id = :o AND seq = :s"),
                {"o": officer, "s": seq},
            )
    finally:
        db.dispose()
    shown = runner.invoke(app, ["custody", "verify"])
    assert shown.exit_code == 1
    assert f"broken: officer {officer} at event {seq}: hash does not match" in shown.stdout
    answer = runner.invoke(app, ["custody", "verify", "--json"])
    found = json.loads(answer.stdout)
    assert answer.exit_code == 1 and not found["ok"] and found["broken"] == []
    problem = "hash does not match the event's contents (the event was altered)"
    assert found["broken_officers"] == [{"officer_id": officer, "seq": seq, "problem": problem}]
    assert (found["holds"], found["events"]) == (clean["holds"], clean["events"])


def test_history_as_text_shows_the_alerts_too(loaded: str) -> None:
    shown = runner.invoke(app, ["custody", "history", "I200-101"])
    alerts = json.loads(runner.invoke(app, ["custody", "history", "I200-101", "--json"]).stdout)["alerts"]
    assert shown.exit_code == 0 and "alerts:" in shown.stdout and len(alerts) == 4
    for alert in alerts:
        assert f"{alert['due_at']} {alert['kind']}" in shown.stdout and alert["text"] in shown.stdout


def test_verify_exits_1_naming_the_broken_link(loaded: str) -> None:
    db = open_database(loaded)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER custody_hold_events_no_update"))
        conn.execute(
            text("UPDATE custody_hold_events SET actor = 'mallory' WHERE hold_id = 'hold-I200-101' AND seq = 2")
        )
    db.dispose()
    result = runner.invoke(app, ["custody", "verify"])
    assert result.exit_code == 1
    assert "hold hold-I200-101 at event 2" in result.stdout


def test_history_of_unknown_hold_exits_2(loaded: str) -> None:
    result = runner.invoke(app, ["custody", "history", "nope", "--json"])
    assert result.exit_code == 2 and "no hold 'nope'" in result.stderr


def test_run_refused_exits_1_with_the_rule(loaded: str) -> None:
    result = runner.invoke(
        app, ["custody", "run", "detainer.issue", '{"officer": "wso-17", "booking": "bk-101"}', "--json"]
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["rule"] == "WSO-NO-DETAINER"


def test_export_is_pseudonymised_by_default(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = runner.invoke(app, ["custody", "export", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == {
        "holds.csv": 3,
        "officers.csv": 1,
        "agreements.csv": 1,
        "complaints.csv": 1,
    }
    with (out / "holds.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["record_id"].startswith("r-") and r["person_ref"].startswith("p-") for r in rows)
    assert "hold-I200-101" not in (out / "holds.csv").read_text(encoding="utf-8")
    assert not (out / "persons.csv").exists()
    again = tmp_path / "again"
    runner.invoke(app, ["custody", "export", "--out", str(again)])
    assert (again / "holds.csv").read_text(encoding="utf-8") == (out / "holds.csv").read_text(encoding="utf-8")


def test_replay_bad_line_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    day = tmp_path / "bad.jsonl"
    day.write_text(
        '{"at": "2026-03-05T08:00:00-05:00", "cmd": "agency", "id": "A", "name": "A", "state": "FL"}\n'
        '{"at": "2026-03-05T08:00:00", "cmd": "sweep"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["custody", "replay", str(day), "--json"])
    assert result.exit_code == 2
    assert f"{day} line 2: field 'at'" in result.stderr and "no UTC offset" in result.stderr


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"at": "2026-03-05T08:00:00Z", "cmd": "warrant.serve", "warrant": "W"}', "'officer', 'facility'"),
        ('{"at": "2026-03-05T08:00:00Z", "cmd": "teleport"}', "field 'cmd' is 'teleport'"),
        ("not json", "not JSON"),
    ],
)
def test_replay_rejects_the_whole_file_before_running(tmp_path: Path, line: str, words: str) -> None:
    day = tmp_path / "bad.jsonl"
    day.write_text(line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["custody", "replay", str(day)])
    assert result.exit_code == 2 and words in result.stderr


def test_run_records_when_the_act_happened_apart_from_when_it_was_recorded(loaded: str) -> None:
    # The day of docs/custody.md ended long ago: a booking recorded now for an act an hour earlier.
    fields = '{"id": "bk-9", "facility": "hardee-jail", "scheduled_release": "2026-03-09T09:00:00-04:00"}'
    result = runner.invoke(app, ["custody", "run", "booking", fields, "--occurred-at", "2026-03-09T08:00:00-04:00"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "custody",
            "run",
            "warrant.receive",
            '{"id": "W9", "booking": "bk-9", "form": "I-200"}',
            "--occurred-at",
            "2026-03-09T08:00:00-04:00",
            "--json",
        ],
    )
    assert json.loads(result.stdout)["status"] == "accepted"
    db = open_database(loaded)
    with db.engine.connect() as conn:
        received = conn.execute(text("SELECT received_at FROM custody_warrants WHERE id = 'W9'")).scalar_one()
    db.dispose()
    assert str(received).startswith("2026-03-09 12:00:00")


@pytest.mark.parametrize(
    ("value", "words"), [("yesterday", "not an ISO 8601 time"), ("2026-03-09T08:00", "no UTC offset")]
)
def test_run_bad_occurred_at_exits_2(loaded: str, value: str, words: str) -> None:
    result = runner.invoke(app, ["custody", "run", "sweep", "{}", "--occurred-at", value])
    assert result.exit_code == 2 and words in result.stderr


def test_replay_line_may_say_when_the_act_happened(tmp_path: Path) -> None:
    lines = block(section(), "jsonl").splitlines()
    n = next(i for i, line in enumerate(lines) if '"cmd": "ice.notify", "warrant": "I200-101"' in line)
    # ICE was told at 09:25 but the clerk records it at 09:40: the ledger keeps both times.
    lines[n] = lines[n].replace(
        '"at": "2026-03-06T09:25:00-05:00"',
        '"at": "2026-03-06T09:40:00-05:00", "occurred_at": "2026-03-06T09:25:00-05:00"',
    )
    day = tmp_path / "day.jsonl"
    day.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    result = runner.invoke(app, ["custody", "replay", str(day), "--database", url, "--json"])
    assert result.exit_code == 0, result.output
    db = open_database(url)
    with db.session() as session:
        (event,) = [e for e in events(session, "hold-I200-101") if e.kind == "ice_notified"]
    db.dispose()
    assert (event.occurred_at.isoformat(), event.recorded_at.isoformat()) == (
        "2026-03-06T14:25:00+00:00",
        "2026-03-06T14:40:00+00:00",
    )
    lines[n] = lines[n].replace(
        '"occurred_at": "2026-03-06T09:25:00-05:00"', '"occurred_at": "2026-03-06T10:25:00-05:00"'
    )
    day.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["custody", "replay", str(day), "--json"])
    assert result.exit_code == 2 and f"line {n + 1}: field 'occurred_at'" in result.stderr


def test_commands_prints_the_catalogue_by_task_for_a_role() -> None:
    from wso.custody.catalogue import markdown

    listed = runner.invoke(app, ["custody", "commands", "--role", "clerk"])
    assert listed.exit_code == 0 and listed.stdout.splitlines()[0] == "Bookings"
    assert "  Serve a warrant at release (warrant.serve; clerk, officer, supervisor, admin): " in listed.stdout
    assert "interview" not in listed.stdout and "detainer.issue" not in listed.stdout
    as_json = json.loads(runner.invoke(app, ["custody", "commands", "--json"]).stdout)
    assert [c["name"] for c in as_json][:2] == ["agency", "agreement"] and as_json[0]["group"] == "Set up"
    assert runner.invoke(app, ["custody", "commands", "--markdown"]).stdout == markdown()
    unknown = runner.invoke(app, ["custody", "commands", "--role", "sheriff"])
    assert unknown.exit_code == 2 and "unknown role 'sheriff'" in unknown.stderr


def test_run_names_the_known_commands_for_an_unknown_one() -> None:
    result = runner.invoke(app, ["custody", "run", "warrant.burn", "{}"])
    assert result.exit_code == 2 and "unknown command 'warrant.burn'; known: agency, agreement" in result.stderr
