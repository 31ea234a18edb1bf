"""Users, roles, passwords and API tokens of the web door, and its journal of sign-ins and commands.

Passwords are hashed with argon2 (argon2-cffi's defaults). API tokens are 32 random bytes, shown once and
kept only as their SHA-256: a token has enough entropy that a slow hash would add nothing but latency.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.web.models import WebAction, WebApiToken, WebUser

Role = Literal["clerk", "officer", "supervisor", "auditor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# Roles that may change the custody ledger or the records tracker; the auditor only reads.
WRITE_ROLES: frozenset[str] = frozenset({"clerk", "officer", "supervisor", "admin"})
TOKEN_PREFIX = "wso_"

_hasher = PasswordHasher()


@cache
def dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so that a wrong name costs as long as a wrong
    password. Made once, when first needed (argon2 is slow on purpose: not at import, which every `wso` command
    would pay); the web application makes it at start-up."""
    return _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A request about accounts that cannot be done, with a message fit to show."""


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user or the owner of an API token."""

    user_id: int
    username: str
    role: str
    via: Literal["session", "token"]

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise AccountError(f"unknown role {role!r}; accepted: {', '.join(ROLES)}")


def create_user(session: Session, username: str, password: str, role: str, *, now: datetime) -> WebUser:
    """Add a user; refuses an empty or taken name, a short password or an unknown role."""
    username = username.strip()
    if not username:
        raise AccountError("a username is required")
    if len(password) < 10:
        raise AccountError("a password needs at least 10 characters")
    role = check_role(role)
    if session.scalar(select(WebUser).where(WebUser.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = WebUser(username=username, password_hash=hash_password(password), role=role, active=True, created_at=now)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[WebUser]:
    return list(session.scalars(select(WebUser).order_by(WebUser.username)))


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    """The user if the name and password match an active account, else None (in constant-ish time)."""
    user = session.scalar(select(WebUser).where(WebUser.username == username.strip()))
    stored = user.password_hash if user is not None else dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return Principal(user.id, user.username, user.role, "session")


def principal_for_user_id(session: Session, user_id: int) -> Principal | None:
    user = session.get(WebUser, user_id)
    if user is None or not user.active:
        return None
    return Principal(user.id, user.username, user.role, "session")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, username: str, name: str, *, now: datetime) -> str:
    """A new API token for `username`; the token itself is returned once and never stored."""
    user = session.scalar(select(WebUser).where(WebUser.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(WebApiToken(user_id=user.id, name=name, token_hash=_token_digest(token), created_at=now))
    session.flush()
    return token


def principal_for_token(session: Session, token: str) -> Principal | None:
    row = session.execute(
        select(WebApiToken, WebUser)
        .join(WebUser, WebUser.id == WebApiToken.user_id)
        .where(WebApiToken.token_hash == _token_digest(token))
    ).first()
    if row is None:
        return None
    api_token, user = row[0], row[1]
    if api_token.revoked_at is not None or not user.active:
        return None
    return Principal(user.id, user.username, user.role, "token")


def revoke_tokens(session: Session, username: str, *, now: datetime) -> int:
    """Revoke every live token of `username`; returns how many."""
    user = session.scalar(select(WebUser).where(WebUser.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    tokens = session.scalars(
        select(WebApiToken).where(WebApiToken.user_id == user.id, WebApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


def record_action(
    session: Session,
    *,
    at: datetime,
    actor: str | None,
    kind: str,
    detail: str,
    ok: bool,
    remote: str | None = None,
) -> None:
    """Write one line of the journal (sign-in, sign-out, refused sign-in, command)."""
    session.add(WebAction(at=at, actor=actor, kind=kind, detail=detail, ok=ok, remote=remote))


@dataclass(frozen=True)
class ActionView:
    at: datetime
    actor: str | None
    kind: str
    detail: str
    ok: bool


def recent_actions(session: Session, limit: int = 100) -> list[ActionView]:
    rows = session.scalars(select(WebAction).order_by(WebAction.id.desc()).limit(limit))
    return [ActionView(r.at, r.actor, r.kind, r.detail, r.ok) for r in rows]
