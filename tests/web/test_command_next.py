"""A command form's `next` (Post/Redirect/Get back to the console page it came from, never elsewhere), and one
command's form pre-filled from the query."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database

from .conftest import seed_jail, sign_in

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    seed_jail(sqlite_db, clock)
    assert Custody(sqlite_db, clock).run("warrant.serve", SERVE, actor="seed").accepted
    return sqlite_db


def test_an_accepted_command_leads_back_to_next(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    form = {"csrf_token": csrf, "warrant": "W-200", "next": "/console/holds/hold-W-200"}
    sent = client.post("/console/commands/ice.notify", data=form)
    assert sent.status_code == 303 and sent.headers["location"] == "/console/holds/hold-W-200"
    # a refusal stays on the form, with its rule and what was typed
    bad = {**form, "reason": "lost", "confirm": "yes"}
    again = client.post("/console/commands/custody.release", data=bad)
    assert again.status_code == 409 and 'id="refusal-rule"' in again.text


@pytest.mark.parametrize("target", ["https://example.org/console/x", "//example.org/console/", "/signin", ""])
def test_next_elsewhere_is_ignored(client: TestClient, jail: Database, target: str) -> None:
    csrf = sign_in(client, "clerk")
    sent = client.post("/console/commands/ice.notify", data={"csrf_token": csrf, "warrant": "W-200", "next": target})
    assert sent.status_code == 200 and 'data-status="accepted"' in sent.text


def test_a_release_confirms_first_then_leads_back(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    form = {"csrf_token": csrf, "warrant": "W-200", "reason": "released", "next": "/console/holds/hold-W-200"}
    asked = client.post("/console/commands/custody.release", data=form)
    assert asked.status_code == 200 and 'id="confirm-question"' in asked.text
    assert 'name="next" value="/console/holds/hold-W-200"' in asked.text
    done = client.post("/console/commands/custody.release", data={**form, "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == "/console/holds/hold-W-200"


def prefilled(page: str, name: str, value: str) -> bool:
    """Whether the form shows `value` in the field `name`: typed into a text field, or chosen in a picker."""
    typed = re.search(rf'name="{name}"[^>]* value="{re.escape(value)}"', page)
    picked = re.search(rf'<select name="{name}".*?<option value="{re.escape(value)}" selected>', page, flags=re.S)
    return bool(typed or picked)


def test_one_commands_form_is_prefilled_from_the_query(client: TestClient, jail: Database) -> None:
    sign_in(client, "officer")
    page = client.get("/console/commands/warrant.serve?warrant=W-9&facility=polk-jail&next=/console/board")
    assert page.status_code == 200
    assert prefilled(page.text, "warrant", "W-9") and prefilled(page.text, "facility", "polk-jail")
    assert 'name="next" value="/console/board"' in page.text
