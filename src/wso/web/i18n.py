"""The message catalogue of the public pages, English and Spanish, and how a request picks its language.

A page's language is `?lang=es|en` if given, else the best of the browser's Accept-Language, else English.
Every key exists in both languages (a test checks); a missing key is an error, never a silent fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

Lang = Literal["en", "es"]
LANGS: tuple[Lang, ...] = ("en", "es")

MESSAGES: dict[str, dict[Lang, str]] = {
    "site.title": {"en": "wso: the public record of 287(g)", "es": "wso: el registro público del 287(g)"},
    "nav.overview": {"en": "Overview", "es": "Panorama"},
    "nav.rules": {"en": "Rules", "es": "Reglas"},
    "nav.search": {"en": "Search", "es": "Buscar"},
    "nav.console": {"en": "Console", "es": "Consola"},
    "nav.signin": {"en": "Sign in", "es": "Iniciar sesión"},
    "nav.signout": {"en": "Sign out", "es": "Cerrar sesión"},
    "lang.switch": {"en": "Español", "es": "English"},
    "overview.heading": {"en": "287(g) agreements in the United States", "es": "Acuerdos 287(g) en Estados Unidos"},
    "overview.as_of": {"en": "As listed by ICE on {day}", "es": "Según la lista de ICE del {day}"},
    "overview.no_data": {
        "en": "No snapshot of ICE's spreadsheets has been loaded yet.",
        "es": "Todavía no se ha cargado ninguna copia de las hojas de ICE.",
    },
    "overview.by_model": {"en": "Agreements in force, by model", "es": "Acuerdos vigentes, por modelo"},
    "overview.trend": {"en": "Agreements over time", "es": "Acuerdos a lo largo del tiempo"},
    "overview.map": {"en": "Agreements per state", "es": "Acuerdos por estado"},
    "overview.map_note": {
        "en": "Colour: number of agreements in force. Outline: the state's law on 287(g).",
        "es": "Color: número de acuerdos vigentes. Contorno: la ley del estado sobre el 287(g).",
    },
    "overview.changes": {"en": "What changed", "es": "Qué cambió"},
    "overview.changes_between": {"en": "Between {old} and {new}", "es": "Entre el {old} y el {new}"},
    "overview.one_day": {
        "en": "ICE's lists of only one publication day are loaded: there is nothing to compare yet.",
        "es": "Solo están cargadas las listas de ICE de un día de publicación: todavía no hay nada que comparar.",
    },
    "overview.added": {"en": "Added", "es": "Añadidos"},
    "overview.removed": {"en": "Removed", "es": "Retirados"},
    "overview.corrected": {"en": "Signing date corrected by ICE", "es": "Fecha de firma corregida por ICE"},
    "overview.signed_before": {"en": "Signed (listed before)", "es": "Firmado (antes)"},
    "overview.nothing": {"en": "Nothing", "es": "Nada"},
    "overview.states_table": {"en": "States", "es": "Estados"},
    "model.TFM": {"en": "Task Force", "es": "Fuerza de Tarea"},
    "model.JEM": {"en": "Jail Enforcement", "es": "Control en la Cárcel"},
    "model.WSO": {"en": "Warrant Service Officer", "es": "Oficial de Servicio de Órdenes"},
    "model.TFM.does": {
        "en": "Officers question and arrest people on immigration grounds during their routine police work.",
        "es": "Los agentes interrogan y arrestan por motivos migratorios durante su trabajo policial ordinario.",
    },
    "model.JEM.does": {
        "en": "Jail officers question people booked into the jail, lodge detainers and process them for removal.",
        "es": "Los oficiales de la cárcel interrogan a las personas detenidas, emiten retenciones y las "
        "procesan para su deportación.",
    },
    "model.WSO.does": {
        "en": "Trained jail officers serve ICE's administrative warrants (I-200, I-205) inside their own jail, "
        "at release from criminal custody, and hold the person for ICE for up to 48 hours.",
        "es": "Oficiales capacitados sirven las órdenes administrativas de ICE (I-200, I-205) dentro de su "
        "propia cárcel, al salir de la custodia penal, y retienen a la persona para ICE hasta 48 horas.",
    },
    "stance.prohibits": {"en": "prohibits", "es": "prohíbe"},
    "stance.restricts": {"en": "restricts", "es": "restringe"},
    "stance.mandates": {"en": "mandates", "es": "obliga"},
    "stance.encourages": {"en": "encourages", "es": "fomenta"},
    "stance.none": {"en": "no state law recorded", "es": "sin ley estatal registrada"},
    "verdict.prohibited": {"en": "prohibited", "es": "prohibido"},
    "verdict.restricted": {"en": "restricted", "es": "restringido"},
    "verdict.mandated": {"en": "allowed; meets the mandate", "es": "permitido; cumple el mandato"},
    "verdict.permitted": {"en": "permitted", "es": "permitido"},
    "col.state": {"en": "State", "es": "Estado"},
    "col.agency": {"en": "Agency", "es": "Agencia"},
    "col.model": {"en": "Model", "es": "Modelo"},
    "col.status": {"en": "Status", "es": "Estado"},
    "col.signed": {"en": "Signed", "es": "Firmado"},
    "col.first_listed": {"en": "First listed", "es": "Primera vez listado"},
    "col.last_listed": {"en": "Last listed", "es": "Última vez listado"},
    "col.removed": {"en": "Removed", "es": "Retirado"},
    "col.moa": {"en": "MOA", "es": "MOA"},
    "col.agreements": {"en": "Agreements", "es": "Acuerdos"},
    "col.law": {"en": "State law", "es": "Ley estatal"},
    "col.kind": {"en": "Kind", "es": "Tipo"},
    "col.county": {"en": "County", "es": "Condado"},
    "col.total": {"en": "Total", "es": "Total"},
    "col.rule": {"en": "Rule", "es": "Regla"},
    "col.citation": {"en": "Citation", "es": "Cita"},
    "col.severity": {"en": "Severity", "es": "Gravedad"},
    "col.applies_to": {"en": "Applies to", "es": "Se aplica a"},
    "col.date": {"en": "Date", "es": "Fecha"},
    "col.allowed": {"en": "Allowed by state law?", "es": "¿Lo permite la ley estatal?"},
    "status.active": {"en": "active", "es": "vigente"},
    "status.removed": {"en": "removed", "es": "retirado"},
    "status.pending": {"en": "pending", "es": "pendiente"},
    "status.corrected": {
        "en": "listed again by ICE under a corrected signing date",
        "es": "listado de nuevo por ICE con una fecha de firma corregida",
    },
    "overview.pending": {"en": "pending", "es": "pendientes"},  # a count of agencies ICE lists as pending
    "state.heading": {"en": "{name}", "es": "{name}"},
    "state.law": {"en": "State law", "es": "Ley estatal"},
    "state.confidence": {"en": "confidence", "es": "confianza"},
    "state.effective": {"en": "in effect from", "es": "vigente desde"},
    "state.existing_end": {"en": "existing agreements end", "es": "los acuerdos existentes terminan"},
    "state.agencies": {"en": "Agencies and agreements", "es": "Agencias y acuerdos"},
    "kind.county": {"en": "county", "es": "condado"},
    "kind.municipal": {"en": "municipal", "es": "municipal"},
    "kind.state": {"en": "state", "es": "estatal"},
    "state.no_agencies": {
        "en": "ICE's spreadsheets list no agency in this state.",
        "es": "Las hojas de ICE no listan ninguna agencia en este estado.",
    },
    "state.mandate": {"en": "Mandate coverage", "es": "Cumplimiento del mandato"},
    "state.mandate_covered": {
        "en": "{law}: in {covered} of the state's {total} counties, the sheriff has an agreement ICE lists as active.",
        "es": "{law}: en {covered} de los {total} condados del estado, el sheriff tiene un acuerdo vigente según ICE.",
    },
    "state.mandate_uncovered": {
        "en": "The {n} counties whose sheriff has none",
        "es": "Los {n} condados cuyo sheriff no tiene ninguno",
    },
    "state.mandate_not_counted": {
        "en": "Not counted (filed by ICE as county agencies, they run no county jail): {names}.",
        "es": "No se cuentan (ICE las registra como agencias de condado, pero no administran una cárcel): {names}.",
    },
    "state.mandate_unmatched": {
        "en": "Agencies whose county is not recognised: {names}.",
        "es": "Agencias cuyo condado no se reconoce: {names}.",
    },
    "state.mandate_text": {
        "en": "State law {law} requires {binds} to seek an agreement. Agencies listed by ICE: {n}.",
        "es": "La ley estatal {law} exige que {binds} busquen un acuerdo. Agencias en la lista de ICE: {n}.",
    },
    "state.eligibility": {"en": "Is each model allowed here today?", "es": "¿Se permite cada modelo aquí hoy?"},
    "state.eligibility_note": {
        "en": "For a new agreement signed today. An agreement signed before a prohibiting law may run until the day "
        "the law ends existing agreements; each agency's page gives the answer for its own agreements.",
        "es": "Para un acuerdo nuevo firmado hoy. Un acuerdo firmado antes de una ley que lo prohíbe puede seguir "
        "hasta el día en que la ley termina los acuerdos existentes; la página de cada agencia da la respuesta "
        "para sus propios acuerdos.",
    },
    "scope.287g": {"en": "287(g) agreements", "es": "acuerdos 287(g)"},
    "scope.detainer_holds": {
        "en": "holds on I-247A detainers without a judicial warrant",
        "es": "retenciones por detainers I-247A sin orden judicial",
    },
    "scope.detention_agreements": {
        "en": "agreements to detain for civil immigration purposes for a fee (IGSA, U.S. Marshals)",
        "es": "acuerdos para detener por motivos migratorios civiles a cambio de pago (IGSA, U.S. Marshals)",
    },
    "agency.grace": {
        "en": "signed before {laws}: may run until {until}",
        "es": "firmado antes de {laws}: puede seguir hasta {until}",
    },
    "agency.heading": {"en": "{name}", "es": "{name}"},
    "agency.agreements": {"en": "Agreements", "es": "Acuerdos"},
    "agency.none": {
        "en": "ICE's spreadsheets list no agreement for this agency.",
        "es": "Las hojas de ICE no listan ningún acuerdo para esta agencia.",
    },
    "agency.life": {"en": "Life of the agreement", "es": "Vida del acuerdo"},
    "agency.allowed_days": {"en": "State law on each day", "es": "La ley estatal cada día"},
    "agency.what_model_allows": {"en": "What this model lets officers do", "es": "Lo que este modelo permite"},
    "agency.pending_since": {"en": "pending since", "es": "pendiente desde"},
    "signed.pending": {"en": "not signed: pending with ICE", "es": "sin firmar: pendiente ante ICE"},
    "signed.unknown": {"en": "no date in ICE's list", "es": "sin fecha en la lista de ICE"},
    "agency.renewal_of": {"en": "renewal of", "es": "renovación de"},
    "rules.heading": {"en": "The rules of the program", "es": "Las reglas del programa"},
    "search.heading": {"en": "Search agencies", "es": "Buscar agencias"},
    "search.placeholder": {"en": "Agency or county name", "es": "Nombre de la agencia o del condado"},
    "search.button": {"en": "Search", "es": "Buscar"},
    "search.none": {"en": "No agency matches.", "es": "Ninguna agencia coincide."},
    "search.any_state": {"en": "Any state", "es": "Cualquier estado"},
    "footer.source": {
        "en": "Source: ICE's lists of participating and pending agencies, as captured; state laws with citations. "
        "No personal data is shown on these pages. Every figure is also in the JSON API at /api.",
        "es": "Fuente: las listas de ICE de agencias participantes y pendientes, según se capturaron; leyes "
        "estatales con sus citas. Estas páginas no muestran datos personales. Cada cifra está también en la "
        "API JSON en /api.",
    },
    "signin.heading": {"en": "Sign in to the console", "es": "Iniciar sesión en la consola"},
    "signin.draft": {
        "en": "Your session had ended, so the form was not sent and nothing was changed. Sign in and you go back "
        "to the form with what you typed.",
        "es": "Su sesión había terminado, así que el formulario no se envió y no se cambió nada. Inicie sesión y "
        "volverá al formulario con lo que escribió.",
    },
    "signin.username": {"en": "Username", "es": "Usuario"},
    "signin.password": {"en": "Password", "es": "Contraseña"},
    "signin.failed": {"en": "Wrong username or password.", "es": "Usuario o contraseña incorrectos."},
    "signin.throttled": {
        "en": "Too many failed sign-ins: try again in {seconds} seconds.",
        "es": "Demasiados intentos fallidos: vuelva a intentarlo en {seconds} segundos.",
    },
    "nav.records": {"en": "Public records", "es": "Registros públicos"},
    "records.heading": {
        "en": "Ask for the records the program leaves behind",
        "es": "Pida los registros que deja el programa",
    },
    "records.intro": {
        "en": "Every state has a public-records law. Choose your state to see the law, its deadline, fees and "
        "appeal route; below is what to ask for and what each record shows.",
        "es": "Cada estado tiene una ley de acceso a registros públicos. Elija su estado para ver la ley, su "
        "plazo, las tarifas y cómo apelar; abajo está qué pedir y qué muestra cada registro.",
    },
    "records.show": {"en": "Show", "es": "Mostrar"},
    "records.deadline": {"en": "Response deadline", "es": "Plazo de respuesta"},
    "records.residency": {"en": "Only residents may ask", "es": "Solo pueden pedir los residentes"},
    "records.yes": {"en": "yes", "es": "sí"},
    "records.no": {"en": "no", "es": "no"},
    "records.fees": {"en": "Fees", "es": "Tarifas"},
    "records.appeal": {"en": "If refused, appeal to", "es": "Si se niega, apelar ante"},
    "records.source": {"en": "Source", "es": "Fuente"},
    "records.what_to_ask": {"en": "What to ask for", "es": "Qué pedir"},
    "records.cli": {
        "en": "The same letter from the command line:",
        "es": "La misma carta desde la línea de comandos:",
    },
    "letter.heading": {"en": "Get the letter", "es": "Obtenga la carta"},
    "letter.choose_state": {
        "en": "Choose the agency's state above: the letter cites that state's law and its deadline.",
        "es": "Elija arriba el estado de la agencia: la carta cita la ley de ese estado y su plazo.",
    },
    "letter.agency": {"en": "Agency (as ICE lists it)", "es": "Agencia (como la lista ICE)"},
    "letter.choose": {"en": "— choose —", "es": "— elija —"},
    "letter.unlisted": {
        "en": "or the name of an agency ICE does not list",
        "es": "o el nombre de una agencia que ICE no lista",
    },
    "letter.name": {"en": "Your name", "es": "Su nombre"},
    "letter.email": {"en": "Your e-mail (optional)", "es": "Su correo electrónico (opcional)"},
    "letter.address": {
        "en": "Your postal address (optional; some states answer only their residents)",
        "es": "Su dirección postal (opcional; algunos estados solo responden a sus residentes)",
    },
    "letter.language": {"en": "Language of the letter", "es": "Idioma de la carta"},
    "letter.english": {"en": "English", "es": "inglés"},
    "letter.spanish": {"en": "Spanish", "es": "español"},
    "letter.format": {"en": "File", "es": "Archivo"},
    "letter.format.pdf": {"en": "PDF", "es": "PDF"},
    "letter.format.docx": {"en": "Word (DOCX), to edit", "es": "Word (DOCX), para editar"},
    "letter.format.md": {"en": "Plain text", "es": "Texto simple"},
    "letter.download": {"en": "Download the letter", "es": "Descargar la carta"},
    "letter.privacy": {
        "en": "Nothing you type here is kept: it goes into the letter, and the letter only to you.",
        "es": "No se guarda nada de lo que escriba aquí: va a la carta, y la carta solo a usted.",
    },
    "letter.error.requester": {
        "en": "Give your name: the letter is signed with it.",
        "es": "Indique su nombre: la carta va firmada con él.",
    },
    "letter.error.no_agency": {
        "en": "Choose the agency from the list, or type its name.",
        "es": "Elija la agencia de la lista, o escriba su nombre.",
    },
    "letter.error.unknown_agency": {
        "en": "That agency is not in ICE's lists for this state: choose one from the list.",
        "es": "Esa agencia no está en las listas de ICE para este estado: elija una de la lista.",
    },
    "letter.error.ambiguous": {
        "en": "That name matches several agencies ICE lists: {names}. Choose one from the list.",
        "es": "Ese nombre coincide con varias agencias que lista ICE: {names}. Elija una de la lista.",
    },
    "letter.error.empty": {
        "en": "No list of ICE's has been loaded here yet, so the letter cannot say which agreements the agency "
        "has. Whoever runs this site can load them with wso registry fetch.",
        "es": "Aquí todavía no se ha cargado ninguna lista de ICE, así que la carta no puede decir qué acuerdos tiene "
        "la agencia. Quien administra este sitio puede cargarlas con wso registry fetch.",
    },
    "letter.error.other": {"en": "No letter: {message}.", "es": "No se hizo la carta: {message}."},
    "agency.letter": {
        "en": "Ask this agency for its records: get a ready letter",
        "es": "Pida sus registros a esta agencia: obtenga una carta lista",
    },
    "error.not_found": {"en": "Not found", "es": "No encontrado"},
    "error.bad_request": {"en": "The request could not be read", "es": "No se pudo leer la solicitud"},
    "error.signin": {"en": "Sign in first", "es": "Inicie sesión primero"},
    "error.forbidden": {"en": "Not allowed", "es": "No permitido"},
    "error.method": {
        "en": "This address does not take that kind of request",
        "es": "Esta dirección no acepta ese tipo de solicitud",
    },
    "error.too_large": {"en": "Too large", "es": "Demasiado grande"},
    "error.bad_input": {"en": "Some of what was sent cannot be used", "es": "Parte de lo enviado no se puede usar"},
    "error.other": {"en": "Something went wrong", "es": "Algo salió mal"},
    "error.server": {"en": "The server failed", "es": "El servidor falló"},
    "error.stale_form": {
        "en": "This form was open too long or came from another session, so it was not accepted. Nothing was "
        "changed. Go back, reload the page and send it again.",
        "es": "Este formulario estuvo abierto demasiado tiempo o vino de otra sesión, así que no se aceptó. No se "
        "cambió nada. Vuelva, recargue la página y envíelo de nuevo.",
    },
    "error.back": {"en": "Back to the form", "es": "Volver al formulario"},
    "error.home": {"en": "Home", "es": "Inicio"},
    # The paging links of a long list (_paging.html)
    "paging.pages": {"en": "Pages", "es": "Páginas"},
    "paging.page_of": {
        "en": "Page {page} of {pages} ({total} in all)",
        "es": "Página {page} de {pages} ({total} en total)",
    },
    "paging.prev": {"en": "Previous", "es": "Anterior"},
    "paging.next": {"en": "Next", "es": "Siguiente"},
    # A value a form or an address cannot use, by pydantic's kind of error (English pages keep pydantic's words)
    "input.string_too_long": {
        "en": "at most {max_length} characters",
        "es": "como máximo {max_length} caracteres",
    },
    "input.greater_than_equal": {"en": "{ge} or more", "es": "{ge} o más"},
    "input.less_than_equal": {"en": "{le} or less", "es": "{le} o menos"},
    "input.int_parsing": {"en": "a whole number", "es": "un número entero"},
    "input.missing": {"en": "Field required", "es": "Campo obligatorio"},
    "input.literal_error": {"en": "one of {expected}", "es": "uno de {expected}"},
    "input.unknown_state": {
        "en": "state: {value!r} is no state; choose one from the list, or give a USPS code (TX) or a name (Texas).",
        "es": "state: {value!r} no es un estado; elija uno de la lista, o indique un código USPS (TX) o un nombre "
        "(Texas).",
    },
    "input.too_long": {
        "en": "{field}: at most {limit} characters; this one has {length}. Shorten it and search again.",
        "es": "{field}: como máximo {limit} caracteres; este tiene {length}. Acórtelo y busque de nuevo.",
    },
    "watch.heading": {"en": "Be told when this changes", "es": "Reciba un aviso cuando esto cambie"},
    "watch.intro": {
        "en": "We compare each new list ICE publishes with the one before and tell you what changed. Your address "
        "is used for nothing else and shown to nobody.",
        "es": "Comparamos cada nueva lista que publica ICE con la anterior y le avisamos de lo que cambió. Su "
        "dirección no se usa para nada más ni se muestra a nadie.",
    },
    "watch.feed": {"en": "Atom feed", "es": "Canal Atom"},
    "watch.channel": {"en": "How", "es": "Cómo"},
    "watch.email": {"en": "E-mail", "es": "Correo electrónico"},
    "watch.webhook": {"en": "Webhook (https URL)", "es": "Webhook (URL https)"},
    "watch.address": {"en": "Address or URL", "es": "Dirección o URL"},
    "watch.model": {"en": "Model", "es": "Modelo"},
    "watch.change": {"en": "Kind of change", "es": "Tipo de cambio"},
    "watch.any": {"en": "Any", "es": "Cualquiera"},
    "watch.submit": {"en": "Subscribe", "es": "Suscribirse"},
    "watch.change.signed": {"en": "Signed", "es": "Firmado"},
    "watch.change.removed": {"en": "Removed", "es": "Retirado"},
    "watch.change.redated": {"en": "Re-dated", "es": "Fecha corregida"},
    "watch.change.pending_listed": {"en": "Listed as pending", "es": "En la lista de pendientes"},
    "watch.change.pending_signed": {"en": "Pending, then signed", "es": "Pendiente, luego firmado"},
    "watch.check_email": {
        "en": "Almost done: we have sent a link to your address. Nothing will be sent before you follow it.",
        "es": "Casi listo: enviamos un enlace a su dirección. No se enviará nada antes de que lo siga.",
    },
    "watch.check_webhook": {
        "en": "Almost done: your URL will receive a signed request with a link to confirm. Keep this secret: it "
        "signs every message (webhook-signature, Standard Webhooks). It is shown only this once:",
        "es": "Casi listo: su URL recibirá una solicitud firmada con un enlace para confirmar. Guarde este secreto: "
        "firma cada mensaje (webhook-signature, Standard Webhooks). Solo se muestra esta vez:",
    },
    "watch.refused": {"en": "Not subscribed", "es": "No se pudo suscribir"},
    "watch.confirm_heading": {"en": "Confirm your subscription", "es": "Confirme su suscripción"},
    "watch.confirm_button": {"en": "Confirm", "es": "Confirmar"},
    "watch.confirmed": {"en": "Confirmed: you will be told of: {what}.", "es": "Confirmado: le avisaremos de: {what}."},
    "watch.unsubscribe_heading": {"en": "Stop these messages", "es": "Dejar de recibir estos mensajes"},
    "watch.unsubscribe_button": {"en": "Unsubscribe", "es": "Cancelar la suscripción"},
    "watch.unsubscribed": {
        "en": "Done: nothing more will be sent to you.",
        "es": "Listo: no se le enviará nada más.",
    },
    "watch.unknown_link": {
        "en": "This link names no subscription (it may have ended already).",
        "es": "Este enlace no corresponde a ninguna suscripción (puede que ya haya terminado).",
    },
    "nav.skip": {"en": "Skip to the content", "es": "Ir al contenido"},
    "nav.label": {"en": "Site", "es": "Sitio"},
    "stale.heading": {
        "en": "ICE's newest list here is {days} days old.",
        "es": "La lista más reciente de ICE aquí tiene {days} días.",
    },
    "stale.text": {
        "en": "It was published on {day}; today is {today}. ICE may have signed or ended agreements since, and "
        "these pages would not show them.",
        "es": "Se publicó el {day}; hoy es {today}. Desde entonces ICE puede haber firmado o terminado acuerdos, y "
        "estas páginas no los mostrarían.",
    },
    "stale.fetch": {
        "en": "Whoever runs this site can fetch ICE's current lists with",
        "es": "Quien administra este sitio puede descargar las listas actuales de ICE con",
    },
    "stale.watch": {
        "en": "(once), or keep them fresh with",
        "es": "(una vez), o mantenerlas al día con",
    },
    "confidence.high": {"en": "high", "es": "alta"},
    "confidence.medium": {"en": "medium", "es": "media"},
    "confidence.low": {"en": "low", "es": "baja"},
    "severity.violation": {"en": "violation", "es": "infracción"},
    "severity.warning": {"en": "warning", "es": "advertencia"},
    "severity.info": {"en": "information", "es": "información"},
    "verdict.mandated_one": {
        "en": "(one agreement of any model the law names is enough)",
        "es": "(basta un acuerdo de cualquiera de los modelos que nombra la ley)",
    },
    "state.mandate_one": {
        "en": "mandates one 287(g) agreement, of any of {models}",
        "es": "exige un acuerdo 287(g), de cualquiera de {models}",
    },
    "state.mandate_words": {
        "en": "What {law} requires, as the law words it:",
        "es": "Lo que exige {law}, en los términos de la ley:",
    },
    "state.mandate_pending": {
        "en": "Of these, {n} counties' sheriffs have an agreement ICE lists as pending (applied for, not in force): "
        "{names}.",
        "es": "De ellos, en {n} condados el sheriff tiene un acuerdo que ICE lista como pendiente (solicitado, no "
        "vigente): {names}.",
    },
    "state.mandate_cannot_tell": {
        "en": "The registry cannot tell which agencies of {state} lack an agreement.",
        "es": "El registro no puede decir qué agencias de {state} no tienen un acuerdo: no hay una lista de sus "
        "condados, o su mandato aún no está en vigor.",
    },
    "state.in_force_total": {
        "en": "Agreements in force: {n} ({models}).",
        "es": "Acuerdos vigentes: {n} ({models}).",
    },
    "state.pending_total": {
        "en": "Pending with ICE, not in force: {n}.",
        "es": "Pendientes ante ICE, no vigentes: {n}.",
    },
    "col.in_force": {"en": "In force", "es": "Vigentes"},
    "col.pending": {"en": "Pending", "es": "Pendientes"},
    "col.agreements_in_force": {"en": "Agreements in force", "es": "Acuerdos vigentes"},
    "search.none_means": {
        "en": "ICE's lists (the newest of {day}) name every agency with an agreement in force or pending: an agency "
        "not found here has no agreement ICE lists.",
        "es": "Las listas de ICE (la más reciente del {day}) nombran cada agencia con un acuerdo vigente o "
        "pendiente: una agencia que no aparece aquí no tiene ningún acuerdo en esas listas.",
    },
    "search.county": {"en": "{county} County, {state}", "es": "Condado de {county}, {state}"},
    "search.county_none": {
        "en": "ICE lists no agreement of its sheriff.",
        "es": "ICE no lista ningún acuerdo de su sheriff.",
    },
    "search.county_pending": {
        "en": "its sheriff's agreement is pending with ICE, not in force.",
        "es": "el acuerdo de su sheriff está pendiente ante ICE, no vigente.",
    },
    "search.county_in_force": {
        "en": "its sheriff has an agreement in force.",
        "es": "su sheriff tiene un acuerdo vigente.",
    },
    "search.state_mandates": {"en": "{state} requires one:", "es": "{state} lo exige:"},
    "search.state_prohibits": {"en": "{state} prohibits them:", "es": "{state} los prohíbe:"},
    "search.state_restricts": {"en": "{state} restricts them:", "es": "{state} los restringe:"},
    "search.state_encourages": {"en": "{state} encourages them:", "es": "{state} los fomenta:"},
    "search.state_none": {
        "en": "{state}: no state law on 287(g) agreements is recorded.",
        "es": "{state}: no hay ninguna ley estatal registrada sobre los acuerdos 287(g).",
    },
    "search.near": {"en": "Near matches", "es": "Coincidencias cercanas"},
    "search.near_note": {
        "en": "Names in which a word typed only begins a longer word, or is spelled a little differently.",
        "es": "Nombres en los que una palabra escrita solo empieza una palabra más larga, o se escribe un poco "
        "distinto.",
    },
}


def translator(lang: Lang) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][lang]
        return text.format(**values) if values else text

    return t


def pick_language(query_lang: str | None, accept_language: str | None) -> Lang:
    """`?lang=` wins; else the highest-weighted language of Accept-Language we have; else English."""
    if query_lang in LANGS:
        return "es" if query_lang == "es" else "en"
    best: tuple[float, Lang] | None = None
    for part in (accept_language or "").split(","):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower().split("-")[0]
        weight = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag in LANGS and weight > 0 and (best is None or weight > best[0]):
            best = (weight, "es" if tag == "es" else "en")
    return best[1] if best else "en"
