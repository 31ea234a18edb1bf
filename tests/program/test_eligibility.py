"""Eligibility with signing days and grace periods, law scope, and the bars on detainer holds and detention
agreements: on laws written here, so each test says exactly which facts it decides on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wso.program import (
    AGENCY_KINDS,
    Eligibility,
    Model,
    StateLaw,
    detainer_hold_bar,
    detention_agreement_bar,
    eligibility,
    verdict_periods,
)

DAY = timedelta(days=1)
BASE = StateLaw(
    id="ZZ-1",
    state="AL",
    stance="prohibits",
    instrument="statute",
    citation="Test Act § 1",
    effective=date(2026, 2, 17),
    existing_agreements_end=date(2026, 7, 1),
    applies_to="all state and local law enforcement",
    binds="all",
    confidence="high",
    source="",
    note="",
)


def law(**changes: object) -> StateLaw:
    return replace(BASE, **changes)  # type: ignore[arg-type]


# --- grace periods -------------------------------------------------------------------------------------------


def test_an_agreement_signed_before_the_law_runs_until_existing_agreements_end() -> None:
    ban = law()
    answer = eligibility("AL", "WSO", date(2026, 3, 1), laws=[ban], signed=date(2025, 3, 3))
    assert answer.verdict == "permitted"
    assert answer.laws == ()
    assert answer.grace == (ban,)
    assert answer.grace_until == date(2026, 7, 1)
    assert answer.next_change == date(2026, 7, 1)
    assert answer.confidence == "high"
    last = eligibility("AL", "WSO", date(2026, 6, 30), laws=[ban], signed=date(2025, 3, 3))
    assert last.verdict == "permitted" and last.grace_until == date(2026, 7, 1)
    ended = eligibility("AL", "WSO", date(2026, 7, 1), laws=[ban], signed=date(2025, 3, 3))
    assert ended.verdict == "prohibited" and ended.laws == (ban,) and ended.grace == ()
    assert ended.grace_until is None and ended.next_change is None


def test_an_agreement_signed_on_or_after_the_effective_day_is_barred_at_once() -> None:
    ban = law()
    for signed in (ban.effective, ban.effective + DAY):
        answer = eligibility("AL", "WSO", signed, laws=[ban], signed=signed)
        assert answer.verdict == "prohibited" and answer.grace == () and answer.grace_until is None


def test_without_a_signing_day_the_question_is_about_a_new_agreement() -> None:
    # today's behaviour for callers that pass no `signed`: the law bars from its effective day
    ban = law()
    before = eligibility("AL", "WSO", ban.effective - DAY, laws=[ban])
    assert before.verdict == "permitted" and before.next_change == ban.effective
    answer = eligibility("AL", "WSO", ban.effective, laws=[ban])
    assert answer.verdict == "prohibited" and answer.signed is None and answer.grace == ()


def test_a_law_without_an_end_day_bars_existing_agreements_from_its_effective_day() -> None:
    ban = law(existing_agreements_end=None)
    answer = eligibility("AL", "JEM", ban.effective, laws=[ban], signed=date(2020, 1, 1))
    assert answer.verdict == "prohibited" and answer.grace == ()


def test_a_law_that_lets_existing_agreements_continue_never_bars_them() -> None:
    ban = law(existing_agreements="continue", existing_agreements_end=None)
    old = eligibility("AL", "WSO", date(2040, 1, 1), laws=[ban], signed=date(2020, 1, 1))
    assert old.verdict == "permitted" and old.grace == (ban,) and old.grace_until is None
    assert old.next_change is None
    new = eligibility("AL", "WSO", date(2040, 1, 1), laws=[ban], signed=date(2030, 1, 1))
    assert new.verdict == "prohibited"


def test_grace_is_per_law_the_earliest_end_decides() -> None:
    early = law(id="ZZ-EARLY", existing_agreements_end=date(2026, 5, 1))
    late = law(id="ZZ-LATE")
    answer = eligibility("AL", "WSO", date(2026, 3, 1), laws=[early, late], signed=date(2025, 1, 1))
    assert answer.grace_until == date(2026, 5, 1) and set(answer.grace) == {early, late}
    after = eligibility("AL", "WSO", date(2026, 5, 1), laws=[early, late], signed=date(2025, 1, 1))
    assert after.verdict == "prohibited" and after.laws == (early,) and after.grace == (late,)


def test_grace_lets_a_restricting_law_decide() -> None:
    ban = law()
    limit = law(id="ZZ-LIMIT", stance="restricts", effective=date(2020, 1, 1), existing_agreements_end=None)
    answer = eligibility("AL", "WSO", date(2026, 3, 1), laws=[ban, limit], signed=date(2025, 1, 1))
    assert answer.verdict == "restricted" and answer.laws == (limit,) and answer.grace == (ban,)


# --- scope ---------------------------------------------------------------------------------------------------


def test_only_laws_covering_the_model_count() -> None:
    wso_only = law(models=(Model.WSO,), existing_agreements_end=None)
    assert eligibility("AL", "WSO", date(2026, 3, 1), laws=[wso_only]).verdict == "prohibited"
    tfm = eligibility("AL", "TFM", date(2026, 3, 1), laws=[wso_only])
    assert tfm.verdict == "permitted" and tfm.laws == () and tfm.next_change is None


@pytest.mark.parametrize("scope", ["detainer_holds", "detention_agreements"])
def test_laws_on_holds_or_detention_agreements_do_not_decide_287g_eligibility(scope: str) -> None:
    other = law(scope=scope, existing_agreements_end=None)
    answer = eligibility("AL", "WSO", date(2027, 1, 1), laws=[other])
    assert answer.verdict == "permitted" and answer.laws == () and answer.grace == ()


def test_a_mandate_is_met_only_by_its_models() -> None:
    mandate = law(stance="mandates", models=(Model.JEM, Model.WSO), existing_agreements_end=None, duty="hold")
    on = date(2026, 3, 1)
    assert eligibility("AL", "WSO", on, laws=[mandate]).verdict == "mandated"
    assert eligibility("AL", "TFM", on, laws=[mandate]).verdict == "permitted"
    words = mandate.requirement()
    assert "must hold a 287(g) agreement" in words and "JEM or WSO" in words


def test_a_mandate_to_apply_says_apply() -> None:
    mandate = law(stance="mandates", duty="apply", existing_agreements_end=None, comply_by=date(2026, 12, 1))
    assert "must apply for a 287(g) agreement" in mandate.requirement()
    assert "any model (TFM, JEM or WSO)" in mandate.requirement() and "2026-12-01" in mandate.requirement()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({}, "must end by 2026-07-01"),
        ({"existing_agreements_end": None}, "end at once"),
        ({"existing_agreements": "continue", "existing_agreements_end": None}, "may continue"),
        ({"scope": "detainer_holds", "existing_agreements_end": None}, "holds on I-247A detainers"),
    ],
)
def test_requirement_words_follow_the_facts(changes: dict[str, object], words: str) -> None:
    assert words in law(**changes).requirement()


# --- agency kind ---------------------------------------------------------------------------------------------


def test_a_state_agency_directive_binds_only_state_agencies() -> None:
    directive = law(binds="state_agencies", existing_agreements_end=None)
    on = date(2026, 3, 1)
    assert eligibility("AL", "TFM", on, "state", [directive]).verdict == "prohibited"
    assert eligibility("AL", "TFM", on, "county", [directive]).verdict == "permitted"
    assert eligibility("AL", "TFM", on, "municipal", [directive]).verdict == "permitted"


# --- bars on detainer holds and detention agreements --------------------------------------------------------


def test_detainer_hold_bar_from_its_effective_day() -> None:
    bar = law(id="ZZ-DET", scope="detainer_holds", existing_agreements_end=None)
    assert detainer_hold_bar("AL", bar.effective - DAY, laws=[bar]) is None
    assert detainer_hold_bar("AL", bar.effective, laws=[bar]) == bar
    assert detainer_hold_bar("Alabama", bar.effective, "municipal", [bar]) == bar


def test_a_law_restricting_detainer_holds_does_not_bar_them() -> None:
    limit = law(scope="detainer_holds", stance="restricts", existing_agreements_end=None)
    assert detainer_hold_bar("AL", date(2030, 1, 1), laws=[limit]) is None


def test_detainer_hold_bar_ignores_287g_rows_and_other_kinds() -> None:
    ban = law(existing_agreements_end=None)
    state_only = law(id="ZZ-S", scope="detainer_holds", binds="state_agencies", existing_agreements_end=None)
    assert detainer_hold_bar("AL", date(2030, 1, 1), laws=[ban]) is None
    assert detainer_hold_bar("AL", date(2030, 1, 1), "county", [state_only]) is None
    assert detainer_hold_bar("AL", date(2030, 1, 1), "state", [state_only]) == state_only


def test_the_earliest_bar_is_named() -> None:
    first = law(id="ZZ-B", scope="detainer_holds", effective=date(2019, 1, 1), existing_agreements_end=None)
    second = law(id="ZZ-A", scope="detainer_holds", effective=date(2025, 1, 1), existing_agreements_end=None)
    assert detainer_hold_bar("AL", date(2030, 1, 1), laws=[second, first]) == first


def test_detention_agreement_bar_has_the_grace_period_of_its_law() -> None:
    bar = law(id="ZZ-IGSA", scope="detention_agreements", effective=date(2021, 8, 2), existing_agreements_end=None)
    bar = replace(bar, existing_agreements_end=date(2022, 1, 1))
    old = date(2005, 1, 1)
    assert detention_agreement_bar("AL", date(2021, 8, 1), laws=[bar], signed=old) is None
    assert detention_agreement_bar("AL", date(2021, 12, 31), laws=[bar], signed=old) is None
    assert detention_agreement_bar("AL", date(2022, 1, 1), laws=[bar], signed=old) == bar
    assert detention_agreement_bar("AL", date(2021, 9, 1), laws=[bar], signed=date(2021, 9, 1)) == bar
    assert detention_agreement_bar("AL", date(2021, 9, 1), laws=[bar]) == bar


def test_detention_agreement_bar_that_lets_existing_ones_continue() -> None:
    bar = law(scope="detention_agreements", existing_agreements="continue", existing_agreements_end=None)
    assert detention_agreement_bar("AL", date(2040, 1, 1), laws=[bar], signed=date(2010, 1, 1)) is None
    assert detention_agreement_bar("AL", date(2040, 1, 1), laws=[bar], signed=date(2030, 1, 1)) == bar


def test_verdict_periods_cover_the_range_without_gaps() -> None:
    ban = law()
    periods = verdict_periods("AL", "WSO", date(2025, 1, 1), date(2027, 1, 1), laws=[ban], signed=date(2025, 3, 3))
    assert [(p.start, p.end, p.answer.verdict, p.answer.grace) for p in periods] == [
        (date(2025, 1, 1), date(2026, 2, 16), "permitted", ()),
        (date(2026, 2, 17), date(2026, 6, 30), "permitted", (ban,)),
        (date(2026, 7, 1), date(2027, 1, 1), "prohibited", ()),
    ]
    assert [p.answer.laws for p in periods] == [(), (), (ban,)]


# --- properties ----------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def random_laws(draw: st.DrawFn) -> list[StateLaw]:
    laws = []  # weighted towards prohibiting 287(g) laws binding everyone, where grace periods live
    for number in range(draw(st.integers(min_value=1, max_value=4))):
        effective = draw(days)
        existing = draw(st.sampled_from(["end", "continue"]))
        grace = draw(st.none() | st.integers(min_value=0, max_value=500)) if existing == "end" else None
        models = draw(st.lists(st.sampled_from(list(Model)), min_size=1, max_size=3, unique=True))
        laws.append(
            law(
                id=f"ZZ-{number}",
                stance=draw(
                    st.sampled_from(["prohibits", "prohibits", "prohibits", "restricts", "mandates", "encourages"])
                ),
                scope=draw(st.sampled_from(["287g", "287g", "287g", "detainer_holds", "detention_agreements"])),
                models=tuple(m for m in Model if m in models),
                binds=draw(st.sampled_from(["all", "all", "all", "state_agencies", "sheriffs_with_jails"])),
                effective=effective,
                existing_agreements=existing,
                existing_agreements_end=effective + timedelta(days=grace) if grace is not None else None,
            )
        )
    return laws


def _boundaries(laws: list[StateLaw]) -> set[date]:
    return {x.effective for x in laws} | {end for x in laws if (end := x.existing_end()) is not None}


def near(data: st.DataObject, laws: list[StateLaw]) -> date:
    """A day: often a law's own day, or the day before or after it, where the edge cases are."""
    edges = sorted(_boundaries(laws))
    if data.draw(st.booleans()):
        return data.draw(days)
    return data.draw(st.sampled_from(edges)) + timedelta(days=data.draw(st.integers(min_value=-1, max_value=1)))


@settings(max_examples=400, deadline=None)
@given(
    laws=random_laws(),
    data=st.data(),
    model=st.sampled_from(list(Model)),
    kind=st.sampled_from(AGENCY_KINDS),
)
def test_property_verdicts_change_only_on_law_days_and_grace_is_bounded(
    laws: list[StateLaw], data: st.DataObject, model: Model, kind: str
) -> None:
    on = near(data, laws)
    signed = data.draw(st.none() | st.just(near(data, laws)))
    answer = eligibility("AL", model, on, kind, laws, signed=signed)
    yesterday = eligibility("AL", model, on - DAY, kind, laws, signed=signed)
    boundaries = _boundaries(laws)
    if answer.verdict != yesterday.verdict:
        assert on in boundaries
    for held in answer.grace:
        # only an agreement signed before the law is in grace, and only while the law is in force and not ended
        assert signed is not None and signed < held.effective <= on
        end = held.existing_end()
        assert end is None or on < end
        assert answer.grace_until is None or answer.grace_until <= (end or date.max)
        assert held not in answer.laws
    if answer.grace_until is not None:
        assert answer.grace_until > on
        assert any(x.bars(answer.grace_until, kind, signed) for x in answer.grace)
    for x in laws:
        if signed is not None and signed >= x.effective:
            assert x not in answer.grace

    # next_change is the first later boundary where the answer differs, and None when no later one does
    def key(x: Eligibility) -> tuple[str, tuple[StateLaw, ...], tuple[StateLaw, ...]]:
        return (x.verdict, x.laws, x.grace)

    later = [b for b in sorted(boundaries) if b > on]
    changes = [b for b in later if key(eligibility("AL", model, b, kind, laws, signed=signed)) != key(answer)]
    assert answer.next_change == (changes[0] if changes else None)
    if answer.next_change is not None:  # and nothing changes in between
        assert key(eligibility("AL", model, answer.next_change - DAY, kind, laws, signed=signed)) == key(answer)
    if answer.verdict == "prohibited":
        assert all(x.bars(on, kind, signed) and x.covers(model) for x in answer.laws)


@settings(max_examples=300, deadline=None)
@given(laws=random_laws(), data=st.data(), kind=st.sampled_from(AGENCY_KINDS))
def test_property_bars_name_a_prohibiting_law_of_their_scope_in_force(
    laws: list[StateLaw], data: st.DataObject, kind: str
) -> None:
    on = near(data, laws)
    signed = data.draw(st.none() | st.just(near(data, laws)))
    held = detainer_hold_bar("AL", on, kind, laws)
    if held is not None:
        assert held.scope == "detainer_holds" and held.stance == "prohibits" and held.effective <= on
    else:
        assert not any(x.scope == "detainer_holds" and x.bars(on, kind) for x in laws)
    detention = detention_agreement_bar("AL", on, kind, laws, signed=signed)
    if detention is not None:
        assert detention.scope == "detention_agreements" and detention.bars(on, kind, signed)
        assert signed is None or signed >= detention.effective or on >= (detention.existing_end() or date.max)
    else:
        assert not any(x.scope == "detention_agreements" and x.bars(on, kind, signed) for x in laws)
