"""The Spanish of the public pages' texts that come from data: each state law's words (its requirement, built
from its facts; whom it binds; the note; the kind of instrument) and each state's public-records facts
(deadline, fees, appeal route). English is the data itself; Spanish is kept here, one row per law or state, in
`laws.csv` and `records.csv` (a test checks that every packaged law and state has its row; a law or a state that
only a user's own file adds is shown as that file words it)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Protocol

from wso.web.i18n import Lang

ALL_MODELS = ("TFM", "JEM", "WSO")


class LawFacts(Protocol):
    """What a law's words are built from (a `wso.web.public.LawOut`)."""

    id: str
    stance: str
    scope: str
    models: list[str]
    instrument: str
    applies_to: str
    binds: str
    note: str
    duty: str | None
    comply_by: date | None
    effective: date
    existing_agreements: str
    existing_agreements_end: date | None
    requirement: str


class RecordsFacts(Protocol):
    state: str
    deadline_text: str
    fees_note: str
    appeal_to: str


@dataclass(frozen=True)
class LawWords:
    requirement: str
    applies_to: str
    note: str
    instrument: str


@dataclass(frozen=True)
class RecordsWords:
    deadline_text: str
    fees_note: str
    appeal_to: str


@cache
def _rows(name: str, key: str) -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return {row[key]: row for row in csv.DictReader(text.splitlines())}


def spanish_laws() -> dict[str, dict[str, str]]:
    """The Spanish rows of `laws.csv`, by law id."""
    return _rows("laws.csv", "id")


def spanish_records() -> dict[str, dict[str, str]]:
    """The Spanish rows of `records.csv`, by USPS code."""
    return _rows("records.csv", "state")


_SCOPE_ES = {
    "287g": "acuerdos 287(g)",
    "detainer_holds": "las retenciones por detainers I-247A sin orden judicial",
    "detention_agreements": "los acuerdos para detener por motivos migratorios civiles a cambio de pago "
    "(IGSA, U.S. Marshals)",
}
_STANCE_ES = {"prohibits": "prohíbe", "restricts": "restringe", "encourages": "fomenta", "mandates": "obliga a"}
_INSTRUMENT_ES = {
    "statute": "ley",
    "executive order": "orden ejecutiva",
    "attorney general directive": "directiva del fiscal general",
    "regulation": "reglamento",
    "court decision": "sentencia judicial",
    "executive directive": "directiva ejecutiva",
}


def _models_es(models: list[str], joiner: str = "y") -> str:
    if sorted(models) == sorted(ALL_MODELS):
        return f"cualquier modelo ({', '.join(models[:-1])} {joiner} {models[-1]})"
    return f" {joiner} ".join(models)


def requirement_es(law: LawFacts, applies_to: str) -> str:
    """What the law asks or forbids, in Spanish, built from its facts as `StateLaw.requirement` builds English."""
    if law.stance == "mandates":
        verb = "debe solicitar" if law.duty == "apply" else "debe tener"
        what = _models_es(law.models, "o")
        if what.startswith("cualquier"):
            text = f"{applies_to}: {verb} un acuerdo 287(g); lo cumple un acuerdo de {what}"
        else:
            text = f"{applies_to}: {verb} un acuerdo 287(g); lo cumple uno de {what}"
        return text + (f" (a más tardar el {law.comply_by})" if law.comply_by else "")
    what = _SCOPE_ES[law.scope]
    if law.scope == "287g":
        what = f"los acuerdos 287(g) de {_models_es(law.models)}"
    text = f"{applies_to}: {_STANCE_ES[law.stance]} {what} desde el {law.effective}"
    if law.stance != "prohibits":
        return text
    end = None if law.existing_agreements == "continue" else (law.existing_agreements_end or law.effective)
    if end is None:
        return text + "; los firmados antes pueden continuar"
    if end is not None and end > law.effective:
        return text + f"; los firmados antes deben terminar a más tardar el {end}"
    return text + "; los firmados antes terminan de inmediato"


def law_words(law: LawFacts, lang: Lang) -> LawWords:
    """The law's words a page shows, in `lang`."""
    if lang == "en":
        return LawWords(law.requirement, law.applies_to, law.note, law.instrument)
    row = spanish_laws().get(law.id)
    if row is None:  # a law of the user's own file (WSO_LAWS_FILE): its words exist only as written
        return LawWords(law.requirement, law.applies_to, law.note, law.instrument)
    instrument = row["instrument"] or _INSTRUMENT_ES.get(law.instrument, law.instrument)
    return LawWords(requirement_es(law, row["applies_to"]), row["applies_to"], row["note"], instrument)


def records_words(facts: RecordsFacts, lang: Lang) -> RecordsWords:
    """A state's public-records facts as a page shows them, in `lang`."""
    if lang == "en":
        return RecordsWords(facts.deadline_text, facts.fees_note, facts.appeal_to)
    row = spanish_records().get(facts.state)
    if row is None:  # a state added by the user's own file (WSO_RECORDS_FACTS_FILE): only its own words
        return RecordsWords(facts.deadline_text, facts.fees_note, facts.appeal_to)
    return RecordsWords(row["deadline_text"], row["fees_note"], row["appeal_to"])
