"""The commands page and the setup path: commands by task in plain words, only those the role may run; one form
per command, pre-filled from the address, with pickers for references and times typed in the facility's zone;
success goes on to a local `next` page (Post/Redirect/Get); the setup path of a new jail, step by step."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from wso.clock import FixedClock
from wso.custody.models import Booking, Facility, Officer
from wso.store import Database

from .conftest import seed_jail, sign_in

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    seed_jail(sqlite_db, clock)
    return sqlite_db


def rows(database: Database, model: type) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_commands_are_listed_by_task_in_plain_words_for_the_role(client: TestClient, jail: Database) -> None:
    sign_in(client, "clerk")
    page = client.get("/console/commands").text
    groups = re.findall(r"<h2>([^<]+)</h2>", page)
    assert groups == ["Bookings", "Warrants", "Holds"]
    assert re.search(r'id="cmd-warrant-serve">Serve a warrant at release</a> <small><code>warrant.serve</code>', page)
    for hidden in ("interview", "detainer-issue", "officer-nominate", "agency", "complaint-receive"):
        assert f'id="cmd-{hidden}"' not in page, hidden
    assert 'href="/console/setup"' not in page
    client.cookies.clear()
    sign_in(client, "supervisor")
    page = client.get("/console/commands").text
    assert re.findall(r"<h2>([^<]+)</h2>", page)[0] == "Set up" and 'id="cmd-interview"' in page
    assert 'id="setup-link"' in page


def test_one_form_prefilled_from_the_address_with_pickers(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "officer")
    page = client.get("/console/commands/warrant.serve?warrant=W-200&facility=polk-jail").text
    assert page.count('<form method="post" action="/console/commands/') == 1
    form = page[page.index('id="form-warrant-serve"') :]
    assert f'<input type="hidden" name="csrf_token" value="{csrf}">' in form
    assert '<option value="W-200" selected>W-200: I-200 for booking B-1</option>' in form
    assert '<option value="polk-jail" selected>Polk County Jail (America/New_York)</option>' in form
    assert '<option value="wso-7">Deputy Example: authorized</option>' in form
    assert 'for="f-warrant-serve-interpreter">Interpreter <small>(optional)</small>' in form
    booking = client.get("/console/commands/booking?facility=polk-jail").text
    assert 'type="datetime-local" name="scheduled_release"' in booking and "America/New_York time" in booking
    onward = client.get("/console/commands/ice.notify?warrant=W-200&next=/console/holds/W-200").text
    assert '<input type="hidden" name="next" value="/console/holds/W-200">' in onward
    elsewhere = client.get("/console/commands/ice.notify?next=https://evil.example/").text
    assert 'name="next"' not in elsewhere
    assert client.get("/console/commands/warrant.burn").status_code == 404
    assert client.get("/console/commands/officer.authorize").status_code == 403


def test_success_goes_to_a_local_next_page_and_nowhere_else(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    served = client.post(
        "/console/commands/warrant.serve", data={"csrf_token": csrf, **SERVE, "next": "/console/holds/W-200"}
    )
    assert served.status_code == 303 and served.headers["location"] == "/console/holds/W-200"
    # three accepted commands (each a fact recorded once) with a next page elsewhere: each stays on its answer
    targets = ("https://evil.example/console/", "//evil.example/console/x", "/records")
    for command, target in zip(("ice.notify", "citizenship.claim", "citizenship.report"), targets, strict=True):
        answer = client.post(
            f"/console/commands/{command}", data={"csrf_token": csrf, "warrant": "W-200", "next": target}
        )
        assert answer.status_code == 200 and 'data-status="accepted"' in answer.text, target
    refused = client.post(
        "/console/commands/warrant.serve", data={"csrf_token": csrf, **SERVE, "next": "/console/holds/W-200"}
    )
    assert refused.status_code == 409 and 'id="refusal-rule">SEQUENCE' in refused.text  # no redirect on a refusal


def test_times_are_typed_in_the_facilitys_zone_and_stored_utc(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    form = {"csrf_token": csrf, "id": "B-9", "facility": "polk-jail", "scheduled_release": "2025-06-03T11:00"}
    assert 'data-status="accepted"' in client.post("/console/commands/booking", data=form).text
    with jail.session() as session:
        booking = session.get(Booking, "B-9")
        assert booking is not None and booking.scheduled_release == datetime(2025, 6, 3, 15, 0, tzinfo=UTC)
    # booked earlier than it is recorded: 10:30 in Florida (EDT) is 14:30 UTC, half an hour before the clock's now
    form = {**form, "id": "B-10", "occurred_at": "2025-06-02T10:30"}
    assert 'data-status="accepted"' in client.post("/console/commands/booking", data=form).text
    with jail.session() as session:
        booked = session.get(Booking, "B-10")
        assert booked is not None and booked.booked_at == datetime(2025, 6, 2, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-03-08T02:30", "does not exist in America/New_York: the clocks skip that hour"),
        ("2026-11-01T01:30", "happens twice in America/New_York"),
        ("tomorrow", "is not a date and time"),
    ],
)
def test_a_time_that_cannot_be_read_is_refused_naming_the_field_and_kept(
    client: TestClient, jail: Database, typed: str, said: str
) -> None:
    csrf = sign_in(client, "clerk")
    before = rows(jail, Booking)
    form = {"csrf_token": csrf, "id": "B-9", "facility": "polk-jail", "scheduled_release": typed}
    answer = client.post("/console/commands/booking", data=form)
    assert answer.status_code == 422
    assert "field &#39;scheduled_release&#39;" in answer.text and said in answer.text
    assert f'name="scheduled_release" id="f-booking-scheduled_release" value="{typed}"' in answer.text
    assert rows(jail, Booking) == before


def test_the_api_carries_the_catalogue_and_answers_an_unreadable_time_422(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    specs = {s["name"]: s for s in client.get("/api/console/commands").json()}
    serve = specs["warrant.serve"]
    assert serve["label"] == "Serve a warrant at release" and serve["group"] == "Warrants" and serve["allowed"]
    assert [(f["name"], f["kind"], f["refers_to"], f["required"]) for f in serve["fields"]][:2] == [
        ("warrant", "reference", "warrant", True),
        ("officer", "reference", "officer", True),
    ]
    assert not specs["interview"]["allowed"] and specs["interview"]["roles"] == ["supervisor", "admin"]
    headers = {"X-CSRF-Token": csrf}
    naive = {"args": {"id": "B-9", "facility": "polk-jail", "scheduled_release": "2025-06-03T11:00"}}
    answer = client.post("/api/console/commands/booking", json=naive, headers=headers)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "args", "scheduled_release"]
    assert "no UTC offset" in answer.json()["detail"][0]["msg"]
    bad = client.post(
        "/api/console/commands/ice.notify", json={"args": {"warrant": "W-200"}, "occurred_at": "x"}, headers=headers
    )
    assert bad.status_code == 422 and "occurred_at" in bad.text
    assert rows(jail, Booking) == 2


def test_a_blank_new_id_is_made_from_the_name(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "supervisor")
    form = {"csrf_token": csrf, "id": "", "agency": "polk-so", "name": "Polk Annex", "tz": "America/New_York"}
    assert 'data-status="accepted"' in client.post("/console/commands/facility", data=form).text
    officer = {"csrf_token": csrf, "agency": "polk-so", "name": "Deputy Example", "us_citizen": "yes"}
    assert 'data-status="accepted"' in client.post("/console/commands/officer.nominate", data=officer).text
    with jail.session() as session:
        assert session.get(Facility, "polk-annex") is not None
        assert session.get(Officer, "deputy-example") is not None


def test_a_supervisor_sets_up_a_jail_step_by_step(public_client: TestClient, public_db: Database) -> None:
    """Over ICE's real lists: the agency is found by name and entered with one button, then each step's form goes
    back to the setup page (303), which says what is done and what comes next."""
    client = public_client
    csrf = sign_in(client, "supervisor")
    page = client.get("/console/setup").text
    assert page.count(f'name="csrf_token" value="{csrf}"') == 7  # each step's form can be sent, and sign-out
    assert re.findall(r'data-done="(yes|no)"', page) == ["no"] * 7 and 'id="step-agency"' in page
    found = client.get("/console/setup?q=hardee").text
    agency = re.search(r'name="id" value="([^"]+)">\s*<button type="submit" class="pick-agency">Enter Hardee', found)
    assert agency, found[-3000:]
    steps = [
        ("agency", {"id": agency.group(1)}),
        ("agreement", {"agency": agency.group(1), "model": "WSO", "signed": "2025-02-26"}),
        ("facility", {"id": "", "agency": agency.group(1), "name": "Hardee County Jail", "tz": "America/New_York"}),
        ("officer.nominate", {"id": "", "agency": agency.group(1), "name": "Deputy A", "us_citizen": "yes"}),
        ("officer.exam", {"id": "deputy-a", "score": "81"}),
        ("officer.certify", {"id": "deputy-a"}),
        ("officer.authorize", {"id": "deputy-a"}),
    ]
    for command, fields in steps:
        answer = client.post(
            f"/console/commands/{command}", data={"csrf_token": csrf, "next": "/console/setup", **fields}
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/console/setup", (
            command,
            answer.text[-800:],
        )
    done = client.get("/console/setup").text
    assert re.findall(r'data-done="(yes|no)"', done) == ["yes"] * 7 and "The jail is set up" in done
    assert "Hardee County Jail (America/New_York)" in done and "Deputy A: authorized" in done
    refused = client.post(
        "/console/commands/officer.exam",
        data={"csrf_token": csrf, "next": "/console/setup", "id": "deputy-a", "score": "90"},
    )
    assert (
        refused.status_code == 409
        and 'id="refusal-rule">OFFICER-EXAM' in refused.text
        and "Set up a jail" in refused.text
    )
    client.cookies.clear()
    sign_in(client, "clerk")
    assert client.get("/console/setup").status_code == 403
