"""May (or must) an agency of a given kind in a given state hold a 287(g) agreement of a model on a day?"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from wso.program.errors import UnknownValue
from wso.program.laws import Confidence, StateLaw, state_laws
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
    """The verdict, the laws that decided it (empty: no law applies), and when the verdict next changes."""

    state: str
    model: Model
    on: date
    agency_kind: AgencyKind
    verdict: Verdict
    laws: tuple[StateLaw, ...]
    confidence: Confidence | None
    next_change: date | None


def parse_agency_kind(text: str) -> AgencyKind:
    value = text.strip().lower()
    if value not in AGENCY_KINDS:
        raise UnknownValue("agency kind", text, AGENCY_KINDS)
    return value


def _decide(laws: tuple[StateLaw, ...], on: date, kind: AgencyKind) -> tuple[Verdict, tuple[StateLaw, ...]]:
    binding = [law for law in laws if law.in_force(on) and law.binds_kind(kind)]
    for verdict in _PRECEDENCE:
        deciding = tuple(law for law in binding if _VERDICT_OF_STANCE[law.stance] == verdict)
        if deciding:
            return verdict, deciding
    return "permitted", ()


def eligibility(
    state: str,
    model: Model | str,
    on: date,
    agency_kind: str = "county",
    laws: Iterable[StateLaw] | None = None,
) -> Eligibility:
    """Prohibited > restricted > mandated > permitted, from the state's laws in force on `on` that bind this kind.

    Every packaged law covers all three models; a mandate is met by an agreement of any model.
    `next_change` is the first later effective date of the state's laws at which the verdict differs.
    """
    code = parse_state(state)
    chosen = parse_model(model)
    kind = parse_agency_kind(agency_kind)
    pool = tuple(law for law in (state_laws() if laws is None else laws) if law.state == code)
    verdict, deciding = _decide(pool, on, kind)
    confidence: Confidence | None = None
    if deciding:
        confidence = min((law.confidence for law in deciding), key=_CONFIDENCE_ORDER.index)
    next_change: date | None = None
    for day in sorted({law.effective for law in pool if law.effective > on}):
        if _decide(pool, day, kind)[0] != verdict:
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
    )
