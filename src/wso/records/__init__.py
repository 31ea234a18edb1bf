"""Public-records requests for what the 287(g) program leaves behind, under each state's law, and their tracking.

Public functions (the CLI and the web application call only these; everything named here is in `__all__`):

- record sets: `record_sets(lang)` -> list of `RecordSetView` (id, title, records, shows, rules), `record_set(id)`,
  `choose_sets(ids)`, `parse_set_ids(text)` (raises `UnknownRecordSet`), `parse_lang(text)`, `RECORD_SETS`, `LANGS`;
- state facts: `state_facts(extra=None)` (every state; `extra` a user's CSV, raises `FactsFileError`),
  `facts_for(state, facts=None)` (raises `NoFacts`), `StateFacts`;
- residency: `state_of_address(address)`, `residency_warning(facts, address, lang)` -> `ResidencyWarning` or None;
- due dates: `due_dates(facts, sent)`, `due_dates_for(state, kind, days, sent)` -> `DueDates(due, follow_up)`;
- letters: `lookup_agency(session, name, state)` -> `LetterAgency` (raises `AmbiguousAgency`, and `EmptyRegistry`
  when the registry holds no ICE list: it cannot then tell "no agreement" from "not loaded"),
  `compose_letter(agency=, facts=, requester=, sets=, lang=, on=)` -> `Letter` (`Requester(name)` raises
  `MissingRequester` for an empty name), `render_letter(letter, fmt)` -> bytes (`FORMATS`; raises `UnknownFormat`),
  `write_atomic(path, data)` (whole file or nothing).

The tracker: each function takes a SQLAlchemy `Session` first (the caller owns the transaction, e.g.
`with database.session() as session:`), and a `Clock` where "today" matters; the domain never reads the system
clock. Every refusal raises a `TrackerError` (message for the user) before anything is added to the session, so a
refused command writes nothing.

- new: `new_request(session, agency=, facts=, clock=, sent=None, agency_id=None, requester=None, sets=RECORD_SETS,
  lang="en", note=None)` -> `RequestDetail`; a draft when `sent` is None, else status "sent" with its due date.
  Raises `TrackerError` (no agency name) or `BadEventDate` (sent after today).
- list: `list_requests(session, status=None, state=None, identified=False)` -> list of `RequestView`, oldest first.
  Raises `TrackerError` for an unknown status (`STATUSES`).
- due: `due_requests(session, as_of)` -> list of `DueEntry` (id, agency, state, citation, status, sent, due,
  follow_up, when, kind "due" or "follow_up", overdue, days_overdue), earliest first: requests awaiting an answer
  (`AWAITING`) whose due (or follow-up) date is on or before `as_of`.
- log: `log_event(session, request_id, event, clock=, on=None, due=None, note=None)` -> `RequestDetail`; `event` one
  of `EVENTS` (`parse_event` raises `UnknownEvent`), `on` defaults to `event_day(clock)`, `due` only and always for
  "extended" (the new due date, which replaces the old). Raises `UnknownRequest`, `IllegalTransition` (the event
  cannot follow the status: `TRANSITIONS[status]` lists those that can, so a form can offer only them) or
  `BadEventDate`.
- show: `show_request(session, request_id, identified=False)` -> `RequestDetail` (a `RequestView` with `events`, a
  tuple of `EventView`: seq, event, on, due, note, recorded_at). Raises `UnknownRequest`.

`RequestView.requester` (a `RequesterView`: name, email, address) is personal data: it is None unless the caller
passes `identified=True` (list, show), and `new_request`/`log_event` return it filled in, so a caller that shows
their result must drop it with `public_view(view)` unless its user asked for the person.

What the doors share (`wso records new/letter/log/due` and the console's tracker call these, not code of their own):

- `track_request(session, agency=, facts=, clock=, unlisted=False, sent=None, requester=None, sets=, lang=, note=None)`
  -> `Tracked(request, warnings)`: `find_agency(session, name, facts, clock=, unlisted=False)` -> `Found(agency,
  warnings)` (an empty registry first gets the bundled snapshot, with a warning), then `new_request`;
- `public_view(view)`: the view without the requester;
- `event_day(clock, zone=None)`: the tracker's today (an event's default day, `due`'s default day).
"""

from wso.records.agency import AmbiguousAgency, EmptyRegistry, lookup_agency
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
from wso.records.track import Found, Tracked, find_agency, track_request
from wso.records.tracker import (
    AWAITING,
    EVENTS,
    STATUSES,
    TRANSITIONS,
    BadEventDate,
    DueEntry,
    Event,
    EventView,
    IllegalTransition,
    RequestDetail,
    RequesterView,
    RequestView,
    TrackerError,
    UnknownEvent,
    UnknownRequest,
    due_requests,
    event_day,
    list_requests,
    log_event,
    new_request,
    parse_event,
    public_view,
    show_request,
)

__all__ = [
    "AWAITING",
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
    "EmptyRegistry",
    "Event",
    "EventView",
    "FactsFileError",
    "Format",
    "Found",
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
    "RequesterView",
    "ResidencyWarning",
    "StateFacts",
    "Tracked",
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
    "event_day",
    "facts_for",
    "find_agency",
    "list_requests",
    "log_event",
    "lookup_agency",
    "new_request",
    "parse_event",
    "parse_format",
    "parse_lang",
    "parse_set_ids",
    "public_view",
    "record_set",
    "record_sets",
    "render_letter",
    "residency_warning",
    "show_request",
    "state_facts",
    "state_of_address",
    "track_request",
    "write_atomic",
]
