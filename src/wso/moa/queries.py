"""Reading the stored MOAs back: list, show, diff, the deviations across all MOAs, an agency's MOAs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso import registry
from wso.moa.clauses import Clause
from wso.moa.compare import ClauseText, compare
from wso.moa.models import MoaClause, MoaDocument, MoaFileName, MoaPage, MoaRuleCheck
from wso.moa.templates import template
from wso.moa.views import (
    ChangeView,
    ClauseView,
    DeviationRow,
    DiffView,
    DocumentDetail,
    DocumentSummary,
    PageView,
    RuleCheckView,
)
from wso.program import parse_model, parse_state

DEVIATING = ("changed", "missing", "added")


class UnknownDocument(LookupError):
    """No stored MOA answers to the id, sha256 (prefix) or file name given."""


class _Matched(Protocol):
    @property
    def registry_agency_id(self) -> str | None: ...


def registry_names(session: Session, documents: Iterable[_Matched]) -> dict[str, str]:
    """The registry's names of the agencies these MOAs are matched to, by agency id (one query)."""
    return registry.agency_names(session, {d.registry_agency_id for d in documents if d.registry_agency_id})


def summary(document: MoaDocument, names: dict[str, str] | None = None) -> DocumentSummary:
    return DocumentSummary(
        id=document.id,
        file=document.name,
        sha256=document.sha256,
        model=document.model,
        agency=document.agency,
        state=document.state,
        signed=document.signed,
        template=document.template,
        pages=document.pages,
        how_read=document.how_read,
        characters=document.chars,
        born_digital=document.born_digital,
        encrypted=document.encrypted,
        addendum_page=document.addendum_page,
        deviations=document.deviations,
        flagged_rules=tuple(r for r in document.flagged_rules.split(",") if r),
        registry_agency_id=document.registry_agency_id,
        ice_url=document.ice_url,
        registry_agency=(names or {}).get(document.registry_agency_id or ""),
    )


def list_documents(session: Session, model: str | None = None, state: str | None = None) -> list[DocumentSummary]:
    """Every stored MOA (optionally of one model or state), by state, agency and file. A model or state that is
    none of the program's raises `wso.program.UnknownValue` (naming the accepted ones), never an empty list."""
    stmt = select(MoaDocument)
    if model:
        stmt = stmt.where(MoaDocument.model == parse_model(model).value)
    if state:
        stmt = stmt.where(MoaDocument.state == parse_state(state))
    found = list(session.scalars(stmt))
    names = registry_names(session, found)
    return sorted((summary(d, names) for d in found), key=lambda s: (s.state or "~", s.label, s.file))


def find_document(session: Session, ident: str) -> MoaDocument:
    """The MOA with this id, sha256 (or a prefix of 8 or more characters) or file name."""
    wanted = ident.strip()
    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 9:
        found = session.get(MoaDocument, int(wanted))
        if found is not None:
            return found
    if len(wanted) >= 8 and all(c in "0123456789abcdef" for c in wanted.lower()):
        matches = list(session.scalars(select(MoaDocument).where(MoaDocument.sha256.startswith(wanted.lower()))))
        if len(matches) == 1:
            return matches[0]
    by_name = session.scalar(
        select(MoaDocument)
        .join(MoaFileName, MoaFileName.sha256 == MoaDocument.sha256)
        .where(MoaFileName.name == wanted)
    )
    if by_name is not None:
        return by_name
    raise UnknownDocument(
        f"no stored MOA {ident!r}: give an id, a sha256 (8+ characters) or a file name (wso moa list)"
    )


def _clauses(session: Session, sha256: str) -> list[MoaClause]:
    return list(session.scalars(select(MoaClause).where(MoaClause.sha256 == sha256).order_by(MoaClause.seq)))


def _clause_view(row: MoaClause) -> ClauseView:
    changes = tuple(ChangeView(c["template"], c["document"]) for c in json.loads(row.changes_json))
    rules = tuple(r for r in row.rules.split(",") if r)
    return ClauseView(
        row.clause, row.title, row.status, row.similarity, row.substantive, row.page, row.line, rules, changes
    )


def _rule_checks(session: Session, sha256: str) -> tuple[RuleCheckView, ...]:
    rows = session.scalars(select(MoaRuleCheck).where(MoaRuleCheck.sha256 == sha256).order_by(MoaRuleCheck.id))
    return tuple(RuleCheckView(r.rule, r.clause, r.phrase, r.found, r.ok, r.page) for r in rows)


def show(session: Session, ident: str, *, with_text: bool = False) -> DocumentDetail:
    """One MOA: its fields with where each came from, its pages as read, its clauses and rule checks."""
    document = find_document(session, ident)
    pages = session.scalars(select(MoaPage).where(MoaPage.sha256 == document.sha256).order_by(MoaPage.number))
    names = session.scalars(select(MoaFileName.name).where(MoaFileName.sha256 == document.sha256))
    fields = json.loads(document.fields_json)
    return DocumentDetail(
        summary=summary(document, registry_names(session, [document])),
        names=tuple(sorted(names)),
        fields={k: v for k, v in fields.items() if k != "missing"},
        missing=tuple(fields.get("missing", [])),
        pages=tuple(
            PageView(
                p.number,
                p.scanned,
                p.method,
                p.layer_verdict,
                p.layer_chars,
                p.dictionary_share,
                p.run_together_share,
                p.control_share,
                p.ocr_confidence,
                len(p.text),
                p.text if with_text else None,
            )
            for p in pages
        ),
        clauses=tuple(_clause_view(c) for c in _clauses(session, document.sha256)),
        rule_checks=_rule_checks(session, document.sha256),
    )


def diff(session: Session, ident: str, against: str | None = None) -> DiffView:
    """The MOA's clauses against its template (as stored at ingest), or against another stored MOA's clauses."""
    document = find_document(session, ident)
    rows = _clauses(session, document.sha256)
    if against is None:
        name = document.template or "(no template)"
        return DiffView(
            summary(document),
            name,
            "template",
            tuple(_clause_view(r) for r in rows if r.status != "not-compared"),
            _rule_checks(session, document.sha256),
        )
    other = find_document(session, against)
    theirs = [ClauseText(r.clause, r.title, r.text) for r in _clauses(session, other.sha256) if r.text and r.page]
    ours = [Clause(r.clause, r.title, r.page or 0, r.line or 0, r.text) for r in rows if r.text and r.page]
    ours = [c for c in ours if c.id not in ("Signatures", "Addendum")]
    theirs = [c for c in theirs if c.id not in ("Signatures", "Addendum")]
    names = _names(document) + _names(other)
    result = compare(other.name, theirs, ours, names, None)
    views = tuple(
        ClauseView(
            c.id,
            c.title,
            c.status,
            c.similarity,
            c.substantive,
            c.page,
            c.line,
            (),
            tuple(ChangeView(x.template, x.document) for x in c.changes),
        )
        for c in result.clauses
    )
    return DiffView(summary(document), other.name, "document", views)


def _names(document: MoaDocument) -> tuple[str, ...]:
    fields = json.loads(document.fields_json)
    return tuple(
        v for v in ((fields.get("agency") or {}).get("value"), (fields.get("abbreviation") or {}).get("value")) if v
    )


def deviations(session: Session, model: str | None = None) -> list[DeviationRow]:
    """Every clause of every MOA that is missing, added, or changed beyond OCR noise, with the rules it carries. A
    model that is none of the program's raises `wso.program.UnknownValue`."""
    stmt = (
        select(MoaClause, MoaDocument)
        .join(MoaDocument, MoaDocument.sha256 == MoaClause.sha256)
        .where(MoaClause.status.in_(DEVIATING))
    )
    if model:
        stmt = stmt.where(MoaDocument.model == parse_model(model).value)
    flagged: dict[tuple[str, str], list[str]] = {}
    for sha256, clause_id, rule_id in session.execute(
        select(MoaRuleCheck.sha256, MoaRuleCheck.clause, MoaRuleCheck.rule).where(MoaRuleCheck.ok.is_(False))
    ):
        flagged.setdefault((sha256, clause_id), []).append(rule_id)
    found = list(session.execute(stmt))
    names = registry_names(session, [document for _, document in found])
    rows = []
    for clause, document in found:
        rows.append(
            DeviationRow(
                document.id,
                document.name,
                document.agency,
                document.state,
                document.model,
                document.template,
                clause.clause,
                clause.title,
                clause.status,
                clause.similarity,
                tuple(r for r in clause.rules.split(",") if r),
                clause.page,
                tuple(flagged.get((clause.sha256, clause.clause), ())),
                names.get(document.registry_agency_id or ""),
            )
        )
    rows.sort(key=lambda r: (r.state or "~", r.label, r.file, r.clause))
    return rows


def for_agency(session: Session, agency_id: str, *, with_text: bool = False) -> list[DocumentDetail]:
    """The MOAs matched to a registry agency, newest signing first."""
    found = list(session.scalars(select(MoaDocument).where(MoaDocument.registry_agency_id == agency_id)))
    found.sort(key=lambda d: (d.signed is None, -(d.signed.toordinal() if d.signed else 0), d.name))
    return [show(session, str(d.id), with_text=with_text) for d in found]


def template_names(session: Session) -> Sequence[str]:
    return sorted({t for t in session.scalars(select(MoaDocument.template)) if t})


__all__ = [
    "UnknownDocument",
    "deviations",
    "diff",
    "find_document",
    "for_agency",
    "list_documents",
    "show",
    "summary",
    "template",
    "template_names",
]
