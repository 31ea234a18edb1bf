"""What the public pages show, as typed models: the same object feeds the HTML page and the JSON API, so
everything a page shows is in the API by construction. No personal data: agencies, agreements, laws, rules.

Built from the registry's, the program's and the records room's public functions only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from wso import registry
from wso.program import (
    AGENCY_KINDS,
    STATES,
    StateLaw,
    UnknownValue,
    eligibility,
    model_spec,
    parse_state,
    rules,
    verdict_periods,
)
from wso.records import StateFacts, record_sets
from wso.registry.compliance import agency_kind, began
from wso.web.i18n_es import records_words
from wso.web.moaout import MoaOut, agency_moas

MODELS = ("TFM", "JEM", "WSO")


class LawOut(BaseModel):
    id: str
    state: str
    stance: str
    instrument: str
    citation: str
    effective: date
    existing_agreements_end: date | None
    applies_to: str
    binds: str
    confidence: str
    source: str
    note: str
    scope: str = Field(description="287g (agreements of `models`), detainer_holds or detention_agreements.")
    models: list[str]
    existing_agreements: str = Field(description="end (by existing_agreements_end) or continue.")
    comply_by: date | None
    duty: str | None = Field(description="For a mandate: hold an agreement, or apply for one.")
    requirement: str = Field(description="What the law asks or forbids, in words built from its facts.")


class VerdictSpan(BaseModel):
    """What state law said about this agreement's model from `start` to `end` (inclusive), asked for the day the
    agreement was signed (ICE's SIGNED date, else its first listing) and its agency's kind."""

    start: date
    end: date
    verdict: str
    laws: list[str]
    grace: list[str] = Field(default=[], description="Prohibiting laws whose grace period the agreement is in.")
    grace_until: date | None = None


class AgreementOut(BaseModel):
    id: str
    agency_id: str
    agency_name: str
    state: str
    model: str
    signed: date | None
    moa_url: str | None
    first_listed: date
    last_listed: date
    pending_since: date | None
    status: str
    removed_on: date | None
    renewal_of: str | None
    state_law: list[VerdictSpan] = Field(description="State law's verdict on this model over the agreement's life.")


class ModelOut(BaseModel):
    model: str
    name: str
    where: str
    authorizes: list[str]
    forbids: list[str]
    training: str
    sources: list[str]
    where_es: str
    authorizes_es: list[str]
    forbids_es: list[str]
    training_es: str


class AgencySummary(BaseModel):
    id: str
    name: str
    state: str
    kind: str
    county: str | None
    active_models: list[str] = Field(description="Models of its agreements in force (ICE lists them as active).")
    pending_models: list[str] = Field(
        default=[], description="Models of its agreements ICE lists as pending: applied for, not in force yet."
    )
    in_force: int = Field(default=0, description="Its agreements in force: these add up to the state's total.")
    agreements: int = Field(description="Every agreement ICE ever listed for it (in force, pending, ended).")


class AgencyOut(BaseModel):
    id: str
    name: str
    state: str
    state_name: str
    kind: str
    county: str | None
    agreements: list[AgreementOut]
    models: list[ModelOut]
    moas: list[MoaOut] = []  # its signed MOAs as read (wso.web.moaout)


class EligibilityOut(BaseModel):
    """State law's answer for a new agreement of `model` signed today by an agency of `agency_kind`."""

    model: str
    agency_kind: str
    verdict: str
    laws: list[str]
    confidence: str | None
    next_change: date | None
    requirement: list[str] = Field(description="For a mandated verdict: what each mandate asks, as it words it.")


class StateOut(BaseModel):
    code: str
    name: str
    on: date
    laws: list[LawOut]
    eligibility: list[EligibilityOut]
    agreements_active: int
    by_model: dict[str, int]
    pending: int = Field(default=0, description="Agreements ICE lists as pending in the state (not in force).")
    agencies: list[AgencySummary]
    coverage: registry.Coverage | None = Field(
        description="Where the state's law mandates agreements: which counties' sheriffs (or county jails) hold one "
        "ICE lists as active today, as `wso rules coverage --state CODE --on DAY --json` answers; null without a "
        "mandate."
    )
    pending_counties: list[str] = Field(
        default=[],
        description="Of the counties in `coverage.uncovered`, those whose sheriff has an agreement ICE lists as "
        "pending (applied for, not in force).",
    )


class TrendPoint(BaseModel):
    label: str
    published: date
    total: int
    by_model: dict[str, int]


class ChangeOut(BaseModel):
    agreement_id: str
    agency_id: str
    agency_name: str
    state: str
    model: str
    signed: date | None
    fields: dict[str, list[str | None]]
    corrects: str | None = Field(
        default=None, description="In `changed`: the agreement listed before, when ICE corrected its SIGNED date."
    )
    status: str = Field(
        default="active", description="Where the agreement stands now: active, pending (not in force) or removed."
    )


class ChangesOut(BaseModel):
    old: str
    new: str
    added: list[ChangeOut]
    removed: list[ChangeOut]
    changed: list[ChangeOut]


class StateSummary(BaseModel):
    code: str
    name: str
    agreements: int
    by_model: dict[str, int]
    stance: str | None = Field(
        description="The strongest stance on 287(g) agreements of the state's laws in force today, if any."
    )
    laws: list[str]


class OverviewOut(BaseModel):
    as_of: date | None
    snapshot: str | None
    total: int
    by_model: dict[str, int]
    agencies: int
    pending: int
    trend: list[TrendPoint]
    states: list[StateSummary]
    changes: ChangesOut | None


class RuleOut(BaseModel):
    id: str
    title: str
    text: str
    title_es: str
    text_es: str
    citation: str
    source: str
    applies_to: list[str]
    severity: str


_STANCE_ORDER = ("prohibits", "restricts", "mandates", "encourages")


def law_out(law: StateLaw) -> LawOut:
    return LawOut(
        id=law.id,
        state=law.state,
        stance=law.stance,
        instrument=law.instrument,
        citation=law.citation,
        effective=law.effective,
        existing_agreements_end=law.existing_agreements_end,
        applies_to=law.applies_to,
        binds=law.binds,
        confidence=law.confidence,
        source=law.source,
        note=law.note,
        scope=law.scope,
        models=[m.value for m in law.models],
        existing_agreements=law.existing_agreements,
        comply_by=law.comply_by,
        duty=law.duty,
        requirement=law.requirement(),
    )


def _by_model(models: list[str]) -> dict[str, int]:
    counts = Counter(models)
    return {m: counts.get(m, 0) for m in MODELS}


def current_stance(laws: tuple[StateLaw, ...], state: str, on: date) -> tuple[str | None, list[str]]:
    """The strongest stance on 287(g) agreements of the state's laws in force (rows on detainer holds or detention
    agreements do not colour the map), with the laws taking it."""
    in_force = [law for law in laws if law.state == state and law.scope == "287g" and law.in_force(on)]
    for stance in _STANCE_ORDER:
        deciding = [law.id for law in in_force if law.stance == stance]
        if deciding:
            return stance, deciding
    return None, []


def overview(session: Session, laws: tuple[StateLaw, ...], today: date) -> OverviewOut:
    stats = registry.stats(session)
    entries = registry.timeline(session, kind="participating")
    # agreements listed (as `stats` counts them), not rows: ICE sometimes lists one agreement twice
    trend = [
        TrendPoint(
            label=e.label,
            published=e.published,
            total=sum(e.agreements.values()),
            by_model=_by_model_dict(e.agreements),
        )
        for e in entries
    ]
    states: list[StateSummary] = []
    for code in sorted(set(stats.by_state) | {law.state for law in laws}):
        counts = _by_model_dict(stats.by_state.get(code, {}))
        stance, ids = current_stance(laws, code, today)
        states.append(
            StateSummary(
                code=code,
                name=STATES.get(code, code),
                agreements=sum(counts.values()),
                by_model=counts,
                stance=stance,
                laws=ids,
            )
        )
    changes = _changes(session, entries)
    return OverviewOut(
        as_of=stats.published,
        snapshot=stats.snapshot,
        total=stats.total,
        by_model=_by_model_dict(stats.by_model),
        agencies=stats.agencies,
        pending=stats.pending,
        trend=trend,
        states=states,
        changes=changes,
    )


def _by_model_dict(counts: dict[str, int]) -> dict[str, int]:
    return {m: int(counts.get(m, 0)) for m in MODELS}


def _changes(session: Session, entries: list[registry.TimelineEntry]) -> ChangesOut | None:
    """Agreements added and removed between the last two publication days (two files published under one
    name and day, as ICE did on 2025-07-03, count as that day's listing)."""
    days = sorted({e.published for e in entries})
    if len(days) < 2:
        return None
    old_day, new_day = days[-2], days[-1]
    old = {a.id: a for a in registry.active_agreements(session, old_day)}
    new = {a.id: a for a in registry.active_agreements(session, new_day)}
    label = {e.published: e.label for e in entries}
    added, removed = new.keys() - old.keys(), old.keys() - new.keys()
    # a SIGNED date ICE corrected is one agreement changed, not one removed and another added
    pairs = registry.correction_pairs(session, added, removed)
    changed = []
    for new_id, old_id in pairs:
        before, after = old[old_id].signed, new[new_id].signed
        fields = {"signed": [before.isoformat() if before else None, after.isoformat() if after else None]}
        changed.append(_change(new[new_id], fields=fields, corrects=old_id))
        added.discard(new_id)
        removed.discard(old_id)
    return ChangesOut(
        old=label[old_day],
        new=label[new_day],
        added=[_change(new[k]) for k in sorted(added)],
        removed=[_change(old[k]) for k in sorted(removed)],
        changed=sorted(changed, key=lambda c: c.agreement_id),
    )


def _change(
    a: registry.AgreementView, fields: dict[str, list[str | None]] | None = None, corrects: str | None = None
) -> ChangeOut:
    return ChangeOut(
        agreement_id=a.id,
        agency_id=a.agency_id,
        agency_name=a.agency_name,
        state=a.state,
        model=a.model,
        signed=a.signed,
        fields=fields or {},
        corrects=corrects,
        status=a.status,
    )


def verdict_spans(
    state: str,
    model: str,
    kind: str,
    start: date,
    end: date,
    laws: tuple[StateLaw, ...],
    signed: date | None = None,
) -> list[VerdictSpan]:
    """State law's verdict on `model` for an agency of `kind` and an agreement signed on `signed`, from `start` to
    `end`, as spans (`wso.program.verdict_periods`)."""
    try:
        periods = verdict_periods(state, model, start, end, kind, laws, signed=signed)
    except UnknownValue:
        return []
    return [
        VerdictSpan(
            start=period.start,
            end=period.end,
            verdict=period.answer.verdict,
            laws=[law.id for law in period.answer.laws],
            grace=[law.id for law in period.answer.grace],
            grace_until=period.answer.grace_until,
        )
        for period in periods
    ]


def _agreement(a: registry.AgreementView, kind: str, today: date, laws: tuple[StateLaw, ...]) -> AgreementOut:
    starts = [d for d in (a.signed, a.pending_since, a.first_listed) if d is not None]
    end = a.removed_on or (today if a.status != "removed" else a.last_listed)
    start = min(starts)
    return AgreementOut(
        id=a.id,
        agency_id=a.agency_id,
        agency_name=a.agency_name,
        state=a.state,
        model=a.model,
        signed=a.signed,
        moa_url=a.moa_url,
        first_listed=a.first_listed,
        last_listed=a.last_listed,
        pending_since=a.pending_since,
        status=a.status,
        removed_on=a.removed_on,
        renewal_of=a.renewal_of,
        state_law=verdict_spans(a.state, a.model, kind, start, max(end, start), laws, signed=began(a)),
    )


def agency(session: Session, agency_id: str, laws: tuple[StateLaw, ...], today: date) -> AgencyOut | None:
    view = registry.get_agency(session, agency_id)
    if view is None:
        return None
    kind = agency_kind(view)
    models = sorted({a.model for a in view.agreements if a.model in MODELS})
    return AgencyOut(
        id=view.id,
        name=view.name,
        state=view.state,
        state_name=STATES.get(view.state, view.state),
        kind=view.kind,
        county=view.county,
        agreements=[_agreement(a, kind, today, laws) for a in view.agreements],
        models=[_model_out(m) for m in models],
        moas=agency_moas(session, view.id),
    )


def _model_out(model: str) -> ModelOut:
    spec = model_spec(model)
    return ModelOut(
        model=str(spec.model),
        name=spec.name,
        where=spec.where,
        authorizes=list(spec.authorizes),
        forbids=list(spec.forbids),
        training=spec.training,
        sources=list(spec.sources),
        where_es=spec.where_es,
        authorizes_es=list(spec.authorizes_es),
        forbids_es=list(spec.forbids_es),
        training_es=spec.training_es,
    )


def models() -> list[ModelOut]:
    return [_model_out(m) for m in MODELS]


def summary(view: registry.AgencyView, in_force: list[str] | None = None) -> AgencySummary:
    """An agency in a list; `in_force` the models of its agreements in force (default: those whose status is
    active), one entry per agreement, so that the counts of a list add up to the total above it."""
    models = [a.model for a in view.agreements if a.status == "active"] if in_force is None else in_force
    return AgencySummary(
        id=view.id,
        name=view.name,
        state=view.state,
        kind=view.kind,
        county=view.county,
        active_models=sorted(set(models)),
        pending_models=sorted({a.model for a in view.agreements if a.status == "pending"}),
        in_force=len(models),
        agreements=len(view.agreements),
    )


def state(session: Session, code_or_name: str, laws: tuple[StateLaw, ...], today: date) -> StateOut | None:
    try:
        code = parse_state(code_or_name)
    except UnknownValue:
        return None
    state_laws = [law for law in laws if law.state == code]
    agencies = registry.agencies_in_state(session, code)
    on = registry.latest_snapshot_date(session) or today
    active = registry.active_agreements(session, on, state=code)
    in_force: dict[str, list[str]] = {}
    for a in active:
        in_force.setdefault(a.agency_id, []).append(a.model)
    verdicts = []
    for kind in AGENCY_KINDS:
        for model in MODELS:
            answer = eligibility(code, model, today, agency_kind=kind, laws=laws)
            verdicts.append(
                EligibilityOut(
                    model=model,
                    agency_kind=kind,
                    verdict=answer.verdict,
                    laws=[law.id for law in answer.laws],
                    confidence=answer.confidence,
                    next_change=answer.next_change,
                    requirement=[law.requirement() for law in answer.laws if law.stance == "mandates"],
                )
            )
    summaries = [summary(a, in_force.get(a.id, [])) for a in agencies]
    coverage = _coverage(session, code, state_laws, today)
    return StateOut(
        code=code,
        name=STATES.get(code, code),
        on=today,
        laws=[law_out(law) for law in state_laws],
        eligibility=verdicts,
        agreements_active=len(active),
        by_model=_by_model([a.model for a in active]),
        pending=sum(1 for a in agencies for g in a.agreements if g.status == "pending"),
        agencies=summaries,
        coverage=coverage,
        pending_counties=_pending_counties(coverage, agencies),
    )


def _pending_counties(coverage: registry.Coverage | None, agencies: list[registry.AgencyView]) -> list[str]:
    """The uncovered counties whose county agency has an agreement ICE lists as pending."""
    if coverage is None or not coverage.can_tell:
        return []
    pending = {
        _county_word(a.county)
        for a in agencies
        if a.kind == "county" and a.county and any(g.status == "pending" for g in a.agreements)
    }
    return [c for c in coverage.uncovered if c.casefold() in pending]


def _county_word(county: str) -> str:
    """ "Dallam County" -> "dallam" (coverage names counties without the word)."""
    words = county.split()
    if words and words[-1].casefold() in ("county", "parish"):
        words = words[:-1]
    return " ".join(words).casefold()


def _coverage(session: Session, code: str, laws: list[StateLaw], today: date) -> registry.Coverage | None:
    """The registry's answer on the mandate, for a state whose laws mandate agreements of county agencies."""
    if not any(law.stance == "mandates" and law.scope == "287g" and law.binds_kind("county") for law in laws):
        return None
    return registry.coverage(session, code, today, laws)


def rules_out() -> list[RuleOut]:
    return [
        RuleOut(
            id=r.id,
            title=r.title,
            text=r.text,
            title_es=r.title_es,
            text_es=r.text_es,
            citation=r.citation,
            source=r.source,
            applies_to=[str(m) for m in r.applies_to],
            severity=r.severity,
        )
        for r in rules()
    ]


def search(session: Session, query: str, state_code: str | None) -> list[AgencySummary]:
    if not query.strip():
        return [] if state_code is None else [summary(a) for a in registry.agencies_in_state(session, state_code)]
    return [summary(a) for a in registry.find_agencies(session, query, state=state_code)]


class RecordsFactsOut(BaseModel):
    """One state's public-records law, as far as a request letter and its due date need it."""

    state: str
    state_name: str
    law_name: str
    citation: str
    response_deadline_days: int | None
    deadline_kind: str = Field(description="How the deadline counts: business days, calendar days, or none fixed.")
    deadline_text: str
    requester_residency_required: bool
    fees_note: str
    fee_waiver: bool = Field(description="True when the law allows fees to be waived or reduced.")
    appeal_to: str
    source_url: str
    confidence: str


class RecordSetOut(BaseModel):
    """A set of records worth asking for, what it holds and what it shows, with the rules it bears on."""

    id: str
    title: str
    records: str
    shows: str
    rules: list[str]


class RecordsOut(BaseModel):
    states: list[RecordsFactsOut]
    sets: list[RecordSetOut]


def records_facts_out(facts: StateFacts) -> RecordsFactsOut:
    return RecordsFactsOut.model_validate(facts, from_attributes=True)  # the fields, and the state_name property


def records(facts: Mapping[str, StateFacts], lang: str) -> RecordsOut:
    """Every state's public-records facts (by USPS code) and the record sets to ask for, in `lang` (the facts'
    deadline, fees and appeal route too)."""
    states = [records_facts_out(f) for f in facts.values()]
    if lang == "es":
        states = [s.model_copy(update=vars(records_words(s, "es"))) for s in states]
    return RecordsOut(
        states=states,
        sets=[
            RecordSetOut(id=v.id, title=v.title, records=v.records, shows=v.shows, rules=list(v.rules))
            for v in record_sets(lang)
        ],
    )
