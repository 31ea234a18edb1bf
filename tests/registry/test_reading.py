"""Reading sheets by rule: header variants, blank rows, unknown values, states, hyperlinks in xlsx."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import SHEETS
from tests.registry.conftest import INGESTED_AT
from wso.registry.headers import HeaderError, field_of_header
from wso.registry.kinds import read_kind, read_model
from wso.registry.links import unwrap_url
from wso.registry.parsing import parse_file
from wso.registry.rows import read_sheet
from wso.registry.sheets import Table, _hyperlinks_in_general, _relationship_targets, read_hyperlinks, read_table
from wso.registry.states import read_state

SAFELINK = (
    "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F"
    "LimestoneCoSheriffsOfficeAL_WSO_MOA_05.22.25.pdf&data=05%7C02%7C&sdata=OVB%2FIW&reserved=0"
)


def table(rows: list[list[object]]) -> Table:
    return Table(rows=[(n, list(r)) for n, r in enumerate(rows, start=1)])  # type: ignore[misc]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("STATE", "state"),
        ("State ", "state"),
        ("LAW ENFORCEMENT AGENCY", "agency"),
        ("Agency Name", "agency"),
        ("TYPE", "kind"),
        ("Agency Type", "agency"),  # an 'agency' column wins; TYPE is found elsewhere
        ("COUNTY", "county"),
        ("SUPPORT TYPE", "model"),
        ("287(g) Model", "model"),
        ("SIGNED", "signed"),
        ("Date Signed", "signed"),
        ("MOA", "moa"),
        ("MOA Link", "moa"),
        ("ADDENDUM", "addendum"),
        ("Notes", None),
        ("", None),
    ],
)
def test_header_names_are_mapped_by_their_words(header: str, field: str | None) -> None:
    assert field_of_header(header) == field


def test_header_variants_blank_rows_and_unknown_columns() -> None:
    sheet = read_sheet(
        table(
            [
                ["", "", ""],
                ["Agency Name", "state", "Model", "Date signed", "Notes", "County "],
                ["Alpha County Sheriff's Office", "Texas", "WSO", "2025-05-01", "n", "Alpha"],
                ["", None, " ", "", "", ""],
                ["Bravo PD", "TX", "task force", "", "", ""],
            ]
        ),
        "participating",
    )
    assert sheet.columns == {"agency": 0, "state": 1, "model": 2, "signed": 3, "county": 5}
    assert sheet.blank_rows == 1
    assert [(n, r.state, r.model, r.signed) for n, r in sheet.rows] == [
        (3, "TX", "WSO", date(2025, 5, 1)),
        (5, "TX", "TFM", None),
    ]
    codes = {(i.row_number, i.code) for i in sheet.issues}
    assert codes == {(None, "column_unknown"), (5, "signed_missing")}


def test_missing_required_column_is_a_clear_error() -> None:
    with pytest.raises(HeaderError, match="STATE, LAW ENFORCEMENT AGENCY and SUPPORT TYPE"):
        read_sheet(table([["STATE", "COUNTY"], ["TX", "Harris"]]), "pending")


def test_unknown_model_and_type_are_kept_and_reported() -> None:
    sheet = read_sheet(
        table(
            [
                ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE"],
                ["TX", "Alpha", "Tribal", "Detention Model"],
                ["TX", "Bravo", "County", ""],
            ]
        ),
        "pending",
    )
    (_, alpha), (_, bravo) = sheet.rows
    assert alpha.model is None and alpha.kind is None and alpha.raw["SUPPORT TYPE"] == "Detention Model"
    assert {(i.row_number, i.code) for i in sheet.issues} == {
        (2, "model_unknown"),
        (2, "kind_unknown"),
        (3, "model_missing"),
    }
    assert bravo.kind == "county"


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("Task Force Model", "TFM"),
        ("Task Force Model ", "TFM"),
        ("TASK FORCE", "TFM"),
        ("tfm", "TFM"),
        ("Jail Enforcement Model", "JEM"),
        ("JEM", "JEM"),
        ("Warrant Service Officer", "WSO"),
        ("Warrant Service Officer (WSO)", "WSO"),
        ("wso", "WSO"),
        ("Other", None),
    ],
)
def test_model_spellings(text: str, model: str | None) -> None:
    assert read_model(text) == model


@pytest.mark.parametrize(
    ("text", "kind"),
    [("County", "county"), ("Municipality", "municipal"), ("City", "municipal"), ("State Agency", "state"),
     ("state", "state"), ("Parish", "county"), ("Federal", None)],
)  # fmt: skip
def test_type_spellings(text: str, kind: str | None) -> None:
    assert read_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "code", "exact"),
    [
        ("TEXAS", "TX", True),
        ("Texas", "TX", True),
        ("TX", "TX", True),
        ("AlABAMA", "AL", False),
        ("UTAHJ", "UT", False),
        ("texas ", "TX", False),
        ("N. Carolina", None, False),
        ("Atlantis", None, False),
        ("", None, False),
    ],
)
def test_state_reading(text: str, code: str | None, exact: bool) -> None:
    reading = read_state(text)
    assert (reading.code, reading.exact) == (code, exact)


def test_safelinks_are_unwrapped_and_other_urls_kept() -> None:
    assert unwrap_url(SAFELINK) == "https://www.ice.gov/doclib/287gMOA/LimestoneCoSheriffsOfficeAL_WSO_MOA_05.22.25.pdf"
    assert unwrap_url("https://www.ice.gov/a.pdf") == "https://www.ice.gov/a.pdf"


def xlsx_with_links() -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"])
    ws.append(["ALABAMA", "Limestone County Sheriff's Office", "County", "Limestone", "Warrant Service Officer",
               date(2025, 5, 22), "link ", ""])  # fmt: skip
    ws.append(["ALABAMA", "Other County Sheriff's Office", "County", "Other", "Task Force Model",
               date(2025, 5, 1), "link", "link"])  # fmt: skip
    ws["G2"].hyperlink = SAFELINK
    ws["G3"].hyperlink = "https://www.ice.gov/doclib/287gMOA/other.pdf"
    ws["H3"].hyperlink = "https://www.ice.gov/doclib/287gMOA/other_addendum.pdf"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_hyperlinks_are_read_from_the_zip() -> None:
    data = xlsx_with_links()
    links = read_hyperlinks(data)
    assert links[(2, 6)] == SAFELINK
    assert links[(3, 7)].endswith("other_addendum.pdf")
    parsed = parse_file(Path("20250523T151708Z/participatingAgencies05232025am.xlsx"), data, "0" * 64,
                        captured_at=None, ingested_at=INGESTED_AT)  # fmt: skip
    first, second = (parsed.readings[reading].record() for _sha, _number, reading in parsed.rows)
    assert first["moa_url_raw"] == SAFELINK and first["moa_url"].endswith("_WSO_MOA_05.22.25.pdf")
    assert second["addendum_url"].endswith("other_addendum.pdf")
    assert parsed.snapshot["published"] == date(2025, 5, 23) and parsed.snapshot["half"] == "am"
    assert parsed.snapshot["captured_at"].isoformat() == "2025-05-23T15:17:08+00:00"


def test_csv_reads_like_xlsx() -> None:
    data = (
        b"STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
        b"TEXAS,Alpha County Sheriff's Office,County,Alpha County ,Jail Enforcement Model,05/082025,"
        b"https://www.ice.gov/doclib/287gMOA/alpha.pdf\n"
    )
    (_, row) = read_sheet(read_table("x.csv", data), "participating").rows[0]
    assert (row.state, row.model, row.signed, row.county) == ("TX", "JEM", date(2025, 5, 8), "Alpha County")
    assert row.moa_url == "https://www.ice.gov/doclib/287gMOA/alpha.pdf"


def test_file_without_dates_in_its_names_is_read_with_reported_fallbacks(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED\nTX,Alpha,WSO,2025-01-02\n")
    parsed = parse_file(path, path.read_bytes(), "1" * 64, captured_at=None, ingested_at=INGESTED_AT)
    assert parsed.snapshot["kind"] == "participating"
    codes = {i["code"] for i in parsed.issues}
    assert codes == {"kind_from_header", "captured_from_mtime", "published_from_capture"}


def _with_sheet_hyperlinks(data: bytes, hyperlinks: bytes) -> bytes:
    """`data` with the first sheet's <hyperlinks> element replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<hyperlinks>.*</hyperlinks>", hyperlinks, content, flags=re.S)
            target.writestr(item, content)
    return out.getvalue()


def test_hyperlinks_in_excels_form_and_in_any_other_form() -> None:
    """Excel's own form is read in one pass; one element in another form (a range of cells, an internal
    location, attributes in another order) sends the whole sheet the general way, and nothing is lost."""
    data = xlsx_with_links()
    excel = _with_sheet_hyperlinks(
        data,
        b'<hyperlinks><hyperlink ref="G2" r:id="rId1" xr:uid="{1}"/><hyperlink ref="G3" r:id="rId2"/></hyperlinks>',
    )
    assert read_hyperlinks(excel) == {(2, 6): SAFELINK, (3, 6): "https://www.ice.gov/doclib/287gMOA/other.pdf"}
    mixed = _with_sheet_hyperlinks(
        data,
        b'<hyperlinks><hyperlink ref="G2" r:id="rId1"/><hyperlink ref="G3:H3" r:id="rId2"/>'
        b'<hyperlink location="Sheet2!A1" ref="F2"/><hyperlink r:id="rId3" ref="B3"/></hyperlinks>',
    )
    assert read_hyperlinks(mixed) == {
        (2, 6): SAFELINK,
        (3, 6): "https://www.ice.gov/doclib/287gMOA/other.pdf",
        (3, 7): "https://www.ice.gov/doclib/287gMOA/other.pdf",
        (2, 5): "#Sheet2!A1",
        (3, 1): "https://www.ice.gov/doclib/287gMOA/other_addendum.pdf",
    }


def test_hyperlinks_fast_and_general_readings_agree_on_the_real_files() -> None:
    for path in sorted(SHEETS.rglob("*.xlsx")):
        data = path.read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheet = archive.read("xl/worksheets/sheet1.xml")
        start = sheet.find(b"<hyperlinks")
        if path.name.startswith("pending"):
            assert start < 0 and read_hyperlinks(data) == {}, path
            continue
        targets = _relationship_targets(archive.read("xl/worksheets/_rels/sheet1.xml.rels"))
        assert read_hyperlinks(data) == _hyperlinks_in_general(sheet, start, targets), path
        assert len(read_hyperlinks(data)) > 400, path
