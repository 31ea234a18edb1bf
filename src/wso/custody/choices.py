"""What the console's pickers offer for a command's reference fields (the agencies ICE lists, and the ledger's
agencies, facilities, officers, bookings, warrants, holds and complaints), the facility whose time zone a
command's times are typed in, the ids a new record's id must not take, and how far a jail's setup has come."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso import registry
from wso.custody.catalogue import Field, entry
from wso.custody.models import (
    Agency,
    Agreement,
    Booking,
    Complaint,
    DetentionAgreement,
    Facility,
    Hold,
    Officer,
    Warrant,
)

LIMIT = 500  # options a picker offers at most (the newest first where the list grows every day)
ACTIVE = ("open", "detention_agreement")


@dataclass(frozen=True)
class Option:
    """One choice of a picker: the id the ledger takes and what a person reads."""

    value: str
    label: str


def options(session: Session, field: Field, on: date, command: str | None = None) -> list[Option]:
    """What a reference field offers: the agency of `agency {id}` from ICE's latest list (agencies not yet
    entered), every other reference from the ledger; a designation step offers the officers at the status it
    follows (`command`). `on`: the day whose list of ICE's counts."""
    if field.refers_to == "agency" and field.name == "id":
        return registry_agencies(session, on)
    if field.refers_to == "officer" and command in DESIGNATION:
        return _officers(session, DESIGNATION[command])
    finder = _FINDERS.get(field.refers_to or "")
    return finder(session) if finder is not None else []


# The statuses an officer is at when each designation step may follow (the ledger still decides).
DESIGNATION: dict[str, tuple[str, ...]] = {
    "officer.exam": ("nominated",),
    "officer.certify": ("trained",),
    "officer.authorize": ("certified", "withdrawn"),
    "officer.withdraw": ("nominated", "trained", "certified", "authorized"),
}


def registry_agencies(session: Session, on: date) -> list[Option]:
    """Agencies with an agreement on ICE's latest list on `on`, not yet entered in the ledger, by state and name;
    the label names their models."""
    entered = set(session.scalars(select(Agency.id)))
    models: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for view in registry.active_agreements(session, on):
        if view.agency_id in entered:
            continue
        names[view.agency_id] = f"{view.agency_name} ({view.state})"
        models.setdefault(view.agency_id, []).append(view.model or "model unread")
    return [Option(i, f"{names[i]}: {', '.join(sorted(set(models[i])))}") for i in names]


def _agencies(session: Session) -> list[Option]:
    rows = session.execute(select(Agency.id, Agency.name, Agency.state).order_by(Agency.name, Agency.id)).all()
    return [Option(i, f"{name} ({state})") for i, name, state in rows]


def _agreements(session: Session) -> list[Option]:
    rows = session.execute(
        select(Agreement.id, Agreement.agency_id, Agreement.model, Agreement.signed).order_by(Agreement.id)
    ).all()
    return [Option(str(i), f"{agency}: {model} signed {signed}") for i, agency, model, signed in rows]


def _facilities(session: Session) -> list[Option]:
    rows = session.execute(select(Facility.id, Facility.name, Facility.tz).order_by(Facility.name, Facility.id)).all()
    return [Option(i, f"{name} ({tz})") for i, name, tz in rows]


def _officers(session: Session, statuses: tuple[str, ...] | None = None) -> list[Option]:
    query = select(Officer.id, Officer.name, Officer.status).order_by(Officer.name, Officer.id)
    if statuses is not None:
        query = query.where(Officer.status.in_(statuses))
    rows = session.execute(query).all()
    return [Option(i, f"{name}: {status}") for i, name, status in rows]


def _bookings(session: Session) -> list[Option]:
    """Bookings, the latest release first; the label names the facility, never the person."""
    rows = session.execute(
        select(Booking.id, Booking.facility_id, Booking.released_at)
        .order_by(Booking.scheduled_release.desc(), Booking.id)
        .limit(LIMIT)
    ).all()
    return [Option(i, f"{i} at {facility}{' (released)' if out else ''}") for i, facility, out in rows]


def _warrants(session: Session) -> list[Option]:
    """Warrants with no hold yet, the newest first."""
    held = select(Hold.warrant_id)
    rows = session.execute(
        select(Warrant.id, Warrant.form, Warrant.booking_id)
        .where(Warrant.id.not_in(held))
        .order_by(Warrant.received_at.desc(), Warrant.id)
        .limit(LIMIT)
    ).all()
    return [Option(i, f"{i}: {form} for booking {booking}") for i, form, booking in rows]


def _holds(session: Session) -> list[Option]:
    """Holds that still keep the person, by warrant."""
    rows = session.execute(
        select(Hold.warrant_id, Hold.kind, Hold.status).where(Hold.status.in_(ACTIVE)).order_by(Hold.warrant_id)
    ).all()
    return [Option(w, f"{w}: {'WSO' if kind == 'wso' else 'detainer'} hold, {status}") for w, kind, status in rows]


def _complaints(session: Session) -> list[Option]:
    rows = session.execute(
        select(Complaint.id, Complaint.officer_id).where(Complaint.reported_at.is_(None)).order_by(Complaint.id)
    ).all()
    return [Option(i, f"{i} about {officer}") for i, officer in rows]


_FINDERS = {
    "agency": _agencies,
    "agreement": _agreements,
    "facility": _facilities,
    "officer": _officers,
    "booking": _bookings,
    "warrant": _warrants,
    "hold": _holds,
    "complaint": _complaints,
}
# The table each new record's id lives in, by command (a derived id must not be taken).
_NEW = {
    "facility": Facility.id,
    "detention.agreement": DetentionAgreement.id,
    "officer.nominate": Officer.id,
    "booking": Booking.id,
    "warrant.receive": Warrant.id,
    "complaint.receive": Complaint.id,
}


def taken_ids(session: Session, command: str) -> set[str]:
    """The ids a new record of `command` may not take."""
    column = _NEW.get(command)
    return set(session.scalars(select(column))) if column is not None else set()


def facility_zone(session: Session, command: str, args: Mapping[str, Any]) -> str | None:
    """The time zone a command's times are typed in: its facility's (named, or the booking's, the warrant's, the
    hold's, the complaint's, or the one facility of its agency or officer); else the zone every facility shares;
    None when that is unknown."""
    facility = _named_facility(session, command, args)
    if facility is not None:
        return facility.tz
    return shared_zone(session, _named_agency(session, command, args))


def shared_zone(session: Session, agency: str | None = None) -> str | None:
    """The time zone every facility (of `agency`, if given) shares; None when they have none, or more than one."""
    query = select(Facility.tz).distinct()
    if agency is not None:
        query = query.where(Facility.agency_id == agency)
    zones = list(session.scalars(query.limit(2)))
    return zones[0] if len(zones) == 1 else None


def _text(args: Mapping[str, Any], name: str) -> str | None:
    value = args.get(name)
    return str(value).strip() if isinstance(value, str | int) and str(value).strip() else None


def _named_facility(session: Session, command: str, args: Mapping[str, Any]) -> Facility | None:
    known = {f.name: f for f in entry(command).fields} if command else {}
    for name, field in known.items():
        value = _text(args, name)
        if value is None or field.many:
            continue
        facility_id = _facility_of(session, field.refers_to, value)
        if facility_id is not None:
            return session.get(Facility, facility_id)
    return None


def _facility_of(session: Session, refers_to: str | None, value: str) -> str | None:
    if refers_to == "facility":
        return value
    if refers_to == "booking":
        return session.scalar(select(Booking.facility_id).where(Booking.id == value))
    if refers_to in ("warrant", "hold"):
        return session.scalar(
            select(Booking.facility_id).join(Warrant, Warrant.booking_id == Booking.id).where(Warrant.id == value)
        )
    if refers_to == "complaint":
        return session.scalar(select(Complaint.facility_id).where(Complaint.id == value))
    return None


def _named_agency(session: Session, command: str, args: Mapping[str, Any]) -> str | None:
    for field in entry(command).fields if command else ():
        value = _text(args, field.name)
        if value is None:
            continue
        if field.refers_to == "agency":
            return value
        if field.refers_to == "officer":
            return session.scalar(select(Officer.agency_id).where(Officer.id == value))
    return None


@dataclass(frozen=True)
class SetupStep:
    """One step of setting up a jail: the command it runs, whether it is done, and what is entered so far."""

    command: str
    title: str
    done: bool
    entered: tuple[str, ...]


def setup_steps(session: Session) -> list[SetupStep]:
    """How far the jail's setup has come: an agency, its WSO agreement, its facilities, and officers nominated,
    examined, certified and authorized."""
    agencies = [f"{n} ({s})" for n, s in session.execute(select(Agency.name, Agency.state).order_by(Agency.name))]
    agreements = [
        f"{a}: {m} signed {d}"
        for a, m, d in session.execute(
            select(Agency.name, Agreement.model, Agreement.signed).join(Agency, Agency.id == Agreement.agency_id)
        )
    ]
    facilities = [
        f"{n} ({tz})" for n, tz in session.execute(select(Facility.name, Facility.tz).order_by(Facility.name))
    ]
    officers = session.execute(select(Officer.name, Officer.status).order_by(Officer.name)).all()

    def at(*statuses: str) -> tuple[str, ...]:
        return tuple(f"{n}: {s}" for n, s in officers if s in statuses)

    return [
        SetupStep("agency", "The agency", bool(agencies), tuple(agencies)),
        SetupStep("agreement", "Its 287(g) agreement", bool(agreements), tuple(agreements)),
        SetupStep("facility", "Its facilities", bool(facilities), tuple(facilities)),
        SetupStep("officer.nominate", "Officers nominated", bool(officers), tuple(f"{n}: {s}" for n, s in officers)),
        SetupStep("officer.exam", "Exams passed", bool(at("trained", "certified", "authorized")), at("trained")),
        SetupStep("officer.certify", "Certified by ICE", bool(at("certified", "authorized")), at("certified")),
        SetupStep("officer.authorize", "Authorized to serve", bool(at("authorized")), at("authorized")),
    ]
