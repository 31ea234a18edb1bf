"""The `wso` command: one sub-command per room."""

from __future__ import annotations

import typer

from wso import __version__
from wso.cli import audit, custody, records, registry, rules

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


@app.command()
def version() -> None:
    """Print the version of wso."""
    typer.echo(__version__)


def main() -> None:
    app()
