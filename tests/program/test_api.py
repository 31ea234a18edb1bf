"""The contract API of wso.program: every name other rooms build on exists and behaves."""

from __future__ import annotations

import pytest

import wso.program as program
from wso.program import Model, UnknownValue, model_spec, model_specs, parse_model, rule, rules

CONTRACT_RULE_IDS = (
    "WSO-JAIL-ONLY",
    "WSO-OWN-AGENCY",
    "WSO-AUTHORIZED-OFFICER",
    "WSO-WARRANT-FORMS",
    "WSO-SCHEDULED-RELEASE",
    "WSO-AGREEMENT-IN-FORCE",
    "WSO-48H",
    "WSO-DETENTION-AGREEMENT",
    "WSO-RELEASE",
    "WSO-NOTIFY-ICE",
    "WSO-CITIZENSHIP-1H",
    "WSO-COMPLAINT-48H",
    "WSO-INTERPRETER",
    "WSO-NO-INTERROGATION",
    "WSO-NO-DETAINER",
    "WSO-NO-PROCESSING",
    "DETAINER-48H",
    "OFFICER-US-CITIZEN",
    "OFFICER-EXAM",
    "OFFICER-CERTIFIED",
    "OFFICER-AUTHORIZED",
    "OFFICER-WITHDRAWAL",
    "AGREEMENT-TERMINATION",
    "STATE-LAW",
)

CONTRACT_NAMES = [
    "Model",
    "parse_model",
    "Rule",
    "rules",
    "rule",
    "WSO_HOLD",
    "CITIZENSHIP_REPORT",
    "EXAM_PASS_SCORE",
    "EXAM_MAX_ATTEMPTS",
    "DetainerReading",
    "detainer_deadline",
    "wso_hold_deadline",
    "BusinessCalendar",
    "StateLaw",
    "state_laws",
    "eligibility",
    "Eligibility",
    "STATES",
    "parse_state",
    "UnknownValue",
    "LawFileError",
]


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_contract_name_is_exported(name: str) -> None:
    assert name in program.__all__
    assert getattr(program, name) is not None


@pytest.mark.parametrize("rule_id", CONTRACT_RULE_IDS)
def test_every_contract_rule_exists_with_text_and_citation(rule_id: str) -> None:
    found = rule(rule_id)
    assert found.id == rule_id
    assert found.title and found.text and found.citation and found.source
    assert found.applies_to and all(isinstance(m, Model) for m in found.applies_to)
    assert found.severity in ("violation", "warning", "info")


def test_rule_ids_are_unique_and_all_listed() -> None:
    ids = [r.id for r in rules()]
    assert len(ids) == len(set(ids))
    assert set(CONTRACT_RULE_IDS) <= set(ids)


def test_rule_lookup_is_case_insensitive() -> None:
    assert rule(" wso-48h ").id == "WSO-48H"


def test_unknown_rule_names_the_accepted_ids() -> None:
    with pytest.raises(UnknownValue) as caught:
        rule("WSO-49H")
    assert "WSO-48H" in caught.value.accepted
    assert "WSO-49H" in str(caught.value)


def test_rules_are_frozen() -> None:
    with pytest.raises(AttributeError):
        rule("WSO-48H").text = "72 hours"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("WSO", Model.WSO),
        ("wso", Model.WSO),
        ("Warrant Service Officer", Model.WSO),
        ("  warrant   service officer ", Model.WSO),
        ("Jail Enforcement Model", Model.JEM),
        ("jem", Model.JEM),
        ("Task Force Model", Model.TFM),
        ("task-force", Model.TFM),
    ],
)
def test_parse_model_accepts_codes_and_ice_long_names(text: str, model: Model) -> None:
    assert parse_model(text) is model


def test_parse_model_rejects_unknown_naming_accepted() -> None:
    with pytest.raises(UnknownValue) as caught:
        parse_model("287(g) lite")
    assert any("WSO" in a for a in caught.value.accepted)


def test_custody_constants() -> None:
    from datetime import timedelta

    assert timedelta(hours=48) == program.WSO_HOLD
    assert timedelta(hours=1) == program.CITIZENSHIP_REPORT
    assert program.EXAM_PASS_SCORE == 70
    assert program.EXAM_MAX_ATTEMPTS == 2


def test_every_rule_and_model_reads_in_spanish_too() -> None:
    """The public pages are in English and Spanish: each rule's title and text, each model's place, authorities,
    prohibitions and training (item for item) come in both from the packaged data."""
    for r in rules():
        assert r.title_es and r.text_es and r.title_es != r.title, r.id
    for spec in model_specs():
        assert spec.where_es and spec.training_es, spec.model
        assert len(spec.authorizes_es) == len(spec.authorizes) and len(spec.forbids_es) == len(spec.forbids)
    assert model_spec("WSO").forbids_es[0] == "interrogar a nadie sobre ciudadanía, extranjería o deportabilidad"


def test_a_rule_without_its_spanish_is_refused_by_name() -> None:
    from wso.program.rules import _spanish

    with pytest.raises(ValueError, match=r"rule WSO-X: no Spanish title"):
        _spanish({"id": "WSO-X", "title": "t", "es": {"text": "x"}}, "title")
