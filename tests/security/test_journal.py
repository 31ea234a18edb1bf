"""Finding 6 of issue 18: a malformed date of birth was echoed into the journal, which every role reads."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.conftest import PERSON, seed_jail, sign_in
from wso.accounts import WebAction
from wso.clock import FixedClock
from wso.store import Database
from wso.web.console import journal_message


def test_a_refused_personal_value_never_reaches_the_journal(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    seed_jail(sqlite_db, clock)
    csrf = sign_in(client, "clerk")
    typed = {"id": "B-77", "facility": "polk-jail", "scheduled_release": "2025-06-03T09:00:00-04:00"}
    for extra in ({"dob": "03/02/1990", "name": PERSON}, {"a_number": "A123456789", "dob": "not a date 1990"}):
        answer = client.post("/console/commands/booking", data={"csrf_token": csrf, **typed, **extra})
        assert answer.status_code == 409  # the person at the desk sees what they typed, to correct it
        shown = client.get("/console/journal").text
        assert all(value not in shown for value in extra.values())
    with sqlite_db.session() as session:
        details = session.scalars(select(WebAction.detail).where(WebAction.kind == "command")).all()
    assert details and all("03/02/1990" not in d and PERSON not in d and "A123456789" not in d for d in details)
    assert any("dob" in d and "not recorded" in d for d in details)


def test_journal_message_keeps_the_field_and_drops_the_value() -> None:
    said = "field 'dob' must be a date YYYY-MM-DD, got '03/02/1990'"
    assert journal_message(said, {"dob": "03/02/1990"}) == (
        "field 'dob' must be a date YYYY-MM-DD (the value typed is not recorded)"
    )
    assert journal_message(f"booked {PERSON} at polk-jail", {"name": PERSON}) == "booked [name] at polk-jail"
