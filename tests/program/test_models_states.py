"""Models, states, and the purity of wso.program."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wso.program
from wso.program import (
    STATES,
    Model,
    UnknownValue,
    eligibility,
    model_spec,
    model_specs,
    parse_model,
    parse_state,
    rules,
    state_laws,
)

PROGRAM_DIR = Path(wso.program.__file__).parent


def test_every_model_is_described() -> None:
    assert [spec.model for spec in model_specs()] == [Model.TFM, Model.JEM, Model.WSO]
    for spec in model_specs():
        assert spec.name and spec.where and spec.training and spec.authorizes and spec.sources
        assert parse_model(spec.name) is spec.model
        for alias in spec.aliases:
            assert parse_model(alias) is spec.model


def test_wso_acts_only_in_its_own_jail_and_forbids_questioning_detainers_processing() -> None:
    wso = model_spec("WSO")
    assert "own jail" in wso.where
    forbidden = " ".join(wso.forbids)
    for word in ("questioning", "detainers", "processing", "outside"):
        assert word in forbidden
    assert "70 %" in wso.training and "retake" in wso.training
    assert "field" in model_spec(Model.TFM).where
    assert "jail" in model_spec(Model.JEM).where


@pytest.mark.parametrize("model", list(Model))
def test_every_model_has_rules(model: Model) -> None:
    assert any(model in r.applies_to for r in rules())


def test_wso_only_rules_do_not_apply_to_other_models() -> None:
    for rule_id in ("WSO-48H", "WSO-JAIL-ONLY", "WSO-NO-INTERROGATION", "WSO-NO-DETAINER"):
        applies = next(r for r in rules() if r.id == rule_id).applies_to
        assert applies == (Model.WSO,)


def test_states_cover_fifty_states_dc_and_territories() -> None:
    assert len(STATES) == 56
    assert {"DC", "PR", "GU", "VI", "MP", "AS"} <= set(STATES)
    assert STATES["TX"] == "Texas"


@pytest.mark.parametrize(
    ("text", "code"),
    [("tx", "TX"), ("Texas", "TX"), ("  new   york ", "NY"), ("DISTRICT OF COLUMBIA", "DC"), ("Virgin Islands", "VI")],
)
def test_parse_state(text: str, code: str) -> None:
    assert parse_state(text) == code


@pytest.mark.parametrize("text", ["", "ZZ", "Texass", "New"])
def test_parse_state_rejects_naming_accepted(text: str) -> None:
    with pytest.raises(UnknownValue) as caught:
        parse_state(text)
    assert any(a.startswith("TX") for a in caught.value.accepted)


def test_every_law_state_is_known() -> None:
    for law in state_laws():
        assert law.state in STATES


def test_program_imports_nothing_else_of_wso() -> None:
    for path in PROGRAM_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("wso.") or name.startswith("wso.program"), f"{path.name} imports {name}"


LAW_STATES = sorted({law.state for law in state_laws()})


@settings(max_examples=200, deadline=None)
@given(
    state=st.sampled_from(LAW_STATES),
    on=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    kind=st.sampled_from(["county", "municipal", "state"]),
)
def test_next_change_is_the_first_day_the_answer_differs(state: str, on: date, kind: str) -> None:
    """The answer: its verdict and the laws deciding it (a new agreement has no grace period)."""

    def key(day: date) -> tuple[str, tuple[str, ...]]:
        found = eligibility(state, "WSO", day, kind)
        return found.verdict, tuple(law.id for law in found.laws)

    answer = eligibility(state, "WSO", on, kind)
    assert answer.on == on
    if answer.laws:
        assert all(law.effective <= on and law.state == state for law in answer.laws)
    if answer.next_change is None:
        assert key(date(2031, 1, 1)) == key(on)
    else:
        assert answer.next_change > on
        assert key(answer.next_change) != key(on)
        assert key(answer.next_change - timedelta(days=1)) == key(on)
