"""`wso rules`: The program's rules, state laws and who may (or must) sign what."""

from __future__ import annotations

import typer

app = typer.Typer(help="The program's rules, state laws and who may (or must) sign what.", no_args_is_help=True)
