"""Fixtures of the web door: an app over a real migrated database, a fixed clock, users of every role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from wso.accounts import ROLES, create_user
from wso.clock import FixedClock
from wso.settings import get_settings
from wso.store import Database
from wso.web.app import create_app

PASSWORD = "correct horse battery"
# A person's name booked into the test jail: it must never appear on a public page or in the public API.
PERSON = "Zyxwv Qlonkperson"
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


# Three real captures (the first, one in June, the last) give the overview a trend and a diff.
CAPTURES = ("20250519T024922Z", "20250618T023558Z", "20250704T151659Z")


@pytest.fixture(scope="session")
def registry_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with three real snapshots ingested, built once and copied for each test."""
    from tests.conftest import SHEETS
    from wso import registry
    from wso.store import open_database

    path = tmp_path_factory.mktemp("registry") / "template.sqlite3"
    database = open_database(f"sqlite:///{path}")
    folders = [SHEETS / name for name in CAPTURES if (SHEETS / name).is_dir()]
    assert len(folders) == len(CAPTURES), f"captures missing under {SHEETS}"
    with database.session() as session:
        registry.ingest(session, folders, clock=FixedClock(NOW))
    database.dispose()
    return path


@pytest.fixture
def public_db(registry_template: Path, tmp_path: Path) -> Iterator[Database]:
    from wso.store import open_database

    target = tmp_path / "public.sqlite3"
    shutil.copyfile(registry_template, target)
    database = open_database(f"sqlite:///{target}")
    with database.session() as session:
        for role in ROLES:
            create_user(session, role, PASSWORD, role, now=NOW)
    yield database
    database.dispose()


@pytest.fixture
def public_app(public_db: Database, clock: FixedClock) -> FastAPI:
    return create_app(get_settings(), public_db, clock)


@pytest.fixture
def public_client(public_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(public_app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def admin_token(public_db: Database) -> str:
    from wso.accounts import create_token

    with public_db.session() as session:
        return create_token(session, "admin", "fuzz", now=NOW)


@pytest.fixture
def web_schema(public_app: FastAPI) -> object:
    import schemathesis

    return schemathesis.openapi.from_asgi("/api/openapi.json", public_app)


def seed_jail(database: Database, clock: FixedClock) -> None:
    """A Florida sheriff with a WSO agreement, a facility, an authorized officer, two bookings released now."""
    from wso.custody import Custody

    ledger = Custody(database, clock)
    release = NOW.isoformat()
    steps: list[tuple[str, dict[str, object]]] = [
        ("agency", {"id": "polk-so", "name": "Polk County Sheriff's Office", "state": "FL"}),
        ("agreement", {"agency": "polk-so", "model": "WSO", "signed": "2025-02-01"}),
        ("facility", {"id": "polk-jail", "agency": "polk-so", "name": "Polk County Jail", "tz": "America/New_York"}),
        ("officer.nominate", {"id": "wso-7", "agency": "polk-so", "name": "Deputy Example", "us_citizen": True}),
        ("officer.exam", {"id": "wso-7", "score": 88}),
        ("officer.certify", {"id": "wso-7"}),
        ("officer.authorize", {"id": "wso-7"}),
        ("booking", {"id": "B-1", "facility": "polk-jail", "scheduled_release": release, "name": PERSON}),
        ("warrant.receive", {"id": "W-200", "booking": "B-1", "form": "I-200"}),
        ("booking", {"id": "B-2", "facility": "polk-jail", "scheduled_release": release}),
        ("warrant.receive", {"id": "D-247", "booking": "B-2", "form": "I-247A"}),
    ]
    for command, args in steps:
        result = ledger.run(command, args, actor="seed")
        assert result.accepted, (command, result)
