"""State laws: the packaged table against the table as received and the review, every row on both sides of its
dates, whom each binds, and user files."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REFERENCE
from wso.program import (
    LawFileError,
    Model,
    StateLaw,
    detainer_hold_bar,
    detention_agreement_bar,
    eligibility,
    state_laws,
)
from wso.program.laws import packaged_laws

LAWS = state_laws()
DAY = timedelta(days=1)
VERDICT = {"prohibits": "prohibited", "restricts": "restricted", "mandates": "mandated", "encourages": "permitted"}
KIND_BOUND = {"all": "county", "state_agencies": "state", "local_agencies": "county", "sheriffs_with_jails": "county"}


def law_ids(laws: tuple[StateLaw, ...]) -> list[str]:
    return [law.id for law in laws]


def packaged(law_id: str) -> StateLaw:
    return next(law for law in LAWS if law.id == law_id)


# --- the table as received, and what changed since ----------------------------------------------------------

# tests/data/reference/state-laws.csv has no ids: these are the packaged ids of its rows, in its order.
RECEIVED_IDS = (
    "CA-SB54",
    "NJ-AG-2018-6",
    "IL-TRUST",
    "VT-ACT5-2017",
    "WA-KWW",
    "OR-ORS-181A829",
    "DE-HB182-2025",
    "MD-HB444-2026",
    "NM-HB9-2026",
    "NY-LCLC-2026",
    "CO-HB19-1124",
    "CT-TRUST",
    "MA-LUNN",
    "VA-ED1-2026",
    "FL-908-11",
    "TX-SB8-2025",
    "GA-HB1105-2024",
)
# Every change to a received row, each checked against its source (docs/rules.md says which): the new value of
# each changed field; for `note`, words the new note must contain. Any field not listed must be as received.
CORRECTIONS: dict[str, dict[str, str]] = {
    "NJ-AG-2018-6": {"note": "pocket-vetoed on 2026-01-20"},
    "IL-TRUST": {
        "citation": "Keep Illinois Families Together Act, P.A. 101-0019 § 5(b)",
        "effective": "2019-06-21",
        "confidence": "high",
        "source": packaged("IL-TRUST").source,
        "note": "enter into or remain in a 287(g) agreement",
    },
    "VT-ACT5-2017": {
        "citation": "Act 5 of 2017 (S.79), 20 V.S.A. § 4652",
        "confidence": "high",
        "source": "https://legislature.vermont.gov/statutes/section/20/207/04652",
        "note": "declared State or national emergency",
    },
    "NM-HB9-2026": {"note": "in effect 2026-05-20"},
    "MD-HB444-2026": {"effective": "2026-02-17", "note": "signed on 2026-02-17"},
    "NY-LCLC-2026": {"note": "chapter law, its citation and the day new agreements became barred were not found"},
    "CO-HB19-1124": {"citation": "HB19-1124", "note": "HB23-1100 now has its own row"},
    "MA-LUNN": {"stance": "prohibits", "confidence": "high", "note": "says nothing of 287(g) agreements"},
    "VA-ED1-2026": {"stance": "prohibits", "source": packaged("VA-ED1-2026").source, "note": "terminate"},
    "FL-908-11": {"effective": "2022-06-17", "note": "State Board of Immigration Enforcement must approve"},
    "TX-SB8-2025": {"note": "any model satisfies it"},
    "GA-HB1105-2024": {"effective": "2024-05-01", "note": "weaker than having to hold one"},
}
# the received rows are all about 287(g) agreements, except Lunn, which is about holds on detainers
SCOPE_CORRECTIONS = {"MA-LUNN": "detainer_holds"}


def test_every_received_law_is_present_with_only_its_listed_corrections() -> None:
    with (REFERENCE / "state-laws.csv").open(encoding="utf-8") as handle:
        reference = list(csv.DictReader(handle))
    assert len(reference) == len(RECEIVED_IDS)
    for row, law_id in zip(reference, RECEIVED_IDS, strict=True):
        law = packaged(law_id)
        corrected = CORRECTIONS.get(law_id, {})
        assert law.state == row["state"]
        assert law.scope == SCOPE_CORRECTIONS.get(law_id, "287g")
        for field in ("stance", "instrument", "citation", "effective", "existing_agreements_end", "applies_to"):
            value = getattr(law, field)
            shown = value.isoformat() if isinstance(value, date) else (value or "")
            assert shown == corrected.get(field, row[field]), (law_id, field)
        for field in ("confidence", "source"):
            assert getattr(law, field) == corrected.get(field, row[field]), (law_id, field)
        if "note" in corrected:
            assert corrected["note"] in law.note, law_id
        else:
            assert law.note == row["note"], law_id
    assert set(CORRECTIONS) <= set(RECEIVED_IDS)


def test_each_correction_of_the_review_is_in_the_packaged_laws() -> None:
    """shared/reference/state-laws-review.md, line by line (the sources checked are named in docs/rules.md)."""
    md = packaged("MD-HB444-2026")
    assert (md.effective, md.existing_agreements_end) == (date(2026, 2, 17), date(2026, 7, 1))
    vt = packaged("VT-ACT5-2017")
    assert "§ 4652" in vt.citation and "4651" not in vt.citation and "/207/04652" in vt.source
    assert vt.stance == "restricts" and "emergency" in vt.note
    assert "pocket-vetoed on 2026-01-20" in packaged("NJ-AG-2018-6").note
    ny = packaged("NY-LCLC-2026")
    assert ny.confidence == "low" and "not found" in ny.note
    assert packaged("NY-LCLC-2026-DETENTION").confidence == "low"
    ga = packaged("GA-HB1105-2024")
    assert (ga.effective, ga.duty, ga.stance) == (date(2024, 5, 1), "apply", "mandates")
    fl = packaged("FL-908-11")
    assert fl.comply_by == date(2023, 1, 1) and fl.models == tuple(Model) and "State Board" in fl.note
    # Illinois: the 287(g) ban predates the Way Forward Act (P.A. 101-19, 2019), which ended detention agreements
    assert packaged("IL-TRUST").effective == date(2019, 6, 21)
    igsa = packaged("IL-WFA-DETENTION")
    assert (igsa.effective, igsa.existing_agreements_end) == (date(2021, 8, 2), date(2022, 1, 1))
    va = packaged("VA-ED1-2026")
    assert (va.stance, va.binds) == ("prohibits", "state_agencies")
    co = packaged("CO-SB25-276")
    assert co.effective == date(2025, 5, 23) and co.models == (Model.JEM, Model.WSO) and co.confidence == "low"
    tn = packaged("TN-SB6002-2025")
    assert tn.stance == "encourages"
    ma = packaged("MA-EO650-2026")
    assert (ma.binds, ma.stance, ma.existing_agreements) == ("state_agencies", "restricts", "continue")


@pytest.mark.parametrize(
    ("state", "law_id", "stance"),
    [
        ("CA", "CA-SB54-DETAINERS", "prohibits"),
        ("OR", "OR-ORS-181A826-DETAINERS", "prohibits"),
        ("WA", "WA-KWW-DETAINERS", "prohibits"),
        ("IL", "IL-TRUST-DETAINERS", "prohibits"),
        ("NJ", "NJ-AG-2018-6-DETAINERS", "restricts"),
        ("CO", "CO-HB19-1124-DETAINERS", "prohibits"),
        ("MA", "MA-LUNN", "prohibits"),
        ("CT", "CT-TRUST-DETAINERS", "restricts"),
    ],
)
def test_the_reviews_bars_on_detainer_holds(state: str, law_id: str, stance: str) -> None:
    law = packaged(law_id)
    assert (law.state, law.scope, law.stance) == (state, "detainer_holds", stance)
    assert (detainer_hold_bar(state, date(2026, 6, 1)) == law) == (stance == "prohibits")


@pytest.mark.parametrize(
    ("law_id", "existing"),
    [
        ("IL-WFA-DETENTION", "end"),
        ("CA-SB29-DETENTION", "continue"),
        ("NJ-A5207-DETENTION", "continue"),
        ("CO-HB23-1100-DETENTION", "end"),
        ("OR-ORS-181A829-DETENTION", "end"),
        ("NM-HB9-2026-DETENTION", "end"),
        ("NY-LCLC-2026-DETENTION", "end"),
    ],
)
def test_the_reviews_bars_on_detention_agreements(law_id: str, existing: str) -> None:
    law = packaged(law_id)
    assert law.scope == "detention_agreements" and law.stance == "prohibits"
    assert law.existing_agreements == existing
    kind = "county"
    assert detention_agreement_bar(law.state, law.effective, kind, signed=law.effective) == law
    assert detention_agreement_bar(law.state, law.effective - DAY, kind) is None


def test_rules_doc_says_what_each_changed_or_added_row_was_checked_against() -> None:
    text = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    checked = text[text.index("## State law: what was checked against what") :]
    changed = set(CORRECTIONS)
    added = {law.id for law in LAWS} - set(RECEIVED_IDS)
    for law_id in sorted(changed | added):
        assert law_id in checked, law_id


def test_law_ids_are_unique_and_stable() -> None:
    assert len(set(law_ids(LAWS))) == len(LAWS)
    assert set(RECEIVED_IDS) <= set(law_ids(LAWS))
    for law in LAWS:
        assert law.id.startswith(law.state + "-")


def test_every_row_says_where_it_comes_from_or_why_not() -> None:
    for law in LAWS:
        assert law.source.startswith("https://") or law.confidence == "low", law.id
        assert law.note, law.id


# --- each law on both sides of its dates ---------------------------------------------------------------------

LAWS_287G = tuple(law for law in LAWS if law.scope == "287g")
PRECEDENCE = ("prohibited", "restricted", "mandated", "permitted")


@pytest.mark.parametrize("law", LAWS_287G, ids=law_ids(LAWS_287G))
@pytest.mark.parametrize("model", list(Model))
def test_every_287g_law_decides_from_its_effective_day_not_before(law: StateLaw, model: Model) -> None:
    kind = KIND_BOUND[law.binds]
    before = eligibility(law.state, model, law.effective - DAY, kind)
    on = eligibility(law.state, model, law.effective, kind)
    assert law not in before.laws
    assert on.model is model
    if not law.covers(model):
        assert law not in on.laws
        return
    expected = VERDICT[law.stance]
    # the law decides from its effective day unless a stronger law already does
    assert PRECEDENCE.index(on.verdict) <= PRECEDENCE.index(expected)
    if on.verdict == expected and expected != "permitted":
        assert law in on.laws
    if PRECEDENCE.index(before.verdict) > PRECEDENCE.index(expected):
        assert before.next_change == law.effective


@pytest.mark.parametrize("law", [law for law in LAWS if law.stance == "prohibits"], ids=lambda law: law.id)
def test_prohibiting_law_bars_existing_agreements_from_their_end_date(law: StateLaw) -> None:
    old = law.effective - timedelta(days=400)
    kind = KIND_BOUND[law.binds]
    end = law.existing_end()
    assert not law.bars(law.effective - DAY, kind, signed=old)
    if end is None:
        assert not law.bars(date(2099, 1, 1), kind, signed=old)
    else:
        if end > law.effective:
            assert not law.bars(end - DAY, kind, signed=old)
        assert law.bars(end, kind, signed=old)
        assert law.bars(end + DAY, kind, signed=None)
    # an agreement signed on or after the law took effect enjoys no grace period
    assert law.bars(law.effective, kind, signed=law.effective)


def test_maryland_grace_period_runs_until_july_2026() -> None:
    md = packaged("MD-HB444-2026")
    assert md.effective == date(2026, 2, 17)
    assert md.existing_agreements_end == date(2026, 7, 1)
    carroll_signed = date(2025, 3, 3)
    assert not md.bars(date(2025, 7, 4), "county", signed=carroll_signed)
    assert not md.bars(date(2026, 6, 30), "county", signed=carroll_signed)
    assert md.bars(date(2026, 7, 1), "county", signed=carroll_signed)
    assert eligibility("MD", "WSO", date(2026, 3, 1)).verdict == "prohibited"
    existing = eligibility("MD", "WSO", date(2026, 3, 1), signed=carroll_signed)
    assert existing.verdict == "permitted" and existing.grace_until == date(2026, 7, 1)
    assert existing.grace == (md,) and existing.next_change == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("state", "law_id", "effective", "end"),
    [
        ("DE", "DE-HB182-2025", date(2025, 7, 14), date(2025, 8, 13)),
        ("MD", "MD-HB444-2026", date(2026, 2, 17), date(2026, 7, 1)),
        ("NY", "NY-LCLC-2026", date(2026, 8, 25), date(2026, 8, 25)),
    ],
)
def test_grace_period_of_each_law_with_an_end_day(state: str, law_id: str, effective: date, end: date) -> None:
    """Delaware, Maryland and New York: an agreement signed before the law runs until the end day; one signed on
    or after the effective day is barred at once (New York's days coincide: no grace)."""
    before_law = effective - timedelta(days=200)
    for day in (effective, end - DAY):
        if day < effective:
            continue
        answer = eligibility(state, "WSO", day, signed=before_law)
        assert answer.verdict == ("permitted" if day < end else "prohibited"), day
    assert eligibility(state, "WSO", end, signed=before_law).verdict == "prohibited"
    assert eligibility(state, "WSO", end, signed=before_law).laws[0].id == law_id
    after = eligibility(state, "WSO", effective, signed=effective)
    assert after.verdict == "prohibited" and after.grace == ()


def test_non_prohibiting_laws_bar_nothing() -> None:
    for law in LAWS:
        if law.stance != "prohibits":
            assert not law.bars(date(2030, 1, 1), "county", signed=date(2030, 1, 1))
            assert not law.bars(date(2030, 1, 1), "state", signed=None)


def test_virginia_directive_ends_state_agencies_agreements_only() -> None:
    on = date(2026, 3, 1)
    assert eligibility("VA", "WSO", on, "county").verdict == "permitted"
    assert eligibility("VA", "TFM", on, "municipal").verdict == "permitted"
    state = eligibility("VA", "TFM", on, "state", signed=date(2025, 3, 1))
    assert state.verdict == "prohibited" and state.grace == ()
    assert law_ids(state.laws) == ["VA-ED1-2026"]
    assert eligibility("VA", "TFM", date(2026, 2, 3), "state").verdict == "permitted"


def test_massachusetts_order_restricts_new_state_agreements_and_lets_existing_ones_continue() -> None:
    on = date(2026, 3, 1)
    assert eligibility("MA", "JEM", on, "state").verdict == "restricted"
    assert eligibility("MA", "JEM", on, "county").verdict == "permitted"
    assert detainer_hold_bar("MA", on, "county") == packaged("MA-LUNN")


def test_vermont_restricts_but_does_not_bar() -> None:
    answer = eligibility("VT", "WSO", date(2026, 1, 1), "county")
    assert answer.verdict == "restricted" and law_ids(answer.laws) == ["VT-ACT5-2017"]


def test_colorado_release_law_restricts_jail_models_only() -> None:
    on = date(2025, 6, 1)
    wso = eligibility("CO", "WSO", on)
    assert set(law_ids(wso.laws)) == {"CO-HB19-1124", "CO-SB25-276"}
    assert law_ids(eligibility("CO", "TFM", on).laws) == ["CO-HB19-1124"]


def test_illinois_bars_287g_from_2019_and_detainer_holds_from_2017() -> None:
    assert eligibility("IL", "WSO", date(2019, 6, 20)).verdict == "permitted"
    assert eligibility("IL", "WSO", date(2019, 6, 21), signed=date(2018, 1, 1)).verdict == "prohibited"
    assert detainer_hold_bar("IL", date(2017, 8, 27)) is None
    assert detainer_hold_bar("IL", date(2017, 8, 28)) == packaged("IL-TRUST-DETAINERS")


@pytest.mark.parametrize("state", ["FL", "TX"])
def test_florida_and_texas_mandate_sheriffs_not_municipal_or_state_agencies(state: str) -> None:
    on = date(2026, 6, 1)
    assert eligibility(state, "WSO", on, "county").verdict == "mandated"
    assert eligibility(state, "JEM", on, "municipal").verdict == "permitted"
    assert eligibility(state, "TFM", on, "state").verdict == "permitted"


@pytest.mark.parametrize(("state", "words"), [("TX", "must hold"), ("FL", "must hold"), ("GA", "must apply for")])
def test_a_mandate_is_described_as_the_law_words_it(state: str, words: str) -> None:
    mandate = next(law for law in LAWS if law.state == state and law.stance == "mandates")
    text = mandate.requirement()
    assert words in text and "any model (TFM, JEM or WSO)" in text


def test_texas_sheriffs_must_comply_by_december_2026() -> None:
    tx = packaged("TX-SB8-2025")
    assert tx.comply_by == date(2026, 12, 1) and "(by 2026-12-01)" in tx.requirement()


def test_states_without_a_law_are_permitted() -> None:
    answer = eligibility("AL", "WSO", date(2026, 1, 1), "county")
    assert answer.verdict == "permitted"
    assert answer.laws == ()
    assert answer.confidence is None
    assert answer.next_change is None
    assert detainer_hold_bar("AL", date(2026, 1, 1)) is None
    assert detention_agreement_bar("AL", date(2026, 1, 1)) is None


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
