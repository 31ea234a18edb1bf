"""The confirmation after an action that goes back to its page ("ICE notified at 11:00 EDT"): carried in the
session for that page, shown there once, in the facility's zone; a refusal or another page shows none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database
from wso.web.flash import DONE, done_text, put, take

from .conftest import seed_jail, sign_in

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}
HOLD = "/console/holds/hold-W-200"


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    seed_jail(sqlite_db, clock)
    assert Custody(sqlite_db, clock).run("warrant.serve", SERVE, actor="seed").accepted
    return sqlite_db


def flash_of(page: str) -> str | None:
    start = page.find('id="flash"')
    return None if start < 0 else page[page.index(">", start) + 1 : page.index("</p>", start)]


def test_after_notify_the_hold_page_confirms_once_in_the_facilitys_zone(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    sent = client.post("/console/commands/ice.notify", data={"csrf_token": csrf, "warrant": "W-200", "next": HOLD})
    assert sent.status_code == 303
    assert flash_of(client.get("/console").text) is None  # another page does not take it
    assert flash_of(client.get(HOLD).text) == "ICE notified at 11:00 EDT"  # NOW is 15:00 UTC, 2 June
    assert flash_of(client.get(HOLD).text) is None  # shown once


def test_a_confirmed_transfer_says_so_at_the_time_it_happened(
    client: TestClient, jail: Database, clock: FixedClock
) -> None:
    clock.advance(timedelta(hours=1))  # served at 11:00 EDT; now 12:00; the transfer happened in between
    csrf = sign_in(client, "clerk")
    form = {"csrf_token": csrf, "warrant": "W-200", "next": HOLD, "confirm": "yes", "occurred_at": "2025-06-02T11:42"}
    assert client.post("/console/commands/custody.transfer", data=form).status_code == 303
    assert flash_of(client.get(HOLD).text) == "Transferred to ICE at 11:42 EDT"


def test_a_transfer_before_the_hold_began_is_refused_with_no_confirmation(client: TestClient, jail: Database) -> None:
    """Served at 11:00 EDT: a hold cannot end at 10:42 (the ledger refuses it, as the audit would flag it)."""
    csrf = sign_in(client, "clerk")
    form = {"csrf_token": csrf, "warrant": "W-200", "next": HOLD, "confirm": "yes", "occurred_at": "2025-06-02T10:42"}
    assert client.post("/console/commands/custody.transfer", data=form).status_code == 409
    assert flash_of(client.get(HOLD).text) is None


def test_a_refusal_leaves_no_confirmation(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    bad = {"csrf_token": csrf, "warrant": "W-200", "next": HOLD, "reason": "lost", "confirm": "yes"}
    assert client.post("/console/commands/custody.release", data=bad).status_code == 409
    assert flash_of(client.get(HOLD).text) is None


def test_take_gives_the_text_to_its_page_only_once() -> None:
    session: dict[str, object] = {}
    put(session, HOLD, "Released at 09:00 EST")
    assert take(session, "/console") is None and take(session, HOLD) == "Released at 09:00 EST"
    assert take(session, HOLD) is None and session == {}


@given(st.sampled_from(sorted(DONE)), st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_the_text_names_the_act_and_the_local_minute(command: str, at: datetime) -> None:
    text = done_text(command, "label", at, "America/Chicago")
    local = at.astimezone(ZoneInfo("America/Chicago"))
    assert text == f"{DONE[command]} at {local:%H:%M} {local.tzname()}"
