"""The sweep: every hold against the clock (deadlines of open holds, notifications of any); each alert raised once.

Kinds: `due_12h`, `due_4h`, `due_1h` (the deadline is that close; a sweep raises only the most urgent window
that applies, so a hold first seen 3 hours before its deadline gets `due_4h`, not `due_12h` too), `overdue` (an
open hold at or past its deadline: the person must be released, WSO-RELEASE), `citizenship_report_due` (a
citizenship claim on a WSO hold not yet reported to ICE; due one hour after the claim, WSO-CITIZENSHIP-1H),
`ice_not_notified` (a WSO hold whose service ICE has not been told of once `ICE_NOTIFY_WINDOW` has passed,
WSO-NOTIFY-ICE; raised for a hold that ended within the window without a notification too) and
`complaint_report_due` (a complaint about an officer not reported to ICE within 48 hours, weekends excluded,
WSO-COMPLAINT-48H). `UNIQUE(hold_id, kind)` makes "once" hold even for two sweeps at the same
moment (a complaint's alert is raised once through its `alerted_at`).

Before it raises anything, a sweep given the ledger's unit of work moves onto their detention agreement the WSO
holds whose 48-hour point has passed at a facility whose agreement lifts the limit (`settle`: an event dated at
that point), so they raise no `overdue`; a hold that will move onto one at its 48-hour point raises no `due_*` for
that point. The agreement covers the hold only until `detention_agreement_until` (the 48 hours, long passed, apply
again from then): that instant is the hold's deadline, with the same advance warnings (`due_12h`, `due_4h`,
`due_1h`, then `overdue`, each once per hold, due at that instant, whether the hold has moved yet or will), in
words that say when the cover ends in the facility's zone and what the jail must do (`cover_text`).

Every test of the clock reads each time as its whole second, floored (`decision_second`), as every rule does: a
hold is overdue in its deadline's second, not 0.4 s into it. The queries select on the stored exact times with the
bound that test gives (`floor(t) <= s` is `t < second_start(s + 1)`).
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from wso.clock import Clock
from wso.custody import agreements, detention, ledger
from wso.custody.models import Agency, Alert, Complaint, Facility, Hold
from wso.custody.notify import AlertMessage, Notifier
from wso.custody.policy import CITIZENSHIP_REPORT, ICE_NOTIFY_WINDOW, decision_second, elapsed, second_start

log = logging.getLogger("wso.custody.sweep")

WINDOWS = (("due_1h", timedelta(hours=1)), ("due_4h", timedelta(hours=4)), ("due_12h", timedelta(hours=12)))
ICE_NOTICE_GRACE = ICE_NOTIFY_WINDOW  # the one window of wso.program (the audit's too)
KINDS = (
    "due_12h",
    "due_4h",
    "due_1h",
    "overdue",
    "citizenship_report_due",
    "ice_not_notified",
    "complaint_report_due",
)

TEXT = {
    "due_12h": "deadline in 12 hours or less: arrange transfer to ICE or release",
    "due_4h": "deadline in 4 hours or less: arrange transfer to ICE or release",
    "due_1h": "deadline in 1 hour or less: transfer to ICE or release now",
    "overdue": "past the deadline: the person must be released now (WSO-RELEASE / DETAINER-48H)",
    "citizenship_report_due": "a U.S. citizenship claim is not yet reported to ICE (WSO-CITIZENSHIP-1H)",
    "ice_not_notified": "ICE has not been notified of the service (WSO-NOTIFY-ICE)",
    "complaint_report_due": "a complaint about an officer is not yet reported to ICE (WSO-COMPLAINT-48H)",
}
DEADLINE_KINDS = frozenset({"due_12h", "due_4h", "due_1h", "overdue"})
#: the deadline alerts of a hold held on (or to be held on) under a detention agreement whose cover ends at a time
#: (`{until}`, in the facility's zone): the 48-hour limit applies again from then
COVER_TEXT = {
    "due_12h": "the detention agreement's cover of this hold ends at {until} (in 12 hours or less); from then the "
    "48-hour limit applies again (WSO-48H): arrange transfer to ICE or release before then",
    "due_4h": "the detention agreement's cover of this hold ends at {until} (in 4 hours or less); from then the "
    "48-hour limit applies again (WSO-48H): arrange transfer to ICE or release before then",
    "due_1h": "the detention agreement's cover of this hold ends at {until} (in 1 hour or less); from then the "
    "48-hour limit applies again (WSO-48H): transfer to ICE or release now",
    "overdue": "the detention agreement the hold moved onto ended: its cover ended at {until}; the 48-hour limit "
    "applies again: transfer to ICE or release now (WSO-48H)",
}


def cover_text(kind: str, until: datetime, tz: str) -> str:
    """What a deadline alert of a hold whose detention agreement's cover ends at `until` asks of the jail, with
    that instant in the facility's zone `tz`."""
    return COVER_TEXT[kind].format(until=until.astimezone(zoneinfo.ZoneInfo(tz)).isoformat())


def alert_text(kind: str, due_at: datetime | None, tz: str, deadline: datetime | None) -> str:
    """What an alert raised on a hold with the 48-hour `deadline` asks of the jail: a deadline alert due after
    that deadline is about the end of a detention agreement's cover (`cover_text`); any other, `TEXT`."""
    if kind in DEADLINE_KINDS and due_at is not None and deadline is not None and due_at > deadline:
        return cover_text(kind, due_at, tz)
    return TEXT.get(kind, kind)


@dataclass(frozen=True)
class RaisedAlert:
    kind: str
    hold: str
    warrant: str
    at: str
    due_at: str | None


def deadline_alert(now: datetime, deadline: datetime) -> str | None:
    """Which deadline alert applies at `now`, if any (in whole seconds: overdue from the deadline's second on)."""
    left = elapsed(now, deadline)
    if left <= timedelta(0):
        return "overdue"
    for kind, window in WINDOWS:
        if left <= window:
            return kind
    return None


_OPEN_DUE = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.deadline, Hold.kind).where(
    Hold.status == "open", Hold.deadline.is_not(None), Hold.deadline < bindparam("before")
)
#: holds held on under a detention agreement, until their `overdue` is raised (once its cover has ended)
_MOVED = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.agency_id, Hold.detention_agreement_from).where(
    Hold.status == "detention_agreement",
    ~exists().where(Alert.hold_id == Hold.id, Alert.kind == "overdue"),
)
_CLAIMS = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.citizenship_claim_at).where(
    Hold.kind == "wso", Hold.citizenship_claim_at.is_not(None), Hold.citizenship_reported_at.is_(None)
)
_COMPLAINTS = select(Complaint.id, Complaint.facility_id, Complaint.due_at).where(
    Complaint.reported_at.is_(None), Complaint.alerted_at.is_(None), Complaint.due_at < bindparam("before")
)
#: WSO holds ICE was not told of within the window: open or not (a hold closed within the window without a
#: notification breaches it when the window ends, as the audit finds), each until its alert is raised
_SILENT = select(Hold.id, Hold.warrant_id, Hold.facility_id, Hold.opened_at).where(
    and_(
        Hold.kind == "wso",
        Hold.ice_notified_at.is_(None),
        Hold.opened_at < bindparam("served_before"),
        ~exists().where(Alert.hold_id == Hold.id, Alert.kind == "ice_not_notified"),
    )
)


def _horizon(now: datetime) -> dict[str, datetime]:
    """`_OPEN_DUE`'s bound: deadlines at most the widest window after `now`, to the second."""
    return {"before": second_start(decision_second(now) + int(WINDOWS[-1][1].total_seconds()) + 1)}


def _stamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def lifted(session: Session, facility_id: str, agency_id: str, deadline: datetime) -> bool:
    """Whether a detention agreement lifts the 48-hour limit of a WSO hold at this facility at its 48-hour point."""
    facility = session.get(Facility, facility_id)
    agency = session.get(Agency, agency_id)
    assert facility is not None and agency is not None
    day = deadline.astimezone(zoneinfo.ZoneInfo(facility.tz)).date()
    answer = detention.cover(session, facility_id, agency, agreements.agency_kind(session, agency), day)
    return answer is not None and answer.lifts


def settle(
    session: Session, hold: ledger.HoldRow, at: datetime, *, actor: str, recorded_at: datetime
) -> dict[str, Any] | None:
    """Move a WSO hold onto its detention agreement if its 48-hour point is at or before `at` and an agreement
    lifts the limit there then: status `detention_agreement`, `detention_agreement_from` the 48-hour point, and
    the event (dated at that point) to append, which is returned (None: nothing changes)."""
    if hold.kind != "wso" or hold.status != "open" or hold.deadline is None:
        return None
    if decision_second(hold.deadline) > decision_second(at):
        return None
    if not lifted(session, hold.facility_id, hold.agency_id, hold.deadline):
        return None
    hold.status = "detention_agreement"
    hold.detention_agreement_from = hold.deadline
    payload = {"basis": "detention agreement", "rule": "WSO-DETENTION-AGREEMENT"}
    return ledger.next_event(
        hold, "detention_agreement", payload, actor=actor, occurred_at=hold.deadline, recorded_at=recorded_at
    )


@dataclass(frozen=True)
class _Quiet:
    """The holds that raise no alert for their 48-hour point (settled now, or to be settled at it), and of those not
    moved yet, when the cover of the agreement they will move onto ends (None: open-ended), with their warrant and
    facility."""

    holds: set[str]
    pending: dict[str, tuple[str, str, datetime | None]]


def _settle_due(session: Session, unit: ledger.Unit, now: datetime, actor: str) -> _Quiet:
    """Settle every WSO hold at a covered facility whose 48-hour point has passed; return the holds (settled now or
    to be settled at their 48-hour point) that raise no alert for that point."""
    covered = detention.covered_facilities(session)
    quiet = _Quiet(set(), {})
    if not covered:
        return quiet
    rows = session.execute(_OPEN_DUE, _horizon(now)).all()
    for hold_id, warrant, facility, deadline, kind in rows:
        if kind != "wso" or facility not in covered or deadline is None:
            continue
        if decision_second(deadline) > decision_second(now):
            agency = session.execute(select(Hold.agency_id).where(Hold.id == hold_id)).scalar_one()
            if lifted(session, facility, agency, deadline):
                quiet.holds.add(hold_id)
                until = detention.hold_cover_until(session, facility, agency, deadline)
                quiet.pending[hold_id] = (warrant, facility, until)
            continue
        row = unit.get(warrant)
        assert row is not None
        event = settle(session, row, now, actor=actor, recorded_at=now)
        if event is not None:
            unit.put(row, [event])
            quiet.holds.add(hold_id)
    unit.flush()
    return quiet


def raise_alerts(
    session: Session, now: datetime, unit: ledger.Unit | None = None, *, actor: str = "sweep"
) -> list[tuple[RaisedAlert, AlertMessage]]:
    """Record every alert due at `now` not raised before; return each with the message to send (not sent).
    With the ledger's `unit`, first move the holds whose 48-hour point passed onto their detention agreement."""
    quiet = _settle_due(session, unit, now, actor) if unit is not None else _Quiet(set(), {})
    wanted: list[tuple[str, str, str, str, datetime | None]] = []  # hold, warrant, facility, kind, due
    for hold, warrant, facility, deadline, _kind in session.execute(_OPEN_DUE, _horizon(now)):
        if hold in quiet.holds:
            continue
        kind = deadline_alert(now, deadline) if deadline is not None else None
        if kind:
            wanted.append((hold, warrant, facility, kind, deadline))
    # the end of a detention agreement's cover is the deadline of a hold held on under it, or to be (same windows)
    covers = [(hold, *found) for hold, found in quiet.pending.items()]
    covers += [
        (hold, warrant, facility, detention.hold_cover_until(session, facility, agency, moved))
        for hold, warrant, facility, agency, moved in session.execute(_MOVED).all()
    ]
    ends: set[tuple[str, str]] = set()  # (hold, kind) of the alerts about a cover's end
    for hold, warrant, facility, until in covers:
        kind = deadline_alert(now, until) if until is not None else None
        if kind:
            wanted.append((hold, warrant, facility, kind, until))
            ends.add((hold, kind))
    for hold, warrant, facility, claim in session.execute(_CLAIMS):
        assert claim is not None
        wanted.append((hold, warrant, facility, "citizenship_report_due", claim + CITIZENSHIP_REPORT))
    # past the window after service, to the second (as the audit finds it: told later than the window, or never)
    silent = {"served_before": second_start(decision_second(now) - int(ICE_NOTICE_GRACE.total_seconds()))}
    for hold, warrant, facility, opened in session.execute(_SILENT, silent):
        wanted.append((hold, warrant, facility, "ice_not_notified", opened + ICE_NOTICE_GRACE))
    complaints = _complaint_alerts(session, now)
    if not wanted:
        return complaints
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # one batched statement (SQLAlchemy's insertmanyvalues); a (hold, kind) already raised is skipped by
    # UNIQUE(hold_id, kind) and returns nothing, so what returns is exactly what this sweep raised
    alerts = cast(Table, Alert.__table__)
    statement = (
        insert(alerts)
        .on_conflict_do_nothing(index_elements=["hold_id", "kind"])
        .returning(alerts.c.hold_id, alerts.c.kind)
    )
    rows = [{"hold_id": h, "kind": k, "due_at": due, "raised_at": now} for h, _w, _f, k, due in wanted]
    inserted = {(h, k) for h, k in session.execute(statement, rows)}
    out: list[tuple[RaisedAlert, AlertMessage]] = []
    stamp = _stamp(now)
    for hold, warrant, facility, kind, due_at in wanted:
        if (hold, kind) not in inserted:
            continue
        due = _stamp(due_at) if due_at else None
        text = TEXT[kind]
        if (hold, kind) in ends and due_at is not None:
            place = session.get(Facility, facility)
            assert place is not None
            text = cover_text(kind, due_at, place.tz)
        out.append(
            (
                RaisedAlert(kind, hold, warrant, stamp, due),
                AlertMessage(kind, hold, warrant, facility, stamp, due, text),
            )
        )
    return out + complaints


def _complaint_alerts(session: Session, now: datetime) -> list[tuple[RaisedAlert, AlertMessage]]:
    """`complaint_report_due` for each complaint past its 48 hours (weekends excluded), unreported, not yet alerted."""
    out: list[tuple[RaisedAlert, AlertMessage]] = []
    stamp = _stamp(now)
    # past the due time, to the second (as the audit finds it: reported later than it, or not yet)
    bound = {"before": second_start(decision_second(now))}
    for complaint_id, facility, due_at in session.execute(_COMPLAINTS, bound).all():
        marked = session.execute(
            update(Complaint)
            .where(Complaint.id == complaint_id, Complaint.alerted_at.is_(None))
            .values(alerted_at=now)
            .returning(Complaint.id)
        ).first()
        if marked is None:
            continue  # another sweep raised it meanwhile
        ref = f"complaint:{complaint_id}"
        due = _stamp(due_at)
        kind = "complaint_report_due"
        out.append(
            (
                RaisedAlert(kind, ref, complaint_id, stamp, due),
                AlertMessage(kind, ref, complaint_id, facility, stamp, due, TEXT[kind]),
            )
        )
    return out


def deliver(notifier: Notifier, messages: Iterable[AlertMessage]) -> None:
    """Send each message; a failed delivery is logged, and the alert stays recorded."""
    for message in messages:
        try:
            notifier.notify(message)
        except Exception:
            log.exception("could not deliver alert %s on %s", message.kind, message.hold)


def sweep(session: Session, clock: Clock, notifier: Notifier | None = None) -> list[RaisedAlert]:
    """Raise every alert due at `clock.now()` that has not been raised yet; notify each one raised. Holds whose
    48-hour point passed under a detention agreement move onto it first (their events are written here)."""
    unit = ledger.Unit(session.connection())
    now = clock.now()
    raised = raise_alerts(session, now, unit)
    if notifier is not None:
        deliver(notifier, [message for _, message in raised])
    return [alert for alert, _ in raised]
