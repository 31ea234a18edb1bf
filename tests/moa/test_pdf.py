"""Opening PDFs: the empty password tried, and each kind of unreadable file refused with its name and reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from tests.moa.conftest import BORN_DIGITAL, ENCRYPTED
from wso.moa.pdf import PdfRefused, read_pdf


def test_an_encrypted_moa_opens_with_the_empty_password() -> None:
    pdf = read_pdf(ENCRYPTED.read_bytes(), ENCRYPTED.name)
    assert pdf.encrypted
    assert len(pdf.pages) == 14
    assert "Task Force" in pdf.pages[0].text


def test_a_file_that_is_not_a_pdf_is_refused_with_its_name() -> None:
    with pytest.raises(PdfRefused) as caught:
        read_pdf(b"Name,State\nHardee,FL\n", "list.pdf")
    assert caught.value.name == "list.pdf"
    assert "not a PDF" in caught.value.reason


def test_a_damaged_pdf_is_refused() -> None:
    data = BORN_DIGITAL.read_bytes()
    with pytest.raises(PdfRefused) as caught:
        read_pdf(data[:2000], "cut.pdf")
    assert "damaged" in caught.value.reason


def test_a_pdf_locked_with_a_real_password_is_refused() -> None:
    writer = PdfWriter()
    for page in PdfReader(BORN_DIGITAL).pages[:1]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(PdfRefused) as caught:
        read_pdf(out.getvalue(), "locked.pdf")
    assert "password" in caught.value.reason
    assert str(caught.value).startswith("locked.pdf: ")


def test_an_empty_file_is_refused_as_empty() -> None:
    with pytest.raises(PdfRefused) as caught:
        read_pdf(b"", "download.pdf")
    assert caught.value.reason.startswith("an empty file")
