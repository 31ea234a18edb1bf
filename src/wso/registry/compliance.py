"""State laws against the registry: agreements listed where a law forbids them, and mandates left uncovered.

"Listed as active on a day" is the registry's own answer (`active_agreements`): the agreements of the latest
participating snapshot published on or before that day. After the last snapshot the last listing is carried
forward: an agreement ICE still listed then counts as active on any later day until a newer snapshot says
otherwise. Every report names the snapshot it used and says when it carried a listing forward.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from wso.program import AGENCY_KINDS, STATES, StateLaw, counties, eligibility, parse_state, rule, state_laws
from wso.program.states import COUNTY_LISTS
from wso.registry import AgencyView, AgreementView, active_agreements, agencies_in_state, latest_snapshot_date, stats

STATE_LAW_RULE = "STATE-LAW"


@dataclass(frozen=True)
class Conflict:
    """An agreement ICE lists as active on `on` in a state whose law `law_id` forbids it that day."""

    rule_id: str
    law_id: str
    citation: str
    confidence: str
    reason: str
    state: str
    agreement_id: str
    agency_id: str
    agency_name: str
    agency_kind: str
    model: str
    signed: date | None
    first_listed: date


@dataclass(frozen=True)
class ConflictReport:
    on: date
    snapshot: date | None  # publication date of the participating snapshot whose listing was used
    carried_forward: bool  # `on` is after the last snapshot: its listing stands for the day
    agreements_checked: int
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class CountyCoverage:
    county: str
    covered: bool
    agencies: tuple[str, ...]  # names of the county-level agencies holding an agreement listed that day
    models: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    """How far the registry shows a state's mandate met on a day (or why it cannot tell)."""

    state: str
    on: date
    snapshot: date | None
    carried_forward: bool
    laws: tuple[StateLaw, ...]  # the mandates in force that bind county agencies (sheriffs)
    can_tell: bool
    reason: str
    comply_by: date | None
    overdue: bool  # `on` is after the comply-by day (or, without one, the effective day)
    counties_total: int
    counties_covered: int
    uncovered: tuple[str, ...]
    counties: tuple[CountyCoverage, ...]
    unmatched_agencies: tuple[str, ...]  # jail agencies with agreements whose county is not in the list
    not_counted: tuple[str, ...]  # county-level agencies with agreements that run no jail (police, boards)


def began(agreement: AgreementView) -> date:
    """The agreement's signing day as far as the registry knows: ICE's SIGNED date, else its first listing.

    This is the day every state-law answer about a listed agreement is asked for (conflicts here, the agency
    page's verdicts), so an agreement ICE lists without a date is judged as one signed when first listed.
    """
    return agreement.signed or agreement.first_listed


def agency_kind(agency: AgencyView | None) -> str:
    """The agency's kind as `wso.program.eligibility` takes it (unknown or missing: "county", the usual case)."""
    return agency.kind if agency is not None and agency.kind in AGENCY_KINDS else "county"


def _reason(law: StateLaw, on: date, signed: date) -> str:
    end = law.existing_end()
    if signed >= law.effective:
        return f"prohibited since {law.effective}; the agreement began on {signed}, after the law took effect"
    if end is not None and end > law.effective:
        return f"prohibited since {law.effective}; existing agreements had to end by {end}"
    return f"prohibited since {law.effective}"


def _snapshot(session: Session, on: date) -> tuple[date | None, bool]:
    latest = latest_snapshot_date(session)
    if latest is None:
        return None, False
    if on >= latest:
        return latest, on > latest
    return stats(session, on).published, False


def _kinds(session: Session, state: str) -> dict[str, AgencyView]:
    return {agency.id: agency for agency in agencies_in_state(session, state)}


def conflicts(session: Session, on: date, laws: Iterable[StateLaw] | None = None) -> ConflictReport:
    """Agreements listed as active on `on` that state law forbids that day.

    The answer is `wso.program.eligibility` for the agreement's state, model and agency kind, asked for its
    signing day (`began`): a prohibiting law binds from its effective day, but an agreement signed before that day
    may stand until `existing_agreements_end` (the grace period); one signed on or after it may not. One conflict
    per deciding law. Restricting laws yield no conflicts; they are left to `wso rules check`.
    """
    pool = tuple(state_laws() if laws is None else laws)
    snapshot, carried = _snapshot(session, on)
    listed = active_agreements(session, on)
    banning = {law.state for law in pool if law.scope == "287g" and law.stance == "prohibits" and law.in_force(on)}
    found: list[Conflict] = []
    agencies: dict[str, dict[str, AgencyView]] = {}
    for agreement in listed:
        if agreement.state not in banning:
            continue
        if agreement.state not in agencies:
            agencies[agreement.state] = _kinds(session, agreement.state)
        kind = agency_kind(agencies[agreement.state].get(agreement.agency_id))
        signed = began(agreement)
        answer = eligibility(agreement.state, agreement.model, on, kind, pool, signed=signed)
        if answer.verdict != "prohibited":
            continue
        for law in sorted(answer.laws, key=lambda item: item.id):
            found.append(
                Conflict(
                    rule_id=rule(STATE_LAW_RULE).id,
                    law_id=law.id,
                    citation=law.citation,
                    confidence=law.confidence,
                    reason=_reason(law, on, signed),
                    state=agreement.state,
                    agreement_id=agreement.id,
                    agency_id=agreement.agency_id,
                    agency_name=agreement.agency_name,
                    agency_kind=kind,
                    model=agreement.model,
                    signed=agreement.signed,
                    first_listed=agreement.first_listed,
                )
            )
    return ConflictReport(
        on=on, snapshot=snapshot, carried_forward=carried, agreements_checked=len(listed), conflicts=tuple(found)
    )


def county_key(name: str) -> str:
    """ "St. Lucie County" / "Saint Lucie" / "ST LUCIE" -> "stlucie"; "Miami-Dade" / "Miami Dade" -> "miamidade"."""
    text = name.lower()
    text = re.sub(r"\b(county|parish|sheriff'?s?|office|department|jail|corrections?)\b", " ", text)
    text = re.sub(r"\bsaint\b", "st", text)
    return re.sub(r"[^a-z]", "", text)


JAIL_WORDS = re.compile(r"sheriff|correction|jail|detention", re.IGNORECASE)


def runs_a_jail(agency: AgencyView) -> bool:
    """A county-level agency the sheriff mandates bind: a sheriff's office or a county corrections department.

    ICE's sheet files some police departments, port authorities and county boards under TYPE "County"
    (e.g. "Alachua Police Departent" in Florida); they hold no county jail and do not cover their county.
    """
    return agency.kind == "county" and bool(JAIL_WORDS.search(agency.name))


def _agency_county(agency: AgencyView) -> str | None:
    if agency.county:
        return agency.county
    match = re.match(r"^(.*?)\s+County\b", agency.name, flags=re.IGNORECASE)
    return match.group(1) if match else None


def coverage(session: Session, state: str, on: date, laws: Iterable[StateLaw] | None = None) -> Coverage:
    """Which counties of a state with a sheriff mandate have (and lack) a county agency holding an agreement.

    The registry can tell for states whose county list is packaged (Florida: 67, Texas: 254): a county is
    covered when a county-level agency there (the sheriff's office or county corrections) holds an agreement
    of any model listed as active on `on` (see `runs_a_jail`). It cannot tell which sheriffs operate a jail (a few
    Texas counties have none), nor anything for states without a county list or without a mandate.
    """
    code = parse_state(state)
    pool = tuple(state_laws() if laws is None else laws)
    mandates = tuple(
        law
        for law in pool
        if law.state == code and law.scope == "287g" and law.stance == "mandates" and law.binds_kind("county")
    )
    in_force = tuple(law for law in mandates if law.in_force(on))
    snapshot, carried = _snapshot(session, on)
    comply_by = min((law.comply_by or law.effective for law in in_force), default=None)
    overdue = comply_by is not None and on > comply_by

    def cannot(reason: str) -> Coverage:
        return Coverage(code, on, snapshot, carried, in_force, False, reason, comply_by, overdue, 0, 0, (), (), (), ())

    name = STATES[code]
    if not mandates:
        return cannot(f"no packaged or user law mandates 287(g) agreements in {name}")
    if not in_force:
        first = min(law.effective for law in mandates)
        return cannot(f"{name}'s mandate ({', '.join(law.id for law in mandates)}) takes effect on {first}")
    if code not in COUNTY_LISTS:
        return cannot(
            f"the registry cannot tell: no county list is packaged for {name}, so agencies without an agreement "
            "cannot be named (ICE lists only participants)"
        )
    names = counties(code)
    by_key = {county_key(county): county for county in names}
    holders: dict[str, list[tuple[str, str]]] = {county: [] for county in names}
    unmatched: list[str] = []
    not_counted: list[str] = []
    agencies = _kinds(session, code)
    for agreement in active_agreements(session, on, code):
        agency = agencies.get(agreement.agency_id)
        if agency is None or agency.kind != "county":
            continue
        if not runs_a_jail(agency):
            not_counted.append(agency.name)
            continue
        county_name = _agency_county(agency)
        county = by_key.get(county_key(county_name)) if county_name else None
        if county is None:
            unmatched.append(agency.name)
            continue
        holders[county].append((agency.name, agreement.model))
    rows = tuple(
        CountyCoverage(
            county=county,
            covered=bool(held),
            agencies=tuple(sorted({agency for agency, _ in held})),
            models=tuple(sorted({model for _, model in held})),
        )
        for county, held in holders.items()
    )
    uncovered = tuple(row.county for row in rows if not row.covered)
    jail_note = (
        " Some Texas counties operate no jail; the registry cannot tell which, so an uncovered county may be exempt."
        if code == "TX"
        else ""
    )
    reason = (
        f"{len(rows) - len(uncovered)} of {len(rows)} counties have a sheriff's office or county jail listed with an "
        f"agreement on "
        f"{on}" + (f" (listing of {snapshot} carried forward)" if carried else "") + "." + jail_note
    )
    return Coverage(
        state=code,
        on=on,
        snapshot=snapshot,
        carried_forward=carried,
        laws=in_force,
        can_tell=True,
        reason=reason,
        comply_by=comply_by,
        overdue=overdue,
        counties_total=len(rows),
        counties_covered=len(rows) - len(uncovered),
        uncovered=uncovered,
        counties=rows,
        unmatched_agencies=tuple(sorted(set(unmatched))),
        not_counted=tuple(sorted(set(not_counted))),
    )
