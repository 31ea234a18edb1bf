"""Fixtures of the MOA room: the real MOAs under tests/data, Tesseract (required in CI), documents read once."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import DATA, MOA_DIR
from wso.moa import ReadDocument, read_document
from wso.moa.ocr import OcrUnavailable, tessdata_dir

ARCHIVE = DATA / "moa-archive"
# One real file per kind of PDF met in the shared archive.
BORN_DIGITAL = MOA_DIR / "hardeeCoSheriffsOffice_WSO_MOA_02.26.2025.pdf"  # Word to PDF; signature page garbled
GOOD_LAYER = MOA_DIR / "287gWSO_CharlotteCoFl2019-05-06.pdf"  # a scan with a usable text layer
GARBLED_LAYER = ARCHIVE / "287g_JEM_Knox_6-8-2020.pdf"  # a scan whose layer is glyph garbage on five pages
IMAGE_ONLY = MOA_DIR / "DeWittCo_WSO_MOA_022625.pdf"  # a scan with no text layer at all
ENCRYPTED = ARCHIVE / "LawrenceCoSheriffsOfficeAL_TFM_MOA_06182025.pdf"  # encrypted, empty password
ADDENDUM = MOA_DIR / "287gJEM_LaPazCoAZ2020-03-12.pdf"  # JEM 2020 with its addendum after the agreement


def need_tesseract() -> None:
    """Tesseract's English data must be there: skipped without it, except under CI=true, where it fails."""
    try:
        tessdata_dir()
    except OcrUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {exc}; scripts/setup installs it (as root)")
        pytest.skip(str(exc))


@cache
def _read(path: Path) -> ReadDocument:
    return read_document(path.read_bytes(), path.name)


def read(path: Path) -> ReadDocument:
    """A real MOA read with real Tesseract, once per test session."""
    need_tesseract()
    return _read(path)
