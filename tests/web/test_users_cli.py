from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from wso.cli.main import app
from wso.store import open_database
from wso.web.accounts import principal_for_token

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
