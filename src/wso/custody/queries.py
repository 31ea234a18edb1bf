"""Read side: holds with their deadlines and time left (UTC and the facility's local time) and the names of their
agency, facility and officer; one hold's view; a hold's history."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from wso.custody import ledger
from wso.custody.models import Agency, Alert, Facility, Hold, Officer


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with `Z`."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class HoldView:
    hold: str
    warrant: str
    kind: str
    status: str
    facility: str
    agency: str
    officer: str | None
    opened_at: str
    deadline: str | None
    deadline_local: str | None
    deadline_rule: str
    reading: str
    seconds_left: int | None
    ended_at: str | None
    end_reason: str | None
    ice_notified_at: str | None
    citizenship_claim_at: str | None
    citizenship_reported_at: str | None
    interpreter: str | None = None
    detention_agreement_from: str | None = None
    tz: str = "UTC"  # the facility's time zone, in which the console shows the hold's times
    booking: str = ""
    agency_name: str = ""  # the names a desk reads (the ids above are what commands take)
    facility_name: str = ""
    officer_name: str | None = None


@dataclass(frozen=True)
class Names:
    """What a hold's ids are called: its facility's zone, and its agency's, facility's and officer's names."""

    tz: str
    agency: str
    facility: str
    officer: str | None


# A hold that still keeps the person: on the 48-hour clock, or held on under a detention agreement.
ACTIVE = ("open", "detention_agreement")


def view(hold: Hold, names: Names, now: datetime) -> HoldView:
    tz = names.tz
    local = hold.deadline.astimezone(zoneinfo.ZoneInfo(tz)).isoformat() if hold.deadline else None
    left = int((hold.deadline - now).total_seconds()) if hold.deadline and hold.status == "open" else None
    return HoldView(
        hold=hold.id,
        warrant=hold.warrant_id,
        kind=hold.kind,
        status=hold.status,
        facility=hold.facility_id,
        agency=hold.agency_id,
        officer=hold.officer_id,
        opened_at=iso(hold.opened_at) or "",
        deadline=iso(hold.deadline),
        deadline_local=local,
        deadline_rule=hold.deadline_rule,
        reading=hold.deadline_reading,
        seconds_left=left,
        ended_at=iso(hold.ended_at),
        end_reason=hold.end_reason,
        ice_notified_at=iso(hold.ice_notified_at),
        citizenship_claim_at=iso(hold.citizenship_claim_at),
        citizenship_reported_at=iso(hold.citizenship_reported_at),
        interpreter=hold.interpreter,
        detention_agreement_from=iso(hold.detention_agreement_from),
        tz=tz,
        booking=hold.booking_id,
        agency_name=names.agency,
        facility_name=names.facility,
        officer_name=names.officer,
    )


_VIEWS = (
    select(Hold, Facility.tz, Agency.name, Facility.name, Officer.name)
    .join(Facility, Facility.id == Hold.facility_id)
    .join(Agency, Agency.id == Hold.agency_id)
    .outerjoin(Officer, Officer.id == Hold.officer_id)
)


def holds(session: Session, now: datetime, *, open_only: bool = False) -> list[HoldView]:
    """Every hold (or every one that still keeps the person: open, or under a detention agreement), soonest
    deadline first."""
    query = _VIEWS.where(Hold.status.in_(ACTIVE)) if open_only else _VIEWS
    rows = session.execute(query.order_by(Hold.deadline.is_(None), Hold.deadline, Hold.id)).all()
    return [view(hold, Names(tz, agency, facility, officer), now) for hold, tz, agency, facility, officer in rows]


def hold_view(session: Session, ref: str, now: datetime) -> HoldView | None:
    """One hold's view, by the hold's id or its warrant's (as `holds` lists it), or None: one row read, whatever
    the number of holds."""
    row = session.execute(_VIEWS.where(or_(Hold.id == ref, Hold.warrant_id == ref)).order_by(Hold.id != ref)).first()
    if row is None:
        return None
    hold, tz, agency, facility, officer = row
    return view(hold, Names(tz, agency, facility, officer), now)


_DUE = (
    select(Hold.id, Hold.deadline)
    .where(Hold.status == "open", Hold.deadline.is_not(None), Hold.deadline <= bindparam("until"))
    .order_by(Hold.deadline)
)


def due_within(session: Session, now: datetime, within: timedelta) -> list[tuple[str, datetime]]:
    """Open holds whose deadline falls before `now + within` (overdue ones included), by deadline.

    Served by the partial index `ix_custody_holds_open_deadline` (deadline, open holds only); a Core statement
    built once, on the session's connection (no ORM).
    """
    rows = session.connection().execute(_DUE, {"until": now + within})
    return [(hold_id, deadline) for hold_id, deadline in rows if deadline is not None]


def find_hold(session: Session, ref: str) -> Hold | None:
    """A hold by its id or by its warrant's id."""
    hold = session.get(Hold, ref)
    if hold is None:
        hold = session.execute(select(Hold).where(Hold.warrant_id == ref)).scalar_one_or_none()
    return hold


def history(session: Session, hold: Hold) -> dict[str, Any]:
    """A hold's events, in order, with their hashes, and the alerts raised on it."""
    events = [
        {
            "seq": event.seq,
            "kind": event.kind,
            "payload": event.payload,
            "actor": event.actor,
            "occurred_at": iso(event.occurred_at),
            "recorded_at": iso(event.recorded_at),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        for event in ledger.events(session, hold.id)
    ]
    alerts = [
        {"kind": alert.kind, "raised_at": iso(alert.raised_at), "due_at": iso(alert.due_at)}
        for alert in session.execute(select(Alert).where(Alert.hold_id == hold.id).order_by(Alert.id)).scalars()
    ]
    return {"hold": hold.id, "warrant": hold.warrant_id, "status": hold.status, "events": events, "alerts": alerts}
