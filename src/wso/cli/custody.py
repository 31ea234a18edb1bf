"""`wso custody`: The custody ledger: WSO holds with the 48-hour clock."""

from __future__ import annotations

import typer

app = typer.Typer(help="The custody ledger: WSO holds with the 48-hour clock.", no_args_is_help=True)
