"""What an admin does to accounts (from `wso users` or the console): deactivate, reactivate, change a role,
reset a password (the user chooses a new one at the next sign-in), list and end sessions; and a user changing
their own password. Each is written to the journal with the admin who did it; each that lessens what an account
may do ends its sessions at once. The last active admin cannot be deactivated or demoted (nobody could manage
accounts from the console any more)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wso.accounts.models import WebUser
from wso.accounts.names import AccountError, check_password
from wso.accounts.sessions import end_sessions_of
from wso.accounts.users import check_role, get_user, hash_password, record_action, revoke_tokens, verify_password


def _journal(session: Session, now: datetime, actor: str, kind: str, detail: str, remote: str | None) -> None:
    record_action(session, at=now, actor=actor, kind=kind, detail=detail, ok=True, remote=remote)


def _keep_an_admin(session: Session, user: WebUser, what: str) -> None:
    if user.role != "admin" or not user.active:
        return
    admins = session.scalar(select(func.count()).select_from(WebUser).where(WebUser.role == "admin", WebUser.active))
    if (admins or 0) <= 1:
        raise AccountError(f"{user.username} is the last active admin: {what} would leave nobody to manage accounts")


def set_active(
    session: Session, username: str, active: bool, *, actor: str, now: datetime, remote: str | None = None
) -> int:
    """Deactivate (its sessions ended, its API tokens refused) or reactivate an account; returns the sessions
    ended."""
    user = get_user(session, username)
    if not active:
        _keep_an_admin(session, user, "deactivating them")
    user.active = active
    ended = 0 if active else end_sessions_of(session, user.id, now=now, reason="deactivated")
    verb = "reactivated" if active else f"deactivated ({ended} session(s) ended)"
    _journal(
        session,
        now,
        actor,
        "user-reactivated" if active else "user-deactivated",
        f"user {user.username} {verb}",
        remote,
    )
    return ended


def change_role(
    session: Session, username: str, role: str, *, actor: str, now: datetime, remote: str | None = None
) -> int:
    """Give an account another role; its sessions end (it signs in again under the new role)."""
    user = get_user(session, username)
    new = check_role(role)
    if new != "admin":
        _keep_an_admin(session, user, f"making them {new}")
    old, user.role = user.role, new
    ended = end_sessions_of(session, user.id, now=now, reason="role changed")
    _journal(session, now, actor, "user-role-changed", f"user {user.username}: role {old} -> {new}", remote)
    return ended


def reset_password(session: Session, username: str, *, actor: str, now: datetime, remote: str | None = None) -> str:
    """A temporary password for the account (returned once, to hand over); the user must choose a new one at
    the next sign-in. Its sessions end and its API tokens are revoked."""
    user = get_user(session, username)
    temporary = secrets.token_urlsafe(12)
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    end_sessions_of(session, user.id, now=now, reason="password reset")
    revoke_tokens(session, user.username, now=now)
    _journal(session, now, actor, "user-password-reset", f"user {user.username}: password reset", remote)
    return temporary


def change_password(
    session: Session, user_id: int, current: str, new: str, *, now: datetime, remote: str | None = None
) -> None:
    """A user sets their own password (after a reset, or at will): the current one is checked first."""
    user = session.get(WebUser, user_id)
    if user is None or not user.active:
        raise AccountError("no such active account")
    if not verify_password(user.password_hash, current):
        raise AccountError("the current password is wrong")
    if new == current:
        raise AccountError("the new password must differ from the current one")
    check_password(new, user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    _journal(session, now, user.username, "password-changed", f"user {user.username} set a new password", remote)


def end_sessions(session: Session, username: str, *, actor: str, now: datetime, remote: str | None = None) -> int:
    """End every session of an account at once; returns how many."""
    user = get_user(session, username)
    ended = end_sessions_of(session, user.id, now=now, reason="ended by an admin")
    _journal(session, now, actor, "user-sessions-ended", f"user {user.username}: {ended} session(s) ended", remote)
    return ended
