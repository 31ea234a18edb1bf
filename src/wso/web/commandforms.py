"""The ledger's commands as the console offers them, read from custody's one catalogue: which role may run which,
the forms' fields with their pickers, a form's strings turned into a command's fields (times typed in the
facility's zone become UTC, refusing a time that a daylight-saving change skips or repeats), and where a form
may send the browser on success."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from wso.custody import CATALOGUE, catalogue
from wso.web.ranges import FIRST_YEAR, LAST_YEAR, aware_in_program_years

FieldKind = Literal["text", "bool", "number", "date", "datetime", "choice", "reference"]


class ChoiceOut(BaseModel):
    value: str
    label: str


class FieldSpec(BaseModel):
    """A command's field: its ledger name, plain label, kind (a `reference` names a record of `refers_to`; a
    `datetime` is typed in the facility's zone), whether it is required, and help."""

    name: str
    label: str
    required: bool
    kind: FieldKind
    help: str = ""
    choices: list[ChoiceOut] = []
    refers_to: str | None = None
    many: bool = False
    derived: bool = False  # a new record's id: left blank, the console makes one
    personal: bool = False


class CommandSpec(BaseModel):
    """A ledger command: its name (the ledger's), plain label, help, task group, fields, the roles that may run
    it, and whether the asking user may."""

    name: str
    label: str
    help: str
    group: str
    fields: list[FieldSpec]
    roles: list[str]
    allowed: bool
    confirm: str | None = None


def field_spec(field: catalogue.Field) -> FieldSpec:
    return FieldSpec(
        name=field.name,
        label=field.label,
        required=field.required and field.derive is None,
        kind=field.kind,
        help=field.help,
        choices=[ChoiceOut(value=c.value, label=c.label) for c in field.choices],
        refers_to=field.refers_to,
        many=field.many,
        derived=field.derive is not None,
        personal=field.personal,
    )


def command_spec(command: str, role: str) -> CommandSpec:
    entry = catalogue.entry(command)
    return CommandSpec(
        name=entry.name,
        label=entry.label,
        help=entry.help,
        group=entry.group,
        fields=[field_spec(f) for f in entry.fields],
        roles=list(entry.roles),
        allowed=role in entry.roles,
        confirm=entry.confirm,
    )


def command_specs(role: str) -> list[CommandSpec]:
    """Every ledger command, in the catalogue's order (by task), with what `role` may run."""
    return [command_spec(e.name, role) for e in catalogue.COMMANDS]


def command_roles(command: str) -> tuple[str, ...]:
    found = CATALOGUE.get(command)
    return found.roles if found is not None else ()


def may_run(role: str, command: str) -> bool:
    return catalogue.may_run(role, command)


# A field's kind by its name, for the range checks of `wso.web.ranges.check_args` (dates and times).
KINDS: dict[str, str] = {f.name: f.kind for e in catalogue.COMMANDS for f in e.fields}

TRUE = ("true", "yes", "on", "1", "y")
FALSE = ("false", "no", "off", "0", "n")
FORM_META = ("csrf_token", "extra", "idempotency_key", "occurred_at", "next", "confirm")


class FieldError(ValueError):
    """A form's value the console cannot turn into the command's field; `field` names it (answered 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field!r}: {message}")
        self.field = field


def args_from_form(command: str, form: Mapping[str, str], zone: str | None = None) -> dict[str, Any]:
    """A command's fields from a form's strings: empty fields left out, yes/no fields as booleans (anything else
    is passed on for the ledger to refuse with its message), times typed in the facility's zone (`zone`) as UTC,
    and any `name=value` lines of `extra`. FieldError for a time that cannot be read."""
    args: dict[str, Any] = {}
    entry = catalogue.entry(command)
    for line in str(form.get("extra", "")).splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() and name.strip() not in FORM_META:
            args[name.strip()] = value.strip()
    for field in entry.fields:
        value = str(form.get(field.name, "")).strip()
        if value:
            args[field.name] = value
    for name, value in list(args.items()):
        found = entry.field(name)
        if found is None or not isinstance(value, str):
            continue
        if found.kind == "bool" and value.lower() in TRUE + FALSE:
            args[name] = value.lower() in TRUE
        elif found.kind == "datetime":
            args[name] = moment(value, zone, name).isoformat()
    return args


def moment(text: str, zone: str | None, field: str) -> datetime:
    """A time typed in a form, in UTC: ISO 8601 with an offset as it says, or without one (a `datetime-local`
    input) in the facility's zone `zone`. A local time that a daylight-saving change skips (the gap) or repeats
    (the overlap) is refused, saying how to give it."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FieldError(field, f"{text.strip()!r} is not a date and time; pick one, e.g. 2026-03-06T09:00") from None
    if value.tzinfo is None:
        if zone is None:
            raise FieldError(field, "the facility's time zone is not known here; pick the facility first")
        try:
            value = local_to_utc(value, zone)
        except ValueError as error:
            raise FieldError(field, str(error)) from None
    try:
        return aware_in_program_years(value).astimezone(UTC)
    except ValueError as error:
        raise FieldError(field, str(error)) from None


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` as UTC; ValueError when the zone's clocks skip it or show it twice."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r}") from None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise ValueError(f"must fall within {FIRST_YEAR}-{LAST_YEAR}, got year {local.year}")
    early, late = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    shown = f"{local:%Y-%m-%d %H:%M}"
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != local:
            raise ValueError(
                f"{shown} does not exist in {zone}: the clocks skip that hour (daylight saving begins); "
                "give the time the clock showed"
            )
        raise ValueError(
            f"{shown} happens twice in {zone} (daylight saving ends): type it with its offset, "
            f"{early.isoformat(timespec='minutes')} (the first) or {late.isoformat(timespec='minutes')} (the second)"
        )
    return early.astimezone(UTC)


def local_input(value: datetime | None, zone: str | None) -> str:
    """A UTC time as a `datetime-local` input shows it in the facility's zone ("" for none)."""
    if value is None:
        return ""
    if zone:
        value = value.astimezone(ZoneInfo(zone))
    return f"{value:%Y-%m-%dT%H:%M}"


def safe_next(target: str | None) -> str | None:
    """Where a form may send the browser after success: a local console path only (`/console/...`), never another
    site (`//host`, a scheme) nor a path with a line break."""
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/console/") and target != "/console":
        return None
    if target.startswith("//") or "\\" in target or any(c in target for c in "\r\n\t") or ":" in target.split("?")[0]:
        return None
    return target
