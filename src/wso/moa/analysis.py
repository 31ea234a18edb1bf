"""Everything read from one document: its fields, its clauses, and its comparison with its template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wso.moa import fields
from wso.moa.clauses import Clause, cut
from wso.moa.compare import Comparison, compare
from wso.moa.fields import Found
from wso.moa.reading import ReadDocument
from wso.moa.templates import Template, templates

# Parts of a document that are not template clauses: never compared.
NOT_CLAUSES = ("Signatures", "Addendum")


@dataclass(frozen=True)
class Understanding:
    model: Found
    agency: Found
    abbreviation: Found
    state: Found
    signed: Found
    signing_dates: tuple[Found, ...]
    signatories: tuple[Found, ...]
    template: Found
    addendum: Found
    clauses: tuple[Clause, ...]
    comparison: Comparison | None

    @property
    def names(self) -> tuple[str, ...]:
        """The agency's own words in the text, which the templates write "LEA"."""
        return tuple(v for v in (self.agency.value, self.abbreviation.value) if v)

    @property
    def missing(self) -> tuple[str, ...]:
        """The fields that could not be read, each with the reason."""
        checked = {"model": self.model, "agency": self.agency, "state": self.state, "signed": self.signed}
        checked["template"] = self.template
        return tuple(f"{name}: {found.note or 'not found'}" for name, found in checked.items() if found.value is None)


def understand(document: ReadDocument, known: Sequence[Template] | None = None) -> Understanding:
    """Read the fields and clauses of `document` and compare it with its template (among `known`, default: the
    packaged templates)."""
    pages = [p.text for p in document.pages]
    ocr = frozenset(p.number for p in document.pages if p.method == "ocr")
    clauses = tuple(cut(pages))
    model = fields.model(pages, document.name, ocr)
    agency, abbreviation, state = fields.agency(pages, ocr)
    if state.value is None:
        from_name = fields.state_from_file_name(document.name)
        state = from_name if from_name.value else Found(None, "none", note=_reasons(state.note, from_name.note))
    signing = fields.signing(pages, clauses, ocr)
    signed = signing.signed
    if signed.value is None:
        from_name = fields.date_from_file_name(document.name)
        signed = from_name if from_name.value else Found(None, "none", note=_reasons(signed.note, from_name.note))
    candidates = templates() if known is None else known
    version = fields.nearest_version(fields.template(pages, model.value, ocr), [t.name for t in candidates])
    found = next((t for t in candidates if t.name == version.value), None)
    names = tuple(v for v in (agency.value, abbreviation.value) if v)
    comparison = None
    if found is not None:
        own = [c for c in clauses if c.id not in NOT_CLAUSES]
        comparison = compare(found.name, found.clause_texts(), own, names, model.value)
        comparison = _with_fill_ins(comparison, found)
    return Understanding(
        model=model,
        agency=agency,
        abbreviation=abbreviation,
        state=state,
        signed=signed,
        signing_dates=signing.dates,
        signatories=signing.signatories,
        template=version,
        addendum=fields.addendum(clauses),
        clauses=clauses,
        comparison=comparison,
    )


def _reasons(*notes: str | None) -> str:
    """Why a field was not read, each place looked at that says why (a name read without a state says nothing)."""
    return "; ".join(n for n in notes if n)


def _with_fill_ins(comparison: Comparison, template: Template) -> Comparison:
    """A clause the template's own copies fill in differently (points of contact, names, addresses) is
    `filled-in`, not a deviation, when it differs."""
    from dataclasses import replace

    fill = {c.id for c in template.clauses if c.filled_in}
    clauses = tuple(
        replace(c, status="filled-in", changes=()) if c.id in fill and c.status in ("changed", "ocr-noise") else c
        for c in comparison.clauses
    )
    return replace(comparison, clauses=clauses)
