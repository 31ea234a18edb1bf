"""Read side: holds with their deadlines and time left (UTC and the facility's local time) and the names of their
agency, facility and officer; one hold's view; a hold's history."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from wso.custody import detention, ledger
from wso.custody.models import Agency, Alert, Facility, Hold, Officer
from wso.custody.policy import decision_second, elapsed, second_start
from wso.custody.rowfields import ROW, AgencyId, AgencyName, BookingId, FacilityId, FacilityName, Zone
from wso.custody.sweep import alert_text


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with `Z`."""
    return None if value is None else value.isoformat().replace("+00:00", "Z")


class HoldView(BaseModel):
    """A hold as the read side shows it, and the console's API as it is: ids, clock and status, times in UTC (ISO
    8601 with `Z`) and the deadline in the facility's zone too; never the person's name or A-number (a booking's
    personal data is the desk's, shown only to roles that may see it)."""

    model_config = ROW

    hold: str = Field(description="The hold's id.")
    warrant: str = Field(description="The id of the warrant (or detainer) the hold is on.")
    kind: str = Field(description="wso (a WSO served an I-200 or I-205) or detainer (an I-247A hold).")
    status: str = Field(description="open, detention_agreement (held on under one), released or transferred.")
    facility: FacilityId
    agency: AgencyId
    officer: str | None = Field(description="The id of the officer who served the warrant, if any.")
    opened_at: str = Field(description="When the hold began, UTC.")
    deadline: str | None = Field(description="When the person must be released or transferred, UTC; none if no clock.")
    deadline_local: str | None = Field(description="The deadline in the facility's zone, ISO 8601 with its offset.")
    deadline_rule: str = Field(description="The rule that sets the deadline, e.g. WSO-48H or DETAINER-48H.")
    reading: str = Field(description="How the 48 hours are counted: flat, or excluding weekends and holidays.")
    seconds_left: int | None = Field(description="Seconds until the deadline of an open hold (negative: overdue).")
    ended_at: str | None = Field(description="When the hold ended, UTC.")
    end_reason: str | None = Field(description="Why it ended: transferred, or the release's reason.")
    ice_notified_at: str | None = Field(description="When ICE was told of the service, UTC.")
    citizenship_claim_at: str | None = Field(description="When the person claimed U.S. citizenship, UTC.")
    citizenship_reported_at: str | None = Field(description="When that claim was reported to ICE, UTC.")
    interpreter: str | None = Field(default=None, description="The interpreter at service, if one was used.")
    detention_agreement_from: str | None = Field(
        default=None, description="From when a detention agreement keeps the person past the 48 hours, UTC."
    )
    detention_agreement_until: str | None = Field(
        default=None,
        description="When that agreement stops covering the hold, UTC: from then the hold is late (none: open-ended).",
    )
    tz: Zone = "UTC"
    booking: BookingId = ""
    agency_name: AgencyName = ""
    facility_name: FacilityName = ""
    officer_name: str | None = Field(default=None, description="The officer's name, as a desk reads it.")


@dataclass(frozen=True)
class Names:
    """What a hold's ids are called: its facility's zone, and its agency's, facility's and officer's names."""

    tz: str
    agency: str
    facility: str
    officer: str | None


# A hold that still keeps the person: on the 48-hour clock, or held on under a detention agreement.
ACTIVE = ("open", "detention_agreement")


def view(hold: Hold, names: Names, now: datetime, session: Session | None = None) -> HoldView:
    """The hold as the read side shows it; with `session`, a hold moved onto a detention agreement says when the
    agreement stops covering it (`detention_agreement_until`)."""
    tz = names.tz
    until = (
        detention.hold_cover_until(session, hold.facility_id, hold.agency_id, hold.detention_agreement_from)
        if session is not None
        else None
    )
    local = hold.deadline.astimezone(zoneinfo.ZoneInfo(tz)).isoformat() if hold.deadline else None
    left = int(elapsed(now, hold.deadline).total_seconds()) if hold.deadline and hold.status == "open" else None
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
        detention_agreement_until=iso(until),
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
    return [
        view(hold, Names(tz, agency, facility, officer), now, session) for hold, tz, agency, facility, officer in rows
    ]


def hold_view(session: Session, ref: str, now: datetime) -> HoldView | None:
    """One hold's view, by the hold's id or its warrant's (as `holds` lists it), or None: one row read, whatever
    the number of holds."""
    row = session.execute(_VIEWS.where(or_(Hold.id == ref, Hold.warrant_id == ref)).order_by(Hold.id != ref)).first()
    if row is None:
        return None
    hold, tz, agency, facility, officer = row
    return view(hold, Names(tz, agency, facility, officer), now, session)


_DUE = (
    select(Hold.id, Hold.deadline)
    .where(Hold.status == "open", Hold.deadline.is_not(None), Hold.deadline < bindparam("before"))
    .order_by(Hold.deadline)
)


def due_within(session: Session, now: datetime, within: timedelta) -> list[tuple[str, datetime]]:
    """Open holds whose deadline falls before `now + within` (overdue ones included), by deadline; to the second,
    as the sweep's windows (`decision_second`: a deadline in the second of `now + within` is included).

    Served by the partial index `ix_custody_holds_open_deadline` (deadline, open holds only); a Core statement
    built once, on the session's connection (no ORM).
    """
    before = second_start(decision_second(now) + int(within.total_seconds()) + 1)
    rows = session.connection().execute(_DUE, {"before": before})
    return [(hold_id, deadline) for hold_id, deadline in rows if deadline is not None]


class AlertView(BaseModel):
    """An alert the sweep raised on a hold, as the read side lists it (times UTC)."""

    model_config = ROW

    kind: str = Field(description="What is due: due_12h, due_4h, due_1h, overdue, ice_not_notified, ...")
    hold: str = Field(description="The hold's id.")
    warrant: str = Field(description="The id of the warrant (or detainer) the hold is on.")
    raised_at: str | None = Field(description="When the sweep raised it, UTC.")
    due_at: str | None = Field(description="When what it asks for is (or was) due, UTC.")
    tz: Zone = "UTC"
    text: str = Field(
        description="What the alert asks of the jail, as the sweep says it (custody's ALERT_TEXTS; a deadline "
        "alert about the end of a detention agreement's cover says when it ends, in the facility's zone).",
    )


_OPEN_ALERTS = (
    select(Alert.kind, Hold.id, Hold.warrant_id, Alert.raised_at, Alert.due_at, Facility.tz, Hold.deadline)
    .join(Hold, Hold.id == Alert.hold_id)
    .join(Facility, Facility.id == Hold.facility_id)
    .where(Hold.status.in_(ACTIVE))
)


def open_alerts(session: Session) -> list[AlertView]:
    """The alerts raised on holds that still keep the person (open, or under a detention agreement), newest first:
    one statement, whatever the number of holds."""
    found = [
        AlertView(
            kind=kind,
            hold=hold,
            warrant=warrant,
            raised_at=iso(raised),
            due_at=iso(due),
            tz=tz,
            text=alert_text(kind, due, tz, deadline),
        )
        for kind, hold, warrant, raised, due, tz, deadline in session.execute(_OPEN_ALERTS)
    ]
    return sorted(found, key=lambda a: (a.raised_at or "", a.hold, a.kind), reverse=True)


def find_hold(session: Session, ref: str) -> Hold | None:
    """A hold by its id or by its warrant's id."""
    hold = session.get(Hold, ref)
    if hold is None:
        hold = session.execute(select(Hold).where(Hold.warrant_id == ref)).scalar_one_or_none()
    return hold


def history(session: Session, hold: Hold) -> dict[str, Any]:
    """A hold's events, in order, with their hashes, and the alerts raised on it (each with what it asks of the
    jail, `text`)."""
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
    facility = session.get(Facility, hold.facility_id)
    tz = facility.tz if facility is not None else "UTC"
    alerts = [
        {
            "kind": alert.kind,
            "raised_at": iso(alert.raised_at),
            "due_at": iso(alert.due_at),
            "text": alert_text(alert.kind, alert.due_at, tz, hold.deadline),
        }
        for alert in session.execute(select(Alert).where(Alert.hold_id == hold.id).order_by(Alert.id)).scalars()
    ]
    return {"hold": hold.id, "warrant": hold.warrant_id, "status": hold.status, "events": events, "alerts": alerts}
