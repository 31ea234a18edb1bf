"""ICE's template versions, rebuilt from the signed copies: for each clause the majority text of the copies of
that version (born-digital copies where the corpus has any), packaged in data/templates.json with the files it
came from. `build` makes that file; `templates` reads it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib.resources import files
from statistics import median
from typing import Any

from wso.moa.compare import SAME, ClauseText, compare_tokens, placeheld
from wso.moa.normalize import clean

PACKAGED = "data/templates.json"
FILLED_IN = 0.9  # a clause whose copies agree less than this (median) is filled in by each agency
MEDOID_AT_MOST = 15  # copies weighed against each other when none is a majority (the first, by file name)


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    born_digital: bool


@dataclass(frozen=True)
class TemplateClause:
    id: str
    title: str
    text: str  # the chosen copy's words, the agency's name written "LEA"
    agreeing: int  # copies whose words are the chosen text's, up to OCR noise
    present: int  # copies that have this clause at all
    consensus: float  # the median similarity (OCR noise forgiven) of the copies to the chosen text

    @property
    def filled_in(self) -> bool:
        """Each agency fills this clause in (points of contact, names, addresses): its copies differ."""
        return self.present > 1 and (self.agreeing * 2 < self.present or self.consensus < FILLED_IN)


@dataclass(frozen=True)
class Template:
    name: str  # "WSO 2025-02-14", "WSO 2019"
    model: str
    basis: str  # "born-digital copies" or "scans with a good text layer (no born-digital copy in the corpus)"
    sources: tuple[Source, ...]
    clauses: tuple[TemplateClause, ...]

    def clause_texts(self) -> tuple[ClauseText, ...]:
        return tuple(ClauseText(c.id, c.title, c.text) for c in self.clauses)


@dataclass(frozen=True)
class Copy:
    """One document's clauses offered to the rebuild: (id, title, text) with the agency's names to hide."""

    source: Source
    clauses: tuple[tuple[str, str, str], ...]
    names: tuple[str, ...]


def _hidden(text: str, names: Sequence[str]) -> str:
    out = clean(text)
    for name in sorted((n for n in names if n), key=len, reverse=True):
        out = out.replace(name, "LEA")
    return out


def rebuild(name: str, model: str, copies: Sequence[Copy], basis: str) -> Template:
    """The majority text of each clause that at least half the copies have: the words most copies share exactly,
    if they are a majority; else the copy most like all the others (the medoid)."""
    order: list[str] = []
    present: Counter[str] = Counter()
    for copy in copies:
        for clause_id, _title, _text in copy.clauses:
            if clause_id not in order:
                order.append(clause_id)
            present[clause_id] += 1
    clauses = []
    for clause_id in order:
        if present[clause_id] * 2 < len(copies):
            continue
        variants = []
        for copy in copies:
            for cid, title, text in copy.clauses:
                if cid == clause_id:
                    variants.append((title, _hidden(text, copy.names), tuple(placeheld(text, copy.names))))
                    break
        counts = Counter(v[2] for v in variants)
        top, count = counts.most_common(1)[0]
        if count * 2 <= len(variants) and len(variants) > 2:
            pool = variants[:MEDOID_AT_MOST]
            scores = [sum(SequenceMatcher(None, v[2], w[2], autojunk=False).ratio() for w in pool) for v in pool]
            top = pool[scores.index(max(scores))][2]
        title, text, _ = next(v for v in variants if v[2] == top)
        similar = sorted(compare_tokens(list(top), list(v[2]))[1] for v in variants)
        agreeing = sum(1 for s in similar if s >= SAME)
        clauses.append(TemplateClause(clause_id, title, text, agreeing, len(variants), round(median(similar), 4)))
    return Template(name, model, basis, tuple(c.source for c in copies), tuple(clauses))


def to_json(templates: Sequence[Template]) -> str:
    def one(t: Template) -> dict[str, Any]:
        return {
            "name": t.name,
            "model": t.model,
            "basis": t.basis,
            "sources": [s.__dict__ for s in t.sources],
            "clauses": [c.__dict__ for c in t.clauses],
        }

    return json.dumps({"templates": [one(t) for t in templates]}, indent=1, ensure_ascii=False) + "\n"


def from_json(text: str) -> tuple[Template, ...]:
    raw = json.loads(text)
    return tuple(
        Template(
            name=t["name"],
            model=t["model"],
            basis=t["basis"],
            sources=tuple(Source(**s) for s in t["sources"]),
            clauses=tuple(TemplateClause(**c) for c in t["clauses"]),
        )
        for t in raw["templates"]
    )


@cache
def templates() -> tuple[Template, ...]:
    """The packaged templates."""
    resource = files("wso.moa").joinpath(PACKAGED)
    return from_json(resource.read_text(encoding="utf-8")) if resource.is_file() else ()


def template(name: str) -> Template | None:
    return next((t for t in templates() if t.name == name), None)
