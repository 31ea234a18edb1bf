"""Server-side sessions of the console. Signing in opens a session: a fresh random token for the cookie, its
SHA-256 in `web_sessions`. Every request looks the token up, so that ending a session (sign-out, an idle spell,
the 12-hour limit, deactivation, a role change, a password reset, an admin's "end sessions") takes effect on
the very next request, whatever copy of the cookie anyone kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wso.accounts.models import WebSession, WebUser
from wso.accounts.users import Principal, get_user, principal_of

LIFETIME = timedelta(hours=12)  # a session ends this long after sign-in, however busy
TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often (one UPDATE, not one a request)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, user_id: int, *, now: datetime, remote: str | None) -> str:
    """A new session of `user_id`; returns the token for the cookie (stored only as its hash)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user_id,
            token_hash=_digest(token),
            created_at=now,
            last_seen_at=now,
            remote=(remote or "")[:64] or None,
        )
    )
    session.flush()
    return token


def principal_for_session(session: Session, token: str, *, now: datetime, idle: timedelta) -> Principal | None:
    """The user of a live session, or None (and the session ended) when it ended, idled out or expired, or its
    user was deactivated."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None:
        return None
    reason = None
    if now - row.created_at >= LIFETIME:
        reason = "expired"
    elif now - row.last_seen_at >= idle:
        reason = "idle"
    user = session.get(WebUser, row.user_id)
    if user is None or not user.active:
        reason = reason or "deactivated"
    if reason is not None:
        row.ended_at, row.ended_reason = now, reason
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    assert user is not None
    return principal_of(user, "session")


def end_session(session: Session, token: str, *, now: datetime, reason: str = "signed out") -> bool:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None:
        return False
    row.ended_at, row.ended_reason = now, reason
    return True


def end_sessions_of(session: Session, user_id: int, *, now: datetime, reason: str) -> int:
    """End every live session of a user; returns how many."""
    rows = session.scalars(select(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))).all()
    for row in rows:
        row.ended_at, row.ended_reason = now, reason
    return len(rows)


@dataclass(frozen=True)
class SessionView:
    """A live session as an admin sees it (never its token)."""

    id: int
    username: str
    created_at: datetime
    last_seen_at: datetime
    remote: str | None


def live_sessions(session: Session, username: str, *, now: datetime, idle: timedelta) -> list[SessionView]:
    """The sessions of `username` that would still be let in now, newest first."""
    user = get_user(session, username)
    rows = session.scalars(
        select(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .order_by(WebSession.id.desc())
    ).all()
    return [
        SessionView(r.id, user.username, r.created_at, r.last_seen_at, r.remote)
        for r in rows
        if now - r.created_at < LIFETIME and now - r.last_seen_at < idle
    ]
