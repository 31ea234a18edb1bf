"""What WSO costs the county, from the ledger: each hold as a span for `wso.program.cost` (issue 22).

A hold in ICE custody runs from the later of its service and the booking's release from criminal custody (the
actual one when recorded) to its end, or to the as-of time while the person is still held; a WSO hold at a
facility a detention agreement covers moved onto it at its 48-hour point (`detention_agreement_from`, as the
ledger settled it), and is reimbursed only until that agreement's cover ends (`detention_agreement_until`: the hours
after it are the jail's own, as the ledger counts them late). `span` is the one place that reads a hold's times;
the export writes the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.custody import detention
from wso.custody.models import Booking, Facility, Hold
from wso.program.cost import CostReport, CostTally, Period, Rates, check_facility, custody_start


@dataclass(frozen=True, slots=True)
class Span:
    start: datetime
    end: datetime | None
    agreement_from: datetime | None
    agreement_until: datetime | None = None


def span(session: Session, hold: Hold, booking: Booking) -> Span:
    """A hold's time in ICE custody at the jail: from the later of its service and the booking's release (the
    actual one when recorded) to its end (None: still held), moved onto a detention agreement at
    `detention_agreement_from` (the 48-hour point, when the ledger settled it so) or never, covered by it until
    `detention_agreement_until` (None: open-ended), as the hold's view and the export say."""
    start = custody_start(hold.opened_at, booking.scheduled_release, booking.released_at)
    moved = hold.detention_agreement_from
    until = detention.hold_cover_until(session, hold.facility_id, hold.agency_id, moved)
    return Span(start, hold.ended_at, moved, until)


def ledger_cost(
    session: Session,
    as_of: datetime,
    *,
    facility: str | None = None,
    period: Period | None = None,
    rates: Rates | None = None,
    option: str = "--facility",
) -> CostReport:
    """The cost per facility and local month of every hold in the ledger (or at `facility`), as of `as_of`.

    Raises `wso.program.cost.CostInputError`, naming `option`, for a facility the ledger does not have."""
    zones = {row.id: row.tz for row in session.execute(select(Facility.id, Facility.tz))}
    check_facility(facility, zones, option)
    query = select(Hold, Booking).join(Booking, Booking.id == Hold.booking_id).order_by(Hold.facility_id, Hold.id)
    if facility is not None:
        query = query.where(Hold.facility_id == facility)
    tally = CostTally(as_of, period, rates)
    for hold, booking in session.execute(query):
        times = span(session, hold, booking)
        tally.add_times(
            hold.id,
            hold.facility_id,
            zones[hold.facility_id],
            hold.kind,
            times.start,
            times.end,
            times.agreement_from,
            times.agreement_until,
        )
    return tally.report()
