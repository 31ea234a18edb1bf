"""The `wso` command: one sub-command per room, each loaded only when it runs.

`wso --help` imports this module and Typer, nothing of the rooms: a sub-command's module (`wso.cli.registry`, ...)
and what it imports load only when that sub-command runs or shows its own help. To add a room's sub-command,
write `wso/cli/<room>.py` with a `typer.Typer` named `app`, and add one line to `SUBCOMMANDS` below: its name, its
module, and the one-line help `wso --help` lists (a test keeps that line equal to the module's own help).

A room may keep some answers ready (`wso registry stats --json`: see `wso.registry.ready`): its entry then names
a module of the room whose `ANSWERS` maps command lines to a function giving the answer kept ready, or None when
the command must run as usual, and may name in `COMMANDS` sub-commands whose answer depends on the rest of the
command line (a function of it giving the answer or None). `main` prints such an answer before loading Typer's
commands (whose parameters alone cost a query of that kind more than the query), so the room, not this module,
says which commands may.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Annotated, Any, NamedTuple

import typer
from typer.core import TyperGroup

from wso import __version__


class SubCommand(NamedTuple):
    module: str  # a module holding `app = typer.Typer(...)`
    help: str  # what `wso --help` lists for it, without importing the module
    ready: str | None = None  # a module of the room with `ANSWERS`: its answers kept ready, by command line


SUBCOMMANDS: dict[str, SubCommand] = {
    "registry": SubCommand(
        "wso.cli.registry",
        "ICE's 287(g) spreadsheets over time: agencies, agreements, snapshots.",
        ready="wso.registry.ready",
    ),
    "rules": SubCommand("wso.cli.rules", "The program's rules, state laws and who may (or must) sign what."),
    "custody": SubCommand("wso.cli.custody", "The custody ledger: WSO holds with the 48-hour clock."),
    "audit": SubCommand("wso.cli.audit", "The program's rules over many hold records at once."),
    "records": SubCommand("wso.cli.records", "Public-records requests for what the 287(g) program leaves behind."),
    "users": SubCommand(
        "wso.cli.users",
        "Accounts of the web console (roles: clerk, officer, supervisor, auditor, admin) and API tokens.",
    ),
    "moa": SubCommand("wso.cli.moa", "The signed MOAs: read (OCR where scanned), compared clause by clause, searched."),
    "watch": SubCommand(
        "wso.cli.watch",
        "Watch ICE's 287(g) lists and tell subscribers what changed (`wso watch` runs on its schedule).",
    ),
}


@cache
def load(name: str) -> TyperGroup:
    """The sub-command `name` as a click group, importing its module (once)."""
    module = importlib.import_module(SUBCOMMANDS[name].module)
    group = typer.main.get_group(module.app)
    group.name = name
    plain(group)
    return group


def plain(command: Any) -> None:
    """Help as plain text, without Rich (importing Rich costs a `--help` more than the rest of it), each command
    listed with the whole first paragraph of its help, as Rich lists it, not cut at 45 characters."""
    command.rich_markup_mode = None
    if not command.short_help and command.help:
        command.short_help = " ".join(command.help.split("\n\n")[0].split())
    for sub in getattr(command, "commands", {}).values():
        plain(sub)


ARGV = "wso.argv"  # the context's meta: the command line, as `wso` was given it


@contextmanager
def json_errors(argv: list[str]) -> Iterator[None]:
    """The one place a refused command line is printed. A command's refusal (`wso.cli.common.fail`) is one line on
    stderr, "error: ...", and a usage error of click's (an unknown option, a bad or missing value) is click's usage
    and line. With --json in `argv`, either is also printed as JSON on stdout (`wso.cli.common.refusal`, the shape
    of the ledger's refusals), and the stderr of a usage error is its one line. The exit status is the error's (2
    for bad input) either way."""
    try:
        yield
    except typer.TyperException as error:  # click's ClickException (Typer's own copy of click), and Failure
        from wso.cli.common import Failure, emit_json, refusal, wants_json  # loaded on an error only: `wso --help`

        as_json = wants_json(argv)
        if not as_json and not isinstance(error, Failure):
            raise
        typer.echo(f"error: {error.format_message()}", err=True)
        if as_json:
            emit_json(refusal(command_path(argv), error.format_message(), error.exit_code))
        raise typer.Exit(error.exit_code) from None


def command_path(argv: list[str]) -> str:
    """The command `argv` names, "wso moa list", without its options and arguments."""
    words = ["wso"]
    commands = {name: None for name in SUBCOMMANDS} | dict(app_commands())
    for word in argv:
        if word not in commands:
            break
        words.append(word)
        found = commands[word] if commands[word] is not None else load(word)
        commands = dict(getattr(found, "commands", {}))
    return " ".join(words)


def app_commands() -> dict[str, Any]:
    """The commands of `wso` itself (version, serve), by name."""
    return dict(typer.main.get_group(app).commands)


class LazyGroup(TyperGroup):
    """The `wso` group: its own commands, then every entry of `SUBCOMMANDS`, imported when first asked for.

    Listing them in `wso --help` shows each one's `help` from the table instead of importing it."""

    listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *SUBCOMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = SUBCOMMANDS.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        if self.listing:
            return TyperGroup(name=cmd_name, help=entry.help, short_help=entry.help, rich_markup_mode=None)
        return load(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        plain(self)
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        argv = list(args)
        with json_errors(argv):
            ctx = super().make_context(info_name, args, parent, **extra)
        ctx.meta[ARGV] = argv
        return ctx

    def invoke(self, ctx: Any) -> Any:
        with json_errors(ctx.meta.get(ARGV, [])):
            return super().invoke(ctx)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as error:  # "No such command": Typer suggests only the commands it has loaded
            message = getattr(error, "message", None)
            close = difflib.get_close_matches(args[0], SUBCOMMANDS) if args else []
            if isinstance(message, str) and close and "Did you mean" not in message:
                error.message = f"{message.rstrip('.')}. Did you mean {', '.join(map(repr, close))}?"  # type: ignore[attr-defined]
            raise


app = typer.Typer(
    cls=LazyGroup,
    help="wso: the public record of the U.S. 287(g) program, and a custody ledger for its WSO model.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.command()
def version() -> None:
    """Print the version of wso."""
    typer.echo(__version__)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level.")] = "info",
) -> None:
    """Run the web application (public pages, console, JSON API) on the default database; the first run
    loads the bundled snapshot of ICE's spreadsheets."""
    from wso.web.serve import serve as run_server

    run_server(host=host, port=port, log_level=log_level)


def ready_answer(argv: list[str]) -> str | None:
    """The answer a room keeps ready for the command line `argv` (after `wso`), or None: run the command."""
    entry = SUBCOMMANDS.get(argv[0]) if argv else None
    if entry is None or entry.ready is None:
        return None
    module = importlib.import_module(entry.ready)
    answer: Callable[[], str | None] | None = module.ANSWERS.get(tuple(argv[1:]))
    if answer is not None:
        return answer()
    command: Callable[[list[str]], str | None] | None = getattr(module, "COMMANDS", {}).get(argv[1] if argv[1:] else "")
    return command(argv[2:]) if command is not None else None


def main() -> None:
    # Whatever `wso` creates (the database and its WAL, keys, captures, exports) is its user's alone: the
    # database holds names, dates of birth and A-numbers (issue 18).
    os.umask(0o077)
    answer = ready_answer(sys.argv[1:])
    if answer is not None:
        sys.stdout.write(answer + "\n")
        return
    app()
