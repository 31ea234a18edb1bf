"""What every command shares: JSON output, one-line errors with exit status 2 (as JSON with --json), the database."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:  # SQLAlchemy and pydantic load when a command uses them, not when its module is imported
    from wso.store import Database

JsonFlag = Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")]

EXIT_USAGE = 2


def to_json(data: Any) -> str:
    """Dataclasses, pydantic models, dates and paths, as indented JSON."""
    from pydantic_core import to_jsonable_python

    return json.dumps(to_jsonable_python(data), indent=2, ensure_ascii=False, sort_keys=False)


def emit_json(data: Any) -> None:
    sys.stdout.write(to_json(data) + "\n")


def counted(count: int, noun: str) -> str:
    """`count` and `noun`, plural unless the count is one: '1 issue', '0 issues', '13,768 rows'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


class Failure(typer.TyperException):
    """A command's refusal of its input (or its failure), raised by `fail`. The `wso` group
    (`wso.cli.main.json_errors`) prints it as one line on stderr, "error: ...", and, when the command line asked for
    --json, as the JSON of `refusal` on stdout too (as it does click's own usage errors); it exits with
    `exit_code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = code


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Stop with a non-zero status and one clear line on stderr (and JSON on stdout with --json): see Failure."""
    raise Failure(message, code)


def wants_json(args: list[str]) -> bool:
    """Whether the command line `args` asks for JSON: --json among its options (before any `--`)."""
    return "--json" in (args[: args.index("--")] if "--" in args else args)


def refusal(command: str, message: str, code: int) -> dict[str, Any]:
    """A refused command line as JSON, in the shape of the custody ledger's refusals (`wso custody run --json`):
    the command, status "refused", the message, and the rule: INPUT for bad input (exit status 2); with the exit
    status it stops with."""
    return {
        "command": command,
        "status": "refused",
        "message": message,
        "rule": "INPUT" if code == EXIT_USAGE else None,
        "exit": code,
    }


def parse_date(value: str, *, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date; write it as YYYY-MM-DD")


def database() -> Database:
    from wso.store import open_database

    return open_database()
