"""What the console's desk shows, as typed models over custody's read side: the release board (who is due for
release with a warrant waiting, and "serve now" at the right moment), the bookings and warrants lists, one booking
with what is waiting on it, and a hold's events as labelled fields. A person's data only for roles that see it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso.accounts import Principal
from wso.custody import (
    BookingRow,
    DueRelease,
    Search,
    WarrantRow,
    booking_of,
    bookings,
    due_for_release,
    warrants,
)
from wso.web.timefmt import when

BOARD_HOURS = 24
"""How far ahead (and back) the release board looks by default, in hours (`?hours=` changes it, 1 to 168)."""
PAGE_SIZE = 50


class DueOut(DueRelease):
    """A row of the release board: custody's `DueRelease` (the booking, its release in the facility's zone, the
    warrants waiting, whether a WSO may serve now), with `explain` saying why and `serve_urls` the serve forms."""

    explain: str = Field(description="Whether a WSO may serve now, and why, in words (times in the facility's zone).")
    serve_urls: dict[str, str] = Field(description="For each warrant waiting, the serve form, its fields pre-filled.")


class BoardOut(BaseModel):
    now: datetime
    hours: int
    due: list[DueOut]


def serve_url(warrant: str, facility: str, back: str = "/console/board") -> str:
    """The serve form for `warrant`, its fields pre-filled (the commands page's contract), back to `back` after."""
    return "/console/commands/warrant.serve?" + urlencode({"warrant": warrant, "facility": facility, "next": back})


def explain(row: DueRelease) -> str:
    """Whether a WSO may serve now, and why, in words, its times in the facility's zone (WSO-SCHEDULED-RELEASE)."""
    which = "recorded release" if row.release_kind == "actual" else "scheduled release"
    release, until = when(row.release_at, row.tz), when(row.serve_until, row.tz)
    if row.moment == "early":
        return (
            f"Serve at the {which} ({release}) or within the tolerance after it (until {until}), not before "
            "(WSO-SCHEDULED-RELEASE); record an early release with criminal.release."
        )
    if row.moment == "now":
        return f"Serve now: the {which} was {release}; a WSO may serve until {until}."
    if row.moment == "detainer":
        return f"An open I-247A detainer hold lawfully keeps the person: a WSO may serve (the {which}: {release})."
    return (
        f"Too late: the {which} was {release} and the window closed at {until} (WSO-SCHEDULED-RELEASE); "
        "do not serve: the person must be released."
    )


def _due_out(row: DueRelease) -> DueOut:
    urls = {w: serve_url(w, row.facility) for w in row.warrants}
    return DueOut(**dict(row), explain=explain(row), serve_urls=urls)


def release_board(
    session: Session, now: datetime, user: Principal, *, hours: int = BOARD_HOURS, tolerance: timedelta
) -> BoardOut:
    """Who is due for release within `hours` (before or after now) with a WSO warrant waiting, soonest first."""
    rows = due_for_release(session, now, timedelta(hours=hours), tolerance=tolerance, personal=user.sees_personal_data)
    return BoardOut(now=now, hours=hours, due=[_due_out(r) for r in rows])


class BookingOut(BookingRow):
    """A booking as the desk lists it: custody's `BookingRow`, field for field."""


class WarrantOut(WarrantRow):
    """A warrant received as the desk lists it: custody's `WarrantRow`, field for field."""


class BookingsOut(BaseModel):
    total: int
    offset: int
    limit: int
    bookings: list[BookingOut]


class WarrantsOut(BaseModel):
    total: int
    offset: int
    limit: int
    warrants: list[WarrantOut]


def _booking_out(row: BookingRow) -> BookingOut:
    return BookingOut(**dict(row))


def _warrant_out(row: WarrantRow) -> WarrantOut:
    return WarrantOut(**dict(row))


def search_of(user: Principal, q: str = "", facility: str = "", state: str = "", status: str = "") -> Search:
    """A list's search as `user` may make it: by name only for a role that sees personal data."""
    return Search(q=q, facility=facility, state=state, status=status, personal=user.sees_personal_data)


def booking_list(session: Session, search: Search, *, offset: int = 0, limit: int = PAGE_SIZE) -> BookingsOut:
    page = bookings(session, search, offset=offset, limit=limit)
    return BookingsOut(
        total=page.total, offset=page.offset, limit=page.limit, bookings=[_booking_out(r) for r in page.rows]
    )


def warrant_list(session: Session, search: Search, *, offset: int = 0, limit: int = PAGE_SIZE) -> WarrantsOut:
    """Warrants received; raises ValueError for a status other than waiting or served."""
    page = warrants(session, search, offset=offset, limit=limit)
    return WarrantsOut(
        total=page.total, offset=page.offset, limit=page.limit, warrants=[_warrant_out(r) for r in page.rows]
    )


class BookingDetailOut(BaseModel):
    """A booking with each of its warrants: waiting for service, or served with its hold."""

    booking: BookingOut
    warrants: list[WarrantOut]


def booking_card(session: Session, ref: str, user: Principal) -> BookingOut | None:
    """One booking (by its number or a warrant's) as the hold page shows it; None if neither exists."""
    row = booking_of(session, ref, personal=user.sees_personal_data)
    return None if row is None else _booking_out(row)


def booking_detail(session: Session, ref: str, user: Principal) -> BookingDetailOut | None:
    """One booking by its number or a warrant's, with its warrants; None if neither exists."""
    row = booking_of(session, ref, personal=user.sees_personal_data)
    if row is None:
        return None
    found = warrants(session, search_of(user, q=row.booking), limit=200).rows
    return BookingDetailOut(
        booking=_booking_out(row), warrants=[_warrant_out(w) for w in found if w.booking == row.booking]
    )


# ---- a hold's events as labelled fields --------------------------------------------------------------------------

LABELS: dict[str, str] = {
    "warrant": "Warrant",
    "form": "Form",
    "officer": "Officer",
    "facility": "Facility",
    "interpreter": "Interpreter",
    "detainer": "Detainer held until service",
    "reading": "How its 48 hours are counted",
    "reason": "Reason",
    "served": "Served warrant",
    "flag": "Flag",
    "basis": "Basis",
    "rule": "Rule",
    "agreement": "Detention agreement",
}


class FieldOut(BaseModel):
    label: str
    value: str


def _value(value: object, tz: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            return when(value, tz)
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, tz) for v in value)
    return "" if value is None else str(value)


def payload_fields(payload: dict[str, Any], tz: str) -> list[FieldOut]:
    """An event's payload as a person reads it: each field labelled, times in the facility's zone."""
    return [
        FieldOut(label=LABELS.get(name, name.replace("_", " ").capitalize()), value=_value(value, tz))
        for name, value in payload.items()
    ]
