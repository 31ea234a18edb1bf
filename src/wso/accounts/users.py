"""The console's accounts: users, roles, passwords and API tokens, and the journal of sign-ins, commands and
account changes.

Passwords are hashed with argon2 (argon2-cffi's defaults); at most `HASH_SLOTS` hashes run at once in the whole
process, so that a flood of sign-ins cannot take every core from the people already signed in. API tokens are 32
random bytes, shown once and kept only as their SHA-256: a token has enough entropy that a slow hash would add
nothing but latency.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.accounts.models import WebAction, WebApiToken, WebUser
from wso.accounts.names import AccountError, NoSuchUser, check_password, check_username, fold

Role = Literal["clerk", "officer", "supervisor", "auditor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# Roles that may change the custody ledger or the records tracker; the auditor only reads.
WRITE_ROLES: frozenset[str] = frozenset({"clerk", "officer", "supervisor", "admin"})
# Roles that see a booked person's name, date of birth and A-number (the desk that books people and serves
# warrants); the auditor reads the ledger without them, as the default export pseudonymises them.
PERSONAL_DATA_ROLES: frozenset[str] = frozenset({"clerk", "officer", "supervisor", "admin"})
TOKEN_PREFIX = "wso_"
HASH_SLOTS = 1  # argon2 hashes at once in this process (each uses its own threads and 64 MiB)
HASH_WAIT = 10.0  # seconds a sign-in waits for a slot before it is answered "busy"
HASH_QUEUE = 8  # sign-ins that may wait for a slot at once; more are answered "busy" at once (no thread held)

# argon2id with one lane (parallelism 1): a hash keeps one core busy, not all of them, so that on a small server
# the pages of people already signed in keep a core while sign-ins are checked; 64 MiB and two passes (about
# two thirds of argon2-cffi's default work, above OWASP's minimum). Older hashes are re-made at their next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=65536, parallelism=1)
_slots = threading.BoundedSemaphore(HASH_SLOTS)
_queue = threading.BoundedSemaphore(HASH_SLOTS + HASH_QUEUE)


class Busy(RuntimeError):
    """Too many passwords are being checked at once: try again in a moment."""


@cache
def dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so that a wrong name costs as long as a wrong
    password. Made once, when first needed (argon2 is slow on purpose: not at import, which every `wso` command
    would pay); the web application makes it at start-up."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user or the owner of an API token."""

    user_id: int
    username: str
    role: str
    via: Literal["session", "token"]
    must_change_password: bool = False

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def sees_personal_data(self) -> bool:
        return self.role in PERSONAL_DATA_ROLES


def hash_password(password: str) -> str:
    with _slot():
        return _hasher.hash(password)


class _slot:
    """One of the process's argon2 slots; Busy at once when HASH_QUEUE others already wait (a flood holds no more
    than that many of the server's threads), or after HASH_WAIT seconds."""

    def __enter__(self) -> None:
        if not _queue.acquire(blocking=False):
            raise Busy("too many sign-ins at once; try again in a moment")
        if not _slots.acquire(timeout=HASH_WAIT):
            _queue.release()
            raise Busy("too many sign-ins at once; try again in a moment")

    def __exit__(self, *_: object) -> None:
        _slots.release()
        _queue.release()


def verify_password(stored: str, password: str) -> bool:
    with _slot():
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with other parameters than today's (re-made at the next sign-in)."""
    return _hasher.check_needs_rehash(stored)


def check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise AccountError(f"unknown role {role!r}; accepted: {', '.join(ROLES)}")


def find_user(session: Session, username: str) -> WebUser | None:
    """The account `username` names once normalised (NFKC, case-folded), if any; else an account made before
    names were normalised, under the name exactly as typed (so that "Ana", added then, can still sign in)."""
    folded = fold(username)
    user = session.scalar(select(WebUser).where(WebUser.username == folded))
    if user is None and username.strip() != folded:
        user = session.scalar(select(WebUser).where(WebUser.username == username.strip()))
    return user


def get_user(session: Session, username: str) -> WebUser:
    user = find_user(session, username)
    if user is None:
        raise NoSuchUser(f"no user {fold(username)!r}")
    return user


def create_user(session: Session, username: str, password: str, role: str, *, now: datetime) -> WebUser:
    """Add a user; refuses a name or password that breaks `wso.accounts.names`' rules, a taken name or an unknown
    role."""
    username = check_username(username)
    check_password(password, username)
    role = check_role(role)
    if find_user(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = WebUser(
        username=username,
        password_hash=hash_password(password),
        role=role,
        active=True,
        created_at=now,
        must_change_password=False,
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[WebUser]:
    return list(session.scalars(select(WebUser).order_by(WebUser.username)))


def principal_of(user: WebUser, via: Literal["session", "token"]) -> Principal:
    return Principal(user.id, user.username, user.role, via, bool(user.must_change_password))


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    """The user if the name and password match an active account, else None (as slow for an unknown name as for
    a wrong password). Raises Busy when no hashing slot frees in time."""
    user = find_user(session, username)
    stored = user.password_hash if user is not None else dummy_hash()
    if not verify_password(stored, password) or user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return principal_of(user, "session")


def principal_for_user_id(session: Session, user_id: int) -> Principal | None:
    user = session.get(WebUser, user_id)
    if user is None or not user.active:
        return None
    return principal_of(user, "session")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, username: str, name: str, *, now: datetime) -> str:
    """A new API token for `username`; the token itself is returned once and never stored."""
    user = get_user(session, username)
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
    return principal_of(user, "token")


def revoke_tokens(session: Session, username: str, *, now: datetime) -> int:
    """Revoke every live token of `username`; returns how many."""
    user = get_user(session, username)
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
    """Write one line of the journal (sign-in, sign-out, refused sign-in, command, account change)."""
    session.add(WebAction(at=at, actor=actor[:80] if actor else actor, kind=kind, detail=detail, ok=ok, remote=remote))


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
