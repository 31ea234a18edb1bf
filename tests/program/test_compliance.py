"""Conflicts and coverage: state laws against the registry built from ICE's shared snapshots (and small ones)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import SHEETS
from wso.cli.main import app
from wso.clock import FixedClock
from wso.program import counties, state_laws
from wso.registry import active_agreements, agencies_in_state, ingest, latest_snapshot_date
from wso.registry.compliance import conflicts, county_key, coverage, runs_a_jail
from wso.settings import get_settings
from wso.store import Database, open_database

DAY = timedelta(days=1)
LAST = date(2025, 7, 3)  # the last shared snapshot's publication date
CLOCK = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def real_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite registry holding every shared snapshot (ingested once for the module)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'registry.sqlite3'}"
    database = open_database(url)
    with database.session() as session:
        ingest(session, [SHEETS], clock=CLOCK)
    database.engine.dispose()
    return url


@pytest.fixture(scope="module")
def real(real_url: str) -> Iterator[Database]:
    database = open_database(real_url)
    yield database
    database.engine.dispose()


def test_the_shared_registry_ends_on_the_last_snapshot(real: Database) -> None:
    with real.session() as session:
        assert latest_snapshot_date(session) == LAST


# --- conflicts -----------------------------------------------------------------------------------------------


def test_no_conflicts_on_the_last_snapshot_day(real: Database) -> None:
    with real.session() as session:
        report = conflicts(session, LAST)
    assert report.snapshot == LAST
    assert not report.carried_forward
    assert report.agreements_checked > 700
    assert report.conflicts == ()


def test_maryland_agreements_are_no_conflict_during_the_grace_period(real: Database) -> None:
    with real.session() as session:
        for day in (date(2026, 2, 18), date(2026, 6, 30)):
            report = conflicts(session, day)
            assert report.carried_forward and report.snapshot == LAST
            assert [c for c in report.conflicts if c.state == "MD"] == []


def test_maryland_agreements_conflict_once_existing_ones_had_to_end(real: Database) -> None:
    with real.session() as session:
        listed_md = active_agreements(session, LAST, "MD")
        report = conflicts(session, date(2026, 7, 1))
    md = [c for c in report.conflicts if c.state == "MD"]
    assert len(listed_md) >= 5
    assert {c.agreement_id for c in md} == {a.id for a in listed_md}
    assert all(c.law_id == "MD-HB444-2026" and c.rule_id == "STATE-LAW" for c in md)
    assert all("HB 444" in c.citation and "2026-07-01" in c.reason for c in md)
    carroll = [c for c in md if c.agency_name.startswith("Carroll County") and c.model == "WSO"]
    assert len(carroll) == 1
    assert carroll[0].signed == date(2025, 3, 3)  # the Carroll County MOA in the shared folder is dated 03.03.25
    assert report.carried_forward


def test_new_mexico_bars_existing_agreements_from_its_effective_day(real: Database) -> None:
    with real.session() as session:
        listed_nm = active_agreements(session, LAST, "NM")
        before = conflicts(session, date(2026, 5, 19))
        on = conflicts(session, date(2026, 5, 20))
    assert listed_nm, "the shared snapshots list New Mexico agreements"
    assert [c for c in before.conflicts if c.state == "NM"] == []
    assert {c.agreement_id for c in on.conflicts if c.state == "NM"} == {a.id for a in listed_nm}


def test_new_york_conflicts_start_on_its_end_date(real: Database) -> None:
    with real.session() as session:
        listed_ny = active_agreements(session, LAST, "NY")
        before = conflicts(session, date(2026, 8, 24))
        on = conflicts(session, date(2026, 8, 25))
    assert listed_ny
    assert [c for c in before.conflicts if c.state == "NY"] == []
    ny = [c for c in on.conflicts if c.state == "NY"]
    assert {c.agreement_id for c in ny} == {a.id for a in listed_ny}
    assert {c.confidence for c in ny} == {"low"}


def test_restricting_laws_yield_no_conflicts(real: Database) -> None:
    # Colorado, Connecticut, Vermont and Massachusetts (state agencies) restrict; their listed agreements are not
    # conflicts. Virginia's directive ends state agencies' agreements: those, and only those, are conflicts.
    with real.session() as session:
        report = conflicts(session, date(2027, 1, 1))
        listed_va = active_agreements(session, LAST, "VA")
        kinds = {agency.id: agency.kind for agency in agencies_in_state(session, "VA")}
    prohibiting = {law.state for law in state_laws() if law.stance == "prohibits" and law.scope == "287g"}
    assert {c.state for c in report.conflicts} <= prohibiting
    assert {c.state for c in report.conflicts} == {"MD", "NM", "NY", "VA"}
    va = [c for c in report.conflicts if c.state == "VA"]
    state_agreements = {a.id for a in listed_va if kinds[a.agency_id] == "state"}
    assert state_agreements and {c.agreement_id for c in va} == state_agreements
    assert {c.agency_kind for c in va} == {"state"} and {c.law_id for c in va} == {"VA-ED1-2026"}
    assert len(listed_va) > len(state_agreements)  # the sheriffs' agreements stand


def test_before_the_first_snapshot_nothing_is_listed(real: Database) -> None:
    with real.session() as session:
        report = conflicts(session, date(2025, 1, 1))
    assert report.snapshot is None
    assert report.agreements_checked == 0
    assert report.conflicts == ()


def test_a_user_law_file_creates_conflicts(real: Database, tmp_path: Path) -> None:
    path = tmp_path / "laws.csv"
    path.write_text(
        "id,state,stance,citation,effective,existing_agreements_end\n"
        "FL-908-11,FL,prohibits,Hypothetical repeal,2025-07-01,2025-07-02\n",
        encoding="utf-8",
    )
    with real.session() as session:
        listed_fl = active_agreements(session, LAST, "FL")
        report = conflicts(session, LAST, state_laws(path))
    assert {c.agreement_id for c in report.conflicts} == {a.id for a in listed_fl}


# --- coverage -----------------------------------------------------------------------------------------------


def test_packaged_county_lists() -> None:
    assert len(counties("FL")) == 67
    assert len(counties("Texas")) == 254
    for state in ("FL", "TX"):
        keys = [county_key(c) for c in counties(state)]
        assert len(set(keys)) == len(keys)
    assert "Miami-Dade" in counties("FL") and "DeWitt" in counties("TX") and "Loving" in counties("TX")


def test_every_florida_and_texas_jail_agency_names_a_packaged_county(real: Database) -> None:
    with real.session() as session:
        for state in ("FL", "TX"):
            keys = {county_key(c) for c in counties(state)}
            jails = [a for a in agencies_in_state(session, state) if runs_a_jail(a)]
            assert jails
            assert [a.name for a in jails if county_key(a.county or a.name) not in keys] == []


def test_florida_every_county_covered_in_2025(real: Database) -> None:
    with real.session() as session:
        answer = coverage(session, "FL", LAST)
    assert answer.can_tell
    assert [law.id for law in answer.laws] == ["FL-908-11"]
    assert answer.counties_total == 67
    assert answer.counties_covered == 67
    assert answer.uncovered == ()
    assert answer.unmatched_agencies == ()
    hardee = next(row for row in answer.counties if row.county == "Hardee")
    assert "WSO" in hardee.models


def test_alachua_police_filed_as_a_county_agency_does_not_cover_a_county(real: Database) -> None:
    # ICE's sheet lists "Alachua Police Departent" (sic) with TYPE "County"; it runs no county jail
    with real.session() as session:
        answer = coverage(session, "FL", LAST)
        alachua = [a for a in agencies_in_state(session, "FL") if a.name == "Alachua Police Departent"]
    assert alachua and alachua[0].kind == "county" and not runs_a_jail(alachua[0])
    assert "Alachua Police Departent" in answer.not_counted
    row = next(row for row in answer.counties if row.county == "Alachua")
    assert "Alachua Police Departent" not in row.agencies


def test_texas_mandate_is_not_in_force_in_2025(real: Database) -> None:
    with real.session() as session:
        answer = coverage(session, "TX", LAST)
    assert not answer.can_tell
    assert "2026-01-01" in answer.reason


def test_texas_counties_without_an_agreement_by_the_deadline(real: Database) -> None:
    with real.session() as session:
        due = coverage(session, "TX", date(2026, 12, 1))
        late = coverage(session, "TX", date(2026, 12, 2))
    assert due.can_tell and due.comply_by == date(2026, 12, 1) and not due.overdue
    assert late.overdue and late.carried_forward and late.snapshot == LAST
    assert due.counties_total == 254
    assert due.counties_covered + len(due.uncovered) == 254
    assert 0 < due.counties_covered < 254
    covered = {row.county for row in due.counties if row.covered}
    assert {"Waller", "DeWitt"} <= covered  # both hold the WSO MOAs in the shared folder
    assert "operate no jail" in due.reason


def test_coverage_says_where_the_registry_cannot_tell(real: Database) -> None:
    with real.session() as session:
        georgia = coverage(session, "GA", LAST)
        california = coverage(session, "california", LAST)
    assert not georgia.can_tell and "cannot tell" in georgia.reason
    assert [law.id for law in georgia.laws] == ["GA-HB1105-2024"]
    assert not california.can_tell and "no packaged or user law mandates" in california.reason


# --- a small registry of our own, on SQLite and PostgreSQL -------------------------------------------------

HEADER = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA,ADDENDUM\n"
SMALL = (
    HEADER
    + "FLORIDA,Hardee County Sheriff's Office,County,Hardee County,Warrant Service Officer,2025-02-26,link,\n"
    + "FLORIDA,St. Johns County Sheriff's Office,County,St Johns County,Jail Enforcement Model,2020-03-02,link,\n"
    + "FLORIDA,Miami Dade Corrections and Rehabilitation,County,Miami Dade County,Warrant Service Officer,"
    + "2025-02-20,,\n"
    + "FLORIDA,Alachua Police Departent,County,Alachua County,Task Force Model,2025-05-01,,\n"
    + "MARYLAND,Carroll County Sheriff's Office,County,Carroll County,Warrant Service Officer,2025-03-03,link,\n"
    + "MARYLAND,Garrett County Sheriff's Office,County,Garrett County,Warrant Service Officer,2026-03-01,link,\n"
)


@pytest.fixture
def small(db: Database, tmp_path: Path) -> Database:
    folder = tmp_path / "sheets" / "20260315T150000Z"
    folder.mkdir(parents=True)
    (folder / "participatingAgencies03152026am.csv").write_text(SMALL, encoding="utf-8")
    with db.session() as session:
        ingest(session, [tmp_path / "sheets"], clock=CLOCK)
    return db


def test_small_registry_florida_coverage_names_the_uncovered_counties(small: Database) -> None:
    with small.session() as session:
        answer = coverage(session, "FL", date(2026, 3, 15))
    assert answer.counties_covered == 3
    assert len(answer.uncovered) == 64
    assert "Alachua" in answer.uncovered and "Pinellas" in answer.uncovered
    assert {"Hardee", "St. Johns", "Miami-Dade"}.isdisjoint(answer.uncovered)
    assert answer.not_counted == ("Alachua Police Departent",)
    assert answer.overdue


def test_small_registry_agreement_signed_after_the_law_has_no_grace_period(small: Database) -> None:
    with small.session() as session:
        report = conflicts(session, date(2026, 3, 15))
        later = conflicts(session, date(2026, 7, 1))
    assert [(c.agency_name, c.model) for c in report.conflicts] == [("Garrett County Sheriff's Office", "WSO")]
    assert "after the law took effect" in report.conflicts[0].reason
    assert {c.agency_name for c in later.conflicts} == {
        "Carroll County Sheriff's Office",
        "Garrett County Sheriff's Office",
    }


# --- the commands ---------------------------------------------------------------------------------------------

runner = CliRunner()


def run(url: str | None, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    if url is not None:
        monkeypatch.setenv("WSO_DATABASE_URL", url)
        get_settings.cache_clear()
    result = runner.invoke(app, ["rules", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_conflicts_default_day_is_the_last_snapshot(real_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(real_url, monkeypatch, "conflicts", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["on"] == LAST.isoformat()
    assert report["conflicts"] == []


def test_cli_conflicts_on_a_later_day(real_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(real_url, monkeypatch, "conflicts", "--on", "2026-07-01", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["carried_forward"] is True
    assert {c["law_id"] for c in report["conflicts"]} == {"MD-HB444-2026", "NM-HB9-2026", "VA-ED1-2026"}
    code, out, _ = run(real_url, monkeypatch, "conflicts", "--on", "2026-07-01")
    assert "Carroll County" in out and "carried forward" in out


def test_cli_coverage(real_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(real_url, monkeypatch, "coverage", "--state", "Florida", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["state"] == "FL" and answer["counties_total"] == 67 and answer["uncovered"] == []
    code, out, _ = run(real_url, monkeypatch, "coverage", "--state", "TX", "--on", "2026-12-02")
    assert code == 0
    assert "Andrews" in out and "overdue" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["coverage", "--state", "Narnia"], ["--state", "'Narnia'", "FL"]),
        (["coverage", "--state", "FL", "--on", "July 4"], ["--on", "YYYY-MM-DD"]),
        (["conflicts", "--on", "2026-13-01"], ["--on", "YYYY-MM-DD"]),
    ],
)
def test_cli_bad_input_exits_2(
    real_url: str, monkeypatch: pytest.MonkeyPatch, args: list[str], words: list[str]
) -> None:
    code, out, err = run(real_url, monkeypatch, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err


def test_cli_empty_registry_loads_the_bundled_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's empty database gets the packaged history first, as `wso registry stats` does: its latest list is
    ICE's of 2026-02-27 am (1,492 agreements)."""
    code, out, _ = run(None, monkeypatch, "conflicts", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["on"] == "2026-02-27" and report["snapshot"] == "2026-02-27"
    assert report["agreements_checked"] == 1492
    code, out, _ = run(None, monkeypatch, "coverage", "--state", "FL", "--json")
    assert code == 0
    assert json.loads(out)["counties_total"] == 67


def test_a_day_between_snapshots_uses_the_snapshot_published_on_or_before_it(real: Database) -> None:
    with real.session() as session:
        report = conflicts(session, date(2025, 6, 2))
        listed = active_agreements(session, date(2025, 6, 2))
    assert report.snapshot is not None and report.snapshot <= date(2025, 6, 2)
    assert not report.carried_forward
    assert report.agreements_checked == len(listed)
