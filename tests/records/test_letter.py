"""Letters: every state, every format, an agency of each model (and one with all three) and one with none; what each
letter must say, read back from the rendered file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.records.letters import (
    AGENCIES,
    ALL_MODELS,
    REQUESTER,
    assert_says,
    docx_text,
    html_text,
    pdf_text,
)
from wso.program.hold_records import SCHEMA_VERSION
from wso.records import (
    FORMATS,
    LANGS,
    RECORD_SETS,
    Format,
    Lang,
    MissingRequester,
    Requester,
    UnknownFormat,
    compose_letter,
    facts_for,
    parse_set_ids,
    render_letter,
    state_facts,
    write_atomic,
)

FACTS = state_facts()
ON = date(2026, 11, 23)


# Which letters each format renders for every state. Markdown and HTML (instant): every agency in both languages.
# DOCX (about 25 ms): every agency in English, the agency with every model and the one with none in Spanish too.
# PDF (WeasyPrint, about 0.2 s, and as long again to read back with pypdf): the agency with a TFM, a JEM and a WSO
# agreement in English and the agency with none in Spanish.
CASES: dict[str, list[tuple[str, Lang]]] = {
    "md": [(kind, lang) for kind in AGENCIES for lang in LANGS],
    "html": [(kind, lang) for kind in AGENCIES for lang in LANGS],
    "docx": [*((kind, "en") for kind in AGENCIES), (ALL_MODELS, "es"), ("none", "es")],
    "pdf": [(ALL_MODELS, "en"), ("none", "es")],
}
MAGIC = {"md": b"", "html": b"<!DOCTYPE html>", "docx": b"PK\x03\x04", "pdf": b"%PDF-"}


def read_back(data: bytes, fmt: str) -> str:
    if fmt == "pdf":
        return pdf_text(data)
    if fmt == "docx":
        return docx_text(data)
    text = data.decode("utf-8")
    return html_text(text) if fmt == "html" else text


def test_the_cases_cover_every_format_every_model_and_an_agency_with_none() -> None:
    assert set(CASES) == set(FORMATS)
    assert {a.model for a in AGENCIES[ALL_MODELS].agreements} == {"TFM", "JEM", "WSO"}
    assert AGENCIES["none"].agreements == ()
    for cases in CASES.values():
        assert {kind for kind, _ in cases} >= {ALL_MODELS, "none"}
        assert {lang for _, lang in cases} == set(LANGS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("state", sorted(FACTS))
def test_every_state_renders_in_every_format(state: str, fmt: Format) -> None:
    facts = FACTS[state]
    for kind, lang in CASES[fmt]:
        letter = compose_letter(agency=AGENCIES[kind], facts=facts, requester=REQUESTER, lang=lang, on=ON)
        assert letter.set_ids == tuple(s.id for s in RECORD_SETS)
        data = render_letter(letter, fmt)
        assert data.startswith(MAGIC[fmt]), f"{state} {kind} {lang}: not a {fmt} file"
        assert_says(read_back(data, fmt), letter, facts)


def test_the_facts_file_has_every_state_and_dc() -> None:
    assert len(FACTS) == 51


# More PDFs: an agency of each single model in both languages, in states whose deadlines are counted each way
# (business, calendar, none) and that limit requests to residents or not.
PDF_CASES = [
    ("TFM", "FL", "en"),
    ("JEM", "TX", "es"),
    ("WSO", "CA", "en"),
    ("none", "VA", "en"),
    ("WSO", "KY", "es"),
    ("TFM", "ID", "en"),
]


@pytest.mark.parametrize(("kind", "state", "lang"), PDF_CASES)
def test_the_pdf_read_back_says_the_citation_the_agency_its_agreements_and_every_set(
    kind: str, state: str, lang: Lang
) -> None:
    facts = FACTS[state]
    letter = compose_letter(agency=AGENCIES[kind], facts=facts, requester=REQUESTER, lang=lang, on=ON)
    data = render_letter(letter, "pdf")
    assert data.startswith(b"%PDF-")
    assert_says(pdf_text(data), letter, facts)


def test_a_pdf_with_chosen_sets_lists_exactly_those() -> None:
    facts = FACTS["GA"]
    chosen = parse_set_ids("hold-log,citizenship-claims")
    letter = compose_letter(agency=AGENCIES["WSO"], facts=facts, requester=REQUESTER, sets=chosen, on=ON)
    text = pdf_text(render_letter(letter, "pdf"))
    assert_says(text, letter, facts)
    assert "Citizenship claims" in text and "The hold log" in text
    assert "Training" not in text and "Complaints" not in text


def test_an_agency_with_agreements_is_asked_for_the_records_of_each() -> None:
    letter = compose_letter(agency=AGENCIES["WSO"], facts=facts_for("FL"), requester=REQUESTER, on=ON)
    text = render_letter(letter, "md").decode()
    assert "show Pinellas County Sheriff's Office as a party to the following agreements" in text
    assert "Warrant Service Officer model (WSO) agreement**: signed May 6, 2019" in text
    assert "listed by ICE as pending since April 1, 2025" in text
    assert "MOA not published by ICE" in text
    assert "from January 1, 2019" in text


def test_a_removed_agreement_is_named_as_such_and_sets_the_period() -> None:
    letter = compose_letter(agency=AGENCIES["JEM"], facts=facts_for("TX"), requester=REQUESTER, on=ON)
    text = render_letter(letter, "md").decode()
    assert "no longer listed by ICE since February 20, 2017" in text
    assert "as a party to the following agreement. I request the records listed below for it." in text
    assert "from July 20, 2008" in text


def test_an_agency_with_no_agreement_is_asked_whether_one_exists() -> None:
    letter = compose_letter(agency=AGENCIES["none"], facts=facts_for("OR"), requester=REQUESTER, on=ON)
    text = render_letter(letter, "md").decode()
    assert "show no agreement with Multnomah County Sheriff's Office" in text
    assert "draft agreement, application, request to join the program" in text
    spanish = render_letter(
        compose_letter(agency=AGENCIES["none"], facts=facts_for("OR"), requester=REQUESTER, lang="es", on=ON), "md"
    ).decode()
    assert "no muestran ningún acuerdo con Multnomah County Sheriff's Office" in spanish


def test_the_deadline_is_stated_in_the_states_terms() -> None:
    texts = {
        state: render_letter(
            compose_letter(agency=AGENCIES["none"], facts=facts_for(state), requester=REQUESTER, on=ON), "md"
        ).decode()
        for state in ("TX", "CA", "FL")
    }
    # Sent Monday 2026-11-23: Texas closes Thanksgiving and the Friday after, so the 10th business day is Dec 9.
    assert "within 10 business days" in texts["TX"] and "that is December 9, 2026" in texts["TX"]
    assert "certify in writing a date and hour" in texts["TX"]
    assert "within 10 calendar days" in texts["CA"] and "that is December 3, 2026" in texts["CA"]
    assert "sets no fixed number of days" in texts["FL"] and "by December 9, 2026" in texts["FL"]


def test_a_fee_waiver_is_asked_for_as_the_law_allows() -> None:
    texas = render_letter(
        compose_letter(agency=AGENCIES["none"], facts=facts_for("TX"), requester=REQUESTER, on=ON), "md"
    )
    kentucky = render_letter(
        compose_letter(agency=AGENCIES["none"], facts=facts_for("KY"), requester=REQUESTER, on=ON), "md"
    )
    assert "I ask for a waiver or reduction of fees, as the law allows" in texas.decode()
    assert "I ask for a waiver or reduction of fees where the law allows one" in kentucky.decode()


def test_the_hold_log_is_asked_for_in_the_hold_record_schema() -> None:
    letter = compose_letter(agency=AGENCIES["WSO"], facts=facts_for("FL"), requester=REQUESTER, on=ON)
    text = render_letter(letter, "md").decode()
    # the schema the audit reads today (v2 since the ledger records the actual release and detention agreements)
    assert f"hold-record schema (version {SCHEMA_VERSION})" in text
    assert SCHEMA_VERSION == 2
    for column in (
        "record_id",
        "served_at",
        "criminal_release_at",
        "detention_agreement_from",
        "signed_on",
        "ice_notified_at",
        "ended_at",
        "end_reason",
        "person_ref",
        "authorized_from",
    ):
        assert column in text
    without = compose_letter(
        agency=AGENCIES["WSO"], facts=facts_for("FL"), requester=REQUESTER, sets=parse_set_ids("officers"), on=ON
    )
    assert "served_at" not in render_letter(without, "md").decode()


def test_a_requester_from_elsewhere_is_warned_in_the_letter_where_only_residents_may_ask() -> None:
    letter = compose_letter(agency=AGENCIES["none"], facts=facts_for("VA"), requester=REQUESTER, on=ON)
    assert letter.residency is not None and letter.residency.requester_state == "IL"
    for fmt in ("md", "html"):
        text = render_letter(letter, fmt).decode()
        assert "delete before sending" in text and "limits requests to Virginia residents" in text
    assert "limits requests to Virginia residents" in docx_text(render_letter(letter, "docx"))
    spanish = compose_letter(agency=AGENCIES["none"], facts=facts_for("VA"), requester=REQUESTER, lang="es", on=ON)
    assert "limita las solicitudes a residentes de Virginia" in docx_text(render_letter(spanish, "docx"))
    resident = Requester("Ana Pérez", None, "1 Main St, Richmond, VA 23219")
    quiet = compose_letter(agency=AGENCIES["none"], facts=facts_for("VA"), requester=resident, on=ON)
    assert quiet.notes == () and "delete before sending" not in render_letter(quiet, "md").decode()


def test_spanish_letters_are_in_spanish() -> None:
    letter = compose_letter(agency=AGENCIES["WSO"], facts=facts_for("TX"), requester=REQUESTER, lang="es", on=ON)
    text = render_letter(letter, "md").decode()
    assert "23 de noviembre de 2026" in text and "Estimado custodio de registros" in text
    assert "El registro de retenciones" in text and "días hábiles" in text
    assert "Dear" not in text


def test_html_escapes_what_the_user_typed() -> None:
    requester = Requester("<script>alert(1)</script>", None, None)
    letter = compose_letter(agency=AGENCIES["none"], facts=facts_for("TX"), requester=requester, on=ON)
    markup = render_letter(letter, "html").decode()
    assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_a_missing_requester_name_is_refused() -> None:
    with pytest.raises(MissingRequester, match="requester's name is missing"):
        Requester("  ")


def test_an_unknown_format_is_refused() -> None:
    letter = compose_letter(agency=AGENCIES["none"], facts=facts_for("TX"), requester=REQUESTER, on=ON)
    with pytest.raises(UnknownFormat, match="'odt'; accepted: md, html, pdf, docx"):
        render_letter(letter, "odt")


def test_writing_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "letter.md"
    out.write_text("old", encoding="utf-8")
    write_atomic(out, b"new letter")
    assert out.read_bytes() == b"new letter"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "letter.md"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError):
        write_atomic(out, "not bytes")  # type: ignore[arg-type]
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.md"]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomic(tmp_path / "absent" / "letter.md", b"x")
