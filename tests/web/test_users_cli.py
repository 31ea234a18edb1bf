from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from wso.accounts import principal_for_token
from wso.cli.main import app
from wso.store import open_database

runner = CliRunner()


def test_add_list_token_and_revoke(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEW_PW", "a long enough password")
    result = runner.invoke(app, ["users", "add", "ana", "--role", "supervisor", "--password-env", "NEW_PW"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert [(u["username"], u["role"]) for u in json.loads(listed.stdout)] == [("ana", "supervisor")]
    token = runner.invoke(app, ["users", "token", "ana", "--name", "sync"]).stdout.strip()
    with open_database().session() as session:
        assert principal_for_token(session, token) is not None
    assert "revoked 1" in runner.invoke(app, ["users", "revoke-tokens", "ana"]).stdout
    with open_database().session() as session:
        assert principal_for_token(session, token) is None


def test_bad_role_and_missing_password_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEW_PW", "a long enough password")
    result = runner.invoke(app, ["users", "add", "bo", "--role", "sheriff", "--password-env", "NEW_PW"])
    assert result.exit_code == 2 and "unknown role 'sheriff'" in result.stderr
    result = runner.invoke(app, ["users", "add", "bo", "--role", "clerk", "--password-env", "NOT_SET_ANYWHERE"])
    assert result.exit_code == 2 and "NOT_SET_ANYWHERE" in result.stderr
    result = runner.invoke(app, ["users", "token", "nobody"])
    assert result.exit_code == 2 and "no user 'nobody'" in result.stderr


def test_admins_manage_accounts_from_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from wso.accounts import WebAction, authenticate

    monkeypatch.setenv("NEW_PW", "a long enough password")
    for name, role in (("root", "admin"), ("ana", "clerk")):
        assert runner.invoke(app, ["users", "add", name, "--role", role, "--password-env", "NEW_PW"]).exit_code == 0
    assert "deactivated ana" in runner.invoke(app, ["users", "deactivate", "ana"]).stdout
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).stdout)
    assert [(u["username"], u["active"]) for u in listed] == [("ana", False), ("root", True)]
    assert "reactivated ana" in runner.invoke(app, ["users", "reactivate", "ana"]).stdout
    assert "ana is now supervisor" in runner.invoke(app, ["users", "role", "ana", "supervisor"]).stdout
    temporary = runner.invoke(app, ["users", "reset-password", "ana"]).stdout.strip()
    with open_database().session() as session:
        principal = authenticate(session, "ana", temporary)
        assert principal is not None and principal.must_change_password and principal.role == "supervisor"
    assert json.loads(runner.invoke(app, ["users", "sessions", "ana", "--json"]).stdout) == []
    assert "ended 0 session(s)" in runner.invoke(app, ["users", "end-sessions", "ana"]).stdout
    last = runner.invoke(app, ["users", "deactivate", "root"])
    assert last.exit_code == 2 and "last active admin" in last.stderr
    with open_database().session() as session:
        kinds = session.scalars(select(WebAction.kind).where(WebAction.actor.like("cli%"))).all()
    assert kinds == [
        "user-deactivated",
        "user-reactivated",
        "user-role-changed",
        "user-password-reset",
        "user-sessions-ended",
    ]


def test_a_forged_line_in_a_username_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEW_PW", "a long enough password")
    result = runner.invoke(app, ["users", "add", "eve\nroot\tadmin", "--role", "clerk", "--password-env", "NEW_PW"])
    assert result.exit_code == 2 and "control characters" in result.stderr
