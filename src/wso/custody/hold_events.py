"""What happens to a hold once it is open: ICE told, a citizenship claim and its report, transfer, release, the
move onto a detention agreement, and the sweep."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from wso.custody import agreements, detention, ledger
from wso.custody.checks import (
    ACTIVE,
    INPUT,
    RELEASE_REASONS,
    SEQUENCE,
    Context,
    Refused,
    _append,
    _close,
    _duration,
    _hold_for_warrant,
    _local,
    _minutes,
    already,
    ended_words,
)
from wso.custody.models import Agency, Facility, Warrant
from wso.custody.policy import (
    ICE_NOTIFY_WINDOW,
    citizenship_report_applies,
    citizenship_standard,
    decision_second,
    detention_cover_ended,
    elapsed,
)
from wso.custody.sweep import raise_alerts

# ---- hold events --------------------------------------------------------------------------------------------------


def _not_before(ctx: Context, earlier: datetime, act: str, what: str) -> None:
    """Refuse an act dated (to the second) before the fact it follows: INPUT naming `occurred_at`; the audit would
    read it as on time whatever the gap."""
    if decision_second(ctx.occurred_at) < decision_second(earlier):
        raise Refused(
            INPUT,
            f"field 'occurred_at' ({ledger.timestamp(ctx.occurred_at)}) is before {what} "
            f"({ledger.timestamp(earlier)}); {act}",
        )


def _notify(ctx: Context, args: Mapping[str, Any]) -> str:
    # a notification made after the hold ended (transfer, release) is a fact to record too
    hold = _hold_for_warrant(ctx, args, open_only=False)
    _not_before(ctx, hold.opened_at, "ICE is told after the service", f"the hold on {hold.warrant_id} began")
    if hold.ice_notified_at is not None:
        # one notification per hold: a second one would be a fact the ledger could not keep (WSO-NOTIFY-ICE is
        # measured from the first), so it is refused, not dropped
        raise already(
            ctx,
            hold,
            f"ICE was already notified of the hold on {hold.warrant_id}",
            hold.ice_notified_at,
            "a notification is recorded once and the first one stands (WSO-NOTIFY-ICE is measured from it): "
            "nothing to record",
        )
    hold.ice_notified_at = ctx.occurred_at
    _append(ctx, hold, "ice_notified", {})
    late = ""
    since = elapsed(hold.opened_at, ctx.occurred_at)  # whole seconds, as every rule counts
    if hold.kind == "wso" and since > ICE_NOTIFY_WINDOW:
        late = (
            f' (late: {_duration(since)} after service; "immediately" means within '
            f"{_minutes(ICE_NOTIFY_WINDOW)}, WSO-NOTIFY-ICE)"
        )
    return f"ICE notified of {hold.warrant_id}{late}"


def _claim(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    if hold.citizenship_claim_at is not None:
        raise already(
            ctx,
            hold,
            f"a U.S. citizenship claim on the hold on {hold.warrant_id} was already recorded",
            hold.citizenship_claim_at,
            "a claim is recorded once and the first one stands (WSO-CITIZENSHIP-1H runs from it): nothing to "
            "record; report it with citizenship.report",
        )
    _not_before(ctx, hold.opened_at, "a claim on the hold comes after it began", f"the hold on {hold.warrant_id} began")
    hold.citizenship_claim_at = ctx.occurred_at
    _append(ctx, hold, "citizenship_claim", {"flag": "review"})
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    instrument = _instrument(ctx, hold)
    if not citizenship_report_applies(instrument):
        return (
            f"U.S. citizenship claimed on {hold.warrant_id}; flagged for review; tell ICE (the one-hour report, "
            f"WSO-CITIZENSHIP-1H, applies to WSO holds only, not to an {instrument} hold)"
        )
    standard = _citizenship(ctx, hold, facility)
    due = ctx.occurred_at + standard.window
    return (
        f"U.S. citizenship claimed on {hold.warrant_id}; flagged for review; report it to the ICE Field Office "
        f"Director immediately, by {_local(due, facility.tz).isoformat()} (WSO-CITIZENSHIP-1H: "
        f'"{standard.words}", MOA template {standard.template})'
    )


def _report(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args, open_only=False)
    if hold.citizenship_claim_at is None:
        raise Refused(SEQUENCE, f"no citizenship claim is recorded on {hold.warrant_id}; record the claim first")
    if hold.citizenship_reported_at is not None:
        raise already(
            ctx,
            hold,
            f"the citizenship claim on the hold on {hold.warrant_id} was already reported to ICE",
            hold.citizenship_reported_at,
            "a report is recorded once and the first one stands: nothing to record",
        )
    _not_before(ctx, hold.citizenship_claim_at, "the report comes after the claim", f"the claim on {hold.warrant_id}")
    hold.citizenship_reported_at = ctx.occurred_at
    _append(ctx, hold, "citizenship_reported", {})
    facility = ctx.session.get(Facility, hold.facility_id)
    assert facility is not None
    if not citizenship_report_applies(_instrument(ctx, hold)):
        return f"citizenship claim on {hold.warrant_id} reported to ICE"
    standard = _citizenship(ctx, hold, facility)
    late = elapsed(hold.citizenship_claim_at, ctx.occurred_at) > standard.window
    return f"citizenship claim on {hold.warrant_id} reported to ICE" + (
        f' (late: more than one hour after the claim; the {standard.template} MOA says "{standard.words}", '
        f"WSO-CITIZENSHIP-1H, {standard.severity})"
        if late
        else ""
    )


def _instrument(ctx: Context, hold: ledger.HoldRow) -> str:
    warrant = ctx.session.get(Warrant, hold.warrant_id)
    assert warrant is not None
    return warrant.form


def _citizenship(ctx: Context, hold: ledger.HoldRow, facility: Facility) -> Any:
    """The citizenship report's standard under the MOA template of the agency's WSO agreement on the claim's day."""
    assert hold.citizenship_claim_at is not None
    day = _local(hold.citizenship_claim_at, facility.tz).date()
    found = agreements.in_force_agreement(ctx.session, hold.agency_id, "WSO", day)
    return citizenship_standard(found[1] if found is not None else None)


def _ending(ctx: Context, args: Mapping[str, Any]) -> ledger.HoldRow:
    """The hold a transfer or release ends: an open one, or one held on under a detention agreement."""
    hold = _hold_for_warrant(ctx, args, open_only=False)
    if hold.status not in ACTIVE:
        raise Refused(SEQUENCE, ended_words(ctx, hold))
    return hold


def _late(ctx: Context, hold: ledger.HoldRow) -> str:
    """Ended after its deadline: an open hold past its 48 hours, or a hold held on under a detention agreement
    after the agreement stopped covering it (the 48 hours, long passed, apply again from that instant)."""
    deadline = hold.deadline if hold.status == "open" else None
    if hold.status == "detention_agreement":
        until = detention.hold_cover_until(ctx.session, hold.facility_id, hold.agency_id, hold.detention_agreement_from)
        deadline = until if detention_cover_ended(until, ctx.occurred_at) else None
    if deadline is not None and decision_second(ctx.occurred_at) > decision_second(deadline):
        over = elapsed(deadline, ctx.occurred_at)
        return f" (after the deadline by {_duration(over)}: {hold.deadline_rule})"
    return ""


def _transfer(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _ending(ctx, args)
    late = _late(ctx, hold)
    _close(ctx, hold, "transferred", "transferred")
    return f"{hold.warrant_id}: custody transferred to ICE{late}{_unnotified(hold)}"


def _release(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _ending(ctx, args)
    reason = str(args.get("reason") or "released")
    if reason not in RELEASE_REASONS:
        raise Refused(INPUT, f"field 'reason' must be one of {', '.join(RELEASE_REASONS)}, got {reason!r}")
    if reason == "citizenship_verified" and hold.citizenship_claim_at is None:
        raise Refused(SEQUENCE, f"no citizenship claim is recorded on {hold.warrant_id}; record the claim first")
    late = _late(ctx, hold)
    _close(ctx, hold, "released", reason)
    why = "" if reason == "released" else f" ({reason})"
    return f"{hold.warrant_id}: released{why}{late}{_unnotified(hold)}"


def _unnotified(hold: ledger.HoldRow) -> str:
    """A WSO hold that ends before ICE was told of its service: the notification is still owed (WSO-NOTIFY-ICE)."""
    if hold.kind != "wso" or hold.ice_notified_at is not None:
        return ""
    due = _minutes(ICE_NOTIFY_WINDOW)
    return f"; ICE is not yet notified of the service: record it (ice.notify) within {due} of service (WSO-NOTIFY-ICE)"


def _continue(ctx: Context, args: Mapping[str, Any]) -> str:
    hold = _hold_for_warrant(ctx, args)
    facility = ctx.session.get(Facility, hold.facility_id)
    agency = ctx.session.get(Agency, hold.agency_id)
    assert facility is not None and agency is not None and hold.deadline is not None
    if hold.kind != "wso":
        raise Refused(
            "WSO-DETENTION-AGREEMENT",
            f"{hold.warrant_id} is a detainer hold; a detention agreement lifts only a WSO hold's 48 hours",
        )
    point = _local(hold.deadline, facility.tz)
    if hold.id in ctx.settled:
        return (
            f"{hold.warrant_id}: held on under the detention agreement from {point.isoformat()}; off the 48-hour clock"
        )
    if hold.status == "detention_agreement":
        assert hold.detention_agreement_from is not None
        since = _local(hold.detention_agreement_from, facility.tz).isoformat()
        raise Refused(SEQUENCE, f"{hold.warrant_id} is already held on under a detention agreement (from {since})")
    answer = detention.cover(
        ctx.session, facility.id, agency, agreements.agency_kind(ctx.session, agency), point.date()
    )
    if answer is not None and answer.barred_by is not None:
        raise Refused(
            "STATE-LAW",
            f"{answer.reason}; transfer or release the person by {point.isoformat()} (WSO-RELEASE)",
            law=answer.barred_by.id,
        )
    if answer is None or not answer.lifts:
        why = answer.reason if answer is not None else f"no detention agreement covers {facility.id}"
        raise Refused(
            "WSO-DETENTION-AGREEMENT",
            f"{why}; transfer or release the person by {point.isoformat()} (WSO-RELEASE)",
        )
    raise Refused(
        SEQUENCE,
        f"{hold.warrant_id} moves onto the {answer.kind} at its 48-hour point ({point.isoformat()}), and the ledger "
        "records it then by itself; nothing to record before",
    )


def _sweep(ctx: Context, args: Mapping[str, Any]) -> str:
    raised = raise_alerts(ctx.session, ctx.now, ctx.unit, actor=ctx.actor)
    for alert, message in raised:
        ctx.alerts.append({"kind": alert.kind, "warrant": alert.warrant, "hold": alert.hold, "at": alert.at})
        ctx.messages.append(message)
    listed = "; ".join(f"{alert.kind} {alert.warrant}" for alert, _ in raised)
    return f"{len(raised)} alert(s) raised" + (f": {listed}" if listed else "")
