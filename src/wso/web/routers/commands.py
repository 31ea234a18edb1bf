"""The custody ledger's commands as forms and as API calls, and the setup path of a new jail built of them. Each is
read from custody's one catalogue (plain labels, task groups, who may run it, pickers for references) and checked
by the ledger against the program's rules; a refusal is shown with its rule id, title, citation and message, and
nothing is written. Who may run which command depends on the role (the auditor runs none); every command,
accepted or refused, is recorded with its actor. A form that names a local `next` page goes there on success
(303, so a refresh never re-submits)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session

from wso.accounts import Principal, record_action
from wso.custody import CATALOGUE, HANDLERS, catalogue, choices
from wso.web import flash
from wso.web.commandforms import (
    KINDS,
    CommandSpec,
    FieldError,
    args_from_form,
    command_spec,
    command_specs,
    moment,
    safe_next,
)
from wso.web.console import CommandOut, NotAllowed, UnknownCommand, execute, journal_message
from wso.web.deps import (
    NOT_FOUND,
    ApiUser,
    ApiWriter,
    ClockDep,
    ConsoleUser,
    ConsoleWriter,
    CustodyDep,
    DatabaseDep,
    FormFields,
    Problem,
    RemoteDep,
)
from wso.web.ranges import OutOfRange, ProgramDateTime, check_args
from wso.web.rendering import render

router = APIRouter(tags=["console"])

Scalar = str | int | float | bool | None


class CommandIn(BaseModel):
    """A command's fields (the replay vocabulary: `wso custody run COMMAND ARGS`; times in ISO 8601 with an
    offset), an optional idempotency key (a retry with the same key is applied once and answered with the first
    result), and when the act happened if it is recorded afterwards."""

    args: dict[str, Scalar] = Field(default_factory=dict, max_length=100)
    idempotency_key: str | None = Field(default=None, max_length=200)
    occurred_at: ProgramDateTime | None = None

    @field_validator("args")
    @classmethod
    def _in_range(cls, args: dict[str, Scalar]) -> dict[str, Scalar]:
        check_args(args, KINDS)
        return args


REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": CommandOut, "description": "Refused by a rule; nothing was written"},
    403: {"model": Problem, "description": "This role may not run the command"},
    **NOT_FOUND,
}


@router.get("/api/console/commands", response_model=list[CommandSpec])
def api_commands(user: ApiUser) -> list[CommandSpec]:
    """Every ledger command from the catalogue: its plain label, task group, fields (label, kind, required,
    choices, the record a reference names) and the roles that may run it (`allowed`: whether you may)."""
    return command_specs(user.role)


CommandPath = Annotated[str, Path(description="A ledger command", json_schema_extra={"enum": list(HANDLERS)})]


def _api_times(command: str, args: dict[str, Scalar]) -> None:
    """A time field of the API must be ISO 8601 with an offset: 422 naming the field otherwise."""
    entry = CATALOGUE.get(command)
    for field in entry.fields if entry is not None else ():
        value = args.get(field.name)
        if field.kind != "datetime" or not isinstance(value, str) or not value.strip():
            continue
        try:
            moment(value, None, field.name)
        except FieldError as error:
            message = str(error)
            if "zone is not known" in message:
                message = f"field {field.name!r}: {value.strip()!r} has no UTC offset; add one, e.g. -05:00"
            # the shape of FastAPI's own 422, so that a client reads both alike
            problem = {"loc": ["body", "args", field.name], "msg": message, "type": "value_error"}
            raise HTTPException(status_code=422, detail=[problem]) from None


@router.post("/api/console/commands/{command}", response_model=CommandOut, responses=REFUSED)
def api_run(
    command: CommandPath,
    body: CommandIn,
    user: ApiWriter,
    custody: CustodyDep,
    database: DatabaseDep,
    remote: RemoteDep,
) -> Any:
    """Run one command now (recorded with you as the actor): 200 when accepted, 409 with the rule when refused,
    422 naming a field that cannot be read."""
    _api_times(command, body.args)
    try:
        out = execute(
            custody,
            database,
            user,
            command,
            body.args,
            key=body.idempotency_key or None,
            occurred_at=body.occurred_at,
            remote=remote,
        )
    except UnknownCommand as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    if out.status == "refused":
        return JSONResponse(out.model_dump(mode="json"), status_code=409)
    return out


# ---- the forms --------------------------------------------------------------------------------------------------


def _pickers(session: Session, command: str, clock: ClockDep) -> dict[str, list[choices.Option]]:
    entry = catalogue.entry(command)
    today = clock.now().date()
    return {f.name: choices.options(session, f, today, command) for f in entry.fields if f.kind == "reference"}


def _form_page(
    request: Request,
    user: Principal,
    command: str,
    database: DatabaseDep,
    clock: ClockDep,
    *,
    values: dict[str, str] | None = None,
    result: CommandOut | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """One command's form; after a refusal it keeps what was typed (`values`), to correct and resend."""
    kept = values or {}
    with database.session() as session:
        pickers = _pickers(session, command, clock)
        zone = choices.facility_zone(session, command, kept)
    context: dict[str, Any] = {
        "chosen": command_spec(command, user.role),
        "groups": [],
        "values": kept,
        "pickers": pickers,
        "zone": zone,
        "next": safe_next(kept.get("next")) or "",
        "result": result,
        "error": error,
    }
    return render(request, "console/commands.html", context, user=user, status_code=status)


def _list_page(request: Request, user: Principal) -> HTMLResponse:
    specs = [s for s in command_specs(user.role) if s.allowed]
    groups = [(g, [s for s in specs if s.group == g]) for g in catalogue.GROUPS if any(s.group == g for s in specs)]
    context: dict[str, Any] = {"chosen": None, "groups": groups, "values": {}, "result": None, "error": None}
    return render(request, "console/commands.html", context, user=user)


@router.get("/console/commands", response_class=HTMLResponse, include_in_schema=False)
def commands_page(
    request: Request,
    user: ConsoleUser,
    database: DatabaseDep,
    clock: ClockDep,
    command: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """The commands the role may run, by task; `?command=` shows that one's form."""
    if command is not None and command in CATALOGUE:
        return _form_page(request, user, command, database, clock)
    return _list_page(request, user)


@router.get("/console/commands/{command}", response_class=HTMLResponse, include_in_schema=False)
def command_page(
    request: Request, command: str, user: ConsoleUser, database: DatabaseDep, clock: ClockDep
) -> HTMLResponse:
    """One command's form, its fields pre-filled from query parameters of the same names."""
    if command not in CATALOGUE:
        raise HTTPException(status_code=404, detail=f"no ledger command {command!r}")
    values = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    if not catalogue.may_run(user.role, command):
        message = f"role {user.role!r} may not run {command}; it is for: {', '.join(CATALOGUE[command].roles)}"
        return _form_page(request, user, command, database, clock, error=message, status=403, values=values)
    return _form_page(request, user, command, database, clock, values=values)


def _confirmation(request: Request, user: Principal, command: str, fields: dict[str, str]) -> HTMLResponse:
    kept = [(k, v) for k, v in fields.items() if k not in ("csrf_token", "confirm")]
    entry = CATALOGUE[command]
    labels = {f.name: f.label for f in entry.fields}
    context = {
        "command": command,
        "label": entry.label,
        "question": entry.confirm,
        "kept": kept,
        "shown": [(labels.get(k, k), v) for k, v in kept if v.strip() and k in labels],
        "warrant": fields.get("warrant", ""),
    }
    return render(request, "console/confirm.html", context, user=user)


def _input_refusal(
    database: DatabaseDep,
    clock: ClockDep,
    user: Principal,
    command: str,
    error: Exception,
    remote: str | None,
    fields: dict[str, str],
) -> CommandOut:
    """A form's field the console could not read: refused (INPUT) before the ledger, and journaled like a refusal
    (never with a personal field's value)."""
    message = str(error)
    with database.session() as session:
        record_action(
            session,
            at=clock.now(),
            actor=user.username,
            kind="command",
            detail=f"{command}: refused by INPUT: {journal_message(message, fields)}",
            ok=False,
            remote=remote,
        )
    return CommandOut(command=command, status="refused", message=message, rule="INPUT", actor=user.username)


def _prepare(database: DatabaseDep, command: str, fields: dict[str, str]) -> tuple[dict[str, Any], Any]:
    """The command's fields from the form, a blank new id made from the catalogue's field, and `occurred_at`, all
    read in the facility's zone. Raises FieldError or OutOfRange naming the field."""
    with database.session() as session:
        zone = choices.facility_zone(session, command, fields)
        args = args_from_form(command, fields, zone)
        entry = CATALOGUE[command]
        id_field = entry.field("id")
        if id_field is not None and id_field.derive and not args.get("id"):
            made = catalogue.derive_id(command, args, choices.taken_ids(session, command))
            if made is not None:
                args["id"] = made
    occurred = fields.get("occurred_at", "").strip()
    when = moment(occurred, zone, "occurred_at") if occurred else None
    check_args(args, KINDS)
    return args, when


@router.post("/console/commands/{command}", response_class=HTMLResponse, include_in_schema=False)
def command_form(
    request: Request,
    command: str,
    user: ConsoleWriter,
    fields: FormFields,
    custody: CustodyDep,
    database: DatabaseDep,
    clock: ClockDep,
    remote: RemoteDep,
) -> Response:
    entry = CATALOGUE.get(command)
    if entry is None:
        return _page_not_found(request, user, command)
    if entry.confirm and fields.get("confirm") != "yes" and user.can_write:
        return _confirmation(request, user, command, fields)
    try:
        args, when = _prepare(database, command, fields)
    except (FieldError, OutOfRange) as error:
        out = _input_refusal(database, clock, user, command, error, remote, fields)
        return _after(request, user, command, database, clock, fields, out, status=422)
    try:
        out = execute(
            custody,
            database,
            user,
            command,
            args,
            key=fields.get("idempotency_key", "").strip() or None,
            occurred_at=when,
            remote=remote,
        )
    except NotAllowed as error:
        return _form_page(request, user, command, database, clock, error=str(error), status=403, values=fields)
    target = safe_next(fields.get("next"))
    if out.status == "accepted" and target is not None:
        _confirm_later(request, database, command, fields, when or clock.now(), target)
        return RedirectResponse(target, status_code=303)
    return _after(request, user, command, database, clock, fields, out, status=200 if out.status == "accepted" else 409)


def _confirm_later(
    request: Request, database: DatabaseDep, command: str, fields: dict[str, str], at: datetime, target: str
) -> None:
    """Keep, for the page the browser is sent to, what the command did and when, in the facility's zone."""
    with database.session() as session:
        zone = choices.facility_zone(session, command, fields)
    text = flash.done_text(command, CATALOGUE[command].label, at, zone)
    flash.put(request.scope.setdefault("session", {}), unquote(target.split("?")[0]), text)


def _page_not_found(request: Request, user: Principal, command: str) -> HTMLResponse:
    context: dict[str, Any] = {"chosen": None, "groups": [], "values": {}, "result": None}
    context["error"] = f"no ledger command {command!r}"
    return render(request, "console/commands.html", context, user=user, status_code=404)


def _after(
    request: Request,
    user: Principal,
    command: str,
    database: DatabaseDep,
    clock: ClockDep,
    fields: dict[str, str],
    out: CommandOut,
    *,
    status: int,
) -> HTMLResponse:
    """The page after a command: the setup page when the form came from it, else the command's form; a refused
    form keeps what was typed."""
    kept = fields if out.status == "refused" else {}
    if safe_next(fields.get("next")) == "/console/setup":
        return _setup_page(request, user, database, clock, chosen=command, values=kept, result=out, status=status)
    return _form_page(request, user, command, database, clock, values=kept, result=out, status=status)


# ---- the setup path ---------------------------------------------------------------------------------------------

SETUP = ("agreement", "facility", "officer.nominate", "officer.exam", "officer.certify", "officer.authorize")


def _setup_page(
    request: Request,
    user: Principal,
    database: DatabaseDep,
    clock: ClockDep,
    *,
    q: str = "",
    chosen: str | None = None,
    values: dict[str, str] | None = None,
    result: CommandOut | None = None,
    status: int = 200,
) -> HTMLResponse:
    with database.session() as session:
        steps = choices.setup_steps(session)
        pickers = {name: _pickers(session, name, clock) for name in SETUP}
        wanted = [w for w in q.lower().split() if w]
        listed = choices.registry_agencies(session, clock.now().date()) if wanted else []
        found = [o for o in listed if all(w in o.label.lower() for w in wanted)]
    current = next((s.command for s in steps if not s.done), None)
    context = {
        "steps": steps,
        "current": current,
        "order": SETUP,
        "forms": {name: command_spec(name, user.role) for name in (*SETUP, "agency")},
        "pickers": pickers,
        "values": values or {},
        "chosen": chosen,
        "q": q,
        "found": found[:50],
        "result": result,
        "error": None,
    }
    return render(request, "console/setup.html", context, user=user, status_code=status)


@router.get("/console/setup", response_class=HTMLResponse, include_in_schema=False)
def setup_page(
    request: Request,
    user: ConsoleUser,
    database: DatabaseDep,
    clock: ClockDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """A new jail, step by step: what is done and what comes next, each step a catalogue command (supervisors and
    admins, who may run them)."""
    if not all(catalogue.may_run(user.role, name) for name in ("agency", *SETUP)):
        raise HTTPException(status_code=403, detail="setting up a jail is for a supervisor or an admin")
    return _setup_page(request, user, database, clock, q=q)
