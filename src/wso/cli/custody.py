"""`wso custody`: The custody ledger: WSO holds with the 48-hour clock."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from wso.cli.common import JsonFlag, counted, database, emit_json, fail
from wso.cli.costs import (
    CsvFlag,
    FacilityOption,
    FromOption,
    MonthOption,
    PerDiemOption,
    ReimbursementOption,
    ToOption,
    period_and_rates,
    show,
)
from wso.clock import SystemClock
from wso.custody import Custody, LogNotifier, Notifier, WebhookNotifier, find_hold, history, holds, sweep, verify
from wso.custody.export import export_hold_records, pseudonym_key
from wso.custody.replay import ReplayError, parse, replay
from wso.program import DetainerReading, UnknownValue, parse_reading, parse_state
from wso.settings import get_settings
from wso.store import open_database

if TYPE_CHECKING:
    from wso.custody import BookingRow, DueRelease, Page, WarrantRow

app = typer.Typer(help="The custody ledger: WSO holds with the 48-hour clock.", no_args_is_help=True)

ReadingOption = Annotated[
    str | None,
    typer.Option("--reading", help="Detainer reading: excluding or flat (default: WSO_DETAINER_READING)."),
]


def _reading(value: str | None) -> DetainerReading:
    if value is None:
        return get_settings().detainer_reading
    try:
        return parse_reading(value)
    except UnknownValue as error:
        fail(f"--reading: {error}")


def _tolerance() -> timedelta:
    """WSO_SERVICE_TOLERANCE_MINUTES as a duration."""
    return timedelta(minutes=get_settings().service_tolerance_minutes)


def _notifier() -> Notifier:
    url = get_settings().webhook_url
    return WebhookNotifier(url) if url else LogNotifier()


@app.command("replay")
def replay_command(
    file: Annotated[Path, typer.Argument(help="A JSONL file: one command per line with `at` and `cmd`.")],
    json_out: JsonFlag = False,
    reading: ReadingOption = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database", help="Replay into this database (default: a fresh temporary one)."),
    ] = None,
) -> None:
    """Replay a day in a jail; print each line's result, every hold's deadline and the alerts raised."""
    try:
        lines = parse(file)
    except ReplayError as error:
        fail(str(error))
    chosen = _reading(reading)
    with tempfile.TemporaryDirectory(prefix="wso-replay-") as tmp:
        db = open_database(database_url or f"sqlite:///{Path(tmp) / 'replay.sqlite3'}")
        try:
            answer = replay(lines, db, detainer_reading=chosen, service_tolerance=_tolerance())
        finally:
            db.dispose()
    if json_out:
        emit_json(answer)
        return
    for result in answer["results"]:
        rule = f" [{result['rule']}]" if "rule" in result else ""
        typer.echo(f"line {result['line']:>3} {result['status']:<8}{rule} {result['message']}")
    for hold in answer["holds"]:
        typer.echo(
            f"hold {hold['warrant']}: {hold['status']}, deadline {hold['deadline']} ({hold['rule']}, {hold['reading']})"
        )
    for alert in answer["alerts"]:
        typer.echo(f"alert {alert['at']} {alert['kind']} {alert['warrant']}")


@app.command("commands")
def commands_command(
    role: Annotated[str | None, typer.Option("--role", help="Only the commands this role may run.")] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The command reference of docs/custody.md, as Markdown.")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """The ledger's commands by task: plain label, ledger name, who may run them, their fields (the catalogue)."""
    from wso.accounts import ROLES
    from wso.custody import catalogue

    if role is not None and role not in ROLES:
        fail(f"--role: unknown role {role!r}; accepted: {', '.join(ROLES)}")
    if markdown:
        typer.echo(catalogue.markdown(), nl=False)
        return
    entries = catalogue.COMMANDS if role is None else catalogue.for_role(role)
    if json_out:
        emit_json(entries)
        return
    for group, listed in catalogue.grouped(entries):
        typer.echo(group)
        for e in listed:
            fields = ", ".join(f.name if f.required else f"[{f.name}]" for f in e.fields)
            typer.echo(f"  {e.label} ({e.name}; {', '.join(e.roles)}): {fields or 'no fields'}")


@app.command("run")
def run_command(
    command: Annotated[str, typer.Argument(help="A command, e.g. ice.notify (see `wso custody commands`).")],
    args: Annotated[str, typer.Argument(help='Its fields as a JSON object, e.g. \'{"warrant": "W-1"}\'.')] = "{}",
    key: Annotated[str | None, typer.Option("--key", help="Idempotency key: a retry is applied once.")] = None,
    actor: Annotated[str, typer.Option("--actor", help="Who acts (recorded in the ledger).")] = "clerk",
    occurred_at: Annotated[
        str | None,
        typer.Option(
            "--occurred-at", help="When the act happened, ISO 8601 with offset, if earlier than now (recorded: now)."
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Apply one command now; exit 1 if it is refused (with the rule and what to do)."""
    from wso.custody import CATALOGUE

    if command not in CATALOGUE:
        fail(f"unknown command {command!r}; known: {', '.join(CATALOGUE)} (see `wso custody commands`)")
    try:
        fields: Any = json.loads(args)
    except json.JSONDecodeError as error:
        fail(f"ARGS is not JSON: {error.msg}")
    if not isinstance(fields, dict):
        fail("ARGS must be a JSON object")
    when: datetime | None = None
    if occurred_at is not None:
        try:
            when = datetime.fromisoformat(occurred_at)
        except ValueError:
            fail(f"--occurred-at: {occurred_at!r} is not an ISO 8601 time")
        if when.tzinfo is None:
            fail(f"--occurred-at: {occurred_at!r} has no UTC offset; add one, e.g. -05:00")
    db = database()
    custody = Custody(
        db,
        SystemClock(),
        detainer_reading=get_settings().detainer_reading,
        service_tolerance=_tolerance(),
        notifier=_notifier(),
    )
    result = custody.run(command, fields, actor=actor, idempotency_key=key, occurred_at=when)
    if json_out:
        emit_json(result)
    else:
        rule = f" [{result.rule}]" if result.rule else ""
        typer.echo(f"{result.status}{rule}: {result.message}")
    if not result.accepted:
        raise typer.Exit(1)


@app.command("holds")
def holds_command(
    json_out: JsonFlag = False,
    open_only: Annotated[bool, typer.Option("--open", help="Only open holds.")] = False,
) -> None:
    """Every hold with its deadline (UTC and the facility's time), time left and status."""
    with database().session() as session:
        views = holds(session, SystemClock().now(), open_only=open_only)
    if json_out:
        emit_json(views)
        return
    for v in views:
        left = "" if v.seconds_left is None else f", {v.seconds_left / 3600:+.1f} h left"
        typer.echo(f"{v.hold}: {v.status}, deadline {v.deadline_local} ({v.deadline_rule}, {v.reading}){left}")


@app.command("history")
def history_command(
    hold: Annotated[str, typer.Argument(help="A hold id or its warrant's id.")],
    json_out: JsonFlag = False,
) -> None:
    """A hold's events in order, with their hashes, and the alerts raised on it."""
    with database().session() as session:
        found = find_hold(session, hold)
        if found is None:
            fail(f"no hold {hold!r} (give a hold id or a warrant id)")
        answer = history(session, found)
    if json_out:
        emit_json(answer)
        return
    for event in answer["events"]:
        typer.echo(
            f"{event['seq']:>3} {event['occurred_at']} {event['kind']:<22} {event['actor']:<12} {event['hash'][:12]}"
        )
    if answer["alerts"]:
        typer.echo("alerts:")
    for alert in answer["alerts"]:
        typer.echo(f"    {alert['due_at']} {alert['kind']:<22} {alert['text']}")


@app.command("verify")
def verify_command(json_out: JsonFlag = False) -> None:
    """Recompute every hold's and every officer's hash chain; name the first broken link of each broken chain
    (exit 1)."""
    with database().session() as session:
        result = verify(session)
    if json_out:
        emit_json(
            {
                "ok": result.ok,
                "holds": result.holds,
                "events": result.events,
                "broken": result.broken,
                "officers": result.officers,
                "officer_events": result.officer_events,
                "broken_officers": result.broken_officers,
            }
        )
    elif result.ok:
        typer.echo(
            f"ok: {result.holds} holds, {result.events} events, {result.officers} officers, "
            f"{result.officer_events} officer events, every chain verifies"
        )
    else:
        for link in result.broken:
            typer.echo(f"broken: hold {link.hold_id} at event {link.seq}: {link.problem}")
        for officer in result.broken_officers:
            typer.echo(f"broken: officer {officer.officer_id} at event {officer.seq}: {officer.problem}")
    if not result.ok:
        raise typer.Exit(1)


@app.command("sweep")
def sweep_command(json_out: JsonFlag = False) -> None:
    """Raise every alert now due (each once) through the notifier (webhook if WSO_WEBHOOK_URL, else the log)."""
    with database().session() as session:
        raised = sweep(session, SystemClock(), _notifier())
    if json_out:
        emit_json(raised)
        return
    typer.echo(f"{len(raised)} alert(s) raised")
    for alert in raised:
        typer.echo(f"  {alert.kind} {alert.warrant} (due {alert.due_at})")


@app.command("export")
def export_command(
    out: Annotated[
        Path, typer.Option("--out", help="Directory for holds.csv, officers.csv, agreements.csv, complaints.csv.")
    ],
    identified: Annotated[
        bool, typer.Option("--identified", help="Real ids and persons.csv with personal data (jail use only).")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """Export the ledger as hold-record schema v2, pseudonymised unless --identified."""
    with database().session() as session:
        key = pseudonym_key(get_settings())
        summary = export_hold_records(session, out, key, identified=identified, as_of=SystemClock().now())
    if json_out:
        emit_json(summary)
        return
    for name, count in summary.files.items():
        typer.echo(f"{out / name}: {counted(count, 'row')}")


@app.command("cost")
def cost_command(
    facility: FacilityOption = None,
    since: FromOption = None,
    until: ToOption = None,
    month: MonthOption = None,
    per_diem: PerDiemOption = None,
    reimbursement: ReimbursementOption = None,
    json_out: JsonFlag = False,
    csv_out: CsvFlag = False,
) -> None:
    """What the holds cost the county, per facility and month: hours, unreimbursed and reimbursed, bed-days, and
    money at the rates given (hours / 24 × rate). See docs/cost.md."""
    from wso.custody import ledger_cost
    from wso.program.cost import CostInputError

    period, rates = period_and_rates(since, until, month, per_diem, reimbursement, json_out=json_out, csv_out=csv_out)
    with database().session() as session:
        try:
            report = ledger_cost(session, SystemClock().now(), facility=facility, period=period, rates=rates)
        except CostInputError as error:
            fail(str(error))
    show(report, json_out=json_out, csv_out=csv_out)


# ---- the desk: who is due for release, bookings, warrants ------------------------------------------------------

IdentifiedFlag = Annotated[
    bool, typer.Option("--identified", help="Show the person's name, date of birth and A-number (the jail's own use).")
]
AtOption = Annotated[
    str | None, typer.Option("--at", help="Judge at this moment (ISO 8601 with offset) instead of now.")
]
SearchOption = Annotated[
    str, typer.Option("--q", help="A booking or warrant number (with --identified, also a name), or part of one.")
]
PageOption = Annotated[int, typer.Option("--page", min=1, help="Page number, from 1.")]
PerPageOption = Annotated[int, typer.Option("--per-page", min=1, max=200, help="Rows per page.")]
StateOption = Annotated[str, typer.Option("--state", help="The agency's state (USPS code).")]
InFacilityOption = Annotated[str, typer.Option("--facility", help="Only this facility.")]


def _state(text: str) -> str:
    """The --state filter as a USPS code ("" for none); a state none of the program's is refused, not searched."""
    if not text.strip():
        return ""
    try:
        return parse_state(text)
    except UnknownValue as exc:
        fail(f"--state: {exc}")


def _at(value: str | None) -> datetime:
    if value is None:
        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--at: not an ISO 8601 time: {value!r} (e.g. 2026-03-06T09:00:00-05:00)")
    if moment.utcoffset() is None:
        fail(f"--at: {value!r} has no UTC offset; add one, e.g. -05:00")
    return moment


T = TypeVar("T")


def _show(answer: object, lines: Iterable[str], *, json_out: bool) -> None:
    """What a desk command found: `answer` as JSON, else its `lines` as text."""
    if json_out:
        emit_json(answer)
        return
    for line in lines:
        typer.echo(line)


def _page_lines(found: Page[T], noun: str, page: int, line: Callable[[T], str]) -> Iterator[str]:
    """A page of a list as text: how many match in all and which page this is, then one `line` a row."""
    yield f"{counted(found.total, noun)}; page {page}"
    yield from map(line, found.rows)


def _due_line(r: DueRelease) -> str:
    serve = "serve now" if r.may_serve else {"early": "not yet", "late": "do not serve"}.get(r.moment, r.moment)
    return f"{r.booking}: release {r.release_local} ({r.release_kind}), {', '.join(r.warrants)}: {serve}"


def _booking_line(b: BookingRow) -> str:
    waiting = f", waiting: {', '.join(b.waiting)}" if b.waiting else ""
    return f"{b.booking} ({b.facility}): release {b.scheduled_release_local}{waiting}"


def _warrant_line(w: WarrantRow) -> str:
    where = f"hold {w.hold} {w.hold_status}" if w.hold else "waiting for service"
    return f"{w.warrant} ({w.form}) on {w.booking}: {where}"


@app.command("board")
def board_command(
    hours: Annotated[int, typer.Option("--hours", min=1, max=168, help="How far ahead and back to look.")] = 24,
    at: AtOption = None,
    identified: IdentifiedFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Who is due for release within --hours with an I-200 or I-205 waiting for service, and whether a WSO may
    serve now (WSO-SCHEDULED-RELEASE, within WSO_SERVICE_TOLERANCE_MINUTES of the release)."""
    from wso.custody import due_for_release

    with database().session() as session:
        rows = due_for_release(session, _at(at), timedelta(hours=hours), tolerance=_tolerance(), personal=identified)
    nobody = [] if rows else [f"nobody is due for release within {hours} hours with a warrant waiting"]
    _show(rows, [*nobody, *map(_due_line, rows)], json_out=json_out)


@app.command("bookings")
def bookings_command(
    q: SearchOption = "",
    facility: InFacilityOption = "",
    state: StateOption = "",
    page: PageOption = 1,
    per_page: PerPageOption = 50,
    identified: IdentifiedFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Bookings, latest scheduled release first, with their warrants and those waiting for service."""
    from wso.custody import Search, bookings

    search = Search(q=q, facility=facility, state=_state(state), personal=identified)
    with database().session() as session:
        found = bookings(session, search, offset=(page - 1) * per_page, limit=per_page)
    _show(found, _page_lines(found, "booking", page, _booking_line), json_out=json_out)


@app.command("warrants")
def warrants_command(
    q: SearchOption = "",
    facility: InFacilityOption = "",
    state: StateOption = "",
    status: Annotated[str, typer.Option("--status", help="waiting (no hold yet) or served.")] = "",
    page: PageOption = 1,
    per_page: PerPageOption = 50,
    identified: IdentifiedFlag = False,
    json_out: JsonFlag = False,
) -> None:
    """Warrants received, latest first: waiting for service, or served (with the hold's status)."""
    from wso.custody import Search, warrants

    search = Search(q=q, facility=facility, state=_state(state), status=status, personal=identified)
    with database().session() as session:
        try:
            found = warrants(session, search, offset=(page - 1) * per_page, limit=per_page)
        except ValueError as error:
            fail(f"--status: {error}")
    _show(found, _page_lines(found, "warrant", page, _warrant_line), json_out=json_out)
