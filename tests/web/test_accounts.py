from __future__ import annotations

import pytest
from sqlalchemy import select

from wso.accounts import (
    AccountError,
    WebApiToken,
    WebUser,
    authenticate,
    create_token,
    create_user,
    principal_for_token,
    recent_actions,
    record_action,
    revoke_tokens,
)
from wso.store import Database

from .conftest import NOW, PASSWORD


def test_password_is_stored_as_argon2_and_checked(db: Database) -> None:
    with db.session() as session:
        create_user(session, "ana", PASSWORD, "clerk", now=NOW)
    with db.session() as session:
        stored = session.scalar(select(WebUser.password_hash))
        assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
        principal = authenticate(session, "ana", PASSWORD)
        assert principal is not None and principal.role == "clerk" and principal.can_write
        assert authenticate(session, "ana", "wrong password!") is None
        assert authenticate(session, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("", PASSWORD, "clerk", "username is required"),
        ("bo", "short", "clerk", "at least 10"),
        ("bo", PASSWORD, "sheriff", "unknown role 'sheriff'"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(
    sqlite_db: Database, username: str, password: str, role: str, message: str
) -> None:
    with sqlite_db.session() as session, pytest.raises(AccountError, match=message):
        create_user(session, username, password, role, now=NOW)


def test_a_taken_username_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        create_user(session, "ana", PASSWORD, "clerk", now=NOW)
    with sqlite_db.session() as session, pytest.raises(AccountError, match="already exists"):
        create_user(session, "ana", PASSWORD, "admin", now=NOW)


def test_auditor_reads_only(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        create_user(session, "aud", PASSWORD, "auditor", now=NOW)
        principal = authenticate(session, "aud", PASSWORD)
    assert principal is not None and not principal.can_write


def test_tokens_are_hashed_at_rest_and_revocable(db: Database) -> None:
    with db.session() as session:
        create_user(session, "bot", PASSWORD, "clerk", now=NOW)
        token = create_token(session, "bot", "sync", now=NOW)
    with db.session() as session:
        stored = session.scalar(select(WebApiToken.token_hash))
        assert stored is not None and token not in stored and len(stored) == 64
        principal = principal_for_token(session, token)
        assert principal is not None and principal.username == "bot" and principal.via == "token"
        assert principal_for_token(session, token + "x") is None
        assert revoke_tokens(session, "bot", now=NOW) == 1
    with db.session() as session:
        assert principal_for_token(session, token) is None


def test_journal_keeps_actor_and_outcome(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        record_action(session, at=NOW, actor="ana", kind="sign-in", detail="signed in", ok=True)
        record_action(session, at=NOW, actor="eve", kind="sign-in-refused", detail="wrong", ok=False)
    with sqlite_db.session() as session:
        actions = recent_actions(session)
    assert [(a.actor, a.ok) for a in actions] == [("eve", False), ("ana", True)]
