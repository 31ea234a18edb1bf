"""May (or must) an agency of a given kind hold a 287(g) agreement of a model on a day; do state laws bar holds on
detainers or detention agreements there? One answer for the ledger, the audit, the CLI, the registry and the web."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from wso.program.errors import UnknownValue
from wso.program.laws import Confidence, Scope, StateLaw, state_laws
from wso.program.models import Model, parse_model
from wso.program.states import parse_state

Verdict = Literal["prohibited", "restricted", "mandated", "permitted"]
AgencyKind = Literal["county", "municipal", "state"]
AGENCY_KINDS: tuple[AgencyKind, ...] = get_args(AgencyKind)

_VERDICT_OF_STANCE: dict[str, Verdict] = {
    "prohibits": "prohibited",
    "restricts": "restricted",
    "mandates": "mandated",
    "encourages": "permitted",
}
_PRECEDENCE: tuple[Verdict, ...] = ("prohibited", "restricted", "mandated", "permitted")
_CONFIDENCE_ORDER: tuple[Confidence, ...] = ("low", "medium", "high")


@dataclass(frozen=True)
class Eligibility:
    """The verdict, the laws that decided it (empty: no law applies), and when the verdict next changes.

    `signed`: the agreement's signing day the question was asked for (None: a new agreement, signed on `on`).
    `grace`: prohibiting laws in force that do not bar this agreement yet because it was signed before them;
    `grace_until`: the first day one of them bars it (None: no grace, or a law that lets existing agreements
    continue). "mandated" means an agreement of this model satisfies a mandate in force (see `StateLaw.requirement`).
    """

    state: str
    model: Model
    on: date
    agency_kind: AgencyKind
    verdict: Verdict
    laws: tuple[StateLaw, ...]
    confidence: Confidence | None
    next_change: date | None
    signed: date | None = None
    grace: tuple[StateLaw, ...] = ()
    grace_until: date | None = None


@dataclass(frozen=True)
class VerdictPeriod:
    """One stretch of days (`start` to `end`, both included) over which the answer stays `answer`."""

    start: date
    end: date
    answer: Eligibility


def parse_agency_kind(text: str) -> AgencyKind:
    value = text.strip().lower()
    if value not in AGENCY_KINDS:
        raise UnknownValue("agency kind", text, AGENCY_KINDS)
    return value


def _pool(state: str, laws: Iterable[StateLaw] | None) -> tuple[str, tuple[StateLaw, ...]]:
    code = parse_state(state)
    return code, tuple(law for law in (state_laws() if laws is None else laws) if law.state == code)


def _decide(
    laws: tuple[StateLaw, ...], on: date, kind: AgencyKind, model: Model, signed: date | None
) -> tuple[Verdict, tuple[StateLaw, ...], tuple[StateLaw, ...]]:
    binding = [law for law in laws if law.covers(model) and law.in_force(on) and law.binds_kind(kind)]
    barring = [law for law in binding if law.stance == "prohibits"]
    grace = tuple(law for law in barring if not law.bars(on, kind, signed))
    for verdict in _PRECEDENCE:
        deciding = tuple(law for law in binding if _VERDICT_OF_STANCE[law.stance] == verdict and law not in grace)
        if deciding:
            return verdict, deciding, grace
    return "permitted", (), grace


def eligibility(
    state: str,
    model: Model | str,
    on: date,
    agency_kind: str = "county",
    laws: Iterable[StateLaw] | None = None,
    *,
    signed: date | None = None,
) -> Eligibility:
    """Prohibited > restricted > mandated > permitted, from the state's laws in force on `on` that bind this kind
    and cover 287(g) agreements of this model.

    `signed` is the agreement's signing day: a prohibiting law does not bar an agreement signed before its
    effective day until its `existing_agreements_end` (the grace period; never, for a law whose existing
    agreements may continue). `signed` None asks about a new agreement: a prohibiting law in force bars it.
    `next_change` is the first later day (a law's effective day or the end of a grace period) on which the answer
    differs: its verdict, the laws deciding it, or the laws whose grace period it is in.
    """
    code, pool = _pool(state, laws)
    chosen = parse_model(model)
    kind = parse_agency_kind(agency_kind)
    verdict, deciding, grace = _decide(pool, on, kind, chosen, signed)
    weighed = deciding + grace
    confidence: Confidence | None = None
    if weighed:
        confidence = min((law.confidence for law in weighed), key=_CONFIDENCE_ORDER.index)
    ends = [end for law in grace if (end := law.existing_end()) is not None]
    grace_until = min(ends) if ends else None
    days = {law.effective for law in pool} | {end for law in pool if (end := law.existing_end()) is not None}
    next_change: date | None = None
    for day in sorted(day for day in days if day > on):
        if _decide(pool, day, kind, chosen, signed) != (verdict, deciding, grace):
            next_change = day
            break
    return Eligibility(
        state=code,
        model=chosen,
        on=on,
        agency_kind=kind,
        verdict=verdict,
        laws=deciding,
        confidence=confidence,
        next_change=next_change,
        signed=signed,
        grace=grace,
        grace_until=grace_until,
    )


def verdict_periods(
    state: str,
    model: Model | str,
    start: date,
    end: date,
    agency_kind: str = "county",
    laws: Iterable[StateLaw] | None = None,
    *,
    signed: date | None = None,
) -> tuple[VerdictPeriod, ...]:
    """`eligibility` from `start` to `end` (both included), as the stretches over which the answer stays the same."""
    pool = tuple(state_laws() if laws is None else laws)
    periods: list[VerdictPeriod] = []
    day = start
    while day <= end:
        answer = eligibility(state, model, day, agency_kind, pool, signed=signed)
        stop = end if answer.next_change is None else min(end, answer.next_change - timedelta(days=1))
        periods.append(VerdictPeriod(start=day, end=stop, answer=answer))
        if answer.next_change is None:
            break
        day = answer.next_change
    return tuple(periods)


def _first_bar(
    scope: Scope, state: str, on: date, agency_kind: str, laws: Iterable[StateLaw] | None, signed: date | None
) -> StateLaw | None:
    _, pool = _pool(state, laws)
    kind = parse_agency_kind(agency_kind)
    barring = [law for law in pool if law.scope == scope and law.bars(on, kind, signed)]
    return min(barring, key=lambda law: (law.effective, law.id), default=None)


def detainer_hold_bar(
    state: str, on: date, agency_kind: str = "county", laws: Iterable[StateLaw] | None = None
) -> StateLaw | None:
    """The law that bars an agency of this kind from holding a person on an I-247A detainer (without a judicial
    warrant) on `on`, or None. Laws that only restrict such holds (with exceptions) do not bar them."""
    return _first_bar("detainer_holds", state, on, agency_kind, laws, None)


def detainer_hold_restrictions(
    state: str, on: date, agency_kind: str = "county", laws: Iterable[StateLaw] | None = None
) -> tuple[StateLaw, ...]:
    """The laws in force on `on` that restrict, without barring, an agency of this kind holding a person on an
    I-247A detainer (New Jersey's directive, Connecticut's TRUST Act: exceptions that turn on the person's criminal
    record), in id order: the hold is not refused, but the answer names them."""
    _, pool = _pool(state, laws)
    kind = parse_agency_kind(agency_kind)
    found = (
        law
        for law in pool
        if law.scope == "detainer_holds" and law.stance == "restricts" and law.in_force(on) and law.binds_kind(kind)
    )
    return tuple(sorted(found, key=lambda law: law.id))


def detention_agreement_bar(
    state: str,
    on: date,
    agency_kind: str = "county",
    laws: Iterable[StateLaw] | None = None,
    *,
    signed: date | None = None,
) -> StateLaw | None:
    """The law that bars, on `on`, an agreement to keep detaining people for civil immigration purposes for a fee
    (IGSA, U.S. Marshals) signed on `signed` (None: a new one), or None. Grace periods as in `eligibility`."""
    return _first_bar("detention_agreements", state, on, agency_kind, laws, signed)
