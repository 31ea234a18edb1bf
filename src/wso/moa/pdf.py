"""Open a PDF with PDFium (pypdfium2): an empty password tried, pages' text layers and kinds, pages rendered."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # PDFium loads in 0.1-0.3 s: imported where a PDF is opened, not when the web app starts
    import pypdfium2 as pdfium
    from PIL.Image import Image

# PDFium is not thread-safe: every call into it goes through this lock (processes are the way to run in parallel).
PDFIUM_LOCK = threading.RLock()

# A page is a scan when one image covers at least this share of it (a logo or a signature covers far less).
SCAN_COVERAGE = 0.6


class PdfRefused(ValueError):
    """A file that cannot be read as a PDF: not a PDF, damaged, or locked with a real password."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class PdfPage:
    number: int  # from 1
    text: str  # the text layer as PDFium extracts it ("" when there is none)
    scanned: bool  # an image covers most of the page
    width: float  # points
    height: float


@dataclass(frozen=True)
class PdfFile:
    pages: tuple[PdfPage, ...]
    encrypted: bool  # opened with the empty password
    producer: str
    creator: str


def _reason(exc: pdfium.PdfiumError, data: bytes) -> str:
    message = str(exc).lower()
    if "password" in message:
        return "locked with a password (the empty password does not open it)"
    if not data.lstrip()[:5].startswith(b"%PDF"):
        return "not a PDF (it does not start with %PDF)"
    return f"damaged PDF ({exc})"


@contextmanager
def opened(data: bytes, name: str) -> Iterator[pdfium.PdfDocument]:
    """The document, opened with the empty password if it is encrypted; `PdfRefused` when it cannot be."""
    import pypdfium2 as pdfium

    if not data.strip():
        raise PdfRefused(name, "an empty file (no bytes, or only blanks): an interrupted download?")
    if not data.lstrip()[:1024].count(b"%PDF"):
        raise PdfRefused(name, "not a PDF (it does not start with %PDF)")
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data, password="")
        except pdfium.PdfiumError as exc:
            raise PdfRefused(name, _reason(exc, data)) from exc
    try:
        yield document
    finally:
        with PDFIUM_LOCK:
            document.close()


def _scanned(page: pdfium.PdfPage, width: float, height: float) -> bool:
    import pypdfium2.raw as pdfium_c

    area = max(width * height, 1.0)
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        covered = max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
        if covered / area >= SCAN_COVERAGE:
            return True
    return False


def read_pdf(data: bytes, name: str) -> PdfFile:
    """Every page's text layer and kind; `PdfRefused` names the file and says why it cannot be read."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with opened(data, name) as document, PDFIUM_LOCK:
        try:
            pages = []
            for index in range(len(document)):
                page = document[index]
                width, height = page.get_size()
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                pages.append(PdfPage(index + 1, text, _scanned(page, width, height), width, height))
                textpage.close()
                page.close()
            if not pages:
                raise PdfRefused(name, "damaged PDF (it has no pages)")
            meta = document.get_metadata_dict()
            encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1
        except pdfium.PdfiumError as exc:
            raise PdfRefused(name, f"damaged PDF ({exc})") from exc
    return PdfFile(tuple(pages), encrypted, meta.get("Producer", ""), meta.get("Creator", ""))


def render_page(document: pdfium.PdfDocument, number: int, dpi: int) -> Image:
    """Page `number` (from 1) as a greyscale image at `dpi` dots per inch (kept in its `info["dpi"]`)."""
    with PDFIUM_LOCK:
        page = document[number - 1]
        try:
            image: Image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            image.info["dpi"] = (dpi, dpi)
            return image
        finally:
            page.close()
