"""Rebuild the packaged templates (data/templates.json) from a corpus of signed MOAs: `wso moa templates`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from wso.moa.analysis import NOT_CLAUSES, understand
from wso.moa.reading import ReadDocument
from wso.moa.templates import Copy, Source, Template, rebuild


def build_templates(documents: Sequence[ReadDocument]) -> tuple[Template, ...]:
    """One template per version the documents follow (ICE's revision footer or an undated version's marker),
    rebuilt from the born-digital copies of that version, else from the copies read wholly from a good text
    layer, else from all copies (OCR)."""
    groups: dict[tuple[str, str], list[tuple[ReadDocument, Copy]]] = defaultdict(list)
    for document in sorted(documents, key=lambda d: d.name):
        understood = understand(document, known=())
        if understood.template.value is None or understood.model.value is None:
            continue
        clauses = tuple((c.id, c.title, c.text) for c in understood.clauses if c.id not in NOT_CLAUSES)
        source = Source(document.name, document.sha256, document.born_digital)
        groups[(understood.template.value, understood.model.value)].append(
            (document, Copy(source, clauses, understood.names))
        )
    built = []
    for (name, model), members in sorted(groups.items()):
        born = [copy for _d, copy in members if copy.source.born_digital]
        clean_layers = [copy for document, copy in members if document.how_read == "text layer"]
        if born:
            pool, basis = born, f"{len(born)} born-digital copies"
        elif clean_layers:
            pool, basis = clean_layers, f"{len(clean_layers)} scans with a good text layer (no born-digital copy)"
        elif len(members) >= 2:
            pool = [copy for _d, copy in members]
            basis = f"{len(pool)} scans read by OCR (no born-digital copy, no good text layer)"
        else:
            continue  # one OCR reading alone is no template (its footer may be misread)
        built.append(rebuild(name, model, pool, basis))
    return tuple(built)
