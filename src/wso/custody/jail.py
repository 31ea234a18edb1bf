"""Setting up the jail: agencies, WSO agreements, facilities, detention agreements, and officers through their
designation (nominated, examined, certified, authorized, withdrawn)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.custody import agreements, detention
from wso.custody.checks import (
    INPUT,
    SEQUENCE,
    Context,
    Refused,
    _bool,
    _choice,
    _date,
    _get,
    _ids,
    _local,
    _officer_event,
    _text,
)
from wso.custody.models import Agency, DetentionAgreement, Facility, Officer, OfficerEvent
from wso.custody.policy import (
    EXAM_MAX_ATTEMPTS,
    EXAM_PASS_SCORE,
    Model,
    eligibility,
    parse_agency_kind,
    parse_detention_kind,
    parse_moa_template,
)

# ---- reference data ---------------------------------------------------------------------------------------------


def _agency(ctx: Context, args: Mapping[str, Any]) -> str:
    agency_id = _text(args, "id")
    if ctx.session.get(Agency, agency_id) is not None:
        raise Refused(SEQUENCE, f"agency {agency_id!r} is already entered")
    if args.get("name") is None and args.get("state") is None:
        view = agreements.registry_agency(ctx.session, agency_id)
        if view is None:
            raise Refused(INPUT, f"agency {agency_id!r} is not in the registry; give its name and state")
        name, state = view
    else:
        name, state = _text(args, "name"), _text(args, "state").upper()
    if len(state) != 2 or not state.isalpha():
        raise Refused(INPUT, f"field 'state' must be a USPS code such as FL, got {state!r}")
    kind = _choice(args, "kind", parse_agency_kind) if args.get("kind") is not None else None
    ctx.session.add(Agency(id=agency_id, name=name, state=state, kind=kind))
    return f"agency {agency_id} ({name}, {state}{', ' + kind if kind else ''}) entered"


def _agreement(ctx: Context, args: Mapping[str, Any]) -> str:
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    model = _text(args, "model").upper()
    if model not in {m.value for m in Model}:
        raise Refused(INPUT, f"field 'model' must be TFM, JEM or WSO, got {model!r}")
    signed = _date(args, "signed")
    ended = _date(args, "ended", optional=True)
    assert signed is not None
    if ended is not None and ended < signed:
        raise Refused(INPUT, f"field 'ended': agreement ended {ended} before it was signed {signed}")
    template = _choice(args, "moa_template", parse_moa_template) if args.get("moa_template") is not None else None
    agreements.enter(ctx.session, agency.id, model, signed, ended, ctx.now, template)
    until = f" until {ended}" if ended else ""
    words = f" (MOA template {template})" if template else ""
    note = _state_law_note(ctx, agency, model, signed)
    return f"{model} agreement of {agency.id} in force from {signed}{until}{words}{note}"


def _state_law_note(ctx: Context, agency: Agency, model: str, signed: date) -> str:
    """What state law says of the agreement today (entered, not refused: it is a fact; service under it is what
    STATE-LAW refuses): prohibited, or in a grace period until a day, or nothing."""
    day = ctx.occurred_at.date()
    verdict = eligibility(agency.state, model, day, agreements.agency_kind(ctx.session, agency), signed=signed)
    if verdict.verdict == "prohibited":
        laws = ", ".join(law.id for law in verdict.laws)
        return (
            f"; note: {agency.state} law ({laws}) prohibits this agreement on {day}: service under it is refused "
            "(STATE-LAW)"
        )
    if verdict.grace_until is not None:
        laws = ", ".join(law.id for law in verdict.grace)
        return (
            f"; note: {agency.state} law ({laws}) lets this agreement, signed before it, run only until "
            f"{verdict.grace_until}: from that day service under it is refused (STATE-LAW)"
        )
    return ""


def _facility(ctx: Context, args: Mapping[str, Any]) -> str:
    facility_id = _text(args, "id")
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    tz = _text(args, "tz")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Refused(INPUT, f"field 'tz' must be an IANA time zone such as America/New_York, got {tz!r}") from None
    if ctx.session.get(Facility, facility_id) is not None:
        raise Refused(SEQUENCE, f"facility {facility_id!r} is already entered")
    detention_flag = _bool(args, "detention_agreement", default=False)
    ctx.session.add(
        Facility(
            id=facility_id,
            agency_id=agency.id,
            name=_text(args, "name"),
            tz=tz,
            detention_agreement=detention_flag,
            created_at=ctx.occurred_at,
        )
    )
    if detention_flag:
        # replay's older form: an IGSA in force from the facility's creation (its local day)
        ctx.session.flush()
        start = _local(ctx.occurred_at, tz).date()
        detention.enter(
            ctx.session, detention.implied_id(facility_id), agency.id, "IGSA", [facility_id], start, None, None, ctx.now
        )
    return f"facility {facility_id} of {agency.id} ({tz}; detention agreement: {'yes' if detention_flag else 'no'})"


def _detention_agreement(ctx: Context, args: Mapping[str, Any]) -> str:
    agreement_id = _text(args, "id")
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    kind = _choice(args, "kind", parse_detention_kind)
    start = _date(args, "from")
    until = _date(args, "until", optional=True)
    signed = _date(args, "signed", optional=True)
    assert start is not None
    if until is not None and until < start:
        raise Refused(
            INPUT, f"field 'until' ({until}) is before field 'from' ({start}); an agreement ends after it begins"
        )
    facilities = _ids(args, "facilities")
    for facility_id in facilities:
        facility = _get(ctx.session, Facility, facility_id, "facility")
        if facility.agency_id != agency.id:
            raise Refused(INPUT, f"field 'facilities': {facility_id} belongs to {facility.agency_id}, not {agency.id}")
    if ctx.session.get(DetentionAgreement, agreement_id) is not None:
        raise Refused(SEQUENCE, f"detention agreement {agreement_id!r} is already entered")
    detention.enter(ctx.session, agreement_id, agency.id, kind, facilities, start, until, signed, ctx.now)
    answer = detention.cover(
        ctx.session, facilities[0], agency, agreements.agency_kind(ctx.session, agency), ctx.occurred_at.date()
    )
    lifts = "holds there are not late at 48 hours" if kind in ("IGSA", "USMS") else "it does not lift the 48-hour limit"
    law = f"; note: {answer.reason}" if answer is not None and answer.barred_by is not None else ""
    span = f"from {start}" + (f" until {until}" if until else "")
    return f"{kind} {agreement_id} of {agency.id} covers {', '.join(facilities)} {span}: {lifts}{law}"


# ---- officers -----------------------------------------------------------------------------------------------------


def _nominate(ctx: Context, args: Mapping[str, Any]) -> str:
    officer_id = _text(args, "id")
    agency = _get(ctx.session, Agency, _text(args, "agency"), "agency")
    if not _bool(args, "us_citizen"):
        raise Refused("OFFICER-US-CITIZEN", "only a U.S. citizen may be nominated as a WSO; nominate another officer")
    if ctx.session.get(Officer, officer_id) is not None:
        raise Refused(SEQUENCE, f"officer {officer_id!r} is already nominated")
    officer = Officer(
        id=officer_id,
        agency_id=agency.id,
        name=_text(args, "name"),
        status="nominated",
        exam_attempts=0,
        exam_passed=False,
    )
    ctx.session.add(officer)
    ctx.session.flush()
    _officer_event(ctx, officer, "nominated", {"agency": agency.id})
    return f"officer {officer_id} nominated by {agency.id}"


def _exam(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer", lock=True)
    try:
        score = float(args["score"])
    except (KeyError, TypeError, ValueError):
        raise Refused(INPUT, f"field 'score' must be a number 0-100, got {args.get('score')!r}") from None
    if not 0 <= score <= 100:
        raise Refused(INPUT, f"field 'score' must be between 0 and 100, got {score}")
    if officer.status == "disqualified":
        raise Refused(
            "OFFICER-EXAM",
            f"officer {officer.id} failed the exam and its retake and is disqualified; nominate another officer",
        )
    if officer.exam_passed:
        raise Refused(
            "OFFICER-EXAM",
            f"officer {officer.id} has already passed the exam; certify the officer next (officer.certify)",
        )
    officer.exam_attempts += 1
    passed = score >= EXAM_PASS_SCORE
    if passed:
        officer.exam_passed = True
        officer.status = "trained"
        message = f"officer {officer.id} passed the exam ({score:g} %); ICE may certify"
    elif officer.exam_attempts >= EXAM_MAX_ATTEMPTS:
        officer.status = "disqualified"
        message = f"officer {officer.id} failed the retake ({score:g} %) and is disqualified (OFFICER-EXAM)"
    else:
        message = f"officer {officer.id} failed the exam ({score:g} % < {EXAM_PASS_SCORE} %); one retake is allowed"
    _officer_event(ctx, officer, "exam", {"score": score, "attempt": officer.exam_attempts, "passed": passed})
    return message


def _certify(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer", lock=True)
    if officer.status != "trained":
        raise Refused(
            "OFFICER-EXAM",
            f"officer {officer.id} is {officer.status}: only an officer who passed the exam is certified",
        )
    officer.status = "certified"
    _officer_event(ctx, officer, "certified", {})
    return f"officer {officer.id} certified; the Field Office Director may authorize"


def _authorize(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer", lock=True)
    if officer.status not in ("certified", "withdrawn") or not officer.exam_passed:
        raise Refused(
            "OFFICER-CERTIFIED", f"officer {officer.id} is {officer.status}: certify the officer before authorizing"
        )
    if officer.status == "withdrawn" and not _was_certified(ctx.session, officer.id):
        raise Refused("OFFICER-CERTIFIED", f"officer {officer.id} was never certified; certify the officer first")
    officer.status = "authorized"
    _officer_event(ctx, officer, "authorized", {})
    return f"officer {officer.id} authorized to serve I-200 and I-205 warrants in {officer.agency_id}'s jail"


def _was_certified(session: Session, officer_id: str) -> bool:
    return (
        session.execute(
            select(OfficerEvent.id).where(OfficerEvent.officer_id == officer_id, OfficerEvent.kind == "certified")
        ).first()
        is not None
    )


def _withdraw(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "id"), "officer", lock=True)
    if officer.status in ("withdrawn", "disqualified"):
        raise Refused(
            "OFFICER-WITHDRAWAL", f"officer {officer.id} is already {officer.status}; there is nothing to withdraw"
        )
    officer.status = "withdrawn"
    _officer_event(ctx, officer, "withdrawn", {})
    return f"officer {officer.id}'s authorization withdrawn, effective now"
