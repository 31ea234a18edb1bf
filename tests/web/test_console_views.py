"""The console shows custody's views and texts, not copies of its own: an alert reads as the sweep words it
(the console once said "release the person now" where the sweep cites the rule), and the hold the API shows is
custody's `HoldView`, field for field, which names no person's data; the alerts are read in one statement."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import statements
from wso.clock import FixedClock
from wso.custody import ALERT_TEXTS, HoldView, Person, find_hold, history, sweep
from wso.custody.sweep import KINDS
from wso.store import Database
from wso.web.console import EVENT_DERIVED, PERSONAL_FIELDS, EventOut, HoldOut, raised_alerts

from .conftest import seed_jail, sign_in
from .test_console import serve_and_hold

# What names a person's data: the booking's `person` and its fields, and the journal's personal fields.
PERSONAL = frozenset({"person", "person_name", *Person.model_fields, *PERSONAL_FIELDS})


def test_the_api_hold_is_custodys_hold_view_field_for_field(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    seed_jail(sqlite_db, clock)
    serve_and_hold(sqlite_db, clock)
    sign_in(client, "auditor")
    listed = client.get("/api/console/holds").json()["holds"]
    shown = client.get("/api/console/holds/W-200").json()["hold"]
    assert listed and all(list(hold) == list(HoldView.model_fields) for hold in [*listed, shown])
    assert set(HoldOut.model_fields) == set(HoldView.model_fields)


def test_no_field_of_a_hold_is_a_persons_data() -> None:
    """The API shows custody's `HoldView` as it is, so a field of a person's data added to it would reach every
    role: it must stay on the booking (`person`), shown only to roles that may see it."""
    assert sorted(set(HoldView.model_fields) & PERSONAL) == []


def test_the_api_event_is_custodys_history_event(client: TestClient, sqlite_db: Database, clock: FixedClock) -> None:
    seed_jail(sqlite_db, clock)
    serve_and_hold(sqlite_db, clock)
    with sqlite_db.session() as session:
        hold = find_hold(session, "W-200")
        assert hold is not None
        events = history(session, hold)["events"]
    assert events and all(set(event) == set(EventOut.model_fields) - EVENT_DERIVED for event in events)


def test_every_alert_reads_as_custody_words_it(client: TestClient, sqlite_db: Database, clock: FixedClock) -> None:
    assert set(ALERT_TEXTS) == set(KINDS)
    seed_jail(sqlite_db, clock)
    serve_and_hold(sqlite_db, clock)
    clock.advance(timedelta(hours=49))  # past W-200's 48 hours
    csrf = sign_in(client, "clerk")
    swept = client.post("/console/alerts/sweep", data={"csrf_token": csrf})  # back to the board: a refresh never sweeps
    assert swept.status_code == 303 and swept.headers["location"].startswith("/console")
    alerts = client.get("/api/console/alerts").json()["alerts"]
    assert "overdue" in {a["kind"] for a in alerts}
    for alert in alerts:
        assert alert["text"] == ALERT_TEXTS[alert["kind"]]
    on_page = client.get("/api/console/holds/W-200").json()["alerts"]  # the hold's own, read with its history
    by_kind = sorted(on_page, key=lambda a: a["kind"])
    assert by_kind == sorted((a for a in alerts if a["warrant"] == "W-200"), key=lambda a: a["kind"]) and on_page
    page = client.get("/console").text.replace("&#39;", "'")
    assert ALERT_TEXTS["overdue"] in page
    # the holds' deadlines and the alerts' times read in the Florida facility's zone, never as a bare offset
    assert "UTC-0" not in page and ("EST" in page or "EDT" in page)


def test_the_consoles_alerts_are_read_in_one_statement(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    """One statement for every open hold's alerts (it was a hold read and its history, hold by hold)."""
    seed_jail(sqlite_db, clock)
    serve_and_hold(sqlite_db, clock)
    clock.advance(timedelta(hours=80))  # past both holds' deadlines
    with sqlite_db.session() as session:
        sweep(session, clock)
    with sqlite_db.session() as session, statements(sqlite_db) as seen:
        alerts = raised_alerts(session)
    assert {a.warrant for a in alerts} == {"W-200", "D-247"} and len(seen) == 1
    assert all(a.text == ALERT_TEXTS[a.kind] and a.tz == "America/New_York" for a in alerts)


def test_the_alert_list_says_when_a_detention_agreements_cover_ended(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    """A hold held on under an IGSA whose last day is 4 June: the console's list and the hold's page say that the
    cover ended at midnight in Florida and what to do, not the 48-hour deadline's generic words."""
    from wso.custody import Custody

    seed_jail(sqlite_db, clock)
    igsa = {"id": "IGSA-P", "agency": "polk-so", "facilities": ["polk-jail"], "kind": "IGSA", "from": "2025-01-01"}
    assert Custody(sqlite_db, clock).run("detention.agreement", {**igsa, "until": "2025-06-04"}).accepted
    serve_and_hold(sqlite_db, clock)
    clock.advance(timedelta(days=2, hours=14))  # 5 June 05:00Z: moved at 4 June 15:00Z, cover ended at 04:00Z
    csrf = sign_in(client, "clerk")
    assert client.post("/console/alerts/sweep", data={"csrf_token": csrf}).status_code == 303
    alerts = client.get("/api/console/alerts").json()["alerts"]
    mine = [a for a in alerts if a["warrant"] == "W-200"]
    assert sorted(a["kind"] for a in mine) == ["ice_not_notified", "overdue"]  # ICE was never told, here
    (ended,) = [a for a in mine if a["kind"] == "overdue"]
    assert ended["due_at"] == "2025-06-05T04:00:00Z"
    assert ended["text"].startswith("the detention agreement the hold moved onto ended: its cover ended at ")
    assert "2025-06-05T00:00:00-04:00" in ended["text"] and ended["text"] != ALERT_TEXTS["overdue"]
    on_page = client.get("/api/console/holds/W-200").json()["alerts"]
    assert sorted(on_page, key=lambda a: a["kind"]) == sorted(mine, key=lambda a: a["kind"])
    page = client.get("/console").text.replace("&#39;", "'")
    assert ended["text"] in page


def test_a_hold_page_does_not_offer_a_fact_already_recorded(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    """ICE is told once, a claim is recorded once and reported once: the ledger refuses a second (SEQUENCE), so
    the hold's page stops offering each once it is recorded; a report is offered only once a claim is."""
    from wso.custody import Custody

    seed_jail(sqlite_db, clock)
    serve_and_hold(sqlite_db, clock)
    sign_in(client, "clerk")

    def offered() -> set[str]:
        page = client.get("/console/holds/W-200").text
        return {cmd for cmd in ("ice-notify", "citizenship-claim", "citizenship-report") if f'id="do-{cmd}"' in page}

    assert offered() == {"ice-notify", "citizenship-claim"}
    ledger = Custody(sqlite_db, clock)
    assert ledger.run("ice.notify", {"warrant": "W-200"}).accepted
    assert ledger.run("citizenship.claim", {"warrant": "W-200"}).accepted
    assert offered() == {"citizenship-report"}
    assert ledger.run("citizenship.report", {"warrant": "W-200"}).accepted
    assert offered() == set()
    assert 'id="do-custody-transfer"' in client.get("/console/holds/W-200").text
