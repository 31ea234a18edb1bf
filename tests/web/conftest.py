"""Fixtures of the web door: an app over a real migrated database, a fixed clock, users of every role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.settings import get_settings
from wso.store import Database
from wso.web.accounts import ROLES, create_user
from wso.web.app import create_app

PASSWORD = "correct horse battery"
NOW = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def users(sqlite_db: Database) -> dict[str, str]:
    """One user per role, named after it."""
    with sqlite_db.session() as session:
        for role in ROLES:
            create_user(session, role, PASSWORD, role, now=NOW)
    return {role: role for role in ROLES}


@pytest.fixture
def app(sqlite_db: Database, clock: FixedClock, users: dict[str, str]) -> FastAPI:
    return create_app(get_settings(), sqlite_db, clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_from(client.get("/signin").text)
    response = client.post("/signin", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/console").text)
