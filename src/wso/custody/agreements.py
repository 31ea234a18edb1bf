"""Is an agency's agreement in force on a day? Hand-entered agreements first, then the registry.

An agency with hand-entered agreements for a model is answered from them alone (the jail's own record wins);
otherwise, if the registry lists the agency, the registry's `agreement_in_force` answers. The registry is reached
only through its public functions; a database without registry data simply has no registry agencies.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from wso import registry
from wso.custody.models import Agency, Agreement


def enter(
    session: Session,
    agency_id: str,
    model: str,
    signed: date,
    ended: date | None,
    at: datetime,
    moa_template: str | None = None,
) -> None:
    session.execute(
        insert(Agreement).values(
            agency_id=agency_id, model=model, signed=signed, ended=ended, entered_at=at, moa_template=moa_template
        )
    )


def hand_entered(session: Session, agency_id: str, model: str | None = None) -> list[Agreement]:
    """The current version of each hand-entered agreement (a later entry for the same signing supersedes)."""
    query = select(Agreement).where(Agreement.agency_id == agency_id)
    if model is not None:
        query = query.where(Agreement.model == model)
    latest: dict[tuple[str, date], Agreement] = {}
    for row in session.execute(query.order_by(Agreement.id)).scalars():
        latest[(row.model, row.signed)] = row
    return list(latest.values())


def registry_agency(session: Session, agency_id: str) -> tuple[str, str] | None:
    """(name, state) of a registry agency, or None."""
    view = registry.get_agency(session, agency_id)
    if view is None:
        return None
    return view.name, view.state


def registry_windows(session: Session, agency_id: str) -> list[tuple[str, date, date | None, date]]:
    """The registry's agreements of the agency as windows (model, first day, last day or None, signing day as
    `registry.compliance.began` reads it), for the models the jail entered no agreement of: in force from its
    first listing (not before ICE's signing day) until the day before the snapshot that dropped it, as
    `registry.agreement_in_force` answers day by day (a listing dropped and later restored is read as one window
    ending at its removal). The export writes them, so an audit of the ledger sees the agreement it served under."""
    view = registry.get_agency(session, agency_id)
    if view is None:
        return []
    entered = {row.model for row in hand_entered(session, agency_id)}
    out: list[tuple[str, date, date | None, date]] = []
    for a in view.agreements:
        if a.model in entered or a.status == "pending":  # a pending listing authorizes nothing
            continue
        first = max(a.first_listed, a.signed) if a.signed is not None else a.first_listed
        last = a.removed_on - timedelta(days=1) if a.removed_on is not None else None
        if last is None or first <= last:
            out.append((a.model, first, last, registry.compliance.began(a)))
    return sorted(out)


def in_force(session: Session, agency_id: str, model: str, on: date) -> bool:
    rows = hand_entered(session, agency_id, model)
    if rows:
        return any(row.signed <= on and (row.ended is None or on < row.ended) for row in rows)
    if registry.get_agency(session, agency_id) is None:
        return False
    return registry.agreement_in_force(session, agency_id, model, on)


def in_force_agreement(session: Session, agency_id: str, model: str, on: date) -> tuple[date, str | None] | None:
    """(signing day, MOA template) of the agreement of this model in force on `on`, or None.

    Hand-entered agreements answer alone when there are any; of several in force, the one signed first (its grace
    period under a state law is the longest; an agreement a later one replaced is entered with `ended`), as the
    audit chooses (`wso.audit.facts.wso_law_windows`, and the MOA template by the earliest window); otherwise the
    registry's
    (its signing day as `registry.compliance.began` reads it: ICE's SIGNED date, else the first listing; no
    template recorded). None also when no agreement is in force."""
    rows = hand_entered(session, agency_id, model)
    if rows:
        live = [row for row in rows if row.signed <= on and (row.ended is None or on < row.ended)]
        if not live:
            return None
        chosen = min(live, key=lambda row: row.signed)
        return chosen.signed, chosen.moa_template
    view = registry.get_agency(session, agency_id)
    if view is None or not registry.agreement_in_force(session, agency_id, model, on):
        return None
    began = [registry.compliance.began(a) for a in view.agreements if a.model == model]
    listed = [day for day in began if day <= on]
    return (max(listed) if listed else on), None


def agency_kind(session: Session, agency: Agency) -> str:
    """The agency's kind for state law (county, municipal, state): as entered, else the registry's, else county."""
    if agency.kind:
        return agency.kind
    return registry.compliance.agency_kind(registry.get_agency(session, agency.id))
