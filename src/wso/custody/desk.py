"""The desk's read side: who is due for release with warrants waiting for service (and whether a WSO may serve
now, by the rule the ledger enforces), the bookings and the warrants, searched and paged; each row names its
facility and agency."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from wso.custody import agreements, detention
from wso.custody.checks import ACTIVE, WSO_FORMS
from wso.custody.models import Agency, Booking, Facility, Hold, Warrant
from wso.custody.policy import SERVICE_TOLERANCE, decision_second, service_check, wso_hold_deadline
from wso.custody.queries import iso
from wso.custody.rowfields import ROW, AgencyId, AgencyName, BookingId, FacilityId, FacilityName, StateCode, Zone

ServeMoment = Literal["early", "now", "detainer", "late"]
WarrantStatus = Literal["waiting", "served"]
MAX_PAGE = 200


def local_iso(value: datetime | None, tz: str) -> str | None:
    """`value` in the facility's zone, ISO 8601 with its offset."""
    return None if value is None else value.astimezone(zoneinfo.ZoneInfo(tz)).isoformat()


class Person(BaseModel):
    """A booked person's data: shown only to roles that may see it."""

    model_config = ROW

    name: str | None = Field(description="The person's name as booked.")
    date_of_birth: date | None = Field(description="The person's date of birth.")
    a_number: str | None = Field(description="The person's alien registration number (A-number), if known.")


Shown = Annotated[
    Person | None, Field(description="The booked person's data: only for roles that may see it, else null.")
]


class DueRelease(BaseModel):
    """A booking whose release from criminal custody falls near now, with the WSO warrants waiting for service.

    `moment`: "early" (before the release: serving is refused), "now" (from the release to `serve_until`, the
    service tolerance after it: a WSO may serve), "detainer" (after that, but an open I-247A detainer hold lawfully
    keeps the person: a WSO may serve), "late" (the window closed and nobody lawfully holds the person: do not
    serve). Times in UTC and in the facility's zone (`tz`)."""

    model_config = ROW

    booking: BookingId
    facility: FacilityId
    agency: AgencyId
    tz: Zone
    release_at: str = Field(description="The release from criminal custody (recorded, else scheduled), UTC.")
    release_local: str = Field(description="The release in the facility's zone, ISO 8601 with its offset.")
    release_kind: Literal["actual", "scheduled"] = Field(
        description="actual (the release is recorded) or scheduled (not yet: the scheduled time)."
    )
    serve_until: str = Field(description="The end of the window in which a WSO may serve (the tolerance), UTC.")
    serve_until_local: str = Field(description="The end of that window in the facility's zone, with its offset.")
    seconds_to_release: int = Field(description="Seconds from now to the release (negative: it is past).")
    warrants: tuple[str, ...] = Field(description="The WSO warrants (I-200, I-205) waiting for service.")
    moment: ServeMoment = Field(description="early, now, detainer or late: see `may_serve`.")
    may_serve: bool = Field(description="Whether a WSO may serve now (moment now or detainer).")
    person: Shown = None
    facility_name: FacilityName = ""
    agency_name: AgencyName = ""


class BookingRow(BaseModel):
    """A booking as the desk lists it; `person` only for roles that may see it."""

    model_config = ROW

    booking: BookingId
    facility: FacilityId
    agency: AgencyId
    state: StateCode
    tz: Zone
    scheduled_release: str = Field(description="The scheduled release from criminal custody, UTC.")
    scheduled_release_local: str = Field(description="The scheduled release in the facility's zone, with its offset.")
    released_at: str | None = Field(description="The recorded release from criminal custody, UTC; none yet.")
    booked_at: str | None = Field(description="When the person was booked, UTC, if recorded.")
    warrants: tuple[str, ...] = Field(description="Every warrant received for the booking.")
    waiting: tuple[str, ...] = Field(description="Its WSO warrants (I-200, I-205) that no hold was opened on yet.")
    holds: tuple[str, ...] = Field(description="The holds opened on its warrants, open or ended.")
    person: Shown = None
    facility_name: FacilityName = ""
    agency_name: AgencyName = ""


class WarrantRow(BaseModel):
    """A warrant received: `status` "waiting" (no hold yet) or "served" (its hold, open or ended)."""

    model_config = ROW

    warrant: str = Field(description="The warrant's id.")
    form: str = Field(description="Its form: I-200, I-205, I-247A or judicial.")
    booking: BookingId
    facility: FacilityId
    agency: AgencyId
    state: StateCode
    tz: Zone
    received_at: str = Field(description="When the jail received the warrant, UTC.")
    received_local: str = Field(description="When it was received, in the facility's zone with its offset.")
    status: WarrantStatus = Field(description="waiting (no hold yet) or served (a hold was opened on it).")
    hold: str | None = Field(description="The hold opened on it, if served.")
    hold_status: str | None = Field(description="That hold's status: open, detention_agreement, released, ...")
    person: Shown = None
    facility_name: FacilityName = ""
    agency_name: AgencyName = ""


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, how many match in all, and where the page starts."""

    rows: list[T]
    total: int
    offset: int
    limit: int


def _person(booking: Booking, personal: bool) -> Person | None:
    if not personal:
        return None
    return Person(name=booking.person_name, date_of_birth=booking.date_of_birth, a_number=booking.a_number)


def _moment(
    now: datetime, booking: Booking, tolerance: timedelta, detainer_open: bool
) -> tuple[ServeMoment, datetime, Literal["actual", "scheduled"]]:
    check = service_check(
        now, booking.scheduled_release, booking.released_at, tolerance=tolerance, detainer_open=detainer_open
    )
    moment: ServeMoment = {
        "before_release": "early",
        "at_release": "now",
        "during_detainer": "detainer",
        "late": "late",
    }[check.timing]  # type: ignore[assignment]
    return moment, check.release_at, check.release_kind


def _waiting_warrants(session: Session, booking_ids: list[str]) -> dict[str, list[str]]:
    """The WSO warrants (I-200, I-205) of these bookings that no hold has been opened on, by booking."""
    found: dict[str, list[str]] = defaultdict(list)
    if not booking_ids:
        return found
    rows = session.execute(
        select(Warrant.booking_id, Warrant.id)
        .outerjoin(Hold, Hold.warrant_id == Warrant.id)
        .where(Warrant.booking_id.in_(booking_ids), Warrant.form.in_(WSO_FORMS), Hold.id.is_(None))
        .order_by(Warrant.received_at, Warrant.id)
    )
    for booking_id, warrant_id in rows:
        found[booking_id].append(warrant_id)
    return found


def _within_wso_hours(session: Session, detainer: Hold, now: datetime) -> bool:
    """Whether a WSO serving now during this detainer hold would begin within the 48 hours from the release (the
    `excluding` reading's detainer can outlast them), or a detention agreement lifts the limit at that point: as
    `warrant.serve` judges it (WSO-48H)."""
    deadline = wso_hold_deadline(detainer.clock_start)
    if decision_second(now) <= decision_second(deadline):
        return True
    facility = session.get(Facility, detainer.facility_id)
    agency = session.get(Agency, detainer.agency_id)
    if facility is None or agency is None:
        return False
    day = deadline.astimezone(zoneinfo.ZoneInfo(facility.tz)).date()
    answer = detention.cover(session, facility.id, agency, agreements.agency_kind(session, agency), day)
    return answer is not None and answer.lifts


def _booking_holds(session: Session, booking_ids: list[str]) -> list[Hold]:
    if not booking_ids:
        return []
    return list(session.scalars(select(Hold).where(Hold.booking_id.in_(booking_ids), Hold.status.in_(ACTIVE))))


def due_for_release(
    session: Session,
    now: datetime,
    within: timedelta = timedelta(hours=24),
    *,
    tolerance: timedelta = SERVICE_TOLERANCE,
    personal: bool = False,
) -> list[DueRelease]:
    """Bookings released (recorded, else scheduled) between `now - within` and `now + within` that have a WSO
    warrant waiting for service and no WSO hold yet, soonest release first, each with the moment of service as
    `warrant.serve` would judge it now (`wso.program.service_check`, the same tolerance)."""
    low, high = now - within, now + within
    query = (
        select(Booking, Facility.tz, Facility.agency_id, Facility.name, Agency.name)
        .join(Facility, Facility.id == Booking.facility_id)
        .join(Agency, Agency.id == Facility.agency_id)
        # each side served by its own index; a booking released elsewhen than scheduled is judged below
        .where(or_(Booking.scheduled_release.between(low, high), Booking.released_at.between(low, high)))
    )
    rows = [
        (booking, tz, agency, names)
        for booking, tz, agency, *names in session.execute(query)
        if low <= (booking.released_at or booking.scheduled_release) <= high
    ]
    waiting = _waiting_warrants(session, [b.id for b, _, _, _ in rows])
    active = _booking_holds(session, list(waiting))
    wso_held = {h.booking_id for h in active if h.kind == "wso"}
    detained = {
        h.booking_id
        for h in active
        if h.kind == "detainer"
        and h.status == "open"
        and h.deadline is not None
        and decision_second(now) <= decision_second(h.deadline)
        and _within_wso_hours(session, h, now)
    }
    found: list[DueRelease] = []
    for booking, tz, agency, (facility_name, agency_name) in rows:
        if booking.id not in waiting or booking.id in wso_held:
            continue
        moment, release, kind = _moment(now, booking, tolerance, booking.id in detained)
        until = release + tolerance
        release_local, until_local = local_iso(release, tz) or "", local_iso(until, tz) or ""
        found.append(
            DueRelease(
                booking=booking.id,
                facility=booking.facility_id,
                agency=agency,
                tz=tz,
                release_at=iso(release) or "",
                release_local=release_local,
                release_kind=kind,
                serve_until=iso(until) or "",
                serve_until_local=until_local,
                seconds_to_release=int((release - now).total_seconds()),
                warrants=tuple(waiting[booking.id]),
                moment=moment,
                may_serve=moment in ("now", "detainer"),
                person=_person(booking, personal),
                facility_name=facility_name,
                agency_name=agency_name,
            )
        )
    return sorted(found, key=lambda d: (d.release_at, d.booking))


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Search:
    """What a list is searched by: `q` (a booking or warrant number, or a person's name where `personal`),
    `facility`, `state` (the agency's USPS code), `status` (warrants: waiting or served)."""

    q: str = ""
    facility: str = ""
    state: str = ""
    status: str = ""
    personal: bool = False


def _conditions(search: Search, ids: list[InstrumentedAttribute[str]]) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if search.q.strip():
        pattern = _like(search.q)
        matches = [func.lower(column).like(pattern, escape="\\") for column in ids]
        if search.personal:
            matches.append(func.lower(Booking.person_name).like(pattern, escape="\\"))
        found.append(or_(*matches))
    if search.facility.strip():
        found.append(Booking.facility_id == search.facility.strip())
    if search.state.strip():
        found.append(Agency.state == search.state.strip().upper())
    return found


def _bounds(offset: int, limit: int) -> tuple[int, int]:
    return max(offset, 0), min(max(limit, 1), MAX_PAGE)


_BOOKINGS = (
    select(Booking, Facility.tz, Facility.agency_id, Agency.state, Facility.name, Agency.name)
    .join(Facility, Facility.id == Booking.facility_id)
    .join(Agency, Agency.id == Facility.agency_id)
)


def _booking_rows(session: Session, found: list[Any], personal: bool) -> list[BookingRow]:
    """Rows of `_BOOKINGS` as the desk lists them, each with its warrants, those waiting and its holds."""
    ids = [row[0].id for row in found]
    warrants: dict[str, list[str]] = defaultdict(list)
    holds: dict[str, list[str]] = defaultdict(list)
    if ids:
        for booking_id, warrant_id in session.execute(
            select(Warrant.booking_id, Warrant.id).where(Warrant.booking_id.in_(ids)).order_by(Warrant.id)
        ):
            warrants[booking_id].append(warrant_id)
        for booking_id, hold_id in session.execute(
            select(Hold.booking_id, Hold.id).where(Hold.booking_id.in_(ids)).order_by(Hold.id)
        ):
            holds[booking_id].append(hold_id)
    waiting = _waiting_warrants(session, ids)
    return [
        BookingRow(
            booking=booking.id,
            facility=booking.facility_id,
            agency=agency,
            state=state,
            tz=tz,
            scheduled_release=iso(booking.scheduled_release) or "",
            scheduled_release_local=local_iso(booking.scheduled_release, tz) or "",
            released_at=iso(booking.released_at),
            booked_at=iso(booking.booked_at),
            warrants=tuple(warrants[booking.id]),
            waiting=tuple(waiting[booking.id]),
            holds=tuple(holds[booking.id]),
            person=_person(booking, personal),
            facility_name=facility_name,
            agency_name=agency_name,
        )
        for booking, tz, agency, state, facility_name, agency_name in found
    ]


def _page(
    session: Session,
    base: Select[*tuple[Any, ...]],
    order: tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...],
    bounds: tuple[int, int],
    rows_of: Callable[[list[Any]], list[T]],
) -> Page[T]:
    """One page of `base` in `order` from `bounds` (offset, limit; kept within 0 and MAX_PAGE), its rows made by
    `rows_of`, with how many rows match in all."""
    offset, limit = _bounds(*bounds)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    found = session.execute(base.order_by(*order).offset(offset).limit(limit)).all()
    return Page(rows_of(list(found)), total, offset, limit)


def bookings(session: Session, search: Search, *, offset: int = 0, limit: int = 50) -> Page[BookingRow]:
    """Bookings, latest scheduled release first, searched by `search` (a name only where `search.personal`)."""
    base = _BOOKINGS.where(*_conditions(search, [Booking.id]))
    order = (Booking.scheduled_release.desc(), Booking.id)
    return _page(session, base, order, (offset, limit), lambda found: _booking_rows(session, found, search.personal))


_WARRANTS = (
    select(Warrant, Booking, Facility.tz, Facility.agency_id, Agency.state, Hold.id, Hold.status)
    .add_columns(Facility.name, Agency.name)
    .join(Booking, Booking.id == Warrant.booking_id)
    .join(Facility, Facility.id == Booking.facility_id)
    .join(Agency, Agency.id == Facility.agency_id)
    .outerjoin(Hold, Hold.warrant_id == Warrant.id)
)


def _served(status: str) -> list[ColumnElement[bool]]:
    """The condition of a warrants' search by status: "waiting" (no hold yet), "served" (a hold), or none."""
    if status == "waiting":
        return [Hold.id.is_(None)]
    if status == "served":
        return [Hold.id.is_not(None)]
    if status:
        raise ValueError(f"status must be waiting or served, got {status!r}")
    return []


def _warrant_rows(found: list[Any], personal: bool) -> list[WarrantRow]:
    """Rows of `_WARRANTS` as the desk lists them."""
    return [
        WarrantRow(
            warrant=warrant.id,
            form=warrant.form,
            booking=booking.id,
            facility=booking.facility_id,
            agency=agency,
            state=state,
            tz=tz,
            received_at=iso(warrant.received_at) or "",
            received_local=local_iso(warrant.received_at, tz) or "",
            status="waiting" if hold_id is None else "served",
            hold=hold_id,
            hold_status=hold_status,
            person=_person(booking, personal),
            facility_name=facility_name,
            agency_name=agency_name,
        )
        for warrant, booking, tz, agency, state, hold_id, hold_status, facility_name, agency_name in found
    ]


def warrants(session: Session, search: Search, *, offset: int = 0, limit: int = 50) -> Page[WarrantRow]:
    """Warrants received, latest first, searched by `search`; `search.status` "waiting" keeps those no hold was
    opened on, "served" those that have one."""
    base = _WARRANTS.where(*_conditions(search, [Booking.id, Warrant.id]), *_served(search.status))
    order = (Warrant.received_at.desc(), Warrant.id)
    return _page(session, base, order, (offset, limit), lambda found: _warrant_rows(found, search.personal))


def booking_of(session: Session, ref: str, *, personal: bool = False) -> BookingRow | None:
    """One booking by its number, or by the number of a warrant received for it; None if neither exists."""
    booking = session.get(Booking, ref)
    if booking is None:
        warrant = session.get(Warrant, ref)
        if warrant is None:
            return None
        booking = session.get(Booking, warrant.booking_id)
        if booking is None:
            return None
    rows = session.execute(_BOOKINGS.where(Booking.id == booking.id)).all()
    return _booking_rows(session, list(rows), personal)[0]
