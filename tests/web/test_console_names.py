"""The console shows names where a desk reads them (the hold page, the booking card, the release board, the lists),
the ids in small print, all from custody's views: its API carries the same names, and the hold it shows is custody's
one-hold view."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.custody import hold_view
from wso.store import Database

from .conftest import seed_jail, sign_in
from .test_console import serve_and_hold

AGENCY, FACILITY, OFFICER = "Polk County Sheriff's Office", "Polk County Jail", "Deputy Example"


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    seed_jail(sqlite_db, clock)
    return sqlite_db


def _element(page: str, pattern: str) -> str:
    found = re.search(pattern, page, flags=re.S)
    assert found, page
    return html.unescape(found.group(0))


def test_the_hold_page_names_agency_facility_and_officer(client: TestClient, jail: Database, clock: FixedClock) -> None:
    serve_and_hold(jail, clock)
    sign_in(client, "clerk")
    page = client.get("/console/holds/W-200").text
    assert _element(page, r'<span id="hold-facility">.*?</span>') == (
        f'<span id="hold-facility">{FACILITY} <small>(polk-jail)</small></span>'
    )
    assert _element(page, r'<span id="hold-agency">.*?</span>') == (
        f'<span id="hold-agency">{AGENCY} <small>(polk-so)</small></span>'
    )
    assert f"{OFFICER} <small>(wso-7)</small>" in _element(page, r'<span id="hold-officer">.*?</span>')
    card = _element(page, r'<dl class="card" id="booking-card">.*?</dl>')
    assert f"{FACILITY} <small>(polk-jail;" in card and f"{AGENCY} <small>(polk-so, FL)</small>" in card
    detained = _element(client.get("/console/holds/D-247").text, r'<span id="hold-officer">.*?</span>')
    assert detained == '<span id="hold-officer">—</span>'  # a detainer hold has no officer


def test_the_api_hold_is_custodys_one_hold_view(client: TestClient, jail: Database, clock: FixedClock) -> None:
    serve_and_hold(jail, clock)
    sign_in(client, "clerk")
    shown = client.get("/api/console/holds/W-200").json()["hold"]
    with jail.session() as session:
        view = hold_view(session, "W-200", clock.now())
    assert view is not None and shown == view.model_dump()
    assert (shown["agency_name"], shown["facility_name"], shown["officer_name"]) == (AGENCY, FACILITY, OFFICER)
    listed = client.get("/api/console/holds").json()["holds"]
    assert shown in listed


def test_the_board_and_lists_name_the_facility(client: TestClient, jail: Database, clock: FixedClock) -> None:
    sign_in(client, "clerk")
    row = _element(client.get("/console").text, r'<tr data-booking="B-1".*?</tr>')
    assert f"<td>{FACILITY}<br><small>{AGENCY}</small></td>" in row and "<td>polk-jail</td>" not in row
    (due,) = client.get("/api/console/board").json()["due"]
    assert (due["facility_name"], due["agency_name"]) == (FACILITY, AGENCY)
    for path, table in (("/console/bookings", "bookings"), ("/console/warrants", "warrants")):
        body = _element(client.get(path).text, rf'<table class="data" id="{table}">.*?</table>')
        assert f"<td>{FACILITY} <small>(FL)</small></td>" in body, body
    booking = client.get("/api/console/bookings/B-1").json()["booking"]
    assert (booking["facility_name"], booking["agency_name"]) == (FACILITY, AGENCY)
