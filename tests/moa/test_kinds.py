"""One real MOA of each kind of PDF met in the archive, read with real Tesseract and understood: born digital,
a scan with a good text layer, a scan with a garbled layer, an image-only scan, an encrypted file, an MOA with
an addendum. (Tesseract is required under CI=true.)"""

from __future__ import annotations

from tests.conftest import MOA_DIR
from tests.moa.conftest import ADDENDUM, BORN_DIGITAL, ENCRYPTED, GARBLED_LAYER, GOOD_LAYER, IMAGE_ONLY, read
from wso.moa.analysis import understand

WSO_RULES = {"WSO-48H", "WSO-DETENTION-AGREEMENT", "WSO-RELEASE", "WSO-SCHEDULED-RELEASE", "WSO-COMPLAINT-48H",
             "WSO-CITIZENSHIP-1H", "WSO-INTERPRETER"}  # fmt: skip


def test_born_digital_hardee_reads_its_layer_and_ocrs_only_the_shifted_signature_page() -> None:
    document = read(BORN_DIGITAL)
    assert document.born_digital
    assert [p.number for p in document.pages if p.method == "ocr"] == [7]
    assert document.how_read == "text layer, OCR on 1 of 10 pages"
    understood = understand(document)
    assert understood.model.value == "WSO" and understood.model.source == "text"
    assert understood.agency.value == "Hardee County Sheriff's Office"
    assert (understood.agency.page, understood.agency.line) == (1, 6)
    assert understood.template.value == "WSO 2025-02-14" and understood.template.source == "footer"
    # "February 26, 2025", ICE's signature, read by OCR on the signature page; the footer's date is not taken
    assert understood.signed.value == "2025-02-26" and understood.signed.page == 7
    comparison = understood.comparison
    assert comparison is not None and not comparison.deviations
    checked = {r.rule for r in comparison.rules}
    assert checked >= WSO_RULES and not comparison.flagged_rules


def test_a_scan_with_a_good_layer_is_read_from_its_layer_without_ocr() -> None:
    document = read(GOOD_LAYER)
    assert not document.born_digital and all(p.scanned for p in document.pages)
    assert all(p.method == "text-layer" for p in document.pages)
    understood = understand(document)
    assert understood.template.value == "WSO 2019"
    assert understood.agency.value == "Charlotte County Sheriffs Office" and understood.abbreviation.value == "CCSO"
    assert understood.state.value == "FL" and understood.state.source == "file name"
    assert understood.comparison is not None
    assert {r.rule for r in understood.comparison.rules if r.ok} >= WSO_RULES
    citizenship = next(r for r in understood.comparison.rules if r.rule == "WSO-CITIZENSHIP-1H")
    assert citizenship.phrase == "in no case more than one hour"  # the 2019 wording


def test_a_garbled_layer_is_replaced_by_ocr_on_the_garbled_pages_only() -> None:
    document = read(GARBLED_LAYER)
    assert [p.number for p in document.pages if p.method == "ocr"] == [2, 5, 9, 10, 11]
    page = document.pages[1]
    assert page.layer.verdict == "garbled" and page.ocr_confidence is not None and page.ocr_confidence > 80
    assert "immigration" in page.text.lower()
    understood = understand(document)
    assert understood.model.value == "JEM" and understood.template.value == "JEM 2020"
    assert understood.signed.value == "2020-06-08"


def test_an_image_only_scan_is_read_wholly_by_ocr() -> None:
    document = read(IMAGE_ONLY)
    assert document.how_read == "OCR" and len(document.pages) == 10
    assert min(p.ocr_confidence or 0 for p in document.pages) > 70
    understood = understand(document)
    assert understood.model.value == "WSO"
    assert understood.agency.value == "DeWitt County Sheriff's Office" and understood.agency.confidence < 1
    assert understood.template.value == "WSO 2025-02-15"
    assert understood.signed.value != "2025-02-15"  # the revision footer is not a signature date
    assert understood.comparison is not None
    assert {r.rule for r in understood.comparison.rules if r.ok} >= {"WSO-48H", "WSO-COMPLAINT-48H"}


def test_an_encrypted_moa_with_an_empty_password_is_read() -> None:
    document = read(ENCRYPTED)
    assert document.encrypted
    understood = understand(document)
    assert understood.model.value == "TFM" and understood.template.value == "TFM 2025-03-07"
    assert understood.state.value == "AL" and understood.state.source == "text"
    assert understood.signed.value == "2025-06-18"


def test_the_addendum_after_a_jem_agreement_is_found() -> None:
    understood = understand(read(ADDENDUM))
    assert understood.addendum.page == 12
    assert understood.addendum.value is not None and "ADDENDUM" in understood.addendum.value
    assert understood.model.value == "JEM"


def test_letters_dropped_by_a_scans_layer_flag_no_rule() -> None:
    """Carroll County's WSO MOA (2025) is a scan whose layer drops letters ("continue to d tain. for a reimbursable
    fee, aliens for immigration purpo es"): Appendix A is ICE's text, so no rule it carries is flagged."""
    understood = understand(read(MOA_DIR / "CarrollCo_WSO_MOA_03.03.25.pdf"))
    assert understood.template.value == "WSO 2025-02-15"
    comparison = understood.comparison
    assert comparison is not None
    assert {r.rule for r in comparison.rules} >= WSO_RULES
    assert not comparison.flagged_rules, [(r.rule, r.found) for r in comparison.flagged_rules]
