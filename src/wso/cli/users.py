"""`wso users`: the web console's accounts, their sessions and API tokens (thin wrappers over `wso.accounts`;
every change is written to the journal with the operating-system user who ran the command)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer
from sqlalchemy.orm import Session

from wso.accounts import (
    ROLES,
    AccountError,
    change_role,
    create_token,
    create_user,
    end_sessions,
    list_users,
    live_sessions,
    reset_password,
    revoke_tokens,
    set_active,
)
from wso.cli.common import JsonFlag, database, emit_json, fail
from wso.clock import SystemClock
from wso.settings import get_settings

T = TypeVar("T")

app = typer.Typer(help="Accounts of the web console (roles: " + ", ".join(ROLES) + ") and API tokens.")

Username = Annotated[str, typer.Argument(help="The account's username.")]


def _run(action: Callable[[Session], T]) -> T:
    """`action` in one transaction on the default database; an account error exits 2 with its message."""
    try:
        with database().session() as session:
            return action(session)
    except AccountError as exc:
        fail(str(exc))


def _actor() -> str:
    """Who did it, for the journal: the CLI and the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


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
            user = create_user(session, username, password, role, now=SystemClock().now())
            name = user.username
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"added {name} ({role})")


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """List the console's users, their roles and whether they may sign in."""
    with database().session() as session:
        rows = [
            {
                "username": u.username,
                "role": u.role,
                "active": u.active,
                "must_change_password": bool(u.must_change_password),
                "created_at": u.created_at,
            }
            for u in list_users(session)
        ]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        state = "active" if row["active"] else "inactive"
        typer.echo(
            f"{row['username']}\t{row['role']}\t{state}" + ("\tnew password due" if row["must_change_password"] else "")
        )


@app.command("token")
def token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for (shown in lists).")] = "api",
) -> None:
    """Make an API token for a user; it is printed once and stored only as its hash."""
    value = _run(lambda s: create_token(s, username, name, now=SystemClock().now()))
    typer.echo(value)


@app.command("revoke-tokens")
def revoke(username: Annotated[str, typer.Argument(help="Whose tokens to revoke.")]) -> None:
    """Revoke every live API token of a user."""
    n = _run(lambda s: revoke_tokens(s, username, now=SystemClock().now()))
    typer.echo(f"revoked {n} token(s) of {username}")


@app.command("deactivate")
def deactivate(username: Username) -> None:
    """Stop an account signing in: its sessions end and its API tokens are refused at once."""
    n = _run(lambda s: set_active(s, username, False, actor=_actor(), now=SystemClock().now()))
    typer.echo(f"deactivated {username} ({n} session(s) ended)")


@app.command("reactivate")
def reactivate(username: Username) -> None:
    """Let a deactivated account sign in again."""
    _run(lambda s: set_active(s, username, True, actor=_actor(), now=SystemClock().now()))
    typer.echo(f"reactivated {username}")


@app.command("role")
def role(
    username: Username, new_role: Annotated[str, typer.Argument(help="One of: " + ", ".join(ROLES) + ".")]
) -> None:
    """Change an account's role; its sessions end (it signs in again under the new role)."""
    _run(lambda s: change_role(s, username, new_role, actor=_actor(), now=SystemClock().now()))
    typer.echo(f"{username} is now {new_role}")


@app.command("reset-password")
def reset(username: Username) -> None:
    """Print a temporary password (once); the user signs in with it and must choose a new one. The account's
    sessions end and its API tokens are revoked."""
    temporary = _run(lambda s: reset_password(s, username, actor=_actor(), now=SystemClock().now()))
    typer.echo(temporary)


@app.command("sessions")
def sessions(username: Username, as_json: JsonFlag = False) -> None:
    """An account's live console sessions, newest first."""
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    views = _run(lambda s: live_sessions(s, username, now=SystemClock().now(), idle=idle))
    rows = [{"id": v.id, "created_at": v.created_at, "last_seen_at": v.last_seen_at, "remote": v.remote} for v in views]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        since, last = f"{row['created_at']:%Y-%m-%d %H:%M}", f"{row['last_seen_at']:%H:%M}"
        typer.echo(f"{row['id']}\tsince {since}\tlast {last}\t{row['remote'] or ''}")


@app.command("end-sessions")
def end(username: Username) -> None:
    """End every console session of an account at once."""
    n = _run(lambda s: end_sessions(s, username, actor=_actor(), now=SystemClock().now()))
    typer.echo(f"ended {n} session(s) of {username}")
