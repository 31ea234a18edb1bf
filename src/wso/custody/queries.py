"""Read side: holds with their deadlines and time left (UTC and the facility's local time), a hold's history."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from wso.custody import ledger
from wso.custody.models import Alert, Facility, Hold


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


# A hold that still keeps the person: on the 48-hour clock, or held on under a detention agreement.
ACTIVE = ("open", "detention_agreement")


def view(hold: Hold, tz: str, now: datetime) -> HoldView:
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
    )


def holds(session: Session, now: datetime, *, open_only: bool = False) -> list[HoldView]:
    """Every hold (or every one that still keeps the person: open, or under a detention agreement), soonest
    deadline first."""
    query = select(Hold, Facility.tz).join(Facility, Facility.id == Hold.facility_id)
    if open_only:
        query = query.where(Hold.status.in_(ACTIVE))
    rows = session.execute(query.order_by(Hold.deadline.is_(None), Hold.deadline, Hold.id)).all()
    return [view(hold, tz, now) for hold, tz in rows]


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
