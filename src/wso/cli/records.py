"""`wso records`: Public-records requests for what the WSO program leaves behind."""

from __future__ import annotations

import typer

app = typer.Typer(help="Public-records requests for what the WSO program leaves behind.", no_args_is_help=True)
