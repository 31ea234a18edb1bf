"""The public archive's quirks and agencies' lives over five years, each on the real file
(tests/data/ice-287g-archive: 13 of its 1,023 files, its MANIFEST.csv lines for them and its README), ingested as
the folder stands, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from tests.conftest import DATA
from tests.registry.conftest import INGESTED_AT
from wso import registry
from wso.cli.main import app
from wso.clock import FixedClock
from wso.registry import IngestError
from wso.registry.dates import read_file_name
from wso.registry.dating import Evidence, HandDate, date_publication, digit_edits
from wso.registry.ingestion import IngestReport
from wso.registry.views import TimelineEntry
from wso.store import Database, open_database

ARCHIVE = DATA / "ice-287g-archive"
MANIFEST_1112 = datetime(2025, 11, 14, 17, 30, 14, tzinfo=UTC)  # MANIFEST.csv: first commit of pendingAgencies11122025


@pytest.fixture(scope="module")
def archive(module_db: Database) -> tuple[Database, IngestReport]:
    with module_db.session() as session:
        report = registry.ingest(session, [ARCHIVE], clock=FixedClock(INGESTED_AT))
    return module_db, report


def _entries(db: Database) -> dict[str, TimelineEntry]:
    with db.session() as s:
        return {e.file_name: e for e in registry.timeline(s)}


def _corrections(db: Database) -> dict[str, registry.IssueView]:
    with db.session() as s:
        return {i.file_name: i for i in registry.issues(s, code="published_corrected")}


def test_files_that_are_not_lists_are_listed_with_the_reason(archive: tuple[Database, IngestReport]) -> None:
    _db, report = archive
    assert report.added == 13 and not report.failed
    ignored = {Path(f.path).name: f.message or "" for f in report.ignored}
    assert set(ignored) == {"MANIFEST.csv", "README.md"}
    assert "a manifest" in ignored["MANIFEST.csv"]
    assert "not a spreadsheet" in ignored["README.md"]


def test_the_year_4025_is_corrected_to_the_day_it_was_captured(archive: tuple[Database, IngestReport]) -> None:
    """participatingAgencies11114025am.xlsx: ICE typed 4025; saved and captured on 2025-11-14, listing a SIGNED of
    2025-11-14: the date two digits away that fits is 11142025."""
    db, _report = archive
    entries, fixes = _entries(db), _corrections(db)
    for name in ("participatingAgencies11114025am.xlsx", "pendingAgencies11114025am.xlsx"):
        assert entries[name].label == "2025-11-14am"
        assert entries[name].dated_by == "corrected"
        assert fixes[name].value == "4025-11-11am"
        assert "corrected to 2025-11-14am" in fixes[name].message
        assert "after the capture" in fixes[name].message


def test_last_years_year_in_january_is_corrected(archive: tuple[Database, IngestReport]) -> None:
    """pendingAgencies01052025pm.xlsx was saved on 2026-01-05 (its metadata): ICE kept last year's year."""
    db, _report = archive
    entry, fix = _entries(db)["pendingAgencies01052025pm.xlsx"], _corrections(db)["pendingAgencies01052025pm.xlsx"]
    assert entry.label == "2026-01-05pm"
    assert fix.value == "2025-01-05pm"
    assert "before the day the workbook was last saved, 2026-01-05" in fix.message


def test_a_month_typo_is_corrected_by_the_saving_day_and_the_capture(archive: tuple[Database, IngestReport]) -> None:
    """participatingAgencies08022025pm.xlsx lists SIGNED dates of 2025-08-28 and was saved on 2025-09-02."""
    db, _report = archive
    assert _entries(db)["participatingAgencies08022025pm.xlsx"].label == "2025-09-02pm"
    assert _corrections(db)["participatingAgencies08022025pm.xlsx"].value == "2025-08-02pm"


def test_a_nine_digit_date_is_corrected(archive: tuple[Database, IngestReport]) -> None:
    db, _report = archive
    assert _entries(db)["participatingAgencies090022025am.xlsx"].label == "2025-09-02am"
    assert "'090022025' is not a date" in _corrections(db)["participatingAgencies090022025am.xlsx"].message


def test_only_the_impossible_dates_are_corrected(archive: tuple[Database, IngestReport]) -> None:
    db, _report = archive
    assert set(_corrections(db)) == {
        "participatingAgencies11114025am.xlsx",
        "pendingAgencies11114025am.xlsx",
        "pendingAgencies01052025pm.xlsx",
        "participatingAgencies08022025pm.xlsx",
        "participatingAgencies090022025am.xlsx",
    }


def test_every_publication_is_dated_within_what_its_capture_and_content_allow(
    archive: tuple[Database, IngestReport],
) -> None:
    db, _report = archive
    with db.session() as s:
        signed = {e.sha256: e for e in registry.timeline(s)}
    for entry in signed.values():
        assert entry.published <= entry.captured_at.date()
        assert date(2021, 1, 1) <= entry.published <= INGESTED_AT.date()
    for path in ARCHIVE.rglob("*.xlsx"):
        entry = signed[hashlib.sha256(path.read_bytes()).hexdigest()]
        signed_dates = [d for d in _signed_dates(path) if d <= entry.captured_at.date()]
        if signed_dates:
            assert entry.published >= max(signed_dates), path.name


def _rows(path: Path) -> tuple[list[str], list[list[object]]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = [str(c).strip().upper() for c in rows[0]]
    return header, [r for r in rows[1:] if any(str(c).strip() for c in r)]


def _signed_dates(path: Path) -> list[date]:
    header, rows = _rows(path)
    if "SIGNED" not in header:
        return []
    found = []
    for row in rows:
        cell = row[header.index("SIGNED")]
        if isinstance(cell, datetime):
            found.append(cell.date())
        elif isinstance(cell, date):
            found.append(cell)
        elif isinstance(cell, str):
            with contextlib.suppress(ValueError):
                found.append(date.fromisoformat(cell.strip()))
    return found


def _model(text: object) -> str | None:
    words = str(text).lower()
    for needle, model in (("task", "TFM"), ("jail", "JEM"), ("warrant", "WSO")):
        if needle in words:
            return model
    return str(text).strip().upper() if str(text).strip().upper() in ("TFM", "JEM", "WSO") else None


def test_row_counts_by_model_equal_an_independent_count(archive: tuple[Database, IngestReport]) -> None:
    db, _report = archive
    with db.session() as s:
        by_sha = {e.sha256: e for e in registry.timeline(s)}
    for path in ARCHIVE.rglob("*.xlsx"):
        entry = by_sha[hashlib.sha256(path.read_bytes()).hexdigest()]
        header, rows = _rows(path)
        column = header.index("SUPPORT TYPE")
        counted = {m: sum(1 for r in rows if _model(r[column]) == m) for m in ("TFM", "JEM", "WSO")}
        assert entry.total == len(rows), path.name
        assert entry.by_model == counted, path.name


def test_a_pending_name_holding_a_participating_list_is_read_by_its_content(
    archive: tuple[Database, IngestReport],
) -> None:
    db, _report = archive
    entry = _entries(db)["pendingAgencies09222025pm.xlsx"]
    assert (entry.kind, entry.total) == ("participating", 1000)
    with db.session() as s:
        found = registry.issues(s, code="kind_from_content")
    assert [(i.file_name, i.value) for i in found] == [("pendingAgencies09222025pm.xlsx", "pending")]


def test_web_page_era_tables_join_the_same_agencies(archive: tuple[Database, IngestReport]) -> None:
    """The archive's tables of ICE's web page (no TYPE, no COUNTY, MOA as the Internet Archive's address of ICE's
    link) are participating lists dated at their capture, in ICE's time zone; in a folder whose names hold spaces."""
    db, _report = archive
    entries = _entries(db)
    web = entries["ParticipatingEntities-20210113002027.xlsx"]
    assert (web.kind, web.label, web.dated_by, web.total) == ("participating", "2021-01-12", "capture", 150)
    assert web.captured_at == datetime(2021, 1, 13, 0, 20, 27, tzinfo=UTC)
    spaced = entries["ParticipatingEntities-20250203025535.xlsx"]
    assert spaced.captured_at == datetime(2025, 2, 3, 2, 55, 35, tzinfo=UTC)
    with db.session() as s:
        (etowah,) = registry.find_agencies(s, "etowah county sheriff", state="AL")
    jem = sorted((g for g in etowah.agreements if g.model == "JEM"), key=lambda g: g.first_listed)
    assert jem[0].signed == date(2016, 6, 8)
    assert jem[0].first_listed == date(2021, 1, 12)
    assert jem[0].moa_url == "https://www.ice.gov/doclib/287gMOA/287gJEM_EtowahCoAl2016-06-18.pdf"
    # the 2016 agreement was listed until the page of February 2025 showed the one signed 2020-06-09
    assert any(g.signed == date(2020, 6, 9) for g in jem)


def _agreements(db: Database, words: str, state: str, model: str) -> list[registry.AgreementView]:
    """The agreements of model `model` of the one agency `words` finds in `state`, in the order they were listed."""
    with db.session() as s:
        (agency,) = registry.find_agencies(s, words, state=state)
    return sorted((g for g in agency.agreements if g.model == model), key=lambda g: g.first_listed)


# Lives over five years (issue 16), each on a named real agency, from the web page of January 2021 to the pending
# list of January 2026: what the 13 files of tests/data/ice-287g-archive say of it, read as the registry reads them.


def test_listed_from_the_first_capture_to_the_latest_list(archive: tuple[Database, IngestReport]) -> None:
    """Pinal County Sheriff's Office (AZ), JEM signed 2020-06-09: on ICE's web page of January 2021 and on every
    participating list since, to the latest (2025-11-14): first and last listed are the first and last lists."""
    db, _report = archive
    (jem,) = _agreements(db, "pinal county sheriff", "AZ", "JEM")
    assert jem.signed == date(2020, 6, 9)
    assert (jem.first_listed, jem.last_listed) == (date(2021, 1, 12), date(2025, 11, 14))
    assert (jem.status, jem.removed_on, jem.pending_since, jem.renewal_of) == ("active", None, None, None)


def test_a_removal_is_dated_by_the_first_list_without_it(archive: tuple[Database, IngestReport]) -> None:
    """Bristol County Sheriff's Office (MA), JEM signed 2020-06-08: on the page of January 2021; DHS ended it in
    May 2021, so it is absent from the page of February 2025 and every list after: removed on the first
    publication without it."""
    db, _report = archive
    (jem,) = _agreements(db, "bristol county sheriff", "MA", "JEM")
    assert jem.signed == date(2020, 6, 8)
    assert (jem.first_listed, jem.last_listed) == (date(2021, 1, 12), date(2021, 1, 12))
    assert (jem.status, jem.removed_on) == ("removed", date(2025, 2, 2))
    with db.session() as s:
        assert not registry.agreement_in_force(s, jem.agency_id, "JEM", date(2025, 11, 14))
        assert registry.agreement_in_force(s, jem.agency_id, "JEM", date(2021, 6, 1))


def test_a_renewal_follows_the_agreement_it_replaces(archive: tuple[Database, IngestReport]) -> None:
    """Knox County Sheriff's Office (TN), JEM: the page of January 2021 lists the agreement signed 2017-06-15, the
    page of February 2025 and the lists after it the one signed 2020-06-08: a renewal of the first, which ends
    the day the renewal is first listed. Knox County in Texas (a WSO agreement of 2025) is another agency."""
    db, _report = archive
    old, new = _agreements(db, "knox county sheriff", "TN", "JEM")
    assert (old.signed, new.signed) == (date(2017, 6, 15), date(2020, 6, 8))
    assert new.renewal_of == old.id and old.renewal_of is None
    assert (old.first_listed, old.last_listed, old.status, old.removed_on) == (
        date(2021, 1, 12),
        date(2021, 1, 12),
        "removed",
        date(2025, 2, 2),
    )
    assert (new.first_listed, new.last_listed, new.status) == (date(2025, 2, 2), date(2025, 11, 14), "active")
    with db.session() as s:
        (texas,) = registry.find_agencies(s, "knox county sheriff", state="TX")
    assert texas.id != new.agency_id and [g.model for g in texas.agreements] == ["WSO"]


def test_pending_then_signed_across_the_eras(archive: tuple[Database, IngestReport]) -> None:
    """Butler County Sheriff's Office (OH), JEM: the 2020 agreement on the page of January 2021 is gone from the
    page of February 2025; ICE's first pending list (2025-02-21) lists Butler County, which signed on 2025-02-24
    and is on the participating lists from 2025-09-02: pending since 2025-02-21, signed, a renewal, active."""
    db, _report = archive
    old, new = _agreements(db, "butler county sheriff", "OH", "JEM")
    assert (old.signed, old.status, old.removed_on) == (date(2020, 6, 9), "removed", date(2025, 2, 2))
    assert new.pending_since == date(2025, 2, 21)
    assert new.signed == date(2025, 2, 24)
    assert (new.first_listed, new.last_listed, new.status) == (date(2025, 9, 2), date(2025, 11, 14), "active")
    assert new.renewal_of == old.id


def test_one_agency_across_two_spellings_and_eras(archive: tuple[Database, IngestReport]) -> None:
    """Flathead County (MT): "Flathead County Sheriff's Department" on ICE's web page of January 2021, "Flathead
    County Sheriff's Office" in ICE's workbooks: one agency, one WSO agreement (signed 2020-02-12) listed from
    2021 to the latest list, named as ICE names it last."""
    db, _report = archive
    with db.session() as s:
        (flathead,) = registry.find_agencies(s, "flathead", state="MT")
        assert [a.id for a in registry.find_agencies(s, "flathead county sheriffs department")] == [flathead.id]
    assert flathead.name == "Flathead County Sheriff's Office"
    assert set(flathead.spellings) == {"Flathead County Sheriff's Department", "Flathead County Sheriff's Office"}
    (wso,) = flathead.agreements
    assert (wso.model, wso.signed, wso.status) == ("WSO", date(2020, 2, 12), "active")
    assert (wso.first_listed, wso.last_listed) == (date(2021, 1, 12), date(2025, 11, 14))


def test_name_variants_mid_second_file_no_half_and_capture_stamp(archive: tuple[Database, IngestReport]) -> None:
    db, _report = archive
    entries = _entries(db)
    assert entries["pendingAgencies10212025mid.xlsx"].label == "2025-10-21mid"
    assert entries["pendingAgencies12042025pm.xlsx"].label == "2025-12-04pm"
    assert entries["pendingAgencies12042025pm2.xlsx"].label == "2025-12-04pm#2"
    assert entries["pendingAgencies11122025.xlsx"].label == "2025-11-12"
    stamped = entries["pendingAgencies-20250221214937.xlsx"]
    assert (stamped.label, stamped.dated_by) == ("2025-02-21", "capture")
    assert stamped.captured_at == datetime(2025, 2, 21, 21, 49, 37, tzinfo=UTC)
    # without a stamp, the capture is the manifest's first commit of the file
    assert entries["pendingAgencies11122025.xlsx"].captured_at == MANIFEST_1112


def test_the_corrections_cli_lists_them(
    archive: tuple[Database, IngestReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _report = archive
    monkeypatch.setenv("WSO_DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(app, ["registry", "issues", "--code", "published_corrected", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert len(listed) == 5 and all(i["code"] == "published_corrected" for i in listed)


def test_a_corrections_file_wins_and_is_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "pendingAgencies"
    folder.mkdir()
    source = ARCHIVE / "pendingAgencies" / "pendingAgencies11122025.xlsx"
    shutil.copy(source, folder / source.name)
    fixes = tmp_path / "corrections.csv"
    fixes.write_text("file,published,half,why\npendingAgencies11122025.xlsx,2025-11-13,am,ICE's own notice\n")
    database = open_database(f"sqlite:///{tmp_path / 'wso.sqlite3'}")
    try:
        with database.session() as s:
            registry.ingest(s, [folder], clock=FixedClock(INGESTED_AT), manifest=ARCHIVE / "MANIFEST.csv")
            assert [e.label for e in registry.timeline(s)] == ["2025-11-12"]
        # given later, it re-dates what is stored, once
        for _ in range(2):
            with database.session() as s:
                report = registry.ingest(s, [folder], clock=FixedClock(INGESTED_AT), corrections=fixes)
                assert report.added == 0
        with database.session() as s:
            (entry,) = registry.timeline(s)
            found = registry.issues(s, code="published_corrected")
        assert (entry.label, entry.dated_by) == ("2025-11-13am", "hand")
        assert len(found) == 1
        assert found[0].value == "2025-11-12"
        assert "by hand (corrections.csv line 2: ICE's own notice)" in found[0].message
    finally:
        database.dispose()


def test_a_bad_corrections_line_stops_the_ingest_naming_it(tmp_path: Path) -> None:
    fixes = tmp_path / "corrections.csv"
    fixes.write_text("file,published\nx.xlsx,2025-13-01\n")
    database = open_database(f"sqlite:///{tmp_path / 'wso.sqlite3'}")
    try:
        with (
            pytest.raises(IngestError, match=r"corrections.csv line 2: field published '2025-13-01'"),
            database.session() as s,
        ):
            registry.ingest(s, [ARCHIVE / "README.md"], clock=FixedClock(INGESTED_AT), corrections=fixes)
    finally:
        database.dispose()


def test_a_manifest_given_dates_a_file_and_other_bytes_under_its_name_are_not(tmp_path: Path) -> None:
    source = ARCHIVE / "pendingAgencies" / "pendingAgencies11122025.xlsx"
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(source, lone / source.name)
    with (ARCHIVE / "MANIFEST.csv").open() as handle:
        line = next(r for r in csv.DictReader(handle) if r["path"].endswith(source.name))
    database = open_database(f"sqlite:///{tmp_path / 'wso.sqlite3'}")
    try:
        with database.session() as s:
            registry.ingest(s, [lone], clock=FixedClock(INGESTED_AT), manifest=ARCHIVE / "MANIFEST.csv")
            (entry,) = registry.timeline(s)
        assert entry.captured_at == datetime.fromisoformat(line["first_committed"]).astimezone(UTC)
        assert entry.dated_by == "name"
    finally:
        database.dispose()
    other = tmp_path / "other"
    other.mkdir()
    (other / "MANIFEST.csv").write_text(f"path,sha256,first_committed\n{source.name},{'0' * 64},2025-11-14T00:00:00Z\n")
    shutil.copy(ARCHIVE / "pendingAgencies" / "pendingAgencies10212025mid.xlsx", other / source.name)
    database = open_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        with database.session() as s:
            registry.ingest(s, [other], clock=FixedClock(INGESTED_AT))
            assert [i.code for i in registry.issues(s, code="manifest_mismatch")] == ["manifest_mismatch"]
    finally:
        database.dispose()


def test_a_pivot_table_is_ignored_and_a_corrupt_workbook_still_stops(tmp_path: Path) -> None:
    (tmp_path / "pivot.csv").write_text("Row Labels,Count of STATE\nTX,3\nGrand Total,3\n")
    database = open_database(f"sqlite:///{tmp_path.parent / (tmp_path.name + '.sqlite3')}")
    try:
        with database.session() as s:
            report = registry.ingest(s, [tmp_path], clock=FixedClock(INGESTED_AT))
        assert [(Path(f.path).name, "pivot table" in (f.message or "")) for f in report.ignored] == [
            ("pivot.csv", True)
        ]
        (tmp_path / "participatingAgencies05012025am.xlsx").write_bytes(b"PK\x03\x04 broken")
        with pytest.raises(IngestError, match=r"participatingAgencies05012025am\.xlsx"), database.session() as s:
            registry.ingest(s, [tmp_path], clock=FixedClock(INGESTED_AT))
    finally:
        database.dispose()


# the rule itself, case by case (docs/registry.md, "Dating")


def test_the_dating_rule() -> None:
    today = date(2026, 12, 3)
    saved = datetime(2025, 11, 14, 15, 57, tzinfo=UTC)
    captured = datetime(2025, 11, 14, 20, 0, tzinfo=UTC)
    name = read_file_name("participatingAgencies11114025am.xlsx")
    dated = date_publication(Evidence(name, today, captured, "manifest", saved, date(2025, 11, 14)))
    assert (dated.published, dated.half, dated.dated_by) == (date(2025, 11, 14), "am", "corrected")
    # without the capture, the latest SIGNED and the saving still bound it
    dated = date_publication(Evidence(name, today, None, None, saved, date(2025, 11, 14)))
    assert dated.published == date(2025, 11, 14)
    # a date that fits is kept, untouched
    ok = read_file_name("participatingAgencies11142025pm.xlsx")
    assert date_publication(Evidence(ok, today, captured, "manifest", saved, None)).dated_by == "name"
    # the hand wins, even over a date that fits, and says so
    hand = HandDate(date(2025, 11, 15), "pm", "fix.csv line 2")
    dated = date_publication(Evidence(ok, today, captured, "manifest", saved, None, hand))
    assert (dated.published, dated.dated_by, dated.issues[-1].code) == (
        date(2025, 11, 15),
        "hand",
        "published_corrected",
    )
    # a metadata time after the capture is not ICE's (the archive's own tables): no bound
    late = datetime(2025, 4, 17, tzinfo=UTC)
    web = read_file_name("ParticipatingEntities-20210113002027.xlsx")
    dated = date_publication(Evidence(web, today, web.stamp, "stamp", late, date(2020, 7, 24)))
    assert (dated.published, dated.dated_by) == (date(2021, 1, 12), "capture")


def test_digit_edits_count_a_swap_as_one() -> None:
    assert digit_edits("08022025", "09022025") == 1
    assert digit_edits("11114025", "11142025") == 2
    assert digit_edits("090022025", "09022025") == 1
    assert digit_edits("01052025", "10052025") == 1


def test_identity_across_abbreviations_prefixes_and_eras() -> None:
    from wso.registry.identity import identity_key
    from wso.registry.text import name_key

    def same(a: str, b: str) -> bool:
        return identity_key(name_key(a)) == identity_key(name_key(b))

    # spellings met in the archive (FL, MT, TX lists of February to July 2025)
    assert same("Tampa PD", "Tampa Police Department")
    assert same("Panama City Police Dept.", "Panama City Police Department")
    assert same("Gulf County BOCC", "Gulf County Board of County Commissioners")
    assert same("Indian River Shores DPS", "Indian River Shores Department of Public Safety")
    assert same("MT Dept of Justice", "Montana Department of Justice")
    assert same("Texas Office of the Attorney General", "Office of the Attorney General")
    assert same("City of St. Cloud Police Department", "St. Cloud Police Department")
    assert same("Ft. Myers Police Department", "Fort Myers Police Department")
    # and what must stay apart
    assert not same("Texas City Police Department", "City Police Department")
    assert not same("Walker County Sheriff's Office", "Waller County Sheriff's Office")
