"""State laws: the packaged table, every row on both sides of its dates, whom each binds, and user files."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REFERENCE
from wso.program import LawFileError, Model, StateLaw, eligibility, state_laws
from wso.program.laws import packaged_laws

LAWS = state_laws()
DAY = timedelta(days=1)
VERDICT = {"prohibits": "prohibited", "restricts": "restricted", "mandates": "mandated", "encourages": "permitted"}
KIND_BOUND = {"all": "county", "state_agencies": "state", "sheriffs_with_jails": "county"}


def law_ids(laws: tuple[StateLaw, ...]) -> list[str]:
    return [law.id for law in laws]


def test_packaged_laws_are_the_reference_table() -> None:
    with (REFERENCE / "state-laws.csv").open(encoding="utf-8") as handle:
        reference = list(csv.DictReader(handle))
    assert len(LAWS) == len(reference)
    for row, law in zip(reference, LAWS, strict=True):
        assert law.state == row["state"]
        assert law.stance == row["stance"]
        assert law.citation == row["citation"]
        assert law.effective == date.fromisoformat(row["effective"])
        expected_end = date.fromisoformat(row["existing_agreements_end"]) if row["existing_agreements_end"] else None
        assert law.existing_agreements_end == expected_end
        assert law.confidence == row["confidence"]
        assert law.source == row["source"]
        assert law.note == row["note"]


def test_law_ids_are_unique_and_stable() -> None:
    assert len(set(law_ids(LAWS))) == len(LAWS)
    assert {"CA-SB54", "MD-HB444-2026", "VA-ED1-2026", "FL-908-11", "TX-SB8-2025", "NY-LCLC-2026"} <= set(law_ids(LAWS))
    for law in LAWS:
        assert law.id.startswith(law.state + "-")


@pytest.mark.parametrize("law", LAWS, ids=law_ids(LAWS))
@pytest.mark.parametrize("model", list(Model))
def test_every_law_decides_from_its_effective_day_not_before(law: StateLaw, model: Model) -> None:
    kind = KIND_BOUND[law.binds]
    before = eligibility(law.state, model, law.effective - DAY, kind)
    on = eligibility(law.state, model, law.effective, kind)
    assert law not in before.laws
    assert before.verdict == "permitted"
    assert before.next_change == law.effective
    assert on.verdict == VERDICT[law.stance]
    assert law in on.laws
    assert on.confidence == law.confidence
    assert on.model is model


@pytest.mark.parametrize("law", [law for law in LAWS if law.stance == "prohibits"], ids=lambda law: law.id)
def test_prohibiting_law_bars_existing_agreements_from_their_end_date(law: StateLaw) -> None:
    old = law.effective - timedelta(days=400)
    end = law.existing_end()
    assert not law.bars_agreement(law.effective - DAY, "county", began=old)
    if law.existing_agreements_end is not None and law.existing_agreements_end > law.effective:
        assert not law.bars_agreement(end - DAY, "county", began=old)
    assert law.bars_agreement(end, "county", began=old)
    assert law.bars_agreement(end + DAY, "municipal", began=None)
    # an agreement begun on or after the law took effect enjoys no grace period
    assert law.bars_agreement(law.effective, "county", began=law.effective)


def test_maryland_grace_period_runs_until_july_2026() -> None:
    md = next(law for law in LAWS if law.state == "MD")
    assert md.effective == date(2026, 2, 18)
    assert md.existing_agreements_end == date(2026, 7, 1)
    carroll_signed = date(2025, 3, 3)
    assert not md.bars_agreement(date(2025, 7, 4), "county", began=carroll_signed)
    assert not md.bars_agreement(date(2026, 6, 30), "county", began=carroll_signed)
    assert md.bars_agreement(date(2026, 7, 1), "county", began=carroll_signed)
    assert eligibility("MD", "WSO", date(2026, 3, 1)).verdict == "prohibited"


def test_non_prohibiting_laws_bar_nothing() -> None:
    for law in LAWS:
        if law.stance != "prohibits":
            assert not law.bars_agreement(date(2030, 1, 1), "county", began=date(2030, 1, 1))
            assert not law.bars_agreement(date(2030, 1, 1), "state", began=None)


def test_virginia_binds_state_agencies_only() -> None:
    on = date(2026, 3, 1)
    assert eligibility("VA", "WSO", on, "county").verdict == "permitted"
    assert eligibility("VA", "TFM", on, "municipal").verdict == "permitted"
    state = eligibility("VA", "TFM", on, "state")
    assert state.verdict == "restricted"
    assert law_ids(state.laws) == ["VA-ED1-2026"]
    assert eligibility("VA", "TFM", date(2026, 2, 3), "state").verdict == "permitted"


@pytest.mark.parametrize("state", ["FL", "TX"])
def test_florida_and_texas_mandate_sheriffs_not_municipal_or_state_agencies(state: str) -> None:
    on = date(2026, 6, 1)
    assert eligibility(state, "WSO", on, "county").verdict == "mandated"
    assert eligibility(state, "JEM", on, "municipal").verdict == "permitted"
    assert eligibility(state, "TFM", on, "state").verdict == "permitted"


def test_texas_sheriffs_must_comply_by_december_2026() -> None:
    tx = next(law for law in LAWS if law.state == "TX")
    assert tx.comply_by == date(2026, 12, 1)


def test_states_without_a_law_are_permitted() -> None:
    answer = eligibility("AL", "WSO", date(2026, 1, 1), "county")
    assert answer.verdict == "permitted"
    assert answer.laws == ()
    assert answer.confidence is None
    assert answer.next_change is None


def test_new_york_prohibition_binds_on_its_end_date() -> None:
    assert eligibility("NY", "WSO", date(2026, 8, 24)).verdict == "permitted"
    answer = eligibility("NY", "WSO", date(2026, 8, 25))
    assert answer.verdict == "prohibited"
    assert answer.confidence == "low"


def test_eligibility_accepts_full_state_names_and_long_model_names() -> None:
    answer = eligibility("california", "Warrant Service Officer", date(2025, 1, 1))
    assert answer.state == "CA"
    assert answer.model is Model.WSO
    assert answer.verdict == "prohibited"


# --- user files -----------------------------------------------------------------------------------------


HEADER = "id,state,stance,instrument,citation,effective,existing_agreements_end,binds,confidence,source,note\n"


def write(tmp_path: Path, text: str, name: str = "laws.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_adds_a_law(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "AL-TEST-1,AL,prohibits,statute,Test Act,2027-01-01,,all,high,,a test\n")
    laws = state_laws(path)
    assert len(laws) == len(packaged_laws()) + 1
    added = next(law for law in laws if law.id == "AL-TEST-1")
    assert added.origin == str(path)
    assert eligibility("AL", "WSO", date(2026, 12, 31), laws=laws).verdict == "permitted"
    after = eligibility("AL", "WSO", date(2027, 1, 1), laws=laws)
    assert after.verdict == "prohibited"
    assert after.laws == (added,)


def test_user_file_overrides_a_packaged_law_by_id(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "MD-HB444-2026,MD,prohibits,statute,HB 444,2026-02-18,2026-10-01,all,high,,\n")
    laws = state_laws(path)
    assert len(laws) == len(packaged_laws())
    md = next(law for law in laws if law.id == "MD-HB444-2026")
    assert md.existing_agreements_end == date(2026, 10, 1)
    assert not md.bars_agreement(date(2026, 7, 1), "county", began=date(2025, 3, 3))


def test_user_file_may_leave_optional_columns_out(tmp_path: Path) -> None:
    path = write(tmp_path, "id,state,stance,citation,effective\nKS-X,Kansas,encourages,Resolution X,2026-01-01\n")
    added = next(law for law in state_laws(path) if law.id == "KS-X")
    assert added.state == "KS"
    assert added.binds == "all"
    assert added.confidence == "low"
    assert eligibility("KS", "JEM", date(2026, 1, 2), laws=state_laws(path)).verdict == "permitted"
    assert eligibility("KS", "JEM", date(2026, 1, 2), laws=state_laws(path)).laws == (added,)


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (HEADER + "X-1,ZZ,prohibits,statute,c,2026-01-01,,all,high,,\n", 2, "state", "USPS"),
        (HEADER + "X-1,AL,forbids,statute,c,2026-01-01,,all,high,,\n", 2, "stance", "prohibits"),
        (HEADER + "X-1,AL,prohibits,statute,c,2026-13-01,,all,high,,\n", 2, "effective", "not a date"),
        (HEADER + "X-1,AL,prohibits,statute,c,,,all,high,,\n", 2, "effective", "empty"),
        (HEADER + "X-1,AL,prohibits,statute,c,2026-01-01,2025-01-01,all,high,,\n", 2, "existing_agreements_end", ""),
        (HEADER + "X-1,AL,prohibits,statute,c,2026-01-01,,counties,high,,\n", 2, "binds", "sheriffs_with_jails"),
        (HEADER + "X-1,AL,prohibits,statute,c,2026-01-01,,all,certain,,\n", 2, "confidence", "high"),
        (
            HEADER + "X-1,AL,prohibits,s,c,2026-01-01,,all,high,,\nX-1,AK,prohibits,s,c,2026-01-01,,all,high,,\n",
            3,
            "id",
            "line 2",
        ),
        (HEADER + ",AL,prohibits,statute,c,2026-01-01,,all,high,,\n", 2, "id", "empty"),
        ("id,state,stance,citation,effective,color\nX,AL,prohibits,c,2026-01-01,red\n", 1, "color", "unknown"),
        ("id,state,stance,citation\nX,AL,prohibits,c\n", 1, "effective", "missing"),
    ],
)
def test_invalid_user_file_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LawFileError) as caught:
        state_laws(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert error.field == field
    message = str(error)
    assert str(path) in message and f"line {line}" in message and field in message and words in message


SCOPED = "id,state,stance,scope,models,citation,effective,existing_agreements,existing_agreements_end,duty\n"


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("X-1,AL,prohibits,detainers,,c,2026-01-01,,,", "scope", "detainer_holds"),
        ("X-1,AL,prohibits,287g,WSO SFM,c,2026-01-01,,,", "models", "'SFM' is not a model"),
        ("X-1,AL,prohibits,detainer_holds,WSO,c,2026-01-01,,,", "models", "not about 287(g)"),
        ("X-1,AL,prohibits,287g,,c,2026-01-01,forever,,", "existing_agreements", "continue"),
        ("X-1,AL,prohibits,287g,,c,2026-01-01,continue,2026-06-01,", "existing_agreements_end", "never have to end"),
        ("X-1,AL,prohibits,287g,,c,2026-01-01,,,hold", "duty", "for mandates"),
        ("X-1,AL,mandates,287g,,c,2026-01-01,,,seek", "duty", "apply"),
    ],
)
def test_invalid_scope_columns_name_file_line_and_field(tmp_path: Path, row: str, field: str, words: str) -> None:
    path = write(tmp_path, SCOPED + row + "\n")
    with pytest.raises(LawFileError) as caught:
        state_laws(path)
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 2, field)
    assert words in str(caught.value) and "line 2" in str(caught.value)


def test_user_file_with_scope_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SCOPED
        + "AL-A,AL,prohibits,287g,wso;jem,c,2027-01-01,end,2027-06-01,\n"
        + "AL-B,AL,prohibits,detention_agreements,,c,2027-01-01,continue,,\n"
        + "AL-C,AL,mandates,287g,,c,2027-01-01,,,apply\n",
    )
    laws = {law.id: law for law in state_laws(path) if law.state == "AL"}
    assert laws["AL-A"].models == (Model.JEM, Model.WSO) and laws["AL-A"].scope == "287g"
    assert laws["AL-A"].existing_end() == date(2027, 6, 1)
    assert laws["AL-B"].scope == "detention_agreements" and laws["AL-B"].existing_end() is None
    assert laws["AL-C"].duty == "apply" and laws["AL-C"].models == tuple(Model)


def test_a_file_without_scope_columns_reads_as_287g_laws_on_every_model(tmp_path: Path) -> None:
    """A laws CSV written before scope existed still loads, each row about 287(g) agreements of any model."""
    path = write(tmp_path, HEADER + "AL-OLD,AL,mandates,statute,Old Act,2027-01-01,,sheriffs_with_jails,high,,\n")
    old = next(law for law in state_laws(path) if law.id == "AL-OLD")
    assert (old.scope, old.models, old.existing_agreements, old.duty) == ("287g", tuple(Model), "end", "hold")


def test_row_with_too_many_values_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "X-1,AL,prohibits,statute,c,2026-01-01,,all,high,,,extra\n")
    with pytest.raises(LawFileError, match="line 2"):
        state_laws(path)


def test_missing_user_file_is_a_law_file_error(tmp_path: Path) -> None:
    with pytest.raises(LawFileError, match="cannot be read"):
        state_laws(tmp_path / "nope.csv")


def test_user_file_saved_by_excel_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        '\ufeffid,state,stance,citation,effective\r\nAL-X,Alabama,prohibits,"Act 1, § 2",2027-01-01\r\n'.encode()
    )
    added = next(law for law in state_laws(path) if law.id == "AL-X")
    assert added.citation == "Act 1, § 2"
    assert added.state == "AL"


texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\u2028\u2029\x85"), max_size=40
).map(str.strip)


@settings(max_examples=100, deadline=None)
@given(
    citation=texts.filter(bool),
    note=texts,
    stance=st.sampled_from(["prohibits", "restricts", "mandates", "encourages"]),
    binds=st.sampled_from(["all", "state_agencies", "sheriffs_with_jails"]),
    effective=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    grace=st.none() | st.integers(min_value=0, max_value=400),
    state=st.sampled_from(["AL", "TX", "PR", "DC"]),
)
def test_any_valid_row_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    citation: str,
    note: str,
    stance: str,
    binds: str,
    effective: date,
    grace: int | None,
    state: str,
) -> None:
    ends = effective + timedelta(days=grace) if grace is not None else None
    path = tmp_path_factory.mktemp("laws") / "laws.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "state", "stance", "citation", "effective", "existing_agreements_end", "binds", "note"])
        writer.writerow([f"{state}-P", state, stance, citation, effective, ends or "", binds, note])
    law = next(law for law in state_laws(path) if law.id == f"{state}-P")
    assert (law.state, law.stance, law.citation, law.effective) == (state, stance, citation, effective)
    assert (law.existing_agreements_end, law.binds, law.note) == (ends, binds, note)
