"""Public-records requests for what the 287(g) program leaves behind, under each state's law, and their tracking.

Public functions (the CLI and the web application call only these):

- record sets: `record_sets(lang)`, `record_set(id)`, `choose_sets(ids)`, `parse_set_ids(text)`, `RECORD_SETS`;
- state facts: `state_facts(extra=None)`, `facts_for(state, facts=None)`, `StateFacts`, `FactsFileError`, `NoFacts`;
- residency: `state_of_address(address)`, `residency_warning(facts, address, lang)`;
- due dates: `due_dates(facts, sent)`, `due_dates_for(state, kind, days, sent)`;
- letters: `lookup_agency(session, name, state)`, `compose_letter(...)`, `render_letter(letter, fmt)`,
  `write_atomic(path, data)`;
- tracker (Session first): `new_request`, `log_event`, `show_request`, `list_requests`, `due_requests`.
"""

from wso.records.agency import AmbiguousAgency, lookup_agency
from wso.records.due import DueDates, due_dates, due_dates_for
from wso.records.facts import FactsFileError, NoFacts, StateFacts, facts_for, state_facts
from wso.records.letter import Letter, LetterAgency, LetterAgreement, MissingRequester, Requester, compose_letter
from wso.records.render import FORMATS, Format, UnknownFormat, parse_format, render_letter, write_atomic
from wso.records.residency import ResidencyWarning, residency_warning, state_of_address
from wso.records.sets import (
    LANGS,
    RECORD_SETS,
    Lang,
    RecordSet,
    RecordSetView,
    UnknownLanguage,
    UnknownRecordSet,
    choose_sets,
    parse_lang,
    parse_set_ids,
    record_set,
    record_sets,
)
from wso.records.tracker import (
    EVENTS,
    STATUSES,
    TRANSITIONS,
    BadEventDate,
    DueEntry,
    IllegalTransition,
    RequestDetail,
    RequestView,
    TrackerError,
    UnknownEvent,
    UnknownRequest,
    due_requests,
    list_requests,
    log_event,
    new_request,
    parse_event,
    show_request,
)

__all__ = [
    "EVENTS",
    "FORMATS",
    "LANGS",
    "RECORD_SETS",
    "STATUSES",
    "TRANSITIONS",
    "AmbiguousAgency",
    "BadEventDate",
    "DueDates",
    "DueEntry",
    "FactsFileError",
    "Format",
    "IllegalTransition",
    "Lang",
    "Letter",
    "LetterAgency",
    "LetterAgreement",
    "MissingRequester",
    "NoFacts",
    "RecordSet",
    "RecordSetView",
    "RequestDetail",
    "RequestView",
    "Requester",
    "ResidencyWarning",
    "StateFacts",
    "TrackerError",
    "UnknownEvent",
    "UnknownFormat",
    "UnknownLanguage",
    "UnknownRecordSet",
    "UnknownRequest",
    "choose_sets",
    "compose_letter",
    "due_dates",
    "due_dates_for",
    "due_requests",
    "facts_for",
    "list_requests",
    "log_event",
    "lookup_agency",
    "new_request",
    "parse_event",
    "parse_format",
    "parse_lang",
    "parse_set_ids",
    "record_set",
    "record_sets",
    "render_letter",
    "residency_warning",
    "show_request",
    "state_facts",
    "state_of_address",
    "write_atomic",
]
