"""`wso audit`: The program's rules over many hold records at once."""

from __future__ import annotations

import typer

app = typer.Typer(help="The program's rules over many hold records at once.", no_args_is_help=True)
