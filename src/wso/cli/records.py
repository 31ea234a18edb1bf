"""`wso records`: public-records requests for what the 287(g) program leaves behind, and their tracking."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from wso.cli.common import JsonFlag, database, emit_json, fail, parse_date
from wso.clock import SystemClock
from wso.program import UnknownValue
from wso.records import (
    FORMATS,
    AmbiguousAgency,
    EmptyRegistry,
    FactsFileError,
    Lang,
    LetterAgency,
    MissingRequester,
    NoFacts,
    RecordSet,
    Requester,
    RequestView,
    StateFacts,
    TrackerError,
    UnknownFormat,
    UnknownLanguage,
    UnknownRecordSet,
    compose_letter,
    due_requests,
    event_day,
    facts_for,
    find_agency,
    list_requests,
    log_event,
    parse_format,
    parse_lang,
    parse_set_ids,
    public_view,
    record_sets,
    render_letter,
    show_request,
    state_facts,
    track_request,
    write_atomic,
)
from wso.settings import get_settings

app = typer.Typer(help="Public-records requests for what the 287(g) program leaves behind.", no_args_is_help=True)

FactsOption = Annotated[
    Path | None,
    typer.Option("--facts", help="A CSV of public-records facts that adds or corrects states (default: setting)."),
]
LangOption = Annotated[str, typer.Option("--lang", help="Language: en or es.")]
AgencyOption = Annotated[str | None, typer.Option("--agency", help="The agency's name, as ICE lists it.")]
StateOption = Annotated[str | None, typer.Option("--state", help="The agency's state (USPS code, e.g. TX).")]
SetsOption = Annotated[
    str | None, typer.Option("--sets", help="Record sets to ask for, comma-separated ids (default: all).")
]
NameOption = Annotated[str | None, typer.Option("--requester-name", help="Who asks (personal data; never public).")]
EmailOption = Annotated[str | None, typer.Option("--requester-email", help="The requester's email.")]
AddressOption = Annotated[
    str | None,
    typer.Option("--requester-address", help="The requester's postal address, ending with the state (and ZIP)."),
]
UnlistedOption = Annotated[
    bool, typer.Option("--unlisted", help="The agency is not in ICE's lists: do not look it up in the registry.")
]
IdentifiedOption = Annotated[
    bool, typer.Option("--identified", help="Include the requester's name, email and address (personal data).")
]


def _lang(value: str) -> Lang:
    try:
        return parse_lang(value)
    except UnknownLanguage as exc:
        fail(str(exc))


def _facts_table(facts_file: Path | None) -> Mapping[str, StateFacts]:
    extra = facts_file if facts_file is not None else get_settings().records_facts_file
    try:
        return state_facts(extra)
    except FactsFileError as exc:
        fail(str(exc))


def _facts(state: str | None, facts_file: Path | None) -> StateFacts:
    if state is None or not state.strip():
        fail("the agency's state is missing; give --state XX")
    table = _facts_table(facts_file)
    try:
        return facts_for(state, table)
    except NoFacts as exc:
        fail(str(exc))


def _sets(text: str | None) -> tuple[RecordSet, ...]:
    try:
        return parse_set_ids(text)
    except UnknownRecordSet as exc:
        fail(str(exc))


def _agency_name(name: str | None) -> str:
    if name is None or not name.strip():
        fail("the agency's name is missing; give --agency NAME")
    return name.strip()


def _today() -> date:
    """The day a letter is dated by default: the machine's local day."""
    return SystemClock().now().astimezone().date()


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


@app.command("sets")
def sets_command(lang: LangOption = "en", json_: JsonFlag = False) -> None:
    """The record sets a request can ask for, with the rules that make each exist and what each shows."""
    views = record_sets(_lang(lang))
    if json_:
        emit_json(views)
        return
    for view in views:
        typer.echo(f"{view.id}: {view.title}\n  {view.records}\n  {view.shows}\n  rules: {', '.join(view.rules)}")


@app.command("facts")
def facts_command(
    state: Annotated[str | None, typer.Argument(help="One state (USPS code); default: all.")] = None,
    facts_file: FactsOption = None,
    json_: JsonFlag = False,
) -> None:
    """Each state's public-records law: citation, response deadline, residency, fees, appeal route."""
    table = _facts_table(facts_file)
    if state is not None:
        try:
            rows: list[StateFacts] = [facts_for(state, table)]
        except NoFacts as exc:
            fail(str(exc))
    else:
        rows = list(table.values())
    if json_:
        emit_json(rows)
        return
    for facts in rows:
        days = f"{facts.response_deadline_days} {facts.deadline_kind} days" if facts.response_deadline_days else "none"
        residents = "; residents only" if facts.requester_residency_required else ""
        typer.echo(f"{facts.state}  {facts.law_name} ({facts.citation}); deadline: {days}{residents}")


@app.command("letter")
def letter_command(
    agency: AgencyOption = None,
    state: StateOption = None,
    requester_name: NameOption = None,
    requester_email: EmailOption = None,
    requester_address: AddressOption = None,
    sets: SetsOption = None,
    lang: LangOption = "en",
    format_: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write (md and html print to stdout without it).")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="The letter's date, YYYY-MM-DD (default: today).")] = None,
    facts_file: FactsOption = None,
    unlisted: UnlistedOption = False,
) -> None:
    """Write a public-records request letter to an agency under its state's law."""
    language = _lang(lang)
    try:
        fmt = parse_format(format_)
    except UnknownFormat as exc:
        fail(str(exc))
    if out is None and fmt in ("pdf", "docx"):
        fail(f"--out FILE is needed for {fmt}")
    if out is not None and not (out.parent if str(out.parent) else Path(".")).is_dir():
        fail(f"--out {out}: folder {out.parent} does not exist")
    if out is not None and out.is_dir():
        fail(f"--out {out} is a folder; give the letter's file name, e.g. {out / ('letter.' + fmt)}")
    day = parse_date(on, option="--on") if on is not None else _today()
    try:
        requester = Requester(name=requester_name or "", email=requester_email, address=requester_address)
    except MissingRequester as exc:
        fail(str(exc))
    chosen = _sets(sets)
    facts = _facts(state, facts_file)
    name = _agency_name(agency)
    if unlisted:  # as given: no registry to look in, so no database to open
        target = LetterAgency(name=name, state=facts.state)
    else:
        db = database()
        try:
            with db.session() as session:
                found = find_agency(session, name, facts, clock=SystemClock())
        except (AmbiguousAgency, EmptyRegistry) as exc:
            fail(str(exc))
        finally:
            db.dispose()
        for warning in found.warnings:
            _warn(warning)
        target = found.agency
    letter = compose_letter(agency=target, facts=facts, requester=requester, sets=chosen, lang=language, on=day)
    for note in letter.notes:
        _warn(note)
    data = render_letter(letter, fmt)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    try:
        write_atomic(out, data)
    except OSError as exc:
        fail(f"--out {out}: {exc}")
    typer.echo(f"wrote {out} ({fmt}, {len(data)} bytes): {letter.agency.name}, {facts.citation}", err=True)


def _print_request(view: RequestView) -> None:
    due = f"due {view.due}" if view.due else f"follow up {view.follow_up}" if view.follow_up else "not sent"
    typer.echo(f"#{view.id}  {view.status:<18} {view.state}  {view.agency}  ({view.citation}; {due})")


@app.command("new")
def new_command(
    agency: AgencyOption = None,
    state: StateOption = None,
    sent: Annotated[str | None, typer.Option("--sent", help="The day it was sent, YYYY-MM-DD (else a draft).")] = None,
    requester_name: NameOption = None,
    requester_email: EmailOption = None,
    requester_address: AddressOption = None,
    sets: SetsOption = None,
    lang: LangOption = "en",
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the 'sent' event.")] = None,
    facts_file: FactsOption = None,
    unlisted: UnlistedOption = False,
    identified: IdentifiedOption = False,
    json_: JsonFlag = False,
) -> None:
    """Track a new request: prints its id, citation, deadline and due date."""
    language = _lang(lang)
    sent_on = parse_date(sent, option="--sent") if sent is not None else None
    chosen = _sets(sets)
    requester: Requester | None = None
    if requester_name or requester_email or requester_address:
        try:
            requester = Requester(name=requester_name or "", email=requester_email, address=requester_address)
        except MissingRequester as exc:
            fail(str(exc))
    facts = _facts(state, facts_file)
    name = _agency_name(agency)
    db = database()
    try:
        # One transaction: a refused request leaves nothing behind, not even a bundled snapshot loaded for it.
        with db.session() as session:
            tracked = track_request(
                session,
                agency=name,
                facts=facts,
                clock=SystemClock(),
                unlisted=unlisted,
                sent=sent_on,
                requester=requester,
                sets=chosen,
                lang=language,
                note=note,
            )
    except (TrackerError, AmbiguousAgency, EmptyRegistry) as exc:
        fail(str(exc))
    finally:
        db.dispose()
    for warning in tracked.warnings:
        _warn(warning)
    shown = tracked.request if identified else public_view(tracked.request)
    if json_:
        emit_json(shown)
    else:
        _print_request(shown)


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option("--status", help="Only requests with this status.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only requests to agencies in this state.")] = None,
    identified: IdentifiedOption = False,
    json_: JsonFlag = False,
) -> None:
    """Every tracked request (without the requester's personal data unless --identified)."""
    db = database()
    try:
        with db.session() as session:
            views = list_requests(session, status=status, state=state, identified=identified)
    except UnknownValue as exc:  # a filter none of the known values: refused, naming its option
        fail(f"--{exc.what}: {exc}")
    except TrackerError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    if json_:
        emit_json(views)
        return
    for view in views:
        _print_request(view)


@app.command("due")
def due_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day, YYYY-MM-DD (default: today).")] = None,
    json_: JsonFlag = False,
) -> None:
    """Open requests due (or to follow up) on or before a day; past-due ones flagged overdue."""
    day = parse_date(as_of, option="--as-of") if as_of is not None else event_day(SystemClock())
    db = database()
    try:
        with db.session() as session:
            entries = due_requests(session, day)
    finally:
        db.dispose()
    if json_:
        emit_json(entries)
        return
    for entry in entries:
        flag = f"OVERDUE by {entry.days_overdue} days" if entry.overdue else "due today"
        label = "due" if entry.kind == "due" else "follow up"
        typer.echo(f"#{entry.id}  {entry.state}  {entry.agency}: {label} {entry.when} ({flag}; {entry.status})")


@app.command("log")
def log_command(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    event: Annotated[str, typer.Argument(help="What happened: sent, acknowledged, extended, fee-estimate, ...")],
    on: Annotated[str | None, typer.Option("--on", help="When, YYYY-MM-DD (default: today).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="For 'extended': the new due date, YYYY-MM-DD.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the event.")] = None,
    json_: JsonFlag = False,
) -> None:
    """Log what happened to a request; an event that cannot follow its status is refused and nothing is written."""
    day = parse_date(on, option="--on") if on is not None else None
    new_due = parse_date(due, option="--due") if due is not None else None
    db = database()
    try:
        with db.session() as session:
            view = log_event(session, request_id, event, clock=SystemClock(), on=day, due=new_due, note=note)
    except TrackerError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    shown = public_view(view)
    if json_:
        emit_json(shown)
    else:
        _print_request(shown)


@app.command("show")
def show_command(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    identified: IdentifiedOption = False,
    json_: JsonFlag = False,
) -> None:
    """One request with its whole history."""
    db = database()
    try:
        with db.session() as session:
            view = show_request(session, request_id, identified=identified)
    except TrackerError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    if json_:
        emit_json(view)
        return
    _print_request(view)
    for event in view.events:
        extra = f" (new due {event.due})" if event.due else ""
        note = f": {event.note}" if event.note else ""
        typer.echo(f"  {event.seq}. {event.on} {event.event}{extra}{note}")
