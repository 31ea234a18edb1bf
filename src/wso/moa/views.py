"""What the MOA room answers with: frozen views (the contract the CLI, the web pages and the API use)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


class Labelled:
    """An MOA as public pages name it (``label``): the registry's agency it is matched to, else the agency as read
    (OCR reads some names as garbage), else the file."""

    file: str
    agency: str | None
    registry_agency: str | None

    @property
    def label(self) -> str:
        return self.registry_agency or self.agency or self.file


@dataclass(frozen=True)
class DocumentSummary(Labelled):
    id: int
    file: str
    sha256: str
    model: str | None
    agency: str | None
    state: str | None
    signed: date | None
    template: str | None
    pages: int
    how_read: str
    characters: int
    born_digital: bool
    encrypted: bool
    addendum_page: int | None
    deviations: int
    flagged_rules: tuple[str, ...]
    registry_agency_id: str | None
    ice_url: str | None
    # the registry's name of the agency matched (`registry_agency_id`), where `agency` is what the text says
    registry_agency: str | None = None


@dataclass(frozen=True)
class PageView:
    number: int
    scanned: bool
    method: str  # text-layer | ocr
    layer_verdict: str  # good | garbled | none
    layer_chars: int
    dictionary_share: float
    run_together_share: float
    control_share: float
    ocr_confidence: float | None
    characters: int
    text: str | None = None  # only when asked for


@dataclass(frozen=True)
class ChangeView:
    template: str
    document: str


@dataclass(frozen=True)
class ClauseView:
    clause: str
    title: str
    status: str  # same | ocr-noise | filled-in | changed | missing | added | not-compared
    similarity: float | None
    substantive: float | None
    page: int | None
    line: int | None
    rules: tuple[str, ...]
    changes: tuple[ChangeView, ...] = ()


@dataclass(frozen=True)
class RuleCheckView:
    rule: str
    clause: str
    phrase: str
    found: float
    ok: bool
    page: int | None


@dataclass(frozen=True)
class DocumentDetail:
    summary: DocumentSummary
    names: tuple[str, ...]  # every file name this content was met under
    fields: dict[str, Any]  # each field with value, source, page, line, confidence, note
    missing: tuple[str, ...]  # fields not read, each with its reason
    pages: tuple[PageView, ...]
    clauses: tuple[ClauseView, ...]
    rule_checks: tuple[RuleCheckView, ...]


@dataclass(frozen=True)
class DiffView:
    document: DocumentSummary
    against: str  # a template name, or another document's file
    against_kind: str  # template | document
    clauses: tuple[ClauseView, ...]
    rule_checks: tuple[RuleCheckView, ...] = ()


@dataclass(frozen=True)
class SearchHit(Labelled):
    id: int
    file: str
    agency: str | None
    state: str | None
    model: str | None
    page: int
    snippet: str  # matched words between [[ and ]]
    parts: tuple[tuple[str, bool], ...] = field(default=(), compare=False)  # the snippet cut at the marks
    registry_agency: str | None = None  # the registry's name of the agency matched


@dataclass(frozen=True)
class DeviationRow(Labelled):
    id: int
    file: str
    agency: str | None
    state: str | None
    model: str | None
    template: str | None
    clause: str
    title: str
    status: str
    similarity: float | None
    rules: tuple[str, ...]  # every rule this clause carries
    page: int | None
    flagged: tuple[str, ...] = ()  # those of `rules` whose words the clause lacks (the MOA deviates from them)
    registry_agency: str | None = None  # the registry's name of the agency matched
