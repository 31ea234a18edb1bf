"""What the /moa pages, the agency page's MOA section and the API show of the MOA room, and their words in
English and Spanish (kept here, beside the pages that use them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from wso import moa
from wso.web.i18n import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "moa.heading": {"en": "The signed agreements (MOAs)", "es": "Los acuerdos firmados (MOA)"},
    "moa.intro": {
        "en": "Every MOA read, page by page (its text layer where good, OCR where not), and compared clause by "
        "clause with ICE's template version it follows.",
        "es": "Cada MOA leído página por página (su capa de texto si es buena, OCR si no) y comparado cláusula por "
        "cláusula con la versión de la plantilla de ICE que sigue.",
    },
    "moa.search": {"en": "Search the MOAs' text", "es": "Buscar en el texto de los MOA"},
    "moa.search_button": {"en": "Search", "es": "Buscar"},
    "moa.no_hits": {"en": "No MOA page has these words.", "es": "Ninguna página de un MOA tiene estas palabras."},
    "moa.page": {"en": "page", "es": "página"},
    "moa.deviations": {"en": "Deviations from the templates", "es": "Desviaciones de las plantillas"},
    "moa.deviations_intro": {
        "en": "Clauses missing, added, or changed beyond what OCR noise explains, across all MOAs. A clause the "
        "program's rules rely on names the rules; a rule whose words the clause lacks says the MOA deviates from it.",
        "es": "Cláusulas ausentes, añadidas o cambiadas más allá del ruido del OCR, en todos los MOA. Una cláusula "
        "de la que dependen las reglas del programa nombra las reglas; una regla cuyas palabras faltan en la "
        "cláusula dice que el MOA se aparta de ella.",
    },
    "moa.none": {"en": "No MOA has been read yet.", "es": "Todavía no se ha leído ningún MOA."},
    "moa.file": {"en": "File", "es": "Archivo"},
    "moa.model": {"en": "Model", "es": "Modelo"},
    "moa.agency": {"en": "Agency", "es": "Agencia"},
    "moa.state": {"en": "State", "es": "Estado"},
    "moa.signed": {"en": "Signed", "es": "Firmado"},
    "moa.template": {"en": "Template", "es": "Plantilla"},
    "moa.how_read": {"en": "How read", "es": "Cómo se leyó"},
    "moa.clause": {"en": "Clause", "es": "Cláusula"},
    "moa.status": {"en": "Status", "es": "Estado"},
    "moa.similarity": {"en": "Similarity", "es": "Similitud"},
    "moa.rules": {"en": "Rules", "es": "Reglas"},
    "moa.ice_copy": {"en": "ICE's copy", "es": "La copia de ICE"},
    "moa.text": {"en": "Text, page by page", "es": "Texto, página por página"},
    "moa.fields": {"en": "What it says, and where", "es": "Qué dice, y dónde"},
    "moa.source": {"en": "Source", "es": "Fuente"},
    "moa.field": {"en": "Field", "es": "Campo"},
    "moa.value": {"en": "Value", "es": "Valor"},
    "moa.addendum": {"en": "Addendum", "es": "Adenda"},
    "moa.sure": {"en": "Sureness", "es": "Certeza"},
    "moa.not_read": {"en": "Not read", "es": "No leído"},
    "moa.section": {"en": "Its MOA", "es": "Su MOA"},
    "moa.no_moa": {
        "en": "No signed MOA of this agency has been read.",
        "es": "No se ha leído ningún MOA firmado de esta agencia.",
    },
    "moa.no_deviation": {
        "en": "No deviation from its template beyond OCR noise.",
        "es": "Ninguna desviación de su plantilla más allá del ruido del OCR.",
    },
    "moa.rule_deviates": {"en": "deviates from rule", "es": "se aparta de la regla"},
    "moa.all": {"en": "All MOAs", "es": "Todos los MOA"},
    "moa.any_model": {"en": "Any model", "es": "Cualquier modelo"},
    "moa.show_button": {"en": "Show", "es": "Mostrar"},
    "moa.unknown_model": {
        "en": "model: {value!r} is no model of the program; accepted: {accepted}",
        "es": "model: {value!r} no es un modelo del programa; se aceptan: {accepted}",
    },
}


# A clause's status against its template (wso.moa's compare.Status), in words.
CLAUSE_STATUS: dict[str, dict[Lang, str]] = {
    "same": {"en": "same", "es": "igual"},
    "ocr-noise": {"en": "same (OCR noise)", "es": "igual (ruido del OCR)"},
    "filled-in": {"en": "filled in", "es": "completada"},
    "changed": {"en": "changed", "es": "cambiada"},
    "missing": {"en": "missing", "es": "falta"},
    "added": {"en": "added", "es": "añadida"},
    "not-compared": {"en": "not compared", "es": "no comparada"},
}
_OCR_ON = re.compile(r"^text layer, OCR on (\d+) of (\d+) pages$")


def moa_translator(lang: Lang) -> Callable[..., str]:
    def tm(key: str, **values: object) -> str:
        text = MESSAGES[key][lang]
        return text.format(**values) if values else text

    return tm


def moa_word(value: str, lang: Lang) -> str:
    """How a MOA was read ("text layer", "OCR", "text layer, OCR on 2 of 9 pages") or a clause's status, in
    `lang`; any other value as it is."""
    if lang == "en":
        return CLAUSE_STATUS.get(value, {}).get("en", value)
    if value in CLAUSE_STATUS:
        return CLAUSE_STATUS[value]["es"]
    if value == "text layer":
        return "capa de texto"
    if value == "OCR":
        return "OCR"
    found = _OCR_ON.match(value)
    if found:
        return f"capa de texto, OCR en {found.group(1)} de {found.group(2)} páginas"
    return value


class MoaDeviationOut(BaseModel):
    clause: str
    title: str
    status: str
    similarity: float | None
    rules: list[str]
    page: int | None


class MoaOut(BaseModel):
    """An agency's MOA as its page shows it."""

    id: int
    file: str
    model: str | None
    signed: date | None
    template: str | None
    how_read: str
    pages: int
    ice_url: str | None
    deviations: list[MoaDeviationOut]
    flagged_rules: list[str]
    text: list[str]  # page by page


def agency_moas(session: Session, agency_id: str) -> list[MoaOut]:
    """The MOAs matched to this registry agency, for its page."""
    found = []
    for detail in moa.for_agency(session, agency_id, with_text=True):
        s = detail.summary
        found.append(
            MoaOut(
                id=s.id,
                file=s.file,
                model=s.model,
                signed=s.signed,
                template=s.template,
                how_read=s.how_read,
                pages=s.pages,
                ice_url=s.ice_url,
                deviations=[
                    MoaDeviationOut(
                        clause=c.clause,
                        title=c.title,
                        status=c.status,
                        similarity=c.similarity,
                        rules=list(c.rules),
                        page=c.page,
                    )
                    for c in detail.clauses
                    if c.status in ("changed", "missing", "added")
                ],
                flagged_rules=list(s.flagged_rules),
                text=[p.text or "" for p in detail.pages],
            )
        )
    return found
