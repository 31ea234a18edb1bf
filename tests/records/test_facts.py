"""State facts: the packaged 51 rows, a user's file that adds or corrects states, and bad files refused by line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import REFERENCE
from wso.records import FactsFileError, NoFacts, facts_for, state_facts
from wso.records.facts import COLUMNS, PACKAGED

HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "PR,Puerto Rico public records (test),P.R. Laws Ann. tit. 3 § 1 (test),10,business,10 business days (test),"
    "no,Copy cost; waiver in the public interest,court (Court of First Instance),https://example.org/pr,medium"
)


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_packaged_file_is_the_shared_reference() -> None:
    assert PACKAGED.read_bytes() == (REFERENCE / "state-public-records.csv").read_bytes()


def test_packaged_facts_cover_50_states_and_dc() -> None:
    facts = state_facts()
    assert len(facts) == 51
    assert "DC" in facts
    assert list(facts) == sorted(facts)


def test_every_packaged_row_is_complete_and_consistent() -> None:
    with PACKAGED.open(encoding="utf-8") as handle:
        raw = {row["state"]: row for row in csv.DictReader(handle)}
    for code, facts in state_facts().items():
        row = raw[code]
        assert facts.law_name == row["law_name"] and facts.citation == row["citation"]
        assert facts.appeal_to and facts.deadline_text
        if facts.deadline_kind == "none":
            assert facts.response_deadline_days is None
        else:
            assert facts.response_deadline_days == int(row["response_deadline_days"])
        assert facts.requester_residency_required == (row["requester_residency_required"] == "yes")


def test_known_states_read_as_the_law_says() -> None:
    facts = state_facts()
    assert (facts["TX"].deadline_kind, facts["TX"].response_deadline_days) == ("business", 10)
    assert (facts["CA"].deadline_kind, facts["CA"].response_deadline_days) == ("calendar", 10)
    assert (facts["FL"].deadline_kind, facts["FL"].response_deadline_days) == ("none", None)
    residents_only = sorted(code for code, f in facts.items() if f.requester_residency_required)
    assert residents_only == ["AL", "AR", "DE", "KY", "TN", "VA"]


def test_fee_waiver_follows_the_fees_note() -> None:
    facts = state_facts()
    assert facts["TX"].fee_waiver  # "waiver or reduction in the public interest"
    assert facts["CT"].fee_waiver  # "fee must be waived for indigent requesters"
    assert not facts["KY"].fee_waiver  # actual cost of reproduction only
    assert not facts["FL"].fee_waiver


def test_facts_for_takes_a_code_or_a_name_in_any_case() -> None:
    assert facts_for("tx").state == "TX"
    assert facts_for("Texas").state == "TX"


def test_a_state_with_no_row_is_refused_with_the_known_states() -> None:
    with pytest.raises(NoFacts, match=r"'PR'.*AK, AL"):
        facts_for("PR")


def test_a_user_file_adds_a_state(tmp_path: Path) -> None:
    facts = state_facts(write(tmp_path, HEADER, GOOD_ROW))
    assert len(facts) == 52
    assert facts["PR"].response_deadline_days == 10
    assert facts["PR"].fee_waiver
    assert facts["PR"].confidence == "medium"


def test_a_user_file_corrects_a_state_whole(tmp_path: Path) -> None:
    row = GOOD_ROW.replace("PR,Puerto Rico public records (test)", "TX,Texas Public Information Act (corrected)")
    facts = state_facts(write(tmp_path, HEADER, row))
    assert len(facts) == 51
    assert facts["TX"].law_name == "Texas Public Information Act (corrected)"
    assert state_facts()["TX"].law_name == "Texas Public Information Act"


def test_an_explicit_fee_waiver_column_wins_over_the_note(tmp_path: Path) -> None:
    facts = state_facts(write(tmp_path, HEADER + ",fee_waiver", GOOD_ROW + ",no"))
    assert not facts["PR"].fee_waiver


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        (",10,business,", ",ten,business,", 2, "response_deadline_days", "not a whole number"),
        (",10,business,", ",0,business,", 2, "response_deadline_days", "not a positive"),
        (",10,business,", ",10,none,", 2, "response_deadline_days", "deadline_kind is none"),
        (",10,business,", ",10,weekly,", 2, "deadline_kind", "not business, calendar or none"),
        ("PR,", "ZZ,", 2, "state", "not a USPS state code"),
        ("PR,", ",", 2, "state", "is empty"),
        (",no,Copy", ",maybe,Copy", 2, "requester_residency_required", "not yes or no"),
        (",medium", ",sure", 2, "confidence", "not high, medium or low"),
        ("P.R. Laws Ann. tit. 3 § 1 (test)", "", 2, "citation", "is empty"),
    ],
)
def test_a_bad_cell_is_refused_naming_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    path = write(tmp_path, HEADER, GOOD_ROW.replace(old, new, 1))
    with pytest.raises(FactsFileError) as caught:
        state_facts(path)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert str(path) in str(caught.value) and f"line {line}" in str(caught.value) and message in str(caught.value)


def test_the_line_number_counts_the_header_and_earlier_rows(tmp_path: Path) -> None:
    second = GOOD_ROW.replace("PR,", "GU,", 1).replace(",10,business,", ",x,business,", 1)
    with pytest.raises(FactsFileError, match=r"line 3, field 'response_deadline_days'"):
        state_facts(write(tmp_path, HEADER, GOOD_ROW, second))


def test_a_state_given_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FactsFileError, match=r"line 3, field 'state': PR already given on line 2"):
        state_facts(write(tmp_path, HEADER, GOOD_ROW, GOOD_ROW))


def test_a_missing_or_unknown_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FactsFileError, match=r"line 1, field 'confidence': column missing"):
        state_facts(write(tmp_path, HEADER.replace(",confidence", ""), GOOD_ROW.rsplit(",", 1)[0]))
    with pytest.raises(FactsFileError, match=r"line 1, field 'notes': unknown column"):
        state_facts(write(tmp_path, HEADER + ",notes", GOOD_ROW + ",x"))


def test_a_row_with_too_many_cells_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FactsFileError, match=r"line 2: has more cells"):
        state_facts(write(tmp_path, HEADER, GOOD_ROW + ",extra"))


def test_a_missing_or_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FactsFileError, match="no such file"):
        state_facts(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(FactsFileError, match="is empty"):
        state_facts(empty)


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    facts = state_facts(write(tmp_path, HEADER, "", GOOD_ROW, ",,,,,,,,,,"))
    assert "PR" in facts
