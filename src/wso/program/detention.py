"""Detention agreements (IGSA, U.S. Marshals, BOA): which lift the WSO 48-hour limit, on which day, for whom.

The WSO MOA (Appendix A) holds a person "for no more than 48 hours unless there exists an agreement pursuant to
which the LEA will continue to detain, for a reimbursable fee, aliens for immigration purposes". An
Intergovernmental Service Agreement (IGSA) or a U.S. Marshals agreement that lets the jail keep detaining for a fee
is such an agreement; a Basic Ordering Agreement (BOA), which only pays for a detainer hold of up to 48 hours, is
not. A hold at a facility an agreement covers, on a day the agreement is in force and no state law bars it, is not
late at 48 hours: at the 48-hour point (`wso_hold_deadline` of the release) it moves onto the agreement, and that
moment is its `detention_agreement_from`. The limit is lifted only while such an agreement exists: from the start
of the local day after the agreement's last day in force (`detention_agreement_until`), the 48 hours, long passed,
apply again and the hold is late.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from wso.program.custody import decision_second, wso_hold_deadline
from wso.program.eligibility import detention_agreement_bar
from wso.program.errors import UnknownValue
from wso.program.laws import StateLaw

DetentionKind = Literal["IGSA", "USMS", "BOA"]
DETENTION_KINDS: tuple[DetentionKind, ...] = get_args(DetentionKind)
LIFTING_KINDS: frozenset[DetentionKind] = frozenset({"IGSA", "USMS"})
"""The kinds that let the jail keep detaining for a fee, and so lift the 48-hour limit; a BOA does not."""
DETENTION_KIND_WORDS: dict[DetentionKind, str] = {
    "IGSA": "Intergovernmental Service Agreement with ICE",
    "USMS": "U.S. Marshals Service agreement that ICE may use",
    "BOA": "Basic Ordering Agreement (pays only for a detainer hold of up to 48 hours)",
}


def parse_detention_kind(text: str) -> DetentionKind:
    value = str(text).strip().upper()
    for kind in DETENTION_KINDS:
        if value == kind:
            return kind
    raise UnknownValue("detention agreement kind", str(text), DETENTION_KINDS)


@dataclass(frozen=True)
class DetentionCover:
    """Whether a detention agreement lifts the 48-hour limit on a day, and why not when it does not.

    `lifts`: True only for an IGSA or USMS agreement in force on `on` that no state law bars. `barred_by`: the
    state law that bars it (its id is what a refusal or finding reports), or None. `reason`: the answer in words."""

    kind: DetentionKind
    on: date
    lifts: bool
    in_force: bool
    barred_by: StateLaw | None
    reason: str


def detention_cover(
    kind: str,
    in_force_from: date,
    in_force_until: date | None,
    state: str,
    on: date,
    agency_kind: str = "county",
    laws: Iterable[StateLaw] | None = None,
    *,
    signed: date | None = None,
) -> DetentionCover:
    """Does an agreement of `kind`, in force from `in_force_from` to `in_force_until` (both included; None: still in
    force), signed on `signed` (None: `in_force_from`), lift the 48-hour limit on `on` for an agency of
    `agency_kind` in `state`? State-law grace periods as in `detention_agreement_bar`."""
    chosen = parse_detention_kind(kind)
    in_force = in_force_from <= on and (in_force_until is None or on <= in_force_until)
    barred: StateLaw | None = None
    if chosen not in LIFTING_KINDS:
        reason = f"a {chosen} ({DETENTION_KIND_WORDS[chosen]}) does not lift the 48-hour limit"
    elif not in_force:
        reason = f"the {chosen} is not in force on {on}"
    else:
        barred = detention_agreement_bar(
            state, on, agency_kind, laws, signed=signed if signed is not None else in_force_from
        )
        if barred is not None:
            reason = f"{state} law ({barred.id}, {barred.citation}) bars the {chosen} on {on}"
        else:
            reason = f"the {chosen} is in force on {on}: the 48-hour limit does not apply"
    lifts = chosen in LIFTING_KINDS and in_force and barred is None
    return DetentionCover(chosen, on, lifts, in_force, barred, reason)


def detention_agreement_from(release_at: datetime) -> datetime:
    """When a WSO hold covered by a lifting agreement moves onto it: the 48-hour point after the release from
    criminal custody (aware, UTC). The day it is checked on is this moment's local day at the facility."""
    return wso_hold_deadline(release_at)


def detention_cover_last_day(last_days: Iterable[date | None]) -> date | None:
    """The last day a hold moved onto a detention agreement stays covered, given the last days in force (None:
    open-ended) of the agreements that lifted the limit at the move and cover the facility: the latest of them (None
    when any is open-ended). The hold is covered while any of them covers it; an agreement entered after the move
    does not extend it. Raises ValueError when there is none."""
    days = list(last_days)
    if not days:
        raise ValueError("no detention agreement lifted the limit at the move")
    if any(day is None for day in days):
        return None
    return max(day for day in days if day is not None)


def detention_agreement_until(last_day: date | None, tz: str) -> datetime | None:
    """The instant a detention agreement in force until `last_day` (included) stops covering a hold: the start of
    the next local day in the facility's zone `tz` (aware, UTC); None for an open-ended agreement. From then on the
    48-hour limit applies again (Appendix A lifts it only where "there exists an agreement pursuant to which the LEA
    will continue to detain, for a reimbursable fee"): the hold is late (`detention_cover_ended`)."""
    if last_day is None:
        return None
    after = last_day + timedelta(days=1)
    return datetime(after.year, after.month, after.day, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def detention_cover_ended(until: datetime | None, at: datetime) -> bool:
    """Whether a hold moved onto a detention agreement whose cover ends at `until` (`detention_agreement_until`) is
    late at `at`: strictly after it, to the whole UTC second (`decision_second`), as every time rule."""
    return until is not None and decision_second(at) > decision_second(until)
