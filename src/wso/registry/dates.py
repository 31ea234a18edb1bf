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
        return _read_excel_serial(value)
    text = clean(value)
    if text is None:
        return DateReading(None)
    return _read_date_text(text)


def _read_excel_serial(value: int | float) -> DateReading:
    """A number as an Excel serial day, when it is one and the day is a plausible signing date."""
    if value != value or not 1 <= value < 2958466:  # NaN, or outside Excel's calendar
        return DateReading(None, "signed_unreadable", f"{value!r} is not an Excel date")
    d = EXCEL_EPOCH + timedelta(days=int(value))
    if _plausible(d):
        return DateReading(d, None)
    return DateReading(None, "signed_unreadable", f"Excel serial {value!r} is {d.isoformat()}, not plausible")


def _read_date_text(text: str) -> DateReading:
    """Cleaned text as a date: the usual US formats, then ISO date-times, then its digits (reported as repaired)."""
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
    repaired = _read_date_digits(text)
    if repaired is not None:
        return repaired
    return DateReading(None, "signed_unreadable", f"{text!r} is not a date in any format ICE uses")


def _read_date_digits(text: str) -> DateReading | None:
    """Text of 8 digits with missing or misplaced separators, read as MMDDYYYY or YYYYMMDD (repaired), or None."""
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
    return None


@dataclass(frozen=True)
class FileName:
    kind: str | None  # participating | pending | None
    published: date | None  # the MMDDYYYY date the name carries, when it is a real date
    half: str | None  # am | mid | pm | None
    token: str | None = None  # the publication digits as written (8, or a mistyped 9), for correction by rule
    variant: str | None = None  # what follows the half: 'B', '2', '_b' (a second file of that half-day)
    stamp: datetime | None = None  # a 14-digit capture stamp (YYYYMMDDhhmmss, UTC) in the name


_STAMP_RE = re.compile(r"(?<!\d)(\d{14})(?!\d)")
_ICE_DATE_RE = re.compile(r"(?<!\d)(\d{8,9})(?!\d)\s*(am|pm|mid)?([^.\d]{0,3}\d?)?$", re.I)


def read_stamp(text: str) -> datetime | None:
    """The UTC time of a 14-digit capture stamp (YYYYMMDDhhmmss, as the Internet Archive writes them)."""
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def read_file_name(name: str) -> FileName:
    """Kind, publication date, half-day and variant from ICE's names (participatingAgencies05162025am.xlsx,
    ...10212025mid, ...05122025amB, ...12042025pm2, ...07242025pm_b, ...11122025 without a half), or the capture
    stamp of an archived copy (participatingAgencies-20250411231031.xlsx). A date that is no real date
    (11114025, 090022025) is kept as `token` with `published` None, for `wso.registry.dating` to correct."""
    stem = name.rsplit(".", 1)[0]
    lowered = stem.lower()
    kind = "participating" if "particip" in lowered else "pending" if "pending" in lowered else None
    stamp_match = _STAMP_RE.search(stem)
    if stamp_match:
        stamp = read_stamp(stamp_match.group(1))
        if stamp is not None:
            return FileName(kind, None, None, stamp=stamp)
    match = _ICE_DATE_RE.search(stem)
    if not match:
        return FileName(kind, None, None)
    token = match.group(1)
    published: date | None = None
    if len(token) == 8:
        try:
            published = datetime.strptime(token, "%m%d%Y").date()
        except ValueError:
            published = None
    half = match.group(2).lower() if match.group(2) else None
    variant = (match.group(3) or "").strip() or None
    return FileName(kind, published, half, token=token, variant=variant)


def read_capture_folder(name: str) -> datetime | None:
    """The UTC capture time from a folder named like 20250519T024922Z, or holding a 14-digit stamp
    (snapshot-20250519024922)."""
    try:
        return datetime.strptime(name, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        pass
    match = _STAMP_RE.search(name)
    return read_stamp(match.group(1)) if match else None


def capture_folder_name(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
