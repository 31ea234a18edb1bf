"""`wso custody cost`: what the ledger's holds cost the county, hand-computed, from the library and the command."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from wso.cli.main import app
from wso.custody import ledger_cost
from wso.custody.replay import parse_lines, replay
from wso.program.cost import CostInputError, CostReport, parse_period, parse_rates
from wso.store import Database, open_database

# A jail in Florida (America/New_York) with a detention agreement (an IGSA) on record, and four holds:
# - I200-1: served at release 6 March 09:00 EST, transferred 7 March 15:30 EST: 30.5 h;
# - I247A-2: detainer from the release 6 March 17:00 EST, transferred 7 March 11:00 EST: 18 h;
# - I205-3: served 7 March 12:00 EST, transferred 8 March 12:00 EDT, across the spring-forward night: 23 h;
# - I200-4: served 30 March 10:00 EDT, held on under the agreement at 48 hours (1 April 10:00 EDT), transferred
#   2 April 10:00 EDT: March 38 h, April 10 h unreimbursed and 24 h reimbursed.
SETUP = [
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "agency", "id": "FL-HARDEE-SO", "name": "Hardee SO", "state": "FL"},
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "agreement", "agency": "FL-HARDEE-SO", "model": "WSO",
     "signed": "2025-02-26"},
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "facility", "id": "hardee-jail", "agency": "FL-HARDEE-SO",
     "name": "Hardee County Jail", "tz": "America/New_York", "detention_agreement": True},
    {"at": "2026-03-01T08:10:00-05:00", "cmd": "officer.nominate", "id": "wso-17", "agency": "FL-HARDEE-SO",
     "name": "Deputy A", "us_citizen": True},
    {"at": "2026-03-01T09:00:00-05:00", "cmd": "officer.exam", "id": "wso-17", "score": 81},
    {"at": "2026-03-01T15:00:00-05:00", "cmd": "officer.certify", "id": "wso-17"},
    {"at": "2026-03-01T16:00:00-05:00", "cmd": "officer.authorize", "id": "wso-17"},
    {"at": "2026-03-05T18:00:00-05:00", "cmd": "booking", "id": "bk-1", "facility": "hardee-jail",
     "scheduled_release": "2026-03-06T09:00:00-05:00", "name": "Jane Roe", "a_number": "A012345678"},
    {"at": "2026-03-05T18:00:00-05:00", "cmd": "warrant.receive", "id": "I200-1", "booking": "bk-1", "form": "I-200"},
    {"at": "2026-03-05T18:05:00-05:00", "cmd": "booking", "id": "bk-2", "facility": "hardee-jail",
     "scheduled_release": "2026-03-06T17:00:00-05:00"},
    {"at": "2026-03-05T18:05:00-05:00", "cmd": "warrant.receive", "id": "I247A-2", "booking": "bk-2",
     "form": "I-247A"},
    {"at": "2026-03-05T18:10:00-05:00", "cmd": "booking", "id": "bk-3", "facility": "hardee-jail",
     "scheduled_release": "2026-03-07T12:00:00-05:00"},
    {"at": "2026-03-05T18:10:00-05:00", "cmd": "warrant.receive", "id": "I205-3", "booking": "bk-3", "form": "I-205"},
    {"at": "2026-03-06T09:00:00-05:00", "cmd": "warrant.serve", "warrant": "I200-1", "officer": "wso-17",
     "facility": "hardee-jail"},
    {"at": "2026-03-06T09:05:00-05:00", "cmd": "ice.notify", "warrant": "I200-1"},
    {"at": "2026-03-06T17:00:00-05:00", "cmd": "detainer.hold", "warrant": "I247A-2"},
    {"at": "2026-03-07T11:00:00-05:00", "cmd": "custody.transfer", "warrant": "I247A-2"},
    {"at": "2026-03-07T12:00:00-05:00", "cmd": "warrant.serve", "warrant": "I205-3", "officer": "wso-17",
     "facility": "hardee-jail"},
    {"at": "2026-03-07T12:05:00-05:00", "cmd": "ice.notify", "warrant": "I205-3"},
    {"at": "2026-03-07T15:30:00-05:00", "cmd": "custody.transfer", "warrant": "I200-1"},
    {"at": "2026-03-08T12:00:00-04:00", "cmd": "custody.transfer", "warrant": "I205-3"},
]  # fmt: skip
ONTO_AGREEMENT = [
    {"at": "2026-03-29T18:00:00-04:00", "cmd": "booking", "id": "bk-4", "facility": "hardee-jail",
     "scheduled_release": "2026-03-30T10:00:00-04:00"},
    {"at": "2026-03-29T18:00:00-04:00", "cmd": "warrant.receive", "id": "I200-4", "booking": "bk-4", "form": "I-200"},
    {"at": "2026-03-30T10:00:00-04:00", "cmd": "warrant.serve", "warrant": "I200-4", "officer": "wso-17",
     "facility": "hardee-jail"},
    {"at": "2026-03-30T10:05:00-04:00", "cmd": "ice.notify", "warrant": "I200-4"},
    {"at": "2026-04-01T10:00:00-04:00", "cmd": "custody.continue", "warrant": "I200-4"},
    {"at": "2026-04-02T10:00:00-04:00", "cmd": "custody.transfer", "warrant": "I200-4"},
]  # fmt: skip
# Released on bond at 13:00 EDT on 20 March, four hours before the scheduled 17:00, and served then: the hold runs
# from the actual release, 24 h to the transfer (20 h had the scheduled release been taken).
BOND = [
    {"at": "2026-03-19T18:00:00-04:00", "cmd": "booking", "id": "bk-5", "facility": "hardee-jail",
     "scheduled_release": "2026-03-20T17:00:00-04:00"},
    {"at": "2026-03-19T18:00:00-04:00", "cmd": "warrant.receive", "id": "I200-5", "booking": "bk-5", "form": "I-200"},
    {"at": "2026-03-20T13:00:00-04:00", "cmd": "criminal.release", "booking": "bk-5"},
    {"at": "2026-03-20T13:00:00-04:00", "cmd": "warrant.serve", "warrant": "I200-5", "officer": "wso-17",
     "facility": "hardee-jail"},
    {"at": "2026-03-20T13:05:00-04:00", "cmd": "ice.notify", "warrant": "I200-5"},
    {"at": "2026-03-21T13:00:00-04:00", "cmd": "custody.transfer", "warrant": "I200-5"},
]  # fmt: skip
# A jail whose IGSA's last day in force is 1 April 2026: I200-6, served 30 March 10:00 EDT, moves onto it at its
# 48-hour point (1 April 10:00 EDT), the cover ends when 2 April begins, and ICE takes the person only at 10:00 EDT:
# March 38 h unreimbursed; April 10 h before the move, 14 h covered, 10 h after the cover's end (the jail's own).
COVER_ENDS = [
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "agency", "id": "FL-POLK-SO", "name": "Polk SO", "state": "FL"},
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "agreement", "agency": "FL-POLK-SO", "model": "WSO",
     "signed": "2025-02-26"},
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "facility", "id": "polk-jail", "agency": "FL-POLK-SO",
     "name": "Polk County Jail", "tz": "America/New_York"},
    {"at": "2026-03-01T08:00:00-05:00", "cmd": "detention.agreement", "id": "IGSA-P", "agency": "FL-POLK-SO",
     "facilities": ["polk-jail"], "kind": "IGSA", "from": "2025-01-01", "until": "2026-04-01"},
    {"at": "2026-03-01T08:10:00-05:00", "cmd": "officer.nominate", "id": "wso-9", "agency": "FL-POLK-SO",
     "name": "Deputy P", "us_citizen": True},
    {"at": "2026-03-01T09:00:00-05:00", "cmd": "officer.exam", "id": "wso-9", "score": 90},
    {"at": "2026-03-01T15:00:00-05:00", "cmd": "officer.certify", "id": "wso-9"},
    {"at": "2026-03-01T16:00:00-05:00", "cmd": "officer.authorize", "id": "wso-9"},
    {"at": "2026-03-29T18:00:00-04:00", "cmd": "booking", "id": "bk-6", "facility": "polk-jail",
     "scheduled_release": "2026-03-30T10:00:00-04:00"},
    {"at": "2026-03-29T18:00:00-04:00", "cmd": "warrant.receive", "id": "I200-6", "booking": "bk-6", "form": "I-200"},
    {"at": "2026-03-30T10:00:00-04:00", "cmd": "warrant.serve", "warrant": "I200-6", "officer": "wso-9",
     "facility": "polk-jail"},
    {"at": "2026-03-30T10:05:00-04:00", "cmd": "ice.notify", "warrant": "I200-6"},
    {"at": "2026-04-01T12:00:00-04:00", "cmd": "sweep"},
    {"at": "2026-04-02T10:00:00-04:00", "cmd": "custody.transfer", "warrant": "I200-6"},
]  # fmt: skip
AS_OF = datetime(2026, 4, 10, tzinfo=UTC)


def load(db: Database, lines: list[dict[str, Any]]) -> None:
    answer = replay(parse_lines([json.dumps(line) for line in lines]), db)
    refused = [r for r in answer["results"] if r["status"] != "accepted"]
    assert not refused, refused


def table(report: CostReport) -> list[tuple[str, str | None, int, str, str, str, str]]:
    return [
        (r.facility, r.month, r.holds, str(r.hours), str(r.unreimbursed_hours), str(r.reimbursed_hours),
         str(r.bed_days))
        for r in (*report.months, *report.facilities)
    ]  # fmt: skip


def test_the_ledgers_holds_by_month_hand_computed(db: Database) -> None:
    load(db, SETUP + ONTO_AGREEMENT)
    with db.session() as session:
        report = ledger_cost(session, AS_OF)
    # March: 30.5 + 18 + 23 + 38 = 109.5 h (4.5625 bed-days); April: 10 + 24 = 34 h; the hold of I200-4 once
    assert table(report) == [
        ("hardee-jail", "2026-03", 4, "109.50", "109.50", "0.00", "4.56"),
        ("hardee-jail", "2026-04", 1, "34.00", "10.00", "24.00", "1.42"),
        ("hardee-jail", None, 4, "143.50", "119.50", "24.00", "5.98"),
    ]
    assert report.set_aside == ()


def test_a_hold_still_held_under_the_agreement_runs_to_the_as_of_time(db: Database) -> None:
    load(db, SETUP + ONTO_AGREEMENT[:-1])  # I200-4 not yet transferred
    with db.session() as session:
        april = parse_period(None, None, "2026-04")
        report = ledger_cost(session, datetime(2026, 4, 3, 14, tzinfo=UTC), period=april)
    # April: 10 h before the move, then 1 April 14:00Z to 3 April 14:00Z = 48 h under the agreement
    assert table(report) == [
        ("hardee-jail", "2026-04", 1, "58.00", "10.00", "48.00", "2.42"),
        ("hardee-jail", None, 1, "58.00", "10.00", "48.00", "2.42"),
    ]


def test_hours_after_the_detention_agreements_cover_ended_are_not_reimbursed(db: Database) -> None:
    load(db, COVER_ENDS)
    with db.session() as session:
        report = ledger_cost(session, AS_OF, facility="polk-jail")
    assert table(report) == [
        ("polk-jail", "2026-03", 1, "38.00", "38.00", "0.00", "1.58"),
        ("polk-jail", "2026-04", 1, "34.00", "20.00", "14.00", "1.42"),
        ("polk-jail", None, 1, "72.00", "58.00", "14.00", "3.00"),
    ]


def test_a_hold_begins_at_the_actual_release_when_one_is_recorded(db: Database) -> None:
    load(db, SETUP[:7] + BOND)  # the jail, and the bond release only
    with db.session() as session:
        report = ledger_cost(session, AS_OF)
    assert table(report)[0] == ("hardee-jail", "2026-03", 1, "24.00", "24.00", "0.00", "1.00")


def test_money_at_the_rates_given_with_the_arithmetic(db: Database) -> None:
    load(db, SETUP + ONTO_AGREEMENT)
    with db.session() as session:
        report = ledger_cost(session, AS_OF, rates=parse_rates("USD 85.50", "USD 90"))
    march, april, _ = (row.cost for row in (*report.months, *report.facilities))
    assert march is not None and march.unreimbursed is not None
    assert march.unreimbursed.arithmetic == "109.50 h / 24 × USD 85.50 = USD 390.09"  # 390.09375
    assert april is not None and april.as_dict() == {
        "currency": "USD",
        "unreimbursed": {"amount": "35.63", "arithmetic": "10.00 h / 24 × USD 85.50 = USD 35.63"},
        "reimbursed_beds": {"amount": "85.50", "arithmetic": "24.00 h / 24 × USD 85.50 = USD 85.50"},
        "reimbursement": {"amount": "90.00", "arithmetic": "24.00 h / 24 × USD 90 = USD 90.00"},
        "net": "31.13",
    }


def test_an_unknown_facility_is_refused(db: Database) -> None:
    load(db, SETUP)
    with db.session() as session, pytest.raises(CostInputError, match=r"--facility 'nowhere'.*hardee-jail"):
        ledger_cost(session, AS_OF, facility="nowhere")


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("WSO_DATABASE_URL", url)
    from wso.settings import get_settings

    get_settings.cache_clear()
    db = open_database(url)
    try:
        load(db, SETUP + ONTO_AGREEMENT)
    finally:
        db.dispose()
    yield url
    get_settings.cache_clear()


runner = CliRunner()


def test_the_command_json_has_the_fields_of_the_issue(ledger: str) -> None:
    result = runner.invoke(app, ["custody", "cost", "--month", "2026-04", "--per-diem", "85.50", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (april,) = doc["months"]
    assert list(april) == [
        "facility", "month", "holds", "hours", "unreimbursed_hours", "reimbursed_hours", "bed_days", "cost"
    ]  # fmt: skip
    assert (april["hours"], april["unreimbursed_hours"], april["reimbursed_hours"]) == (34.0, 10.0, 24.0)
    assert april["cost"]["unreimbursed"] == {"amount": "35.63", "arithmetic": "10.00 h / 24 × 85.50 = 35.63"}
    assert "reimbursement" not in april["cost"] and "net" not in april["cost"]
    assert (doc["from"], doc["to"], doc["rates"]) == ("2026-04-01", "2026-04-30", {"per_diem": "85.50",
                                                                                    "reimbursement": None})  # fmt: skip
    without = json.loads(runner.invoke(app, ["custody", "cost", "--json"]).stdout)
    assert all("cost" not in row for row in without["months"])


def test_the_command_csv_and_text(ledger: str) -> None:
    result = runner.invoke(app, ["custody", "cost", "--facility", "hardee-jail", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["facility", "month", "holds", "hours", "unreimbursed_hours", "reimbursed_hours", "bed_days"],
        ["hardee-jail", "2026-03", "4", "109.50", "109.50", "0.00", "4.56"],
        ["hardee-jail", "2026-04", "1", "34.00", "10.00", "24.00", "1.42"],
        ["hardee-jail", "total", "4", "143.50", "119.50", "24.00", "5.98"],
    ]
    text = runner.invoke(app, ["custody", "cost", "--per-diem", "$85.50", "--reimbursement", "$90"]).stdout
    assert "hardee-jail  2026-04      1   34.00         10.00       24.00      1.42" in text
    assert "reimbursement    24.00 h / 24 × $90 = $90.00" in text and "net              $31.13" in text


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--per-diem", "-85"], "--per-diem"),
        (["--per-diem", "eighty"], "--per-diem"),
        (["--reimbursement", "-1"], "--reimbursement"),
        (["--facility", "nowhere"], "--facility"),
        (["--month", "2026-4"], "--month"),
        (["--from", "yesterday"], "--from"),
    ],
)
def test_bad_input_is_refused_naming_the_option(ledger: str, args: list[str], named: str) -> None:
    result = runner.invoke(app, ["custody", "cost", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {named}")
