"""The record sets the 287(g) program leaves behind, each tied to the rules that make it exist.

Every set names the `wso.program` rule ids whose obligations produce those records, what to ask for, and what
the records show, in English and Spanish.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Lang = Literal["en", "es"]
LANGS: tuple[Lang, ...] = ("en", "es")


class UnknownLanguage(ValueError):
    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(f"unknown language {value!r}; accepted: {', '.join(LANGS)}")


class UnknownRecordSet(ValueError):
    def __init__(self, value: str) -> None:
        self.value = value
        self.accepted = tuple(s.id for s in RECORD_SETS)
        super().__init__(f"unknown record set {value!r}; accepted: {', '.join(self.accepted)}")


def parse_lang(value: str) -> Lang:
    text = value.strip().lower()
    if text == "en":
        return "en"
    if text == "es":
        return "es"
    raise UnknownLanguage(value)


@dataclass(frozen=True)
class RecordSet:
    """One kind of record, in both languages."""

    id: str
    rules: tuple[str, ...]
    title_en: str
    title_es: str
    records_en: str
    records_es: str
    shows_en: str
    shows_es: str

    def title(self, lang: Lang) -> str:
        return self.title_en if lang == "en" else self.title_es

    def records(self, lang: Lang) -> str:
        return self.records_en if lang == "en" else self.records_es

    def shows(self, lang: Lang) -> str:
        return self.shows_en if lang == "en" else self.shows_es

    def view(self, lang: Lang) -> RecordSetView:
        return RecordSetView(
            id=self.id, title=self.title(lang), records=self.records(lang), shows=self.shows(lang), rules=self.rules
        )


@dataclass(frozen=True)
class RecordSetView:
    """A record set in one language: what `wso records sets --json` prints."""

    id: str
    title: str
    records: str
    shows: str
    rules: tuple[str, ...]


HOLD_LOG = "hold-log"

RECORD_SETS: tuple[RecordSet, ...] = (
    RecordSet(
        id="agreement",
        rules=("WSO-AGREEMENT-IN-FORCE", "AGREEMENT-TERMINATION"),
        title_en="The agreement",
        title_es="El acuerdo",
        records_en=(
            "Every 287(g) Memorandum of Agreement (MOA) with U.S. Immigration and Customs Enforcement (ICE), with "
            "its appendices, addenda, renewals, amendments and any notice of termination; and any draft, "
            "application, request to join or approval by the governing body."
        ),
        records_es=(
            "Todo Memorando de Acuerdo (MOA) 287(g) con el Servicio de Inmigración y Control de Aduanas (ICE), con "
            "sus apéndices, adendas, renovaciones, enmiendas y cualquier aviso de terminación; y todo borrador, "
            "solicitud de adhesión o aprobación del órgano de gobierno."
        ),
        shows_en=(
            "Which model the agency signed (Task Force, Jail Enforcement or Warrant Service Officer), when, on what "
            "terms, and whether the agreement is still in force (either side may end it with 90 days' notice)."
        ),
        shows_es=(
            "Qué modelo firmó la agencia (Fuerza de Tarea, Control en Cárceles u Oficial de Servicio de Órdenes), "
            "cuándo, en qué términos, y si el acuerdo sigue vigente (cualquiera de las partes puede terminarlo con "
            "90 días de aviso)."
        ),
    ),
    RecordSet(
        id="procedures",
        rules=(
            "WSO-JAIL-ONLY",
            "WSO-SCHEDULED-RELEASE",
            "WSO-WARRANT-FORMS",
            "WSO-NO-INTERROGATION",
            "WSO-NO-DETAINER",
            "WSO-NO-PROCESSING",
            "WSO-INTERPRETER",
        ),
        title_en="Standard operating procedures",
        title_es="Procedimientos operativos",
        records_en=(
            "The standard operating procedures (MOA Appendix A) and every policy, directive, general order or "
            "jail procedure about the 287(g) program, ICE warrants (Forms I-200 and I-205) and ICE detainers "
            "(Form I-247A)."
        ),
        records_es=(
            "Los procedimientos operativos estándar (Apéndice A del MOA) y toda política, directiva, orden general "
            "o procedimiento de la cárcel sobre el programa 287(g), las órdenes de ICE (formularios I-200 e I-205) "
            "y las solicitudes de detención de ICE (formulario I-247A)."
        ),
        shows_en=(
            "How the jail says it applies the limits: warrants served only inside the jail, only at scheduled "
            "release, only I-200 and I-205 warrants, no questioning about immigration status, no detainers, "
            "interpreters where needed."
        ),
        shows_es=(
            "Cómo dice la cárcel que aplica los límites: órdenes entregadas solo dentro de la cárcel, solo al "
            "momento de la liberación programada, solo órdenes I-200 e I-205, sin interrogar sobre el estatus "
            "migratorio, sin solicitudes de detención, con intérpretes cuando haga falta."
        ),
    ),
    RecordSet(
        id="officers",
        rules=(
            "OFFICER-US-CITIZEN",
            "OFFICER-EXAM",
            "OFFICER-CERTIFIED",
            "OFFICER-AUTHORIZED",
            "OFFICER-WITHDRAWAL",
            "WSO-AUTHORIZED-OFFICER",
            "WSO-OWN-AGENCY",
        ),
        title_en="Officer designations",
        title_es="Designación de oficiales",
        records_en=(
            "Nominations of officers for 287(g) duties, exam results, ICE certifications, authorization letters "
            "and Forms 70-006 (Designated Immigration Officer), and every withdrawal of an authorization or notice "
            "that an officer left the program."
        ),
        records_es=(
            "Las nominaciones de oficiales para funciones 287(g), los resultados de exámenes, las certificaciones "
            "de ICE, las cartas de autorización y los formularios 70-006 (Oficial de Inmigración Designado), y "
            "cada retiro de una autorización o aviso de que un oficial dejó el programa."
        ),
        shows_en=(
            "Which officers were certified and authorized to act, and when: only they may serve ICE warrants, so "
            "these records let anyone check each service against the officer's authorization."
        ),
        shows_es=(
            "Qué oficiales fueron certificados y autorizados para actuar, y cuándo: solo ellos pueden entregar "
            "órdenes de ICE, así que estos registros permiten verificar cada entrega contra la autorización del "
            "oficial."
        ),
    ),
    RecordSet(
        id="training",
        rules=("OFFICER-EXAM", "OFFICER-CERTIFIED"),
        title_en="Training",
        title_es="Capacitación",
        records_en="Training materials, curricula, schedules and attendance records for 287(g) training.",
        records_es="Los materiales, programas, calendarios y registros de asistencia de la capacitación 287(g).",
        shows_en=(
            "What officers were taught about the program's limits (the 48-hour rule, citizenship claims, "
            "interpreters) and who attended."
        ),
        shows_es=(
            "Qué se enseñó a los oficiales sobre los límites del programa (la regla de 48 horas, los reclamos de "
            "ciudadanía, los intérpretes) y quién asistió."
        ),
    ),
    RecordSet(
        id=HOLD_LOG,
        rules=(
            "WSO-48H",
            "WSO-RELEASE",
            "WSO-NOTIFY-ICE",
            "WSO-SCHEDULED-RELEASE",
            "WSO-JAIL-ONLY",
            "WSO-WARRANT-FORMS",
            "WSO-AUTHORIZED-OFFICER",
            "DETAINER-48H",
        ),
        title_en="The hold log",
        title_es="El registro de retenciones",
        records_en=(
            "A log of every ICE warrant served and every person held for ICE: when the warrant was served and "
            "by which officer, the scheduled release from criminal custody, when ICE was notified, and when and "
            "how the hold ended (transferred to ICE, released). Please give it electronically, in the columns "
            "listed below."
        ),
        records_es=(
            "Un registro de cada orden de ICE entregada y de cada persona retenida para ICE: cuándo se entregó la "
            "orden y por qué oficial, la liberación programada de la custodia penal, cuándo se notificó a ICE, y "
            "cuándo y cómo terminó la retención (traslado a ICE, liberación). Les pido entregarlo en formato "
            "electrónico, con las columnas indicadas abajo."
        ),
        shows_en=(
            "Whether each hold ended within the 48 hours the agreement allows, whether people were released when "
            "ICE did not come, and whether ICE was notified at once. Nothing public records this today."
        ),
        shows_es=(
            "Si cada retención terminó dentro de las 48 horas que permite el acuerdo, si las personas fueron "
            "liberadas cuando ICE no llegó, y si se notificó a ICE de inmediato. Hoy ningún registro público lo "
            "muestra."
        ),
    ),
    RecordSet(
        id="citizenship-claims",
        rules=("WSO-CITIZENSHIP-1H",),
        title_en="Citizenship claims",
        title_es="Reclamos de ciudadanía",
        records_en=(
            "Every report to ICE of a claim of U.S. citizenship, asserted or suspected, by a person held or "
            "served with an ICE warrant, with the time of the claim and of the report."
        ),
        records_es=(
            "Todo informe a ICE de un reclamo de ciudadanía estadounidense, afirmado o sospechado, de una persona "
            "retenida o a quien se entregó una orden de ICE, con la hora del reclamo y la del informe."
        ),
        shows_en="Whether U.S. citizens were held for ICE, and whether each claim was reported within one hour.",
        shows_es=(
            "Si se retuvo para ICE a ciudadanos estadounidenses, y si cada reclamo se informó dentro de una hora."
        ),
    ),
    RecordSet(
        id="complaints",
        rules=("WSO-COMPLAINT-48H",),
        title_en="Complaints",
        title_es="Quejas",
        records_en=(
            "Complaints about officers' 287(g) duties, their referral to ICE (including ICE's Office of "
            "Professional Responsibility) and their resolution."
        ),
        records_es=(
            "Las quejas sobre las funciones 287(g) de los oficiales, su remisión a ICE (incluida la Oficina de "
            "Responsabilidad Profesional de ICE) y su resolución."
        ),
        shows_en=(
            "What went wrong, whether it was reported to ICE within 48 hours (excluding weekends), and what was done."
        ),
        shows_es=("Qué salió mal, si se informó a ICE dentro de 48 horas (sin contar fines de semana), y qué se hizo."),
    ),
    RecordSet(
        id="detention-agreements",
        rules=("WSO-DETENTION-AGREEMENT",),
        title_en="Detention agreements and invoices",
        title_es="Acuerdos de detención y facturas",
        records_en=(
            "Any agreement to detain people for immigration purposes for payment (an Intergovernmental Service "
            "Agreement (IGSA), a Basic Ordering Agreement (BOA) or a U.S. Marshals agreement) and the invoices and "
            "payments under it."
        ),
        records_es=(
            "Todo acuerdo para detener personas por motivos migratorios a cambio de pago (un Acuerdo de Servicio "
            "Intergubernamental (IGSA), un Acuerdo Básico de Pedido (BOA) o un acuerdo con el Servicio de "
            "Alguaciles de EE. UU.) y las facturas y pagos bajo ese acuerdo."
        ),
        shows_en=(
            "Whether the 48-hour limit applies at all (such an agreement is the only exception), and who pays for "
            "the holds: ICE does not pay for holds under the agreement itself."
        ),
        shows_es=(
            "Si el límite de 48 horas se aplica o no (ese acuerdo es la única excepción), y quién paga las "
            "retenciones: ICE no paga las retenciones bajo el acuerdo mismo."
        ),
    ),
    RecordSet(
        id="ice-communications",
        rules=("WSO-NOTIFY-ICE", "WSO-AGREEMENT-IN-FORCE"),
        title_en="Communications with ICE",
        title_es="Comunicaciones con ICE",
        records_en=(
            "Correspondence, including email, between the agency and the ICE field office or ICE headquarters "
            "about the 287(g) program: joining it, running it, notifications of warrants served, and ending it."
        ),
        records_es=(
            "La correspondencia, incluido el correo electrónico, entre la agencia y la oficina local o la sede de "
            "ICE sobre el programa 287(g): la adhesión, el funcionamiento, los avisos de órdenes entregadas y su "
            "terminación."
        ),
        shows_en="How the program came to the agency, how it runs day to day, and what ICE asked for.",
        shows_es="Cómo llegó el programa a la agencia, cómo funciona día a día y qué pidió ICE.",
    ),
    RecordSet(
        id="reviews",
        rules=("WSO-AGREEMENT-IN-FORCE", "WSO-48H", "WSO-RELEASE"),
        title_en="Reviews and inspections",
        title_es="Revisiones e inspecciones",
        records_en=(
            "Any annual, compliance or steering-committee review, inspection, audit or report about the agency's "
            "287(g) program, by the agency, ICE or anyone else."
        ),
        records_es=(
            "Toda revisión anual, de cumplimiento o de comité directivo, inspección, auditoría o informe sobre el "
            "programa 287(g) de la agencia, hecha por la agencia, ICE o cualquier otra entidad."
        ),
        shows_en=(
            "Whether anyone checks that the program follows its own rules: the GAO found in 2021 that ICE had no "
            "oversight mechanism and no compliance inspections for these agreements."
        ),
        shows_es=(
            "Si alguien verifica que el programa cumpla sus propias reglas: en 2021 la GAO concluyó que ICE no "
            "tenía mecanismo de supervisión ni inspecciones de cumplimiento para estos acuerdos."
        ),
    ),
)

_BY_ID = {s.id: s for s in RECORD_SETS}


def record_set(set_id: str) -> RecordSet:
    """One record set by id (case-insensitive); raises `UnknownRecordSet`."""
    try:
        return _BY_ID[set_id.strip().lower()]
    except KeyError:
        raise UnknownRecordSet(set_id) from None


def choose_sets(ids: Iterable[str] | None = None) -> tuple[RecordSet, ...]:
    """The chosen sets in the canonical order, all of them when `ids` is None or empty; unknown ids refused."""
    wanted = [i for i in (ids or ()) if i.strip()]
    if not wanted:
        return RECORD_SETS
    chosen = {record_set(i).id for i in wanted}
    return tuple(s for s in RECORD_SETS if s.id in chosen)


def parse_set_ids(text: str | None) -> tuple[RecordSet, ...]:
    """``"hold-log,officers"`` → those sets; None or blank → all."""
    if text is None:
        return RECORD_SETS
    return choose_sets(part for part in text.split(","))


def record_sets(lang: Lang | str = "en") -> tuple[RecordSetView, ...]:
    """Every record set in one language, in the order letters list them."""
    language = parse_lang(lang)
    return tuple(s.view(language) for s in RECORD_SETS)
