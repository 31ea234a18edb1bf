"""Dating a publication from every source there is, and correcting a date that cannot be by a written rule.

The sources: ICE's file name (MMDDYYYY with am/mid/pm and variants), a capture time (a 14-digit stamp in the name
or the folder, `--captured-at`, a manifest), the workbook's own metadata (when ICE last saved it), the content (the
latest SIGNED date the list holds), and a corrections file written by hand. The rule is in docs/registry.md
("Dating"); every date not taken from the name as written is recorded as an issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from wso.registry.dates import FileName
from wso.registry.readings import IssueRecord

ICE_TIME_ZONE = ZoneInfo("America/New_York")  # ICE's am/pm and publication days are US Eastern
PROGRAM_START = date(1996, 9, 30)  # IIRIRA made section 287(g): no list is older
MAX_EDITS = 2  # a mistyped name date is corrected only to a date at most this many digit edits away


@dataclass(frozen=True)
class HandDate:
    """A publication date set by hand (a line of a corrections file)."""

    published: date
    half: str | None
    source: str  # where it was written, e.g. "corrections.csv line 3"
    why: str | None = None


@dataclass(frozen=True)
class Evidence:
    """What is known of one file's publication."""

    name: FileName
    today: date  # the clock's day (US Eastern): the upper bound when no capture time is known
    captured_at: datetime | None = None  # the file existed then (UTC)
    captured_by: str | None = None  # option | name | folder | manifest | mtime
    saved_at: datetime | None = None  # the workbook's metadata: when it was last saved (UTC)
    latest_signed: date | None = None  # the latest SIGNED date the list holds
    hand: HandDate | None = None


@dataclass(frozen=True)
class Dated:
    published: date
    half: str | None
    dated_by: str  # name | capture | corrected | hand
    issues: tuple[IssueRecord, ...] = ()


def local_day(at: datetime) -> date:
    """The day in ICE's time zone of a UTC time."""
    return at.astimezone(ICE_TIME_ZONE).date()


def digit_edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance between two digit strings (a swap of two neighbours counts as one edit)."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def nearest_by_digits(token: str, low: date, high: date, anchor: date) -> tuple[date, int] | None:
    """The date of [low, high] whose MMDDYYYY digits are fewest edits (at most MAX_EDITS) from `token`; among
    equals, the one nearest `anchor`, then the earlier. None when no date is close enough."""
    best: tuple[int, int, date] | None = None
    day = low
    while day <= high:
        edits = digit_edits(token, day.strftime("%m%d%Y"))
        if edits <= MAX_EDITS:
            key = (edits, abs((day - anchor).days), day)
            if best is None or key < best:
                best = key
        day += timedelta(days=1)
    return None if best is None else (best[2], best[0])


def _issue(code: str, value: str | None, message: str) -> IssueRecord:
    return IssueRecord(None, code, "published", value, message)


def date_publication(ev: Evidence) -> Dated:
    """The publication day and half of one file (the rule of docs/registry.md, "Dating")."""
    dated = _by_rule(ev)
    if ev.hand is None:
        return dated
    hand = ev.hand
    old = f"{dated.published.isoformat()}{dated.half or ''}"
    new = f"{hand.published.isoformat()}{hand.half or ''}"
    why = f"by hand ({hand.source}{': ' + hand.why if hand.why else ''})"
    issue = _issue("published_corrected", old, f"published {old} corrected to {new}: {why}")
    return Dated(hand.published, hand.half, "hand", (*dated.issues, issue))


def _by_rule(ev: Evidence) -> Dated:
    name = ev.name
    # the capture bounds it (a file is published before it is captured); without one, the clock's day
    upper, upper_why = ev.today, "today"
    if ev.captured_at is not None:
        upper, upper_why = local_day(ev.captured_at), f"the capture ({ev.captured_by}) on"
    lower: date | None = None
    lower_why = ""
    if ev.latest_signed is not None and PROGRAM_START <= ev.latest_signed <= upper:
        lower, lower_why = ev.latest_signed, "the latest SIGNED date it lists,"
    # the workbook's saving time bounds its publication only if it was saved before its capture: the archive's
    # tables of the web-page era were made years after their captures, and say nothing of ICE's publication
    if ev.saved_at is not None and (ev.captured_at is None or ev.saved_at <= ev.captured_at):
        saved = local_day(ev.saved_at)
        if saved <= upper and (lower is None or saved > lower):
            lower, lower_why = saved, "the day the workbook was last saved,"
    floor = max(PROGRAM_START, lower) if lower is not None else PROGRAM_START

    if name.published is not None and floor <= name.published <= upper:
        return Dated(name.published, name.half, "name")
    if name.token is None:
        if ev.captured_at is None:  # not reached from ingest: a capture time always comes from somewhere
            raise ValueError("a file with no date in its name needs a capture time")
        day = local_day(ev.captured_at)
        issue = _issue(
            "published_from_capture",
            None,
            f"file name carries no MMDDYYYY publication date; dated by the capture ({ev.captured_by}) "
            f"{ev.captured_at.isoformat()}: {day.isoformat()} in ICE's time zone",
        )
        return Dated(day, None, "capture", (issue,))

    written = name.published.isoformat() if name.published is not None else name.token
    if name.published is None:
        why = f"{name.token!r} is not a date"
    elif name.published > upper:
        why = f"{written} is after {upper_why} {upper.isoformat()}"
    elif lower is not None and name.published < lower:
        why = f"{written} is before {lower_why} {lower.isoformat()}"
    else:
        why = f"{written} is before the program's first year ({PROGRAM_START.year})"
    found = nearest_by_digits(name.token, floor, upper, lower or upper)
    if found is not None:
        new, edits = found
        rule = f"the date in {floor.isoformat()}..{upper.isoformat()} fewest digits ({edits}) from {name.token!r}"
    else:
        new = lower or upper if name.published is None or name.published > upper else floor
        rule = f"no date within {MAX_EDITS} digit edits of {name.token!r} fits; the nearest bound"
    old_label = f"{written}{name.half or ''}"
    new_label = f"{new.isoformat()}{name.half or ''}"
    message = f"published {old_label} corrected to {new_label}: {why}; by rule, {rule}"
    return Dated(new, name.half, "corrected", (_issue("published_corrected", old_label, message),))
