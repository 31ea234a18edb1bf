"""Record sets: each tied to rules that exist, explained in both languages."""

from __future__ import annotations

import pytest

from wso.program import rule
from wso.records import RECORD_SETS, UnknownLanguage, UnknownRecordSet, choose_sets, parse_set_ids, record_sets

ISSUE_SETS = {
    "agreement",
    "procedures",
    "officers",
    "training",
    "hold-log",
    "citizenship-claims",
    "complaints",
    "detention-agreements",
    "ice-communications",
    "reviews",
}


def test_the_issues_ten_record_sets_exist_once_each() -> None:
    ids = [s.id for s in RECORD_SETS]
    assert len(ids) == len(set(ids))
    assert set(ids) == ISSUE_SETS


@pytest.mark.parametrize("record_set", RECORD_SETS, ids=lambda s: s.id)
def test_every_set_rests_on_rules_that_exist_in_the_program(record_set: object) -> None:
    from wso.records import RecordSet

    assert isinstance(record_set, RecordSet)
    assert record_set.rules
    for rule_id in record_set.rules:
        assert rule(rule_id).id == rule_id


@pytest.mark.parametrize("record_set", RECORD_SETS, ids=lambda s: s.id)
def test_every_set_is_explained_in_english_and_spanish(record_set: object) -> None:
    from wso.records import RecordSet

    assert isinstance(record_set, RecordSet)
    for lang in ("en", "es"):
        view = record_set.view(lang)  # type: ignore[arg-type]
        assert view.title and view.records and view.shows
    assert record_set.title_en != record_set.title_es
    assert record_set.shows_en != record_set.shows_es


def test_record_sets_follow_the_language() -> None:
    english = record_sets("en")
    spanish = record_sets("es")
    assert [s.id for s in english] == [s.id for s in spanish]
    assert english[4].title == "The hold log"
    assert spanish[4].title == "El registro de retenciones"
    with pytest.raises(UnknownLanguage, match="'fr'; accepted: en, es"):
        record_sets("fr")


def test_the_hold_log_asks_for_the_hold_record_schema() -> None:
    hold_log = next(s for s in RECORD_SETS if s.id == "hold-log")
    assert "WSO-48H" in hold_log.rules and "WSO-RELEASE" in hold_log.rules
    assert "electronically" in hold_log.records_en


def test_choosing_sets_keeps_the_canonical_order_and_refuses_unknown_ids() -> None:
    assert [s.id for s in parse_set_ids("hold-log, agreement")] == ["agreement", "hold-log"]
    assert parse_set_ids(None) == RECORD_SETS
    assert choose_sets([]) == RECORD_SETS
    with pytest.raises(UnknownRecordSet, match="'payroll'; accepted: agreement, procedures"):
        parse_set_ids("agreement,payroll")
