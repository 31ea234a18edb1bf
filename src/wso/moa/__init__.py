"""The signed MOAs themselves: every PDF read (OCR where scanned), understood, compared clause by clause with
its template version, and searchable.

Other rooms and the doors use only the names exported here.
"""

from wso.moa.analysis import Understanding, understand
from wso.moa.ingest import IngestReport, Refusal, ingest
from wso.moa.ocr import FakeRecognizer, OcrUnavailable, Recognizer, Tesseract
from wso.moa.pdf import PdfRefused
from wso.moa.queries import UnknownDocument, deviations, diff, find_document, for_agency, list_documents, show
from wso.moa.reading import ReadDocument, default_workers, read_document
from wso.moa.search import BadQuery, search
from wso.moa.templates import Template, templates
from wso.moa.views import (
    ClauseView,
    DeviationRow,
    DiffView,
    DocumentDetail,
    DocumentSummary,
    PageView,
    RuleCheckView,
    SearchHit,
)

__all__ = [
    "BadQuery",
    "ClauseView",
    "DeviationRow",
    "DiffView",
    "DocumentDetail",
    "DocumentSummary",
    "FakeRecognizer",
    "IngestReport",
    "OcrUnavailable",
    "PageView",
    "PdfRefused",
    "ReadDocument",
    "Recognizer",
    "Refusal",
    "RuleCheckView",
    "SearchHit",
    "Template",
    "Tesseract",
    "Understanding",
    "UnknownDocument",
    "default_workers",
    "deviations",
    "diff",
    "find_document",
    "for_agency",
    "ingest",
    "list_documents",
    "read_document",
    "search",
    "show",
    "templates",
    "understand",
]
