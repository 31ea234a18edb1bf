"""Detention agreements as the jail records them, and whether one lifts a hold's 48-hour limit at its 48-hour point.

The decision itself (which kinds lift the limit, in force that day, not barred by state law with its grace period)
is `wso.program.detention_cover`; this module finds the agreements covering a facility and asks it. A facility
entered with `detention_agreement: true` (replay's older form) gets an IGSA record in force from the local day of
its creation (`implied`).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from wso.custody import agreements
from wso.custody.models import Agency, DetentionAgreement, DetentionAgreementFacility, Facility
from wso.custody.policy import DetentionCover, detention_agreement_until, detention_cover, detention_cover_last_day


def enter(
    session: Session,
    agreement_id: str,
    agency_id: str,
    kind: str,
    facilities: list[str],
    in_force_from: date,
    in_force_until: date | None,
    signed: date | None,
    at: datetime,
) -> None:
    session.execute(
        insert(DetentionAgreement).values(
            id=agreement_id,
            agency_id=agency_id,
            kind=kind,
            in_force_from=in_force_from,
            in_force_until=in_force_until,
            signed=signed,
            entered_at=at,
        )
    )
    session.execute(
        insert(DetentionAgreementFacility),
        [{"agreement_id": agreement_id, "facility_id": facility} for facility in facilities],
    )


def implied_id(facility_id: str) -> str:
    return f"{facility_id}-detention"


def covering(session: Session, facility_id: str) -> list[DetentionAgreement]:
    """Every detention agreement that covers the facility, in the order entered."""
    return list(
        session.execute(
            select(DetentionAgreement)
            .join(DetentionAgreementFacility, DetentionAgreementFacility.agreement_id == DetentionAgreement.id)
            .where(DetentionAgreementFacility.facility_id == facility_id)
            .order_by(DetentionAgreement.entered_at, DetentionAgreement.id)
        ).scalars()
    )


def covered_facilities(session: Session) -> set[str]:
    """The facilities any detention agreement covers (the sweep looks only at their holds)."""
    return set(session.execute(select(DetentionAgreementFacility.facility_id).distinct()).scalars())


def cover(session: Session, facility_id: str, agency: Agency, agency_kind: str, on: date) -> DetentionCover | None:
    """The answer for the facility on `on`: the first covering agreement that lifts the limit, else the first
    one's reason for not lifting it (a state law that bars it, a BOA, not in force), else None (no agreement)."""
    answers = [
        detention_cover(
            row.kind,
            row.in_force_from,
            row.in_force_until,
            agency.state,
            on,
            agency_kind,
            signed=row.signed,
        )
        for row in covering(session, facility_id)
    ]
    lifting = [answer for answer in answers if answer.lifts]
    if lifting:
        return lifting[0]
    barred = [answer for answer in answers if answer.barred_by is not None]
    return (barred or answers)[0] if answers else None


def hold_cover_until(session: Session, facility_id: str, agency_id: str, moved: datetime | None) -> datetime | None:
    """`cover_until` of a hold at `facility_id` of `agency_id` moved onto its agreement at `moved` (None: not moved)."""
    if moved is None:
        return None
    facility = session.get(Facility, facility_id)
    agency = session.get(Agency, agency_id)
    assert facility is not None and agency is not None
    return cover_until(session, facility, agency, agreements.agency_kind(session, agency), moved)


def cover_until(
    session: Session, facility: Facility, agency: Agency, agency_kind: str, moved: datetime
) -> datetime | None:
    """When the cover of a hold moved onto a detention agreement at `moved` ends (`detention_agreement_until`): the
    start of the local day after the latest last day of the agreements covering the facility that lifted the limit
    on the move's local day; None while one of them is open-ended (or, entered before this rule, none is found)."""
    day = moved.astimezone(zoneinfo.ZoneInfo(facility.tz)).date()
    last_days = [
        row.in_force_until
        for row in covering(session, facility.id)
        if detention_cover(
            row.kind, row.in_force_from, row.in_force_until, agency.state, day, agency_kind, signed=row.signed
        ).lifts
    ]
    if not last_days:
        return None
    return detention_agreement_until(detention_cover_last_day(last_days), facility.tz)
