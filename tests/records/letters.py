"""Agencies to write to (one per 287(g) model, one with an agreement of every model, one with none) and ways to read
a rendered letter back."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from wso.records import Letter, LetterAgency, LetterAgreement, Requester, StateFacts, record_sets
from wso.records.texts import long_date, model_name, t

AGENCIES: dict[str, LetterAgency] = {
    "TFM": LetterAgency(
        name="Brevard County Sheriff's Office",
        state="FL",
        agency_id="fl-brevard-county-sheriffs-office",
        agreements=(LetterAgreement("TFM", date(2025, 2, 26), "https://www.ice.gov/doclib/287gMOA/tfm-brevard.pdf"),),
    ),
    "JEM": LetterAgency(
        name="Harris County Sheriff's Office",
        state="TX",
        agreements=(LetterAgreement("JEM", date(2008, 7, 20), None, "removed", date(2017, 2, 20)),),
    ),
    "WSO": LetterAgency(
        name="Pinellas County Sheriff's Office",
        state="FL",
        agreements=(
            LetterAgreement("WSO", date(2019, 5, 6), "https://www.ice.gov/doclib/287gMOA/wso-pinellas.pdf"),
            LetterAgreement("JEM", None, None, "pending", date(2025, 4, 1)),
        ),
    ),
    "TFM+JEM+WSO": LetterAgency(
        name="Collier County Sheriff's Office",
        state="FL",
        agency_id="fl-collier-county-sheriffs-office",
        agreements=(
            LetterAgreement("JEM", date(2007, 8, 6), "https://www.ice.gov/doclib/287gMOA/jem-collier.pdf"),
            LetterAgreement("WSO", date(2019, 4, 24), "https://www.ice.gov/doclib/287gMOA/wso-collier.pdf"),
            LetterAgreement("TFM", date(2025, 2, 20), "https://www.ice.gov/doclib/287gMOA/tfm-collier.pdf"),
        ),
    ),
    "none": LetterAgency(name="Multnomah County Sheriff's Office", state="OR"),
}
ALL_MODELS = "TFM+JEM+WSO"
"""The agency with an agreement of every model."""
REQUESTER = Requester("Ana Pérez", "ana@example.org", "1 Main St, Springfield, IL 62701")


def squash(text: str) -> str:
    """Text without any white space, so that words a PDF wrapped across lines still match."""
    return re.sub(r"\s+", "", text)


def html_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # WeasyPrint draws list markers apart from the text, so pypdf may give a page's bullets as lines of their own in
    # the middle of a paragraph broken across pages: drop those lines.
    return re.sub(r"^[ \t]*•[ \t]*\n", "", text, flags=re.MULTILINE)


def expected_phrases(letter: Letter, facts: StateFacts) -> list[str]:
    """What every rendering must say: the law and its citation, the agency, its agreements (or, with none, the
    question whether one exists), every chosen set, the request for electronic records, the appeal route, the
    requester."""
    lang = letter.lang
    phrases = [facts.citation, facts.law_name, letter.agency.name, facts.appeal_to, REQUESTER.name, t(lang, "format")]
    as_of = t(lang, "as_of", date=long_date(letter.agency.listed_as_of, lang)) if letter.agency.listed_as_of else ""
    if not letter.agency.agreements:
        phrases.append(t(lang, "agreements_none", agency=letter.agency.name, as_of=as_of))
    for agreement in letter.agency.agreements:
        phrases.append(model_name(agreement.model, lang))
        if agreement.signed:
            phrases.append(long_date(agreement.signed, lang))
        if agreement.moa_url:
            phrases.append(agreement.moa_url)
    titles = {view.id: view.title for view in record_sets(lang)}
    phrases.extend(titles[set_id] for set_id in letter.set_ids)
    return phrases


def assert_says(text: str, letter: Letter, facts: StateFacts) -> None:
    flat = squash(text)
    missing = [p for p in expected_phrases(letter, facts) if squash(p) not in flat]
    assert missing == [], f"{facts.state} letter ({letter.lang}) does not say {missing}"
