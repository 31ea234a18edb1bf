"""The real Tesseract: what it prints besides the text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.moa.conftest import ARCHIVE, need_tesseract
from wso.clock import FixedClock
from wso.moa import ingest
from wso.moa.ocr import OCR_DPI, Tesseract
from wso.moa.pdf import opened, render_page
from wso.store import Database

# Page 9 of Sheboygan County's WSO MOA of 2020 (a scan: Appendix B, the complaint procedure), cut out of the
# archive's file with pypdf (tests/data/README.md): Leptonica, inside Tesseract, prints "Error in boxClipToRectangle:
# box outside rectangle" and "Error in pixScanForForeground: invalid box" while reading it, and Tesseract reads the
# page all the same.
SHEBOYGAN_PAGE_9 = ARCHIVE / "287gWSO_SheboyganCoWi2020-02-27-page9.pdf"


def test_leptonica_s_recovered_errors_are_not_printed(capfd: pytest.CaptureFixture[str]) -> None:
    need_tesseract()
    with opened(SHEBOYGAN_PAGE_9.read_bytes(), SHEBOYGAN_PAGE_9.name) as document:
        image = render_page(document, 1, OCR_DPI)
    capfd.readouterr()
    text = Tesseract().read(image).text
    printed = capfd.readouterr()
    assert "COMPLAINT PROCEDURE" in text
    assert printed.err == ""
    assert printed.out == ""


def test_an_ingest_s_ocr_processes_print_nothing_either(sqlite_db: Database, capfd: pytest.CaptureFixture[str]) -> None:
    """Each OCR process quiets its own Leptonica: `wso moa ingest` of the page, in two processes, prints nothing."""
    need_tesseract()
    capfd.readouterr()
    report = ingest(sqlite_db, [SHEBOYGAN_PAGE_9], FixedClock(datetime(2026, 12, 4, tzinfo=UTC)), workers=2)
    printed = capfd.readouterr()
    assert report.pages == {"ocr": 1} and not report.refused
    assert printed.err == ""
