"""What WSO costs the county, from the ledger: each hold as a span for `wso.program.cost` (issue 22).

A hold in ICE custody runs from the later of its service and the booking's release to its end; one held on under
a detention agreement (`custody.continue`) moved onto it then, and runs on until the transfer or release that
follows (or to the as-of time). `span` is the one place that reads a hold's times; the export writes the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.custody.models import Booking, Facility, Hold, HoldEvent
from wso.program.cost import CostReport, CostTally, Period, Rates, check_facility, custody_start

AFTER_AGREEMENT = ("transferred", "released")
"""The events that end a hold already held on under a detention agreement (its `ended_at` is the move)."""


@dataclass(frozen=True, slots=True)
class Span:
    start: datetime
    end: datetime | None
    agreement_from: datetime | None


def span(hold: Hold, release: datetime, left_at: datetime | None) -> Span:
    """A hold's time in ICE custody at the jail. `left_at`: for a hold that moved onto a detention agreement, when
    the transfer or release after it happened (None: still held)."""
    start = custody_start(hold.opened_at, release)
    if hold.end_reason == "detention_agreement":
        return Span(start, left_at, hold.ended_at)
    return Span(start, hold.ended_at, None)


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
    query = (
        select(Hold, Booking.scheduled_release)
        .join(Booking, Booking.id == Hold.booking_id)
        .order_by(Hold.facility_id, Hold.id)
    )
    if facility is not None:
        query = query.where(Hold.facility_id == facility)
    left = _left_after_agreement(session, facility)
    tally = CostTally(as_of, period, rates)
    for hold, release in session.execute(query):
        times = span(hold, release, left.get(hold.id))
        tally.add_times(
            hold.id, hold.facility_id, zones[hold.facility_id], hold.kind, times.start, times.end, times.agreement_from
        )
    return tally.report()


def _left_after_agreement(session: Session, facility: str | None) -> dict[str, datetime]:
    """For each hold that moved onto a detention agreement and has since left: when it left (its last event)."""
    query = (
        select(HoldEvent.hold_id, HoldEvent.occurred_at)
        .join(Hold, Hold.id == HoldEvent.hold_id)
        .where(Hold.end_reason == "detention_agreement", HoldEvent.kind.in_(AFTER_AGREEMENT))
        .order_by(HoldEvent.hold_id, HoldEvent.seq)
    )
    if facility is not None:
        query = query.where(Hold.facility_id == facility)
    return {hold_id: at for hold_id, at in session.execute(query)}
