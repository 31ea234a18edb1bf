"""Signing in, as one library call: the throttle first (a locked account or address is refused without checking
the password), then the password, then a fresh server-side session; each outcome written to the journal. The
journal names the account only when the typed name is one (a password typed into the name box, or a guess, is
never written), and never holds what was typed as a password."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from wso.accounts.names import fold
from wso.accounts.sessions import open_session
from wso.accounts.throttle import SignInThrottle
from wso.accounts.users import Principal, authenticate, find_user, record_action


@dataclass(frozen=True)
class SignIn:
    """The outcome: a principal and the new session's token, or a refusal (with the seconds to wait when the
    throttle refused it unchecked)."""

    principal: Principal | None
    token: str | None
    retry_after: float = 0.0


def sign_in(
    session: Session, throttle: SignInThrottle, username: str, password: str, *, now: datetime, remote: str | None
) -> SignIn:
    name = fold(username)[:80]
    keys = throttle.keys(name, remote)
    wait = throttle.retry_after(keys, now)
    if wait > 0:
        return SignIn(None, None, wait)
    user = find_user(session, username)
    actor = user.username if user is not None else None
    principal = authenticate(session, username, password)
    if principal is None:
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
        return SignIn(None, None)
    throttle.succeeded(name)
    token = open_session(session, principal.user_id, now=now, remote=remote)
    record_action(session, at=now, actor=principal.username, kind="sign-in", detail="signed in", ok=True, remote=remote)
    return SignIn(principal, token)
