"""Bookings, the release from criminal custody, warrants, and the two ways a hold begins: a WSO's service of an
I-200 or I-205 at the release, and a hold on an I-247A detainer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from wso.custody import agreements, detention, ledger
from wso.custody.checks import (
    ACTIVE,
    FORMS,
    INPUT,
    SEQUENCE,
    WSO_FORMS,
    Context,
    Refused,
    _append,
    _close,
    _date,
    _duration,
    _get,
    _instant,
    _local,
    _minutes,
    _optional_text,
    _text,
)
from wso.custody.models import Agency, Booking, Facility, Officer, Warrant
from wso.custody.policy import (
    Eligibility,
    Model,
    ServiceCheck,
    business_calendar,
    criminal_release,
    decision_second,
    detainer_deadline,
    detainer_hold_bar,
    detainer_hold_restrictions,
    elapsed,
    eligibility,
    service_check,
    wso_hold_deadline,
)

# ---- bookings and warrants ----------------------------------------------------------------------------------------


def _booking(ctx: Context, args: Mapping[str, Any]) -> str:
    booking_id = _text(args, "id")
    facility = _get(ctx.session, Facility, _text(args, "facility"), "facility")
    release = _instant(args, "scheduled_release")
    if ctx.session.get(Booking, booking_id) is not None:
        raise Refused(SEQUENCE, f"booking {booking_id!r} is already entered")
    ctx.session.add(
        Booking(
            id=booking_id,
            facility_id=facility.id,
            scheduled_release=release,
            booked_at=ctx.occurred_at,
            person_name=args.get("name"),
            date_of_birth=_date(args, "dob", optional=True),
            a_number=args.get("a_number"),
        )
    )
    answer = f"booking {booking_id} in {facility.id}, scheduled release {_local(release, facility.tz).isoformat()}"
    past = elapsed(release, ctx.occurred_at)
    if past > ctx.service_tolerance:
        # late data entry is allowed, but a WSO could no longer serve at this release: say so now, not at service
        answer += (
            f"; note: the scheduled release is already past by {_duration(past)}, more than the "
            f"{_minutes(ctx.service_tolerance)} a WSO may serve after it (WSO-SCHEDULED-RELEASE): if the person is "
            "still in criminal custody, record the actual release with criminal.release when it happens"
        )
    return answer


def _criminal_release(ctx: Context, args: Mapping[str, Any]) -> str:
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    facility = ctx.session.get(Facility, booking.facility_id)
    assert facility is not None
    if booking.booked_at is not None and decision_second(ctx.occurred_at) < decision_second(booking.booked_at):
        raise Refused(
            INPUT,
            f"field 'occurred_at' ({_local(ctx.occurred_at, facility.tz).isoformat()}) is before booking "
            f"{booking.id} was entered ({_local(booking.booked_at, facility.tz).isoformat()}); a release comes after",
        )
    if booking.released_at is not None:
        raise Refused(
            SEQUENCE,
            f"booking {booking.id}'s release from criminal custody is already recorded "
            f"({_local(booking.released_at, facility.tz).isoformat()})",
        )
    held = _booking_holds(ctx, booking.id)
    if held:
        raise Refused(
            SEQUENCE,
            f"custody of booking {booking.id} already passed on {held[0].warrant_id}; "
            "record the release from criminal custody before a warrant is served or a detainer honoured",
        )
    booking.released_at = ctx.occurred_at
    until = _local(ctx.occurred_at + ctx.service_tolerance, facility.tz).isoformat()
    return (
        f"booking {booking.id} released from criminal custody at {_local(ctx.occurred_at, facility.tz).isoformat()}"
        f"; a WSO may serve until {until} ({_minutes(ctx.service_tolerance)} tolerance, WSO-SCHEDULED-RELEASE)"
    )


def _booking_holds(ctx: Context, booking_id: str) -> list[ledger.HoldRow]:
    """Every hold on the booking's warrants, as this transaction sees them (each locked)."""
    warrants = ctx.session.execute(
        select(Warrant.id).where(Warrant.booking_id == booking_id).order_by(Warrant.id)
    ).scalars()
    out = []
    for warrant_id in warrants:
        hold = ctx.unit.get(warrant_id)
        if hold is not None:
            out.append(hold)
    return out


def _receive(ctx: Context, args: Mapping[str, Any]) -> str:
    warrant_id = _text(args, "id")
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    form = _text(args, "form")
    if form not in FORMS:
        raise Refused(INPUT, f"field 'form' must be one of {', '.join(FORMS)}, got {form!r}")
    if ctx.session.get(Warrant, warrant_id) is not None:
        raise Refused(SEQUENCE, f"warrant {warrant_id!r} is already received")
    ctx.session.add(Warrant(id=warrant_id, booking_id=booking.id, form=form, received_at=ctx.occurred_at))
    what = "detainer" if form == "I-247A" else "warrant"
    return f"{form} {what} {warrant_id} received for booking {booking.id}"


def _require_wso_form(warrant: Warrant) -> None:
    """Refuse a warrant a WSO may not serve (an I-247A detainer, a judicial warrant): WSO-WARRANT-FORMS."""
    if warrant.form not in WSO_FORMS:
        if warrant.form == "I-247A":
            hint = "an I-247A detainer is not a warrant: record the hold with detainer.hold (its own clock)"
        else:
            hint = "a judicial warrant is executed by the agency's own officers, not served by a WSO"
        raise Refused("WSO-WARRANT-FORMS", f"a WSO serves only I-200 and I-205 warrants; {hint}")


def _serving_facility(ctx: Context, booking: Booking, facility_id: str) -> Facility:
    """The jail named for service, which must be the one holding the booking: WSO-JAIL-ONLY."""
    facility = ctx.session.get(Facility, facility_id)
    if facility is None or facility.id != booking.facility_id:
        raise Refused(
            "WSO-JAIL-ONLY",
            f"a WSO serves only inside the agency's jail where the person is held ({booking.facility_id}), "
            f"not at {facility_id!r}",
        )
    return facility


def _require_serving_officer(officer: Officer, facility: Facility) -> None:
    """Refuse an officer of another agency (WSO-OWN-AGENCY) or one not authorized (WSO-AUTHORIZED-OFFICER)."""
    if officer.agency_id != facility.agency_id:
        raise Refused(
            "WSO-OWN-AGENCY",
            f"officer {officer.id} belongs to {officer.agency_id}, not {facility.agency_id}; "
            f"an authorized WSO of {facility.agency_id} must serve it",
        )
    if officer.status != "authorized":
        raise Refused(
            "WSO-AUTHORIZED-OFFICER",
            f"officer {officer.id} is {officer.status}, not authorized; only a certified, authorized WSO may serve",
        )


def _require_service_at_release(check: ServiceCheck, which: str, release_local: str) -> None:
    """Refuse service before the release from criminal custody, or too late after it: WSO-SCHEDULED-RELEASE."""
    if check.timing == "before_release":
        raise Refused(
            "WSO-SCHEDULED-RELEASE",
            f"serve at the {which} from criminal custody ({release_local}) or within {_minutes(check.tolerance)} "
            "after it, not before; record an early release with criminal.release",
        )
    if check.timing == "late":
        assert check.late_by is not None
        raise Refused(
            "WSO-SCHEDULED-RELEASE",
            f"too late: the {which} from criminal custody was {release_local}; a WSO serves at it, within "
            f"{_minutes(check.tolerance)}, and nobody lawfully holds the person now (no open detainer hold within "
            f"its 48 hours); do not serve: the person must be released",
        )


def _require_not_with_ice(booking: Booking, booking_holds: list[ledger.HoldRow]) -> None:
    """Refuse a new hold on a person whose custody already passed to ICE (a hold of the booking ended
    `transferred`): the person is no longer in the jail (SEQUENCE)."""
    passed = [hold for hold in booking_holds if hold.status == "transferred"]
    if passed:
        # the last transfer names the hold ICE took the person on (a detainer hold a WSO's service ended comes first)
        last = max(passed, key=lambda hold: (hold.ended_at or hold.opened_at, hold.kind == "wso"))
        raise Refused(
            SEQUENCE,
            f"custody of booking {booking.id} already passed to ICE on {last.warrant_id}; the person is no "
            "longer in the jail: nothing to serve or hold",
        )


def _require_within_wso_hours(
    ctx: Context, facility: Facility, agency: Agency, release: datetime, which: str, release_local: str
) -> None:
    """Refuse service after the WSO hold's 48 hours from the release have already run out (a detainer held under
    the `excluding` reading can outlast them), unless a detention agreement lifts the limit at that point: the hold
    would be late from its first second (WSO-48H)."""
    deadline = wso_hold_deadline(release)
    if decision_second(ctx.occurred_at) <= decision_second(deadline):
        return
    if _covered_words(ctx, facility, agency, deadline):
        return
    raise Refused(
        "WSO-48H",
        f"too late: the 48 hours from the {which} ({release_local}) ended at "
        f"{_local(deadline, facility.tz).isoformat()}; a WSO hold may not begin after them (WSO-48H, flat). "
        "Do not serve: transfer the person to ICE on the detainer or release them",
    )


def _require_state_law_allows(verdict: Eligibility, state: str, local_day: date, kind: str, signed: date) -> None:
    """Refuse service a state law prohibits for this agency's agreement: STATE-LAW."""
    if verdict.verdict == "prohibited":
        laws = ", ".join(law.id for law in verdict.laws)
        raise Refused(
            "STATE-LAW",
            f"{state} law ({laws}) prohibits WSO service on {local_day} for a {kind} agency's agreement "
            f"signed {signed}; do not serve",
            law=laws,
        )


def _serve(ctx: Context, args: Mapping[str, Any]) -> str:
    session = ctx.session
    warrant = _get(session, Warrant, _text(args, "warrant"), "warrant")
    _require_wso_form(warrant)
    officer = _get(session, Officer, _text(args, "officer"), "officer")
    booking = session.get(Booking, warrant.booking_id)
    assert booking is not None
    facility = _serving_facility(ctx, booking, _text(args, "facility"))
    _require_serving_officer(officer, facility)
    if ctx.unit.get(warrant.id) is not None:
        raise Refused(SEQUENCE, f"warrant {warrant.id} has already been served")
    interpreter = _optional_text(args, "interpreter")
    booking_holds = _booking_holds(ctx, booking.id)
    _require_not_with_ice(booking, booking_holds)
    others = [hold for hold in booking_holds if hold.status in ACTIVE]
    wso_held = [hold for hold in others if hold.kind == "wso"]
    if wso_held:
        raise Refused(
            SEQUENCE,
            f"booking {booking.id} is already in ICE custody on {wso_held[0].warrant_id}; one person, one hold",
        )
    detainers = [hold for hold in others if hold.kind == "detainer"]
    lawful_detainer = [
        hold
        for hold in detainers
        if hold.status == "open"
        and hold.deadline is not None
        and decision_second(ctx.occurred_at) <= decision_second(hold.deadline)
    ]
    check = service_check(
        ctx.occurred_at,
        booking.scheduled_release,
        booking.released_at,
        tolerance=ctx.service_tolerance,
        detainer_open=bool(lawful_detainer),
    )
    release_local = _local(check.release_at, facility.tz).isoformat()
    which = "recorded release" if check.release_kind == "actual" else "scheduled release"
    _require_service_at_release(check, which, release_local)
    agency = session.get(Agency, facility.agency_id)
    assert agency is not None
    _require_within_wso_hours(ctx, facility, agency, check.release_at, which, release_local)
    local_day = _local(ctx.occurred_at, facility.tz).date()
    found = agreements.in_force_agreement(session, agency.id, "WSO", local_day)
    if found is None:
        raise Refused(
            "WSO-AGREEMENT-IN-FORCE",
            f"{agency.id} has no WSO agreement in force on {local_day}; enter the agreement or do not serve",
        )
    signed, _template = found
    kind = agreements.agency_kind(session, agency)
    verdict = eligibility(agency.state, Model.WSO, local_day, kind, signed=signed)
    _require_state_law_allows(verdict, agency.state, local_day, kind, signed)
    served = ctx.occurred_at
    release = check.release_at
    for held in detainers:
        # custody passes to ICE: the detainer hold ends at service (one person, one open hold)
        ctx.hold = held.id
        _close(ctx, held, "transferred", "transferred", {"served": warrant.id})
    hold = ledger.opened(
        id=f"hold-{warrant.id}",
        warrant_id=warrant.id,
        booking_id=booking.id,
        facility_id=facility.id,
        agency_id=agency.id,
        kind="wso",
        officer_id=officer.id,
        opened_at=served,
        clock_start=release,
        deadline=wso_hold_deadline(release),
        deadline_rule="WSO-48H",
        deadline_reading="flat",
        interpreter=interpreter,
    )
    ctx.hold = hold.id
    payload: dict[str, Any] = {"warrant": warrant.id, "form": warrant.form, "officer": officer.id}
    payload["facility"] = facility.id
    if interpreter is not None:
        payload["interpreter"] = interpreter
    if check.timing == "during_detainer":
        payload["detainer"] = lawful_detainer[0].warrant_id
    _append(ctx, hold, "served", payload, new=True)
    assert hold.deadline is not None
    notes = ""
    if verdict.verdict == "restricted":
        notes += f"; note: {agency.state} law restricts ({', '.join(law.id for law in verdict.laws)})"
    if detainers:
        notes += f"; detainer hold {detainers[0].warrant_id} ended: custody passed to ICE"
    if interpreter is not None:
        notes += f"; interpreter {interpreter} annotated (WSO-INTERPRETER)"
    deadline = _local(hold.deadline, facility.tz).isoformat()
    covered = _covered_words(ctx, facility, agency, hold.deadline)
    limit = (
        f"at {deadline} the hold moves onto {covered} (WSO-DETENTION-AGREEMENT)"
        if covered
        else f"in ICE custody until {deadline} at the latest"
    )
    when = f"at the {which} ({release_local}, tolerance {_minutes(check.tolerance)})"
    if check.timing == "during_detainer":
        when = f"while detainer {lawful_detainer[0].warrant_id} lawfully held the person (the {which}: {release_local})"
    return (
        f"{warrant.form} {warrant.id} served by {officer.id} {when}; {limit} (WSO-48H: 48 hours flat from the "
        f"release); notify ICE now (WSO-NOTIFY-ICE){notes}"
    )


def _covered_words(ctx: Context, facility: Facility, agency: Agency, deadline: datetime) -> str:
    """The detention agreement the hold will move onto at its 48-hour point, in words, or "" if none lifts it."""
    answer = detention.cover(
        ctx.session,
        facility.id,
        agency,
        agreements.agency_kind(ctx.session, agency),
        _local(deadline, facility.tz).date(),
    )
    return f"the {answer.kind} in force" if answer is not None and answer.lifts else ""


def _detainer_hold(ctx: Context, args: Mapping[str, Any]) -> str:
    session = ctx.session
    warrant = _get(session, Warrant, _text(args, "warrant"), "warrant")
    if warrant.form != "I-247A":
        raise Refused(
            "WSO-WARRANT-FORMS",
            f"{warrant.id} is an {warrant.form}, not an I-247A detainer; a WSO serves it with warrant.serve",
        )
    if ctx.unit.get(warrant.id) is not None:
        raise Refused(SEQUENCE, f"detainer {warrant.id} already has a hold")
    booking = session.get(Booking, warrant.booking_id)
    assert booking is not None
    facility = session.get(Facility, booking.facility_id)
    agency = session.get(Agency, facility.agency_id) if facility else None
    assert facility is not None and agency is not None
    start = criminal_release(booking.scheduled_release, booking.released_at)
    if decision_second(ctx.occurred_at) < decision_second(start):
        local = _local(start, facility.tz)
        raise Refused(
            "DETAINER-48H",
            f"a detainer holds a person only past the time of release ({local.isoformat()}); nothing to hold yet "
            f"(reading: {ctx.detainer_reading})",
        )
    deadline = detainer_deadline(start, facility.tz, ctx.detainer_reading, business_calendar(agency.state))
    if decision_second(ctx.occurred_at) > decision_second(deadline):
        raise Refused(
            "DETAINER-48H",
            f"too late: the detainer's 48 hours from the release ({_local(start, facility.tz).isoformat()}) ended "
            f"at {_local(deadline, facility.tz).isoformat()} (reading: {ctx.detainer_reading}); a detainer hold may "
            "not begin after them: release the person",
        )
    local_day = _local(ctx.occurred_at, facility.tz).date()
    kind = agreements.agency_kind(session, agency)
    bar = detainer_hold_bar(agency.state, local_day, kind)
    if bar is not None:
        raise Refused(
            "STATE-LAW",
            f"{agency.state} law ({bar.id}, {bar.citation}) bars holding anyone on an I-247A detainer without a "
            f"judicial warrant on {local_day}; do not hold: release the person at the end of criminal custody",
            law=bar.id,
        )
    booking_holds = _booking_holds(ctx, booking.id)
    _require_not_with_ice(booking, booking_holds)
    held = [hold for hold in booking_holds if hold.status in ACTIVE]
    if held:
        raise Refused(
            SEQUENCE, f"booking {booking.id} is already held on {held[0].warrant_id}; one person, one open hold"
        )
    hold = ledger.opened(
        id=f"hold-{warrant.id}",
        warrant_id=warrant.id,
        booking_id=booking.id,
        facility_id=facility.id,
        agency_id=agency.id,
        kind="detainer",
        officer_id=None,
        opened_at=ctx.occurred_at,
        clock_start=start,
        deadline=deadline,
        deadline_rule="DETAINER-48H",
        deadline_reading=ctx.detainer_reading,
    )
    ctx.hold = hold.id
    _append(ctx, hold, "detainer_hold", {"warrant": warrant.id, "reading": ctx.detainer_reading}, new=True)
    other = "excluding" if ctx.detainer_reading == "flat" else "flat"
    restricting = detainer_hold_restrictions(agency.state, local_day, kind)
    note = (
        f"; note: {agency.state} law restricts holds on detainers "
        f"({', '.join(f'{law.id}, {law.citation}' for law in restricting)}): hold only where its exceptions apply"
        if restricting
        else ""
    )
    return (
        f"held on I-247A detainer {warrant.id} until {_local(deadline, facility.tz).isoformat()} at the latest "
        f"(DETAINER-48H, reading: {ctx.detainer_reading}; the other reading, {other}, is available){note}"
    )
