"""The letter's words in English and Spanish, and the date and model names each language uses."""

from __future__ import annotations

from datetime import date

from wso.records.sets import Lang

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)

MODEL_NAMES: dict[Lang, dict[str, str]] = {
    "en": {
        "TFM": "Task Force Model (TFM)",
        "JEM": "Jail Enforcement Model (JEM)",
        "WSO": "Warrant Service Officer model (WSO)",
    },
    "es": {
        "TFM": "modelo de Fuerza de Tarea (TFM)",
        "JEM": "modelo de Control en Cárceles (JEM)",
        "WSO": "modelo de Oficial de Servicio de Órdenes (WSO)",
    },
}


def long_date(day: date, lang: Lang) -> str:
    if lang == "es":
        return f"{day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def model_name(model: str, lang: Lang) -> str:
    return MODEL_NAMES[lang].get(model, model)


T: dict[Lang, dict[str, str]] = {
    "en": {
        "note_heading": "Note for you (delete before sending)",
        "confidence_note": (
            "These facts about {state}'s law have {confidence} confidence; check them at {source} before sending."
        ),
        "matched_note": (
            "“{query}” was taken to mean {name}, the only agency of that name in ICE's lists. If you mean another "
            "agency, give its full name (or --unlisted for an agency ICE does not list)."
        ),
        "near_note": (
            "ICE's lists name no agency “{name}” in {state}; the letter asks whether it holds any 287(g) agreement. "
            "Names ICE lists that only resemble it: {near}. If you mean one of these, give its full name."
        ),
        "recipient_title": "Public Records Custodian",
        "subject": "Public records request under the {law} ({citation}): records of the 287(g) program",
        "salutation": "Dear Records Custodian:",
        "intro": (
            "Under the {law}, {citation}, I request copies of the records described below, held by or for "
            "{agency}, for the period from {start} to the date this request is processed."
        ),
        "agreements_heading": "The agency's 287(g) agreements",
        "agreements_some": (
            "ICE's published lists of 287(g) agencies{as_of} show {agency} as a party to the following agreements. "
            "For each of them I request the records listed below."
        ),
        "agreements_one": (
            "ICE's published lists of 287(g) agencies{as_of} show {agency} as a party to the following agreement. "
            "I request the records listed below for it."
        ),
        "agreements_none": (
            "ICE's published lists of 287(g) participating and pending agencies{as_of} show no agreement with "
            "{agency}. Please tell me whether any 287(g) agreement, draft agreement, application, request to join "
            "the program, or correspondence about joining it exists, and provide those records. If any agreement "
            "exists, I also request the records listed below."
        ),
        "as_of": " (as of {date})",
        "agreement_title": "{model} agreement",
        "signed": "signed {date}",
        "signed_unknown": "signing date not published",
        "moa": "MOA: {url}",
        "moa_unknown": "MOA not published by ICE",
        "status_pending": "listed by ICE as pending since {date}",
        "status_removed": "no longer listed by ICE since {date}",
        "signed_earlier": "ICE's lists earlier gave the signing date as {dates}",
        "records_heading": "Records requested",
        "records_intro": "I request the following records ({count} sets):",
        "shows": "What it shows: {text}",
        "hold_log_heading": "The hold log, electronically",
        "hold_log_intro": (
            "For the hold log, please provide one spreadsheet or CSV file for each of these three tables, with these "
            "columns where the data exist. This is the open hold-record schema (version {version}), which lets the "
            "answer be checked with free software."
        ),
        "hold_log_after": (
            "Please give times with their UTC offset (ISO 8601) and leave a cell empty where a fact is not recorded. "
            "Please replace the names and identifiers of the people held with a consistent pseudonymous reference "
            "(person_ref): I do not ask for anyone's name."
        ),
        "format_heading": "Format",
        "format": (
            "I ask for the records in electronic form: the native format where one exists (spreadsheets, databases "
            "exported to CSV, email with its attachments), otherwise searchable PDF, sent by email or through your "
            "records portal. If some records are ready before others, please release them as they are ready."
        ),
        "deadline_heading": "Response time",
        "deadline_business": (
            "The {law} requires a response within {days} business days. In the law's terms: {text}. Counted from "
            "the date of this letter, that is {due}."
        ),
        "deadline_calendar": (
            "The {law} requires a response within {days} calendar days. In the law's terms: {text}. Counted from "
            "the date of this letter, that is {due}."
        ),
        "deadline_none": (
            "The {law} sets no fixed number of days. In the law's terms: {text}. I would be grateful for a response, "
            "or an estimate of when the records will be ready, by {follow_up}."
        ),
        "fees_heading": "Fees",
        "fees_waiver": (
            "I ask for a waiver or reduction of fees, as the law allows ({fees}). The records concern how a public "
            "agency uses immigration authority delegated by the federal government; their disclosure is in the "
            "public interest and not for commercial use. If any fees remain, please send me an estimate before "
            "incurring them."
        ),
        "fees_other": (
            "I ask for a waiver or reduction of fees where the law allows one: the records concern how a public "
            "agency uses immigration authority delegated by the federal government, and their disclosure is in the "
            "public interest and not for commercial use. The law's terms on fees: {fees}. If fees will apply, "
            "please send me an estimate before incurring them."
        ),
        "appeal_heading": "If you withhold records",
        "appeal": (
            "If you withhold any record or part of one, please cite the exemption that applies to each, release "
            "every part that is not exempt, and tell me how to appeal. As I understand the law, a denial may be "
            "appealed to: {appeal}."
        ),
        "closing": "Thank you for your help. If anything in this request is unclear, please contact me{contact}.",
        "contact_email": " at {email}",
        "signoff": "Sincerely,",
        "table": "{name}: {columns}",
    },
    "es": {
        "note_heading": "Nota para usted (bórrela antes de enviar)",
        "confidence_note": (
            "Estos datos sobre la ley de {state} tienen un grado de confianza {confidence}; verifíquelos en {source} "
            "antes de enviar."
        ),
        "matched_note": (
            "Se entendió «{query}» como {name}, la única agencia con ese nombre en las listas de ICE. Si se refiere a "
            "otra agencia, indique su nombre completo (o --unlisted para una agencia que ICE no lista)."
        ),
        "near_note": (
            "Las listas de ICE no nombran ninguna agencia «{name}» en {state}; la carta pregunta si tiene algún "
            "acuerdo 287(g). Nombres que ICE lista y que solo se le parecen: {near}. Si se refiere a una de ellas, "
            "indique su nombre completo."
        ),
        "recipient_title": "Custodio de Registros Públicos",
        "subject": "Solicitud de registros públicos bajo la ley «{law}» ({citation}): registros del programa 287(g)",
        "salutation": "Estimado custodio de registros:",
        "intro": (
            "De conformidad con la ley «{law}», {citation}, solicito copias de los registros descritos a "
            "continuación, en poder de {agency} o mantenidos para esa agencia, del {start} a la fecha en que se "
            "tramite esta solicitud."
        ),
        "agreements_heading": "Los acuerdos 287(g) de la agencia",
        "agreements_some": (
            "Las listas publicadas por ICE de agencias 287(g){as_of} muestran a {agency} como parte de los "
            "siguientes acuerdos. Para cada uno de ellos solicito los registros indicados abajo."
        ),
        "agreements_one": (
            "Las listas publicadas por ICE de agencias 287(g){as_of} muestran a {agency} como parte del siguiente "
            "acuerdo. Para ese acuerdo solicito los registros indicados abajo."
        ),
        "agreements_none": (
            "Las listas publicadas por ICE de agencias participantes y pendientes del programa 287(g){as_of} no "
            "muestran ningún acuerdo con {agency}. Les pido que me informen si existe algún acuerdo 287(g), "
            "borrador de acuerdo, solicitud, pedido de adhesión al programa o correspondencia sobre la adhesión, y "
            "que me entreguen esos registros. Si existe algún acuerdo, solicito además los registros indicados "
            "abajo."
        ),
        "as_of": " (al {date})",
        "agreement_title": "Acuerdo del {model}",
        "signed": "firmado el {date}",
        "signed_unknown": "fecha de firma no publicada",
        "moa": "MOA: {url}",
        "moa_unknown": "MOA no publicado por ICE",
        "status_pending": "listado por ICE como pendiente desde el {date}",
        "status_removed": "ya no listado por ICE desde el {date}",
        "signed_earlier": "las listas de ICE dieron antes como fecha de firma el {dates}",
        "records_heading": "Registros solicitados",
        "records_intro": "Solicito los siguientes registros ({count} conjuntos):",
        "shows": "Lo que muestra: {text}",
        "hold_log_heading": "El registro de retenciones, en formato electrónico",
        "hold_log_intro": (
            "Para el registro de retenciones, les pido una hoja de cálculo o un archivo CSV para cada una de estas "
            "tres tablas, con estas columnas cuando los datos existan. Es el esquema abierto de registros de "
            "retención (versión {version}), que permite verificar la respuesta con software libre."
        ),
        "hold_log_after": (
            "Les pido indicar las horas con su diferencia respecto de UTC (ISO 8601) y dejar vacía la celda cuando un "
            "dato no esté registrado. Les pido reemplazar los nombres e identificadores de las personas retenidas "
            "por una referencia seudónima constante (person_ref): no pido el nombre de nadie."
        ),
        "format_heading": "Formato",
        "format": (
            "Solicito los registros en formato electrónico: el formato original cuando exista (hojas de cálculo, "
            "bases de datos exportadas a CSV, correos electrónicos con sus adjuntos) y, si no, PDF con texto "
            "buscable, enviados por correo electrónico o por su portal de registros. Si algunos registros están "
            "listos antes que otros, les pido entregarlos a medida que estén listos."
        ),
        "deadline_heading": "Plazo de respuesta",
        "deadline_business": (
            "La ley «{law}» exige una respuesta dentro de {days} días hábiles. En los términos de la ley (en "
            "inglés): {text}. Contando desde la fecha de esta carta, el plazo vence el {due}."
        ),
        "deadline_calendar": (
            "La ley «{law}» exige una respuesta dentro de {days} días corridos. En los términos de la ley (en "
            "inglés): {text}. Contando desde la fecha de esta carta, el plazo vence el {due}."
        ),
        "deadline_none": (
            "La ley «{law}» no fija un número de días. En los términos de la ley (en inglés): {text}. Les "
            "agradecería una respuesta, o una estimación de cuándo estarán listos los registros, a más tardar el "
            "{follow_up}."
        ),
        "fees_heading": "Tarifas",
        "fees_waiver": (
            "Solicito la exención o reducción de tarifas, como la ley lo permite ({fees}). Los registros tratan "
            "de cómo una agencia pública usa facultades migratorias delegadas por el gobierno federal; su "
            "divulgación es de interés público y no tiene fines comerciales. Si quedara alguna tarifa, les pido "
            "enviarme una estimación antes de incurrir en ella."
        ),
        "fees_other": (
            "Solicito la exención o reducción de tarifas cuando la ley lo permita: los registros tratan de cómo una "
            "agencia pública usa facultades migratorias delegadas por el gobierno federal, y su divulgación es de "
            "interés público y no tiene fines comerciales. Los términos de la ley sobre tarifas (en inglés): "
            "{fees}. Si se aplicaran tarifas, les pido enviarme una estimación antes de incurrir en ellas."
        ),
        "appeal_heading": "Si retienen registros",
        "appeal": (
            "Si retienen algún registro o parte de él, les pido citar la excepción que se aplica a cada uno, "
            "entregar toda parte que no esté exceptuada e indicarme cómo apelar. Según entiendo la ley, una "
            "denegación puede apelarse ante (en inglés): {appeal}."
        ),
        "closing": (
            "Les agradezco su ayuda. Si algo de esta solicitud no está claro, les pido que se comuniquen conmigo"
            "{contact}."
        ),
        "contact_email": " en {email}",
        "signoff": "Atentamente,",
        "table": "{name}: {columns}",
    },
}


CONFIDENCE: dict[Lang, dict[str, str]] = {
    "en": {"high": "high", "medium": "medium", "low": "low"},
    "es": {"high": "alto", "medium": "medio", "low": "bajo"},
}


def t(lang: Lang, key: str, **values: object) -> str:
    return T[lang][key].format(**values)
