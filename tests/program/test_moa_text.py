"""The rule texts and citations agree with the MOAs themselves (read with pypdf from the shared MOA folder).

The MOAs' text layers are imperfect (stray spaces, "warrants ofremoval", OCR slips in Carroll County's copy),
so both sides are compared after removing all whitespace and lower-casing, and a few patterns allow the known
slips. DeWitt County's MOA is a scanned image with no text layer: it is reported, not crashed on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import MOA_DIR
from wso.program import EXAM_MAX_ATTEMPTS, EXAM_PASS_SCORE, TERMINATION_NOTICE, WSO_HOLD, Model, model_spec, rule, rules

WSO_MOAS = {
    "MOA-WSO-2019": "287gWSO_CharlotteCoFl2019-05-06.pdf",
    "MOA-WSO-2020": "287gWSO_WallerCoTx2020-02-12.pdf",
    "MOA-WSO-2025": "hardeeCoSheriffsOffice_WSO_MOA_02.26.2025.pdf",
    "MOA-WSO-2025-MD": "CarrollCo_WSO_MOA_03.03.25.pdf",
}
SCANNED = "DeWittCo_WSO_MOA_022625.pdf"
JEM_MOA = "287gJEM_LaPazCoAZ2020-03-12.pdf"
TFM_MOA = "CitrusCoSheriffsOffice_TFM_MOA_02.26.2025.pdf"


@dataclass(frozen=True)
class MoaText:
    file: str
    pages: int
    text: str  # normalized: lower case, no whitespace, straight apostrophes

    @property
    def has_text(self) -> bool:
        # a scan's only "text" is a few words of a cover letter: far less than a page of an MOA
        return len(self.text) > 1000 * self.pages // 2


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')).lower()


@cache
def read_moa(file: str) -> MoaText:
    reader = PdfReader(MOA_DIR / file)
    raw = "\n".join((page.extract_text() or "") for page in reader.pages)
    return MoaText(file=file, pages=len(reader.pages), text=normalize(raw))


def moa_report(folder: Path) -> dict[str, str]:
    """Every MOA in the folder: 'text' or why it cannot be checked (never an exception)."""
    report: dict[str, str] = {}
    for path in sorted(folder.glob("*.pdf")):
        try:
            moa = read_moa(path.name)
        except Exception as exc:  # a damaged PDF is reported like a scan
            report[path.name] = f"unreadable: {exc}"
            continue
        report[path.name] = "text" if moa.has_text else "no text layer (scanned image)"
    return report


def quoted(citation: str) -> list[str]:
    return re.findall(r'"([^"]+)"', citation)


@pytest.mark.parametrize("source", list(WSO_MOAS))
def test_wso_moa_sets_the_48_hour_clause(source: str) -> None:
    text = read_moa(WSO_MOAS[source]).text
    assert re.search(r"fornomorethan48hours?unless", text)
    assert re.search(r"within48hours,thealiens?hallbereleased", text)
    assert "forareimbursablefee" in text
    assert WSO_HOLD.total_seconds() == 48 * 3600


@pytest.mark.parametrize("source", list(WSO_MOAS))
def test_wso_moa_delegates_exactly_the_two_warrant_authorities(source: str) -> None:
    text = read_moa(WSO_MOAS[source]).text
    assert "onlydelegatedthetwoauthoritieslistedbelow" in text
    arrest = text.index("serveandexecutewarrantsofarrestforimmigrationviolations")
    removal = text.index("servewarrantsofremoval")
    assert arrest < removal
    arrest_clause = text[arrest:removal]
    removal_clause = text[removal : removal + 400]
    # I-200 (arrest): 8 U.S.C. 1357(a), 8 C.F.R. 287.5(e)(3); I-205 (removal): adds 8 C.F.R. 241.2(b)(2)
    assert re.search(r"1357\(?a\)", arrest_clause) and re.search(r"287\.5\(?e\)\(?3", arrest_clause)
    # Waller County's text layer reads "24l.2" (a letter l for the digit 1)
    assert re.search(r"24[1l]\.2\(b\)\(2\)", removal_clause) and re.search(r"287\.5\(?e\)\(?3", removal_clause)
    # Waller County's MOA itself reads "scheduled reWCSOse": a find-and-replace of LEA by WCSO hit "release"
    assert re.search(r"scheduledre(lea|wcso)sefromcriminalcustody", arrest_clause)


def test_waller_moa_has_wcso_replaced_inside_release() -> None:
    text = read_moa(WSO_MOAS["MOA-WSO-2020"]).text
    assert "scheduledrewcsosefromcriminalcustody" in text
    assert "scheduledrewcsosefromcriminalcustody" not in read_moa(WSO_MOAS["MOA-WSO-2025"]).text


def test_warrant_forms_rule_cites_what_the_moa_cites() -> None:
    text = read_moa(WSO_MOAS["MOA-WSO-2025"]).text
    forms = rule("WSO-WARRANT-FORMS")
    for cited in ("1357(a)", "287.5(e)(3)", "241.2(b)(2)"):
        assert cited in forms.citation
        assert cited in text
    assert "I-200" in forms.text and "I-205" in forms.text and "I-247A" in forms.text
    spec = model_spec(Model.WSO)
    assert len(spec.authorizes) == 2
    assert "I-200" in spec.authorizes[0] and "I-205" in spec.authorizes[1]


@pytest.mark.parametrize("rule_id", [r.id for r in rules() if r.source.startswith("MOA-WSO") and quoted(r.citation)])
def test_every_quotation_in_a_rule_citation_is_in_a_wso_moa(rule_id: str) -> None:
    found = rule(rule_id)
    source_text = read_moa(WSO_MOAS[found.source]).text
    all_texts = [read_moa(file).text for file in WSO_MOAS.values()]
    quotes = quoted(found.citation)
    assert normalize(quotes[0]) in source_text, f"{rule_id}: {quotes[0]!r} is not in {found.source}"
    for quote in quotes[1:]:
        assert any(normalize(quote) in text for text in all_texts), f"{rule_id}: {quote!r} is in no WSO MOA"


def test_officer_exam_and_termination_figures_match_the_moa() -> None:
    text = read_moa(WSO_MOAS["MOA-WSO-2025"]).text
    assert f"minimumscoreof{EXAM_PASS_SCORE}percent" in text
    assert "oneopportunitytoreviewthetestingmaterialandre-take" in text
    assert EXAM_MAX_ATTEMPTS == 2
    assert f"{TERMINATION_NOTICE.days}-daywrittennotice" in text
    assert f"{TERMINATION_NOTICE.days}-daywrittennotice" in read_moa(WSO_MOAS["MOA-WSO-2019"]).text


def test_citizenship_report_wording_differs_between_2019_and_2025() -> None:
    assert "innocasemorethanonehourof" in read_moa(WSO_MOAS["MOA-WSO-2019"]).text
    assert "generallywithinonehourof" in read_moa(WSO_MOAS["MOA-WSO-2025"]).text
    assert "generallywithinonehour" not in read_moa(WSO_MOAS["MOA-WSO-2019"]).text


def test_complaints_are_reported_within_48_hours_excluding_weekends() -> None:
    for file in WSO_MOAS.values():
        assert "within48hours,excludingweekends" in read_moa(file).text


def test_jem_and_tfm_moas_delegate_what_the_models_say() -> None:
    jem = read_moa(JEM_MOA).text
    tfm = read_moa(TFM_MOA).text
    assert "issueimmigrationdetainers" in jem and "noticetoappear" in jem
    assert "arrestwithoutawarrant" in tfm and "issueimmigrationdetainers" in tfm
    assert any("detainer" in item for item in model_spec(Model.JEM).authorizes)
    assert any("without a warrant" in item for item in model_spec(Model.TFM).authorizes)
    assert not any("detainer" in item for item in model_spec(Model.WSO).authorizes)
    assert "arrestwithoutawarrant" not in read_moa(WSO_MOAS["MOA-WSO-2025"]).text


def test_scanned_dewitt_moa_has_no_text_and_is_reported_not_crashed_on() -> None:
    dewitt = read_moa(SCANNED)
    assert dewitt.pages == 10
    assert not dewitt.has_text
    assert "48hours" not in dewitt.text
    report = moa_report(MOA_DIR)
    assert report[SCANNED] == "no text layer (scanned image)"
    for file in WSO_MOAS.values():
        assert report[file] == "text"
    assert len(report) == 7
