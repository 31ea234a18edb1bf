"""Reading SIGNED and the dates in file and folder names: properties (hypothesis) and ICE's quirks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from wso.registry.dates import EXCEL_EPOCH, capture_folder_name, read_capture_folder, read_date, read_file_name

plausible = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


@given(plausible)
def test_dates_and_datetimes_read_as_themselves(d: date) -> None:
    assert read_date(d).value == d and read_date(d).code is None
    assert read_date(datetime(d.year, d.month, d.day, 13, 5)).value == d


@given(plausible)
def test_excel_serial_numbers_read_as_dates(d: date) -> None:
    serial = (d - EXCEL_EPOCH).days
    assert read_date(serial).value == d
    assert read_date(float(serial)).value == d


@given(plausible, st.sampled_from(["{m:02d}/{d:02d}/{y}", "{m}/{d}/{y}", "{y}-{m:02d}-{d:02d}", "{m:02d}.{d:02d}.{y}"]))
def test_text_dates_in_usual_formats(d: date, fmt: str) -> None:
    text = fmt.format(m=d.month, d=d.day, y=d.year)
    assert read_date(f" {text}\xa0").value == d
    assert read_date(text).code is None


@given(plausible)
def test_text_with_a_missing_separator_is_repaired_and_reported(d: date) -> None:
    reading = read_date(f"{d.month:02d}/{d.day:02d}{d.year}")
    assert reading.value == d and reading.code == "signed_repaired"


def test_ices_impossible_date() -> None:
    reading = read_date("05/082025")
    assert reading.value == date(2025, 5, 8)
    assert reading.code == "signed_repaired" and reading.note and "05/082025" in reading.note


@given(st.text(alphabet="abcxyz !?", min_size=1, max_size=10))
def test_words_are_unreadable_not_guessed(text: str) -> None:
    reading = read_date(text)
    if text.strip():
        assert reading.value is None and reading.code == "signed_unreadable"


def test_empty_and_implausible() -> None:
    assert read_date(None).value is None and read_date(None).code is None
    assert read_date("  ").code is None
    assert read_date(date(1900, 1, 1)).code == "signed_unreadable"
    assert read_date("13/45/2025").code == "signed_unreadable"
    assert read_date(True).code == "signed_unreadable"


def test_file_names() -> None:
    info = read_file_name("participatingAgencies05162025am.xlsx")
    assert (info.kind, info.published, info.half) == ("participating", date(2025, 5, 16), "am")
    info = read_file_name("pendingAgencies07032025pm.xlsx")
    assert (info.kind, info.published, info.half) == ("pending", date(2025, 7, 3), "pm")
    info = read_file_name("PendingAgencies 07032025.csv")
    assert (info.kind, info.published, info.half) == ("pending", date(2025, 7, 3), None)
    info = read_file_name("agencies.xlsx")
    assert (info.kind, info.published, info.half) == (None, None, None)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)))
def test_capture_folder_round_trip(at: datetime) -> None:
    at = at.replace(microsecond=0, tzinfo=UTC)
    assert read_capture_folder(capture_folder_name(at)) == at
    assert read_capture_folder(capture_folder_name(at + timedelta(hours=5))) == at + timedelta(hours=5)


def test_capture_folder_of_ices_captures() -> None:
    assert read_capture_folder("20250519T024922Z") == datetime(2025, 5, 19, 2, 49, 22, tzinfo=UTC)
    assert read_capture_folder("captures") is None
