"""The `wso` command: one sub-command per room."""

from __future__ import annotations

from typing import Annotated

import typer

from wso import __version__
from wso.cli import audit, custody, records, registry, rules, users, watch

app = typer.Typer(
    help="wso: the public record of the U.S. 287(g) program, and a custody ledger for its WSO model.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(registry.app, name="registry")
app.add_typer(rules.app, name="rules")
app.add_typer(custody.app, name="custody")
app.add_typer(audit.app, name="audit")
app.add_typer(records.app, name="records")
app.add_typer(users.app, name="users")
app.add_typer(watch.app, name="watch")


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


def main() -> None:
    app()
