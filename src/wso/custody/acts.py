"""Acts a WSO may not do (questioning on the forbidden topics, issuing detainers), and complaints about
participating officers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wso.custody.checks import INPUT, SEQUENCE, Context, Refused, _choice, _get, _local, _officer_event, _text
from wso.custody.models import Booking, Complaint, Facility, Officer
from wso.custody.policy import (
    WSO_FORBIDDEN_TOPICS,
    complaint_report_deadline,
    decision_second,
    parse_interview_topic,
)

# ---- acts a WSO may not do ----------------------------------------------------------------------------------------


def _interview(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    booking = _get(ctx.session, Booking, _text(args, "booking"), "booking")
    topic = _choice(args, "topic", parse_interview_topic)
    if topic in WSO_FORBIDDEN_TOPICS:
        raise Refused(
            "WSO-NO-INTERROGATION",
            f"a WSO may not question anyone about {topic} (the WSO model forbids: {', '.join(WSO_FORBIDDEN_TOPICS)}); "
            "refer it to ICE",
        )
    _officer_event(ctx, officer, "interview", {"booking": booking.id, "topic": topic})
    return f"interview by {officer.id} on {topic!r} recorded"


def _issue_detainer(ctx: Context, args: Mapping[str, Any]) -> str:
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    raise Refused(
        "WSO-NO-DETAINER",
        f"a WSO ({officer.id}) may not issue detainers; only ICE issues an I-247A: refer the case to ICE",
    )


def _complaint_receive(ctx: Context, args: Mapping[str, Any]) -> str:
    complaint_id = _text(args, "id")
    officer = _get(ctx.session, Officer, _text(args, "officer"), "officer")
    facility = _get(ctx.session, Facility, _text(args, "facility"), "facility")
    if facility.agency_id != officer.agency_id:
        raise Refused(
            INPUT, f"field 'facility': {facility.id} belongs to {facility.agency_id}, not {officer.agency_id}"
        )
    if ctx.session.get(Complaint, complaint_id) is not None:
        raise Refused(SEQUENCE, f"complaint {complaint_id!r} is already recorded")
    due = complaint_report_deadline(ctx.occurred_at, facility.tz)
    ctx.session.add(
        Complaint(
            id=complaint_id,
            agency_id=officer.agency_id,
            officer_id=officer.id,
            facility_id=facility.id,
            received_at=ctx.occurred_at,
            due_at=due,
            recorded_at=ctx.now,
        )
    )
    return (
        f"complaint {complaint_id} about {officer.id} received; report it to ICE by "
        f"{_local(due, facility.tz).isoformat()} (WSO-COMPLAINT-48H: 48 hours, excluding weekends)"
    )


def _complaint_report(ctx: Context, args: Mapping[str, Any]) -> str:
    complaint = _get(ctx.session, Complaint, _text(args, "id"), "complaint")
    if complaint.reported_at is not None:
        facility = ctx.session.get(Facility, complaint.facility_id)
        assert facility is not None
        raise Refused(
            SEQUENCE,
            f"complaint {complaint.id} was already reported to ICE at "
            f"{_local(complaint.reported_at, facility.tz).isoformat()}; a report is recorded once and the first "
            "one stands: nothing to record",
        )
    if decision_second(ctx.occurred_at) < decision_second(complaint.received_at):
        raise Refused(INPUT, f"field 'occurred_at' is before complaint {complaint.id} was received")
    complaint.reported_at = ctx.occurred_at
    late = decision_second(ctx.occurred_at) > decision_second(complaint.due_at)
    return f"complaint {complaint.id} reported to ICE" + (
        " (late: more than 48 hours after it was received, weekends excluded, WSO-COMPLAINT-48H)" if late else ""
    )
