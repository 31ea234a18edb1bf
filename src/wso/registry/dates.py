"""Reading dates as ICE writes them: Excel dates and serial numbers, text in several formats, impossible text,
and the publication date, am/pm and capture time carried by file and folder names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from wso.registry.text import clean

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, leap-year bug included
EARLIEST = date(1990, 1, 1)  # 287(g) began in 1996 (IIRIRA); anything before 1990 is not a signing date
LATEST = date(2100, 1, 1)

_FORMATS = (
    "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%m-%d-%Y", "%m-%d-%y", "%m.%d.%Y", "%m.%d.%y", "%Y/%m/%d",
    "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y",
)  # fmt: skip


@dataclass(frozen=True)
class DateReading:
    value: date | None
    code: str | None = None  # None: read cleanly; "signed_repaired": read by rule; "signed_unreadable"
    note: str | None = None


def _plausible(d: date) -> bool:
    return EARLIEST <= d < LATEST


@lru_cache(maxsize=8192, typed=True)  # pure; ICE's files repeat their cells
def read_date(value: object) -> DateReading:
    """A SIGNED cell as a date.

    Dates and datetimes pass; numbers are Excel serial days; text is tried in the usual US formats; text whose
    separators are missing or misplaced ('05/082025') is read from its digits as MMDDYYYY when that is a real
    date, and reported as repaired; anything else is unreadable (None, reported)."""
    if value is None:
        return DateReading(None)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if _plausible(value):
            return DateReading(value)
        return DateReading(None, "signed_unreadable", f"{value.isoformat()} is not a plausible signing date")
    if isinstance(value, bool):
        return DateReading(None, "signed_unreadable", f"{value!r} is not a date")
    if isinstance(value, int | float):
        if value != value or not 1 <= value < 2958466:  # NaN, or outside Excel's calendar
            return DateReading(None, "signed_unreadable", f"{value!r} is not an Excel date")
        d = EXCEL_EPOCH + timedelta(days=int(value))
        if _plausible(d):
            return DateReading(d, None)
        return DateReading(None, "signed_unreadable", f"Excel serial {value!r} is {d.isoformat()}, not plausible")
    text = clean(value)
    if text is None:
        return DateReading(None)
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if _plausible(parsed):
            return DateReading(parsed)
    # ISO date-times such as 2025-05-06T00:00:00 or '2025-05-06 00:00:00'
    try:
        parsed = datetime.fromisoformat(text).date()
        if _plausible(parsed):
            return DateReading(parsed)
    except ValueError:
        pass
    digits = re.sub(r"\D", "", text)
    if len(digits) == 8 and re.fullmatch(r"[\d\s/.\-]+", text):
        for fmt, label in (("%m%d%Y", "MMDDYYYY"), ("%Y%m%d", "YYYYMMDD")):
            try:
                parsed = datetime.strptime(digits, fmt).date()
            except ValueError:
                continue
            if _plausible(parsed):
                return DateReading(
                    parsed, "signed_repaired", f"{text!r} is not a well-formed date; read its digits as {label}"
                )
    return DateReading(None, "signed_unreadable", f"{text!r} is not a date in any format ICE uses")


@dataclass(frozen=True)
class FileName:
    kind: str | None  # participating | pending | None
    published: date | None
    half: str | None  # am | pm | None


def read_file_name(name: str) -> FileName:
    """Kind, publication date and half-day from a name like participatingAgencies05162025am.xlsx."""
    stem = name.rsplit(".", 1)[0]
    lowered = stem.lower()
    kind = "participating" if "particip" in lowered else "pending" if "pending" in lowered else None
    published: date | None = None
    half: str | None = None
    date_match = re.search(r"(\d{8})\s*(am|pm)?", stem, re.I)
    if date_match:
        try:
            published = datetime.strptime(date_match.group(1), "%m%d%Y").date()
        except ValueError:
            published = None
        half = date_match.group(2).lower() if date_match.group(2) and published else None
    return FileName(kind, published, half)


def read_capture_folder(name: str) -> datetime | None:
    """The UTC capture time from a folder named like 20250519T024922Z."""
    try:
        return datetime.strptime(name, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def capture_folder_name(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
