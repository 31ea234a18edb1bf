"""Signing in, as one library call: the throttle first (a locked account or address is refused without checking
the password), then the password, then a fresh server-side session; each outcome written to the journal. The
journal names the account only when the typed name is one (a password typed into the name box, or a guess, is
never written), and never holds what was typed as a password.

The password is checked with no database connection held: argon2 takes its slot (one at a time, see
`wso.accounts.users`) and a sign-in may wait for it, and a connection held meanwhile would starve the pages of
everyone already signed in (the pool is small)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from wso.accounts.models import WebUser
from wso.accounts.names import fold
from wso.accounts.sessions import open_session
from wso.accounts.throttle import SignInThrottle
from wso.accounts.users import (
    Principal,
    dummy_hash,
    find_user,
    hash_password,
    needs_rehash,
    principal_of,
    record_action,
    verify_password,
)
from wso.store import Database


@dataclass(frozen=True)
class SignIn:
    """The outcome: a principal and the new session's token, or a refusal (with the seconds to wait when the
    throttle refused it unchecked)."""

    principal: Principal | None
    token: str | None
    retry_after: float = 0.0


def sign_in(
    database: Database, throttle: SignInThrottle, username: str, password: str, *, now: datetime, remote: str | None
) -> SignIn:
    name = fold(username)[:80]
    keys = throttle.keys(name, remote)
    wait = throttle.retry_after(keys, now)
    if wait > 0:
        return SignIn(None, None, wait)
    with database.session() as session:
        user = find_user(session, username)
        user_id, stored, active = (user.id, user.password_hash, user.active) if user else (None, dummy_hash(), False)
    matches = verify_password(stored, password)
    with database.session() as session:
        found = session.get(WebUser, user_id) if user_id is not None else None
        if found is None or not matches or not active or found.password_hash != stored:
            _refused(session, throttle, keys, found, now, remote)
            return SignIn(None, None)
        if needs_rehash(stored):
            found.password_hash = hash_password(password)
        throttle.succeeded(name)
        token = open_session(session, found.id, now=now, remote=remote)
        record_action(session, at=now, actor=found.username, kind="sign-in", detail="signed in", ok=True, remote=remote)
        return SignIn(principal_of(found, "session"), token)


def _refused(
    session: Session, throttle: SignInThrottle, keys: list[str], user: WebUser | None, now: datetime, remote: str | None
) -> None:
    actor = user.username if user is not None else None
    detail = "wrong password, or the account is inactive" if user is not None else "no account of that name"
    record_action(session, at=now, actor=actor, kind="sign-in-refused", detail=detail, ok=False, remote=remote)
    for lockout in throttle.failed(keys, now):
        seconds = math.ceil((lockout.until - now).total_seconds())
        kind, _, value = lockout.key.partition(":")
        what = "this account" if kind == "account" else f"address {value}"
        record_action(
            session,
            at=now,
            actor=actor if kind == "account" else None,
            kind="sign-in-locked",
            detail=f"{what} locked for {seconds} s after {lockout.failures} failed sign-ins (doubling with each "
            "further failure)",
            ok=False,
            remote=remote,
        )
