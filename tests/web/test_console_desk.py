"""The console as a jail's desk over a seeded jail (a real SQLite ledger, the app's FixedClock): the release board
with "serve now" at the right moment, the bookings and warrants lists with search and pages, a warrant's booking page
before service, the hold page with its booking, times in the facility's zone and labelled event fields; a person's
data only for roles that see it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from wso.clock import FixedClock
from wso.custody import BookingRow, Custody, DueRelease, Person, WarrantRow
from wso.store import Database
from wso.web.console import HoldOut
from wso.web.desk import BookingOut, DueOut, WarrantOut

from .conftest import NOW, PERSON, seed_jail, sign_in
from .test_command_next import prefilled

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    seed_jail(sqlite_db, clock)
    return sqlite_db


def test_the_board_offers_serve_now_only_at_the_release(client: TestClient, jail: Database, clock: FixedClock) -> None:
    clock.set(NOW - timedelta(minutes=10))  # the session stays alive across the steps (idle limit 30 minutes)
    sign_in(client, "officer")
    early = client.get("/console").text
    row = re.search(r'<tr data-booking="B-1" data-moment="early">.*?</tr>', early, flags=re.S)
    assert row, early
    assert "Serve W-200 now" not in row.group(0) and "Not yet" in row.group(0)
    assert "Mon 2 Jun 2025, 11:00 EDT" in row.group(0)  # the release in the facility's zone, readable
    assert (
        "(Mon 2 Jun 2025, 11:00 EDT) or within the tolerance after it (until Mon 2 Jun 2025, 11:15 EDT), not "
        "before (WSO-SCHEDULED-RELEASE)" in row.group(0)
    )
    assert 'data-booking="B-2"' not in early  # a detainer only: nothing for a WSO to serve
    clock.set(NOW + timedelta(minutes=5))
    now = client.get("/console").text
    link = re.search(r'<a class="button serve-now" id="serve-W-200" href="([^"]+)">', now)
    assert link and link.group(1) == (
        "/console/commands/warrant.serve?warrant=W-200&amp;facility=polk-jail&amp;next=%2Fconsole%2Fboard"
    )
    api = client.get("/api/console/board").json()
    assert api["hours"] == 24 and [d["booking"] for d in api["due"]] == ["B-1"]
    due = api["due"][0]
    assert (due["moment"], due["may_serve"], due["warrants"]) == ("now", True, ["W-200"])
    assert due["release_local"] == "2025-06-02T11:00:00-04:00" and due["person"]["name"] == PERSON
    clock.set(NOW + timedelta(minutes=16))
    late = client.get("/api/console/board").json()["due"][0]
    assert (late["moment"], late["may_serve"]) == ("late", False) and "do not serve" in late["explain"]
    assert client.get("/api/console/board?hours=0").status_code == 422


def test_serving_from_the_board_takes_the_booking_off_it(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "officer")
    form = client.get("/console/commands/warrant.serve?warrant=W-200&facility=polk-jail&next=/console/board")
    assert prefilled(form.text, "warrant", "W-200")
    data = {"csrf_token": csrf, **SERVE, "next": "/console/board"}
    sent = client.post("/console/commands/warrant.serve", data=data)
    assert sent.status_code == 303 and sent.headers["location"] == "/console/board"
    home = client.get("/console/board").text
    assert 'id="no-due"' in home and 'data-hold="hold-W-200"' in home


def test_an_auditor_sees_the_board_without_names_or_a_serve_button(client: TestClient, jail: Database) -> None:
    sign_in(client, "auditor")
    home = client.get("/console").text
    assert 'data-booking="B-1"' in home and PERSON not in home
    assert "serve-now" not in home and 'id="sweep"' not in home
    assert client.get("/api/console/board").json()["due"][0]["person"] is None
    assert PERSON not in client.get("/console/bookings?q=Zyxwv").text
    assert client.get("/api/console/bookings?q=Zyxwv").json()["total"] == 0  # a name is not searched for it


def test_only_supervisors_see_the_sweep_button(client: TestClient, jail: Database) -> None:
    sign_in(client, "clerk")
    assert 'id="sweep"' not in client.get("/console").text


def test_bookings_and_warrants_lists_search_and_page(client: TestClient, jail: Database, clock: FixedClock) -> None:
    ledger = Custody(jail, clock)
    for n in range(3, 8):
        release = (NOW + timedelta(days=n)).isoformat()
        assert ledger.run("booking", {"id": f"B-{n}", "facility": "polk-jail", "scheduled_release": release}).accepted
        assert ledger.run("warrant.receive", {"id": f"W-{n}", "booking": f"B-{n}", "form": "I-205"}).accepted
    assert ledger.run("warrant.serve", SERVE, actor="seed").accepted
    sign_in(client, "clerk")
    first = client.get("/api/console/bookings?per_page=3").json()
    assert first["total"] == 7 and [b["booking"] for b in first["bookings"]] == ["B-7", "B-6", "B-5"]
    page = client.get("/console/bookings?per_page=3&page=2").text
    assert 'id="page-of">Page 2 of 3 (7 in all)' in page
    assert 'href="?page=3&amp;per_page=3"' in page and 'href="?page=1&amp;per_page=3"' in page
    named = client.get("/api/console/bookings?q=zyxwv").json()
    assert [b["booking"] for b in named["bookings"]] == ["B-1"] and named["bookings"][0]["person"]["name"] == PERSON
    assert client.get("/api/console/bookings?state=TX").json()["total"] == 0
    assert client.get("/api/console/bookings?state=fl").json()["total"] == 7  # the agency's state, any case
    for path in ("/api/console/bookings?state=ZZ", "/api/console/warrants?state=ZZ"):
        refused = client.get(path)  # a state none of the program's: refused, not "no bookings"
        assert refused.status_code == 400 and "'ZZ'" in refused.json()["detail"] and "TX" in refused.json()["detail"]
    page = client.get("/console/bookings?state=ZZ", headers={"accept": "text/html"})
    assert page.status_code == 400 and "<html" in page.text and "&#39;ZZ&#39;" in page.text
    assert client.get("/api/console/bookings?facility=polk-jail").json()["total"] == 7
    waiting = client.get("/api/console/warrants?status=waiting").json()
    assert waiting["total"] == 6 and "W-200" not in [w["warrant"] for w in waiting["warrants"]]
    served = client.get("/api/console/warrants?status=served").json()["warrants"]
    assert [(w["warrant"], w["hold"], w["hold_status"]) for w in served] == [("W-200", "hold-W-200", "open")]
    html = client.get("/console/warrants?status=waiting&q=W-5").text
    assert 'data-warrant="W-5" data-status="waiting"' in html and 'data-warrant="W-6"' not in html
    assert 'name="q" value="W-5"' in html and '<option value="waiting" selected>' in html
    assert client.get("/api/console/warrants?status=lost").status_code == 422


def test_a_warrant_before_service_has_its_booking_page_not_not_found(client: TestClient, jail: Database) -> None:
    sign_in(client, "clerk")
    page = client.get("/console/holds/W-200")
    assert page.status_code == 200
    assert 'id="no-hold-yet"' in page.text and "waiting for service by a WSO at the release" in page.text
    assert PERSON in page.text  # a clerk sees whom the booking holds
    detainer = client.get("/console/bookings/B-2").text
    assert "a detainer: held at the release with detainer.hold" in detainer
    assert client.get("/console/holds/nothing").status_code == 404
    api = client.get("/api/console/bookings/W-200").json()
    assert api["booking"]["booking"] == "B-1" and [w["status"] for w in api["warrants"]] == ["waiting"]
    assert client.get("/api/console/bookings/nothing").status_code == 404


def test_the_hold_page_shows_the_booking_local_times_and_labelled_fields(
    client: TestClient, jail: Database, clock: FixedClock
) -> None:
    assert Custody(jail, clock).run("warrant.serve", SERVE, actor="seed").accepted
    sign_in(client, "officer")
    page = client.get("/console/holds/hold-W-200").text
    assert 'id="booking-card"' in page and f'<dd id="person-name">{PERSON}</dd>' in page
    assert "No personal data is shown" not in page  # the public footer's promise is not the console's
    assert "Mon 2 Jun 2025, 11:00 EDT" in page and "UTC" not in re.sub(r"<[^>]+>", "", page).split("History")[1]
    events = page.split('id="events"')[1].split("</table>")[0]
    assert "<dt>Officer</dt><dd>wso-7</dd>" in events and "{" not in events  # labelled fields, not a raw dict
    assert 'name="next" value="/console/holds/hold-W-200"' in page
    assert '<label for="release-reason">Reason</label>' in page
    api = client.get("/api/console/holds/W-200").json()
    assert api["hold"]["tz"] == "America/New_York" and api["booking"]["person"]["name"] == PERSON
    assert {"label": "Officer", "value": "wso-7"} in api["events"][0]["fields"]
    client.post("/signout", data={"csrf_token": re.findall(r'name="csrf_token" value="([^"]+)"', page)[0]})
    sign_in(client, "auditor")
    assert PERSON not in client.get("/console/holds/hold-W-200").text
    assert client.get("/api/console/holds/W-200").json()["booking"]["person"] is None


@pytest.mark.parametrize(
    ("path", "key", "view", "derived"),
    [
        ("/api/console/board", "due", DueRelease, ("explain", "serve_urls")),
        ("/api/console/bookings", "bookings", BookingRow, ()),
        ("/api/console/warrants", "warrants", WarrantRow, ()),
    ],
)
def test_each_api_row_is_custodys_row_field_for_field(
    client: TestClient, jail: Database, path: str, key: str, view: type[BaseModel], derived: tuple[str, ...]
) -> None:
    """The API's rows are custody's models (each field declared once there), plus what the console derives."""
    sign_in(client, "clerk")
    rows = client.get(path).json()[key]
    assert rows and all(list(row) == [*view.model_fields, *derived] for row in rows)
    persons = [row["person"] for row in rows if row["person"] is not None]
    assert persons and all(list(person) == list(Person.model_fields) for person in persons)


def test_the_schema_describes_every_field_of_the_rows(client: TestClient) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for model in (HoldOut, DueOut, BookingOut, WarrantOut, Person):
        properties = schemas[model.__name__]["properties"]
        assert list(properties) == list(model.model_fields)
        undescribed = [name for name, schema in properties.items() if not schema.get("description")]
        assert undescribed == [], f"{model.__name__}: no description for {undescribed}"


def test_an_alerts_text_is_required_in_the_schema(client: TestClient) -> None:
    """Every alert carries what it asks of the jail in words: a client generated from the schema may rely on it."""
    alert = client.get("/api/openapi.json").json()["components"]["schemas"]["AlertOut"]
    assert "text" in alert["required"] and alert["properties"]["text"]["description"]
