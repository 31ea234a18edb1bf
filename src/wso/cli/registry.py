"""`wso registry`: ICE's 287(g) spreadsheets over time: agencies, agreements, snapshots."""

from __future__ import annotations

import typer

app = typer.Typer(help="ICE's 287(g) spreadsheets over time: agencies, agreements, snapshots.", no_args_is_help=True)
