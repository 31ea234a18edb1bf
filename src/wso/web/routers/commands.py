"""The custody ledger's commands as forms and as API calls. Each is checked by the ledger against the program's
rules; a refusal is shown with its rule id, title, citation and message, and nothing is written. Who may run
which command depends on the role (the auditor runs none); every command, accepted or refused, is recorded with
its actor. A form's `next` (a `/console/` path) is where an accepted command leads (303: Post/Redirect/Get)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, field_validator

from wso.accounts import Principal
from wso.custody import HANDLERS
from wso.web.console import (
    KINDS,
    CommandOut,
    CommandSpec,
    NotAllowed,
    UnknownCommand,
    args_from_form,
    command_specs,
    execute,
    parse_occurred_at,
)
from wso.web.deps import (
    NOT_FOUND,
    ApiUser,
    ApiWriter,
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
    """A command's fields (the replay vocabulary: `wso custody run COMMAND ARGS`), an optional idempotency key (a
    retry with the same key is applied once and answered with the first result), and when the act happened if
    it is recorded afterwards."""

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
    """Every ledger command with its fields and the roles that may run it (`allowed`: whether you may)."""
    return command_specs(user.role)


CommandPath = Annotated[str, Path(description="A ledger command", json_schema_extra={"enum": list(HANDLERS)})]


@router.post("/api/console/commands/{command}", response_model=CommandOut, responses=REFUSED)
def api_run(
    command: CommandPath,
    body: CommandIn,
    user: ApiWriter,
    custody: CustodyDep,
    database: DatabaseDep,
    remote: RemoteDep,
) -> Any:
    """Run one command now (recorded with you as the actor): 200 when accepted, 409 with the rule when refused."""
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


# Commands that move a person out of the jail's custody: a console form asks once more before it runs them (a
# page framed elsewhere, or a stray click, gets a question, not a release).
CONFIRM: dict[str, str] = {
    "custody.release": "Release this person from the hold? This ends the hold and cannot be undone.",
    "custody.transfer": "Transfer this person to ICE's custody? This ends the hold and cannot be undone.",
    "custody.continue": "Continue this hold under a detention agreement?",
}


def _confirmation(request: Request, user: Principal, command: str, fields: dict[str, str]) -> HTMLResponse:
    kept = [(k, v) for k, v in fields.items() if k not in ("csrf_token", "confirm")]
    context = {
        "command": command,
        "question": CONFIRM[command],
        "kept": kept,
        "shown": [(k, v) for k, v in kept if v.strip() and k != "next"],
        "warrant": fields.get("warrant", ""),
    }
    return render(request, "console/confirm.html", context, user=user)


def local_next(value: str | None) -> str | None:
    """A form's `next` when it is a path of the console (`/console/...`), else None: never another site, never a
    scheme-relative `//host` or a backslash a browser might read as one."""
    if not value:
        return None
    value = value.strip()
    if not value.startswith("/console/") or "\\" in value or any(c in value for c in "\r\n"):
        return None
    return value


def _page(
    request: Request,
    user: Principal,
    chosen: str | None,
    *,
    result: CommandOut | None = None,
    error: str | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """The commands page; after a refusal the form keeps what was typed (`values`), to correct and resend."""
    context = {
        "specs": command_specs(user.role),
        "chosen": chosen,
        "result": result,
        "error": error,
        "values": values or {},
    }
    return render(request, "console/commands.html", context, user=user, status_code=status)


@router.get("/console/commands", response_class=HTMLResponse, include_in_schema=False)
def commands_page(request: Request, user: ConsoleUser, command: Annotated[str | None, Query()] = None) -> HTMLResponse:
    return _page(request, user, command)


@router.get("/console/commands/{command}", response_class=HTMLResponse, include_in_schema=False)
def command_page(request: Request, command: str, user: ConsoleUser) -> HTMLResponse:
    """One command's form, its fields pre-filled from the query (`?warrant=W-1&next=/console/holds/...`)."""
    if command not in HANDLERS:
        return _page(request, user, None, error=str(UnknownCommand(command)), status=404)
    return _page(request, user, command, values=dict(request.query_params))


@router.post("/console/commands/{command}", response_class=HTMLResponse, include_in_schema=False)
def command_form(
    request: Request,
    command: str,
    user: ConsoleWriter,
    fields: FormFields,
    custody: CustodyDep,
    database: DatabaseDep,
    remote: RemoteDep,
) -> Response:
    if command in CONFIRM and fields.get("confirm") != "yes" and user.can_write:
        return _confirmation(request, user, command, fields)
    try:
        occurred_at = parse_occurred_at(fields.get("occurred_at"))
    except ValueError as error:
        return _page(request, user, command, error=str(error), status=400)
    args = args_from_form(command, fields) if command in HANDLERS else {}
    try:
        check_args(args, KINDS)
    except OutOfRange as error:
        return _page(request, user, command, error=str(error), status=422, values=fields)
    try:
        out = execute(
            custody,
            database,
            user,
            command,
            args,
            key=fields.get("idempotency_key", "").strip() or None,
            occurred_at=occurred_at,
            remote=remote,
        )
    except UnknownCommand as error:
        return _page(request, user, None, error=str(error), status=404)
    except NotAllowed as error:
        return _page(request, user, command, error=str(error), status=403)
    back = local_next(fields.get("next"))
    if out.status == "accepted" and back is not None:  # Post/Redirect/Get: a refresh never sends it again
        return RedirectResponse(back, status_code=303)
    status = 200 if out.status == "accepted" else 409
    return _page(request, user, command, result=out, status=status, values=fields)
