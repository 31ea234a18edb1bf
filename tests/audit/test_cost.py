"""`wso audit cost`: the cost view over hold records, hand-computed; the ledger's holds exported and audited give
the ledger's own hours; the HTML report's chart."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.audit import builders
from tests.audit.builders import write_records
from tests.custody.test_cost import BOND, COVER_ENDS, ONTO_AGREEMENT, SETUP, load
from wso.audit import audit_to_file, load_records, records_cost
from wso.cli.main import app
from wso.custody import ledger_cost
from wso.custody.export import export_hold_records
from wso.program import hold_records as hr
from wso.program.cost import CostInputError, CostReport, CostTally, custody_start, parse_period, parse_rates
from wso.store import Database

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def hold(record_id: str, start: datetime, end: datetime | None, **over: Any) -> dict[str, Any]:
    """A hold served at its release (unless `scheduled_release_at` is given) at a jail in New York's time."""
    fields: dict[str, Any] = {
        "scheduled_release_at": start,
        "ended_at": end,
        "end_reason": "" if end is None else "transferred",
    }
    return builders.hold(record_id, served_at=start, **(fields | over))


HOLDS = [
    # 31 January 20:00 EST to 1 February 08:00 EST: 4 h in January, 8 h in February
    hold("month-end", utc(2026, 2, 1, 1), utc(2026, 2, 1, 13)),
    # local midnight to midnight across the spring-forward night in New York (8 March): 23 h
    hold("spring", utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)),
    # across the fall-back night (1 November): 25 h
    hold("autumn", utc(2026, 11, 1, 4), utc(2026, 11, 2, 5)),
    # covered by a detention agreement, v1: moves onto it 48 h after the release (1 April 14:00Z), ends 24 h later;
    # March 30 10:00 EDT to April 1 00:00 EDT = 38 h unreimbursed; April: 10 h unreimbursed, 24 h reimbursed
    hold("igsa", utc(2026, 3, 30, 14), utc(2026, 4, 2, 14), detention_agreement="true"),
    # a detainer lodged at 15:00 EST, released from criminal custody 17:00 EST, transferred next day 11:00: 18 h
    hold(
        "detainer",
        utc(2026, 3, 6, 20),
        utc(2026, 3, 7, 16),
        instrument="I-247A",
        officer_id="",
        scheduled_release_at=utc(2026, 3, 6, 22),
    ),
    # a judicial warrant is no ICE hold: set aside, counted
    hold("judicial", utc(2026, 3, 10, 12), utc(2026, 3, 10, 20), instrument="judicial", officer_id=""),
]


def rows(report: CostReport) -> list[tuple[str | None, int, str, str, str, str]]:
    return [
        (r.month, r.holds, str(r.hours), str(r.unreimbursed_hours), str(r.reimbursed_hours), str(r.bed_days))
        for r in (*report.months, *report.facilities)
    ]


V1_COLUMNS = [c.name for c in hr.HOLDS.columns if c.since == 1]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """The holds above as a hold-record schema v1 file (no detention_agreement_from, no criminal_release_at)."""
    root = write_records(tmp_path / "records", HOLDS)
    builders.write_table(root / "holds.csv", hr.HOLDS, HOLDS, V1_COLUMNS)
    return root


def test_hold_records_hand_computed(records: Path) -> None:
    report = records_cost(load_records(records), AS_OF)
    assert rows(report) == [
        ("2026-01", 1, "4.00", "4.00", "0.00", "0.17"),
        ("2026-02", 1, "8.00", "8.00", "0.00", "0.33"),
        ("2026-03", 3, "79.00", "79.00", "0.00", "3.29"),  # 23 + 38 + 18
        ("2026-04", 1, "34.00", "10.00", "24.00", "1.42"),
        ("2026-11", 1, "25.00", "25.00", "0.00", "1.04"),
        (None, 5, "150.00", "126.00", "24.00", "6.25"),
    ]
    (aside,) = report.set_aside
    assert (aside.count, aside.examples) == (1, ("judicial",)) and "not an ICE hold" in aside.reason


def test_v2_records_are_taken_at_their_word(tmp_path: Path) -> None:
    late_move = hold("igsa", utc(2026, 3, 30, 14), utc(2026, 4, 2, 14), detention_agreement="true",
                     detention_agreement_from=utc(2026, 4, 1, 20))  # fmt: skip
    # covered, but never moved onto the agreement (the file says so): every hour is the county's
    never = hold("covered", utc(2026, 5, 4, 14), utc(2026, 5, 7, 14), detention_agreement="true")
    # released on bond at 16:00 EST before the scheduled 17:00: the detainer hold runs from the actual release
    bond = hold("bond", utc(2026, 3, 6, 20), utc(2026, 3, 7, 16), instrument="I-247A", officer_id="",
                scheduled_release_at=utc(2026, 3, 6, 22), criminal_release_at=utc(2026, 3, 6, 21))  # fmt: skip
    write_records(tmp_path / "v2", [late_move, never, bond])
    report = records_cost(load_records(tmp_path / "v2"), AS_OF)
    assert rows(report) == [
        ("2026-03", 2, "57.00", "57.00", "0.00", "2.38"),  # 38 + 19
        ("2026-04", 1, "34.00", "16.00", "18.00", "1.42"),  # to 20:00Z on 1 April, then 18 h
        ("2026-05", 1, "72.00", "72.00", "0.00", "3.00"),
        (None, 3, "163.00", "145.00", "18.00", "6.79"),
    ]


def test_a_facility_a_period_and_rates(records: Path) -> None:
    loaded = load_records(records)
    april = records_cost(loaded, AS_OF, facility="FL-A-JAIL", period=parse_period("2026-04", "2026-04", None),
                         rates=parse_rates("85.50", "90"))  # fmt: skip
    cost = april.months[0].cost
    assert cost is not None and cost.as_dict()["net"] == "31.13"  # 35.63 + 85.50 - 90.00
    with pytest.raises(CostInputError, match=r"^--facility 'FL-B-JAIL': no such facility; the facilities are: FL-A"):
        records_cost(loaded, AS_OF, facility="FL-B-JAIL")


def fractional(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The day with its transfers recorded to the millisecond: both sides count whole seconds, floored."""
    return [
        {**line, "at": line["at"].replace(":00-0", ":00.999-0")} if line["cmd"] == "custody.transfer" else line
        for line in lines
    ]


def test_the_ledgers_holds_exported_and_audited_give_the_same_hours(db: Database, tmp_path: Path) -> None:
    """Five holds: one moved onto the detention agreement at its 48-hour point, one began at a bond release before
    the scheduled one (schema v2 carries both)."""
    load(db, fractional(SETUP + BOND + ONTO_AGREEMENT))
    as_of = utc(2026, 4, 10)
    rates = parse_rates("85.50", "90")
    with db.session() as session:
        from_ledger = ledger_cost(session, as_of, rates=rates)
        export_hold_records(session, tmp_path / "export", b"test key")
    from_export = records_cost(load_records(tmp_path / "export"), as_of, rates=rates)
    assert from_ledger.as_dict() == from_export.as_dict()
    assert rows(from_export) == [
        ("2026-03", 5, "133.50", "133.50", "0.00", "5.56"),  # 30.5 + 18 + 23 + 24 + 38
        ("2026-04", 1, "34.00", "10.00", "24.00", "1.42"),
        (None, 5, "167.50", "143.50", "24.00", "6.98"),
    ]


def test_hours_after_the_cover_ended_are_unreimbursed_in_the_ledger_and_its_export_alike(
    db: Database, tmp_path: Path
) -> None:
    """The export carries `detention_agreement_until`; the audit's cost reads it as the ledger's does."""
    load(db, fractional(COVER_ENDS))
    as_of = utc(2026, 4, 10)
    with db.session() as session:
        from_ledger = ledger_cost(session, as_of)
        export_hold_records(session, tmp_path / "export", b"test key")
    from_export = records_cost(load_records(tmp_path / "export"), as_of)
    assert from_ledger.as_dict() == from_export.as_dict()
    assert rows(from_export) == [
        ("2026-03", 1, "38.00", "38.00", "0.00", "1.58"),
        ("2026-04", 1, "34.00", "20.00", "14.00", "1.42"),
        (None, 1, "72.00", "58.00", "14.00", "3.00"),
    ]


def test_the_html_report_draws_the_unreimbursed_bed_days_by_month(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    audit_to_file(records, out, as_of=AS_OF, fmt="html")
    html = out.read_text(encoding="utf-8")
    chart = html[html.index('<h2 id="cost">') :]
    assert "<svg" in chart and "2026-03: 3.29 bed-days" in chart and "2026-04: 0.42 bed-days" in chart
    assert chart.count("<rect") >= 11  # every month from January to November, drawn


runner = CliRunner()


def test_the_command_text_json_and_csv(records: Path) -> None:
    base = ["audit", "cost", str(records), "--as-of", "2026-12-01T00:00:00Z"]
    doc = json.loads(runner.invoke(app, [*base, "--month", "2026-04", "--per-diem", "USD 85.50", "--json"]).stdout)
    assert doc["months"][0] | {"cost": None} == {
        "facility": "FL-A-JAIL", "month": "2026-04", "holds": 1, "hours": 34.0, "unreimbursed_hours": 10.0,
        "reimbursed_hours": 24.0, "bed_days": 1.42, "cost": None,
    }  # fmt: skip
    assert doc["months"][0]["cost"]["unreimbursed"]["arithmetic"] == "10.00 h / 24 × USD 85.50 = USD 35.63"
    assert doc["set_aside"] == [] and doc["rejected_rows"] == 0  # the judicial hold lies outside April
    table = list(csv.reader(io.StringIO(runner.invoke(app, [*base, "--csv", "--per-diem", "80"]).stdout)))
    assert table[0][-5:] == ["currency", "unreimbursed_cost", "reimbursed_bed_cost", "reimbursement", "net_cost"]
    assert table[-1] == ["FL-A-JAIL", "total", "5", "150.00", "126.00", "24.00", "6.25", "", "420.00", "80.00", "",
                         ""]  # fmt: skip
    text = runner.invoke(app, base).stdout
    assert "set aside: 1 hold: not an ICE hold" in text and "(e.g. judicial)" in text


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--per-diem", "-1"], "--per-diem"),
        (["--reimbursement", "ninety"], "--reimbursement"),
        (["--facility", "nowhere"], "--facility"),
        (["--month", "2026-04", "--to", "2026-05"], "--month"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--json", "--csv"], "--json and --csv"),
    ],
)
def test_bad_input_is_refused_naming_the_option(records: Path, args: list[str], named: str) -> None:
    result = runner.invoke(app, ["audit", "cost", str(records), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {named}")


def test_records_that_cannot_be_read_are_refused_naming_the_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "cost", str(tmp_path / "none")])
    assert result.exit_code == 2 and "not a directory of hold records" in result.stderr


def test_lenient_counts_what_it_could_read_and_says_what_it_set_aside(tmp_path: Path) -> None:
    good = hold("good", utc(2026, 6, 1, 12), utc(2026, 6, 2, 12))
    bad = hold("bad", utc(2026, 6, 1, 12), utc(2026, 6, 2, 12), ended_at="not a time")
    write_records(tmp_path / "r", [good, bad])
    base = ["audit", "cost", str(tmp_path / "r"), "--as-of", "2026-12-01T00:00:00Z"]
    refused = runner.invoke(app, base)
    assert refused.exit_code == 2 and "ended_at" in refused.stderr and "--lenient" in refused.stderr
    result = runner.invoke(app, [*base, "--lenient", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rejected_rows"] == 1 and doc["facilities"][0]["hours"] == 24.0
    assert "1 row rejected by the checks and not counted (--lenient)" in result.stderr


ZONES = st.sampled_from(["America/New_York", "America/Chicago", "America/Phoenix", "America/Anchorage"])
SECONDS = st.integers(int(utc(2025, 10, 1).timestamp()), int(utc(2026, 11, 30).timestamp()))


@st.composite
def record(draw: st.DrawFn, i: int) -> dict[str, Any]:
    served = draw(SECONDS)
    scheduled = served - draw(st.integers(-7_200, 600))
    actual = draw(st.none() | st.integers(scheduled - 86_400, scheduled))
    length = draw(st.none() | st.integers(0, 40 * 86_400))
    moved = draw(st.none() | st.integers(0, 10 * 86_400))

    def at(second: int | None) -> datetime | None:
        return None if second is None else datetime.fromtimestamp(second, UTC)

    return hold(f"r{i}", at(served), at(None if length is None else served + length), facility_tz=draw(ZONES),
                facility_id=f"F{draw(st.integers(1, 3))}", instrument=draw(st.sampled_from(["I-200", "I-247A"])),
                scheduled_release_at=at(scheduled), criminal_release_at=at(actual),
                detention_agreement="true" if moved is not None else "false",
                detention_agreement_from=at(None if moved is None else served + moved))  # fmt: skip


HOLD_LISTS = st.integers(1, 12).flatmap(lambda n: st.tuples(*(record(i) for i in range(n))))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(holds=HOLD_LISTS)
def test_records_give_what_the_definition_gives_for_the_same_holds(
    tmp_path_factory: pytest.TempPathFactory, holds: tuple[dict[str, Any], ...]
) -> None:
    root = write_records(tmp_path_factory.mktemp("random"), list(holds))
    expected = CostTally(AS_OF)
    for h in holds:
        kind = "wso" if h["instrument"] == "I-200" else "detainer"
        start = custody_start(h["served_at"], h["scheduled_release_at"], h["criminal_release_at"])
        expected.add_times(h["record_id"], h["facility_id"], h["facility_tz"], kind, start, h["ended_at"],
                           h["detention_agreement_from"])  # fmt: skip
    assert records_cost(load_records(root), AS_OF).as_dict() == expected.report().as_dict()
