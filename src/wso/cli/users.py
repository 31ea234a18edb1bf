"""`wso users`: the web console's accounts and API tokens."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from wso.cli.common import JsonFlag, database, emit_json, fail
from wso.clock import SystemClock
from wso.web.accounts import ROLES, AccountError, create_token, create_user, list_users, revoke_tokens

app = typer.Typer(help="Accounts of the web console (roles: " + ", ".join(ROLES) + ") and API tokens.")


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="The new user's name.")],
    role: Annotated[str, typer.Option("--role", help="One of: " + ", ".join(ROLES) + ".")],
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Read the password from this environment variable instead of asking."),
    ] = None,
) -> None:
    """Add a user of the console; the password is asked for (or read from --password-env)."""
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            fail(f"--password-env {password_env}: that environment variable is not set")
    else:
        password = getpass.getpass("password: ")
    db = database()
    try:
        with db.session() as session:
            create_user(session, username, password, role, now=SystemClock().now())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"added {username} ({role})")


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """List the console's users and their roles."""
    with database().session() as session:
        rows = [
            {"username": u.username, "role": u.role, "active": u.active, "created_at": u.created_at}
            for u in list_users(session)
        ]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['username']}\t{row['role']}\t{'active' if row['active'] else 'inactive'}")


@app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for (shown in lists).")] = "api",
) -> None:
    """Make an API token for a user; it is printed once and stored only as its hash."""
    try:
        with database().session() as session:
            value = create_token(session, username, name, now=SystemClock().now())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(value)


@app.command("revoke-tokens")
def revoke(username: Annotated[str, typer.Argument(help="Whose tokens to revoke.")]) -> None:
    """Revoke every live API token of a user."""
    try:
        with database().session() as session:
            n = revoke_tokens(session, username, now=SystemClock().now())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"revoked {n} token(s) of {username}")
