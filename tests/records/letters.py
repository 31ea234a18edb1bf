"""Agencies to write to (one per 287(g) model and one with none) and ways to read a rendered letter back."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from wso.records import Letter, LetterAgency, LetterAgreement, Requester, StateFacts, record_sets
from wso.records.texts import long_date, model_name

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
    "none": LetterAgency(name="Multnomah County Sheriff's Office", state="OR"),
}
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

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def expected_phrases(letter: Letter, facts: StateFacts) -> list[str]:
    """What every rendering must say: the law and its citation, the agency, its agreements, every chosen set, the
    appeal route, the requester."""
    lang = letter.lang
    phrases = [facts.citation, facts.law_name, letter.agency.name, facts.appeal_to, REQUESTER.name]
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
