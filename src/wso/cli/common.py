"""What every command shares: JSON output, one-line errors with exit status 2, the database."""

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


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one clear line on stderr and stop with a non-zero status."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def parse_date(value: str, *, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date; write it as YYYY-MM-DD")


def database() -> Database:
    from wso.store import open_database

    return open_database()
