"""Cutting MOAs into clauses: articles, lettered sections, appendices, the signature block and an addendum."""

from __future__ import annotations

from pathlib import Path

from tests.moa.conftest import ADDENDUM, BORN_DIGITAL, GOOD_LAYER
from wso.moa.clauses import cut
from wso.moa.pdf import read_pdf

WSO_2025 = ["I", "II", "III", "IV", "IV.A", "IV.B", "IV.C", "IV.D", "IV.E", "IV.F", "IV.G", "IV.H", "IV.I", "V",
            "V.A", "V.B", "V.C", "VI", "VII", "VIII", "Signatures", "App. A", "App. B", "App. C"]  # fmt: skip


def layer(path: Path) -> list[str]:
    return [p.text for p in read_pdf(path.read_bytes(), path.name).pages]


def test_a_2025_wso_moa_has_ices_articles_sections_and_appendices() -> None:
    clauses = cut(layer(BORN_DIGITAL))
    assert [c.id for c in clauses] == WSO_2025
    interpretation = next(c for c in clauses if c.id == "IV.G")
    assert interpretation.title == "INTERPRETATION SERVICES" and interpretation.page == 4
    assert "qualified interpreters" in interpretation.text


def test_civil_rights_standards_lettered_i_is_a_section_not_article_one() -> None:
    clauses = cut(layer(BORN_DIGITAL))
    assert next(c for c in clauses if c.title.startswith("CIVIL RIGHTS")).id == "IV.I"


def test_the_signature_block_is_cut_off_the_termination_clause() -> None:
    clauses = {c.id: c for c in cut(layer(BORN_DIGITAL))}
    assert clauses["VIII"].text.endswith("to the fullest extent allowed by law.")
    assert "Acting Director" in clauses["Signatures"].text
    assert "Acting Director" not in clauses["VIII"].text


def test_an_inline_mention_of_appendix_b_is_no_heading() -> None:
    # Charlotte County's 2019 MOA has a line reading "Appendix B." inside section V.A
    ids = [c.id for c in cut(layer(GOOD_LAYER))]
    assert ids.count("App. B") == 1
    assert ids.index("V.D") < ids.index("App. A") < ids.index("App. B")


def test_the_addendum_after_the_agreement_is_a_part_of_its_own() -> None:
    clauses = cut(layer(ADDENDUM))
    addendum = [c for c in clauses if c.id == "Addendum"]
    assert len(addendum) == 1 and addendum[0].page == 12
    assert "three years" in addendum[0].text


def test_ocr_misreadings_of_headings_are_tolerated() -> None:
    pages = ["I. PARTIES\ntext\nII. PURPOSE\nmore\nIll. AUTHORITY\nlaw\nIV. RESPONSIBILITIES\nA. DESIGNATION\nx\n"
             "APPF.NDIX A\nsop\nAPPENDIXB\ncomplaints"]  # fmt: skip
    assert [c.id for c in cut(pages)] == ["I", "II", "III", "IV", "IV.A", "App. A", "App. B"]


JEM_2020 = ["I", "II", "III", "IV", "IV.A", "IV.B", "IV.C", "IV.D", "IV.E", "IV.F", "IV.G", "IV.H", "IV.I", "V",
            "V.A", "V.B", "V.C", "V.D", "VI", "VII", "VIII", "Signatures", "App. A", "App. B", "App. C",
            "Addendum"]  # fmt: skip


def test_headings_a_scans_layer_misreads_still_cut_la_paz_county_jem_2020() -> None:
    # Its layer reads "L PARTIES" (I.), "m AUTHORITY" (III.), "B. LIABILITY AND RESPONSIBILITY" (H.), "VIL POINTS OF
    # CONTACT" (VII.) and "vm. EFFECTIVE DATE" (VIII.): those clauses were missing, and IV.B came twice.
    clauses = cut(layer(ADDENDUM))
    assert [c.id for c in clauses] == JEM_2020
    titles = {c.id: c.title for c in clauses}
    assert titles["III"] == "AUTHORITY" and titles["IV.H"] == "LIABILITY AND RESPONSIBILITY"
    assert titles["VII"] == "POINTS OF CONTACT" and titles["VIII"].startswith("EFFECTIVE DATE")


def test_lowercase_slips_in_a_heading_and_a_lost_article_heading() -> None:
    # Calhoun County's 2019 WSO MOA (the archive): "II. PllRPOSE" and "A. DESIGNATION OF AUTHORIZED FllNC.TIONS"
    # were read as body text, so IV.A to IV.G went missing and five rules were flagged on clauses that are there.
    pages = ["I. PARTIES\nt\nII. PllRPOSE\nt\nIII. AUTHORITY\nt\nIV. RESPONSIBILITIES\nt\n"
             "A. DESIGNATION OF AUTHORIZED FllNC.TIONS\nt\nB. NOMINATION OF PERSONNEL\nt\n"
             "A. COMPLAINT PROCEDURES\nt\nB. COMMUNICATION\nt\nVI. MODIFICATIONS\nt"]  # fmt: skip
    ids = [c.id for c in cut(pages)]
    assert ids == ["I", "II", "III", "IV", "IV.A", "IV.B", "V.A", "V.B", "VI"]
