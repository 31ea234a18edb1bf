"""The registry on ICE's real files: totals, quirks, identity and lives (all 42 files ingested once per engine)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from tests.conftest import SHEETS
from wso import registry
from wso.registry.models import Agency, Agreement, Issue, PendingListing, Reading, Row, Snapshot
from wso.store import Database


def count_data_rows(path: object) -> int:
    """Rows under the header that hold any value, read independently of the registry's reader."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return sum(1 for r in rows[1:] if any(str(c).strip() for c in r))


def test_acceptance_figures_2025_05_16_am(loaded: Database) -> None:
    with loaded.session() as s:
        entry = next(e for e in registry.timeline(s, kind="participating") if e.label == "2025-05-16am")
    assert entry.file_name == "participatingAgencies05162025am.xlsx"
    assert entry.total == 571
    assert entry.by_model == {"TFM": 275, "JEM": 91, "WSO": 205}
    assert entry.captured_at.isoformat() == "2025-05-19T02:49:22+00:00"


def test_timeline_totals_equal_the_files_row_counts(loaded: Database) -> None:
    with loaded.session() as s:
        entries = registry.timeline(s)
    assert len(entries) == 42
    by_sha = {e.sha256: e for e in entries}
    import hashlib

    for path in sorted(SHEETS.rglob("*.xlsx")):
        entry = by_sha[hashlib.sha256(path.read_bytes()).hexdigest()]
        assert entry.total == count_data_rows(path), path
        assert entry.file_name == path.name
        assert sum(entry.by_model.values()) + entry.unreadable_model == entry.total


def test_same_file_name_with_two_contents_is_two_snapshots(loaded: Database) -> None:
    with loaded.session() as s:
        entries = [e for e in registry.timeline(s) if e.file_name == "participatingAgencies07032025pm.xlsx"]
    assert [(e.label, e.total) for e in entries] == [("2025-07-03pm", 753), ("2025-07-03pm#2", 777)]
    assert entries[0].sha256 != entries[1].sha256


def test_reingesting_the_same_bytes_changes_nothing(loaded: Database, clock: object) -> None:
    tables = (Snapshot, Row, Reading, Issue, Agency, Agreement, PendingListing)
    with loaded.session() as s:
        before = [s.scalar(select(func.count()).select_from(t)) for t in tables]
        report = registry.ingest(s, [SHEETS], clock=clock)  # type: ignore[arg-type]
        after = [s.scalar(select(func.count()).select_from(t)) for t in tables]
    assert report.added == 0 and report.skipped == 42
    assert before == after


def test_every_row_has_its_snapshot_and_reading(loaded: Database) -> None:
    with loaded.session() as s:
        orphans = s.scalar(
            select(func.count())
            .select_from(Row)
            .outerjoin(Reading, Reading.id == Row.reading_id)
            .outerjoin(Snapshot, Snapshot.id == Row.snapshot_id)
            .where((Reading.id.is_(None)) | (Snapshot.id.is_(None)))
        )
        readings = s.scalar(select(func.count()).select_from(Reading))
    assert orphans == 0
    assert readings == 1923  # 13,768 rows, each distinct content stored once


def test_every_agreement_has_its_agency_and_every_pending_listing_its_row(loaded: Database) -> None:
    """The derived tables carry no foreign keys (migration registry_0003): what they refer to must exist."""
    with loaded.session() as s:
        agencies_missing = s.scalar(
            select(func.count())
            .select_from(Agreement)
            .outerjoin(Agency, Agency.id == Agreement.agency_id)
            .where(Agency.id.is_(None))
        )
        rows_missing = s.scalar(
            select(func.count())
            .select_from(PendingListing)
            .outerjoin(
                Row, (Row.snapshot_id == PendingListing.snapshot_id) & (Row.row_number == PendingListing.row_number)
            )
            .outerjoin(Snapshot, Snapshot.id == PendingListing.snapshot_id)
            .outerjoin(Agreement, Agreement.id == PendingListing.agreement_id)
            .where(Row.snapshot_id.is_(None) | Snapshot.id.is_(None) | Agreement.id.is_(None))
        )
        counts = [s.scalar(select(func.count()).select_from(t)) for t in (Agreement, PendingListing)]
    assert agencies_missing == 0 and rows_missing == 0
    # 855: "City of St. Cloud Police Department" and "St. Cloud Police Department" (and Melbourne, Miami Springs,
    # Palm Beach, Zephyrhills) are one agency, so their agreements of one model and day are one
    assert counts == [855, 1734]


def test_every_row_keeps_its_raw_cells(loaded: Database) -> None:
    with loaded.session() as s:
        raw = s.scalars(select(Reading.raw).where(Reading.name == "Berrian County Sheriff's Offic")).first()
    assert raw is not None
    cells = json.loads(raw)
    assert cells["LAW ENFORCEMENT AGENCY"] == "Berrian County Sheriff's Offic"
    assert cells["SUPPORT TYPE"] == "Warrant Service Officer"


def test_state_typos_are_read_by_rule_and_reported(loaded: Database) -> None:
    with loaded.session() as s:
        found = registry.issues(s, code="state_corrected")
        rows = {
            (i.value, i.row_number): s.scalar(
                select(Reading.state)
                .join(Row, Row.reading_id == Reading.id)
                .where(Row.snapshot_id == i.sha256, Row.row_number == i.row_number)
            )
            for i in found
        }
    assert {value: state for (value, _n), state in rows.items()} == {"AlABAMA": "AL", "UTAHJ": "UT"}
    assert all(i.row_number is not None and i.file_name.endswith(".xlsx") for i in found)


def test_impossible_signing_date_is_repaired_and_reported(loaded: Database) -> None:
    with loaded.session() as s:
        found = registry.issues(s, code="signed_repaired")
        campbell = registry.find_agencies(s, "Campbell County Sheriff", state="VA")
    assert len(found) == 18 and {i.value for i in found} == {"05/082025"}
    assert "05/082025" in found[0].message
    assert [a.signed for a in campbell[0].agreements if a.model == "TFM"] == [date(2025, 5, 8)]


def test_typo_in_agency_name_is_one_agency(loaded: Database) -> None:
    with loaded.session() as s:
        found = registry.find_agencies(s, "Berrian County")
    assert len(found) == 1
    assert found[0].name == "Berrian County Sheriff's Office"
    assert set(found[0].spellings) == {"Berrian County Sheriff's Offic", "Berrian County Sheriff's Office"}
    (wso,) = found[0].agreements
    assert (wso.model, wso.first_listed, wso.status) == ("WSO", date(2025, 5, 16), "active")


def test_one_edit_apart_in_different_counties_stay_apart(loaded: Database) -> None:
    with loaded.session() as s:
        walker = registry.find_agencies(s, "Walker County Sheriff", state="TX")
        waller = registry.find_agencies(s, "Waller County Sheriff", state="TX")
    assert len(walker) == 1 and len(waller) == 1 and walker[0].id != waller[0].id


def test_sheriffs_department_and_office_with_curly_apostrophe_are_one_agency(loaded: Database) -> None:
    with loaded.session() as s:
        (walker,) = registry.find_agencies(s, "Walker County Sheriff", state="TX")
    assert set(walker.spellings) == {"Walker County Sheriff’s Department", "Walker County Sheriff's Office"}
    assert len({a.model for a in walker.agreements}) == len(walker.agreements) >= 2


def test_moa_hyperlinks_are_kept_and_safelinks_unwrapped(loaded: Database) -> None:
    with loaded.session() as s:
        wrapped = s.execute(
            select(Reading.moa_url_raw, Reading.moa_url).where(
                Reading.moa_url_raw.like("%safelinks.protection.outlook.com%")
            )
        ).first()
        linked = s.scalar(
            select(func.count())
            .select_from(Row)
            .join(Reading, Reading.id == Row.reading_id)
            .where(Reading.moa_url.is_not(None))
        )
    assert wrapped is not None
    assert wrapped.moa_url.startswith("https://www.ice.gov/doclib/287gMOA/")
    assert "safelinks" not in wrapped.moa_url
    assert linked > 8000


def test_moa_cell_with_nbsp_and_addendum_hyperlinks(loaded: Database) -> None:
    with loaded.session() as s:
        nbsp = s.execute(
            select(Reading.raw, Reading.moa_text, Reading.moa_url).where(Reading.moa_text == "link | addendum")
        ).first()
        addenda = s.scalar(
            select(func.count())
            .select_from(Row)
            .join(Reading, Reading.id == Row.reading_id)
            .where(Reading.addendum_url.is_not(None))
        )
        missing = registry.issues(s, code="moa_link_missing")
    assert nbsp is not None and nbsp.moa_url is None  # ICE wrote 'link' but linked nothing
    assert json.loads(nbsp.raw)["MOA"] == "link\xa0|\xa0addendum"
    assert len(missing) == 45 and {i.value for i in missing} == {"link\xa0|\xa0addendum"}
    assert addenda == 94


def test_trailing_spaces_are_cleaned_but_kept_raw(loaded: Database) -> None:
    with loaded.session() as s:
        row = s.execute(select(Reading.raw, Reading.county).where(Reading.county == "Aransas County")).first()
    assert row is not None
    assert json.loads(row.raw)["COUNTY"] == "Aransas County "


def test_public_queries(loaded: Database) -> None:
    with loaded.session() as s:
        assert registry.latest_snapshot_date(s) == date(2025, 7, 3)
        assert registry.active_agreements(s, date(2025, 5, 15)) == []
        assert len(registry.active_agreements(s, date(2025, 5, 16))) == 571
        latest = registry.active_agreements(s, date(2025, 7, 31))
        assert len(latest) == 777
        texas = registry.active_agreements(s, date(2025, 7, 31), state="TX")
        assert texas and all(a.state == "TX" for a in texas)
        jax = registry.find_agencies(s, "jacksonville sheriffs office", state="Florida")
        assert len(jax) == 1
        agency = registry.get_agency(s, jax[0].id)
        assert agency == jax[0]
        assert {a.model for a in agency.agreements} >= {"TFM", "JEM"}
        assert agency.kind == "county" and agency.county == "Duval County"
        assert registry.agreement_in_force(s, agency.id, "JEM", date(2025, 6, 1))
        assert not registry.agreement_in_force(s, agency.id, "JEM", date(2025, 5, 1))
        assert not registry.agreement_in_force(s, agency.id, "WSO", date(2025, 6, 1))
        assert registry.get_agency(s, "ag-nope") is None
        florida = registry.agencies_in_state(s, "FL")
        assert agency in florida and all(a.state == "FL" for a in florida)


def test_corrected_signing_dates_are_corrections_not_removals(loaded: Database) -> None:
    """ICE fixed 17 SIGNED dates in the shared files (by 1 to 29 days): each later agreement corrects the earlier,
    which is 'corrected', not 'removed', and diff reports the change; St. Cloud PD, listed twice side by side on
    2025-07-03 (2025-04-14 and 2025-04-15), is no correction."""
    with loaded.session() as s:
        agreements = {a.id: a for a in s.scalars(select(Agreement))}
        (limestone,) = registry.find_agencies(s, "Limestone County Sheriff", state="AL")
        (st_cloud,) = [a for a in registry.find_agencies(s, "St. Cloud", state="FL") if a.name.startswith("St. Cloud")]
        result = registry.diff(s, "2025-06-26am", "2025-06-27am")
    pairs = [(agreements[a.corrects], a) for a in agreements.values() if a.corrects]
    assert len(pairs) == 17
    for old, new in pairs:
        assert (old.agency_id, old.model) == (new.agency_id, new.model)
        assert old.signed and new.signed and 0 < abs((new.signed - old.signed).days) <= 31
        assert (old.status, old.removed_on) == ("corrected", new.first_listed)
        assert old.renewal_of is None and new.renewal_of is None
    assert sum(1 for a in agreements.values() if a.status == "corrected") == 17
    typo, fixed = sorted((a for a in limestone.agreements if a.model == "TFM"), key=lambda a: a.first_listed)
    assert (typo.signed, typo.status) == (date(2025, 6, 12), "corrected")
    assert (fixed.signed, fixed.status, fixed.corrects) == (date(2025, 6, 11), "active", typo.id)
    (change,) = [c for c in result.changed if c.agreement_id == fixed.id]
    assert change.corrects == typo.id and change.fields["signed"] == ("2025-06-12", "2025-06-11")
    assert fixed.id not in {c.agreement_id for c in result.added}
    assert typo.id not in {c.agreement_id for c in result.removed}
    corrected_in_diff = {c.corrects for c in result.changed if c.corrects}
    replaced_that_day = {old.id for old, new in pairs if new.first_listed == date(2025, 6, 27)}
    assert corrected_in_diff == replaced_that_day and len(replaced_that_day) == 11
    st_cloud_tfm = [a for a in st_cloud.agreements if a.model == "TFM"]
    assert {a.signed for a in st_cloud_tfm} == {date(2025, 4, 14), date(2025, 4, 15)}
    assert all(a.corrects is None and a.status == "active" for a in st_cloud_tfm)


def _participating_readings(s: Any) -> list[Any]:
    return list(
        s.execute(
            select(Snapshot.header, Reading)
            .select_from(Row)
            .join(Reading, Reading.id == Row.reading_id)
            .join(Snapshot, Snapshot.id == Row.snapshot_id)
            .where(Snapshot.kind == "participating")
        )
    )


def test_header_with_and_without_addendum_column(loaded: Database) -> None:
    """ICE added an ADDENDUM column in July 2025: both headers are read, and only the newer carries addenda."""
    with loaded.session() as s:
        found = _participating_readings(s)
    with_addendum = [r for header, r in found if "ADDENDUM" in json.loads(header)]
    without = [r for header, r in found if "ADDENDUM" not in json.loads(header)]
    assert len(with_addendum) == 2274 and len(without) == 9760
    assert all(r.addendum_url is None for r in without)
    assert sum(1 for r in with_addendum if r.addendum_url) == 94
    assert all(r.model and r.signed for r in with_addendum + without)


def test_moa_cells_link_link_pending_and_a_written_url(loaded: Database) -> None:
    """'link' holds a hyperlink (kept), 'link pending' holds none (no issue: nothing was promised), and a URL
    written as text is taken as the link."""
    with loaded.session() as s:
        found = [r for _h, r in _participating_readings(s)]
        issues = {(i.sha256, i.row_number) for i in registry.issues(s, code="moa_link_missing")}
    link = [r for r in found if r.moa_text == "link"]
    pending = [r for r in found if r.moa_text == "link pending"]
    written = [r for r in found if r.moa_text and r.moa_text.startswith("https://")]
    assert len(link) == 8389 and all(r.moa_url and r.moa_url.startswith(("https://", "http://")) for r in link)
    assert len(pending) == 3597 and all(r.moa_url is None for r in pending)
    assert len(written) == 3 and all(r.moa_url == r.moa_text for r in written)
    assert len(issues) == 45  # only 'link | addendum' without a hyperlink is reported


def test_type_support_type_and_signed_cells_of_the_real_files(loaded: Database) -> None:
    """Every TYPE and SUPPORT TYPE value ICE wrote is read, and every SIGNED cell is an Excel date but the 18
    impossible '05/082025' texts, which are repaired."""
    with loaded.session() as s:
        readings = list(s.scalars(select(Reading)))
        unknown = registry.issues(s, code="kind_unknown") + registry.issues(s, code="model_unknown")
        repaired = registry.issues(s, code="signed_repaired")
    types = {(json.loads(r.raw).get("TYPE"), r.kind) for r in readings}
    models = {(json.loads(r.raw).get("SUPPORT TYPE"), r.model) for r in readings}
    assert types == {("County", "county"), ("Municipality", "municipal"), ("State Agency", "state")}
    assert models == {
        ("Task Force Model", "TFM"),
        ("Jail Enforcement Model", "JEM"),
        ("Warrant Service Officer", "WSO"),
    }
    assert unknown == []
    texts = {json.loads(r.raw)["SIGNED"] for r in readings if "SIGNED" in json.loads(r.raw)}
    assert {t for t in texts if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t)} == {"05/082025"}
    assert len(repaired) == 18


def test_agency_names_answers_several_ids_in_one_call(loaded: Database) -> None:
    with loaded.session() as session:
        some = list(session.scalars(select(Agency).order_by(Agency.id).limit(3)))
        names = registry.agency_names(session, [a.id for a in some] + [some[0].id, "no-such-agency"])
        assert names == {a.id: a.name for a in some}
        assert registry.agency_names(session, []) == {}
