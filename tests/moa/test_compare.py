"""Comparing a document's clauses with its template: OCR noise forgiven, real changes, missing and added
clauses, the agency's name as the template's "LEA", and rule ties flagged."""

from __future__ import annotations

from tests.conftest import MOA_DIR
from tests.moa.conftest import BORN_DIGITAL, read
from tests.moa.test_clauses import layer
from wso.moa.analysis import NOT_CLAUSES, understand
from wso.moa.clauses import Clause, cut
from wso.moa.compare import ClauseText, compare, compare_tokens, placeheld, rule_ties
from wso.moa.normalize import tokens
from wso.program import rule

NAMES = ("Hardee County Sheriff's Office",)


def hardee() -> list[Clause]:
    return [c for c in cut(layer(BORN_DIGITAL)) if c.id not in NOT_CLAUSES]


def as_template(clauses: list[Clause]) -> list[ClauseText]:
    """The clauses as a rebuilt template has them: the agency's name written "LEA"."""
    return [ClauseText(c.id, c.title, c.text.replace(NAMES[0], "LEA")) for c in clauses]


def edited(clauses: list[Clause], clause_id: str, old: str, new: str) -> list[Clause]:
    out = []
    for c in clauses:
        if c.id == clause_id:
            assert old in c.text, f"{old!r} not in {clause_id}"
            c = Clause(c.id, c.title, c.page, c.line, c.text.replace(old, new))
        out.append(c)
    return out


def test_a_copy_of_the_template_is_the_same_clause_by_clause() -> None:
    clauses = hardee()
    result = compare("t", as_template(clauses), clauses, NAMES, "WSO")
    assert {c.status for c in result.clauses} == {"same"}
    assert result.rules and all(r.ok for r in result.rules)


def test_ocr_confusions_are_noise_not_changes() -> None:
    clauses = edited(hardee(), "App. A", "supervised and directed by ICE", "supervlsed and dlrected by lCE")
    clauses = edited(clauses, "App. A", "within 48 hours of", "withln 48 hours of")
    result = compare("t", as_template(hardee()), clauses, NAMES, "WSO")
    appendix = next(c for c in result.clauses if c.id == "App. A")
    assert appendix.status in ("same", "ocr-noise")
    assert appendix.substantive >= 0.98


def test_a_changed_48_hour_limit_is_flagged_against_wso_48h() -> None:
    clauses = edited(hardee(), "App. A", "for no more than 48 hours unless", "for no more than 96 hours unless")
    clauses = edited(
        clauses, "App. A", "within 48 hours, the alien shall be released", "within 96 hours, the alien may be held"
    )
    result = compare("t", as_template(hardee()), clauses, NAMES, "WSO")
    appendix = next(c for c in result.clauses if c.id == "App. A")
    assert appendix.status == "changed"
    assert any("96" in change.document for change in appendix.changes)
    flagged = {r.rule for r in result.flagged_rules}
    assert {"WSO-48H", "WSO-RELEASE"} <= flagged
    assert "WSO-COMPLAINT-48H" not in flagged


def test_a_rewritten_detention_agreement_exception_is_flagged_and_dropped_letters_are_not() -> None:
    """Words OCR noise explains count as the rule's words ("d tain" for "detain"); other words do not."""
    rewritten = edited(hardee(), "App. A", "continue to detain, for a reimbursable fee,", "house, at no cost to ICE,")
    result = compare("t", as_template(hardee()), rewritten, NAMES, "WSO")
    assert "WSO-DETENTION-AGREEMENT" in {r.rule for r in result.flagged_rules}
    dropped = edited(hardee(), "App. A", "continue to detain, for", "continue to d tain. for")
    dropped = edited(dropped, "App. A", "immigration purposes.", "immigration purpo es.")
    result = compare("t", as_template(hardee()), dropped, NAMES, "WSO")
    assert not result.flagged_rules


def test_a_missing_complaint_appendix_is_missing_and_flags_the_complaint_rule() -> None:
    clauses = [c for c in hardee() if c.id != "App. B"]
    result = compare("t", as_template(hardee()), clauses, NAMES, "WSO")
    assert next(c for c in result.clauses if c.id == "App. B").status == "missing"
    assert "WSO-COMPLAINT-48H" in {r.rule for r in result.flagged_rules}


def test_an_extra_clause_is_added() -> None:
    clauses = [*hardee(), Clause("App. D", "Appendix D LOCAL RULES", 11, 1, "The LEA may hold aliens longer.")]
    result = compare("t", as_template(hardee()), clauses, NAMES, "WSO")
    assert [c.id for c in result.deviations] == ["App. D"]
    assert result.deviations[0].status == "added"


def test_the_agencys_name_stands_for_the_templates_lea() -> None:
    assert placeheld("the Hardee County Sheriff's Office shall", NAMES) == ["the", "lea", "shall"]
    assert placeheld("the HCSO shall", ("HCSO",)) == ["the", "lea", "shall"]


def test_normalisation_folds_ligatures_hyphenation_and_confusions() -> None:
    assert tokens("the \ufb01eld of\nim-\nmigration TERMS") == tokens("the field of immigration tenns")
    raw, substantive, changes = compare_tokens(tokens("shall be released"), tokens("shall be detained"))
    assert raw < 1 and substantive < 1 and changes
    _raw, substantive, changes = compare_tokens(tokens("within 48 hours"), tokens("within 72 hours"))
    assert changes and substantive < 1  # a number is never OCR noise


def test_every_rule_tie_names_a_rule_of_the_program() -> None:
    for tie in rule_ties():
        assert rule(tie.rule).id == tie.rule
        assert "WSO" in [m.value for m in rule(tie.rule).applies_to]


def test_a_scans_speckles_and_split_words_are_noise_carroll_county() -> None:
    # Carroll County's WSO MOA (2025-02-15) is a scan read from its layer: the speckles of its stamp come out as
    # lone letters ("foo e a e s e s s s") and OCR splits words; IV.D, IV.E, IV.F, V.C and VIII were "changed"
    # with nothing changed, some with no change to show at all.
    document = read(MOA_DIR / "CarrollCo_WSO_MOA_03.03.25.pdf")
    comparison = understand(document).comparison
    assert comparison is not None and comparison.template == "WSO 2025-02-15"
    statuses = {c.id: c for c in comparison.clauses}
    assert all(statuses[i].status in ("same", "ocr-noise") for i in ("IV.D", "IV.E", "IV.F", "V.C", "VIII"))
    assert all(c.changes for c in comparison.clauses if c.status == "changed"), "a change it cannot show"
    # what is really there stays: its Baltimore office's address inserted into IV.H
    assert statuses["IV.H"].status == "changed"
    assert any("baltlmore" in change.document for change in statuses["IV.H"].changes)


def test_lone_letters_inserted_are_junk_and_a_lone_letter_for_a_word_is_not() -> None:
    _, substantive, changes = compare_tokens(["the", "fee"], ["the", "e", "s", "s", "fee"])
    assert substantive == 1.0 and not changes
    _, _, changes = compare_tokens(["shall", "not", "detain"], ["shall", "e", "detain"])
    assert changes, "a word read as a lone letter is still a change"
