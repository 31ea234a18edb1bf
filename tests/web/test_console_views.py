"""The console shows custody's views and texts, not copies of its own: an alert reads as the sweep words it
(the console once said "release the person now" where the sweep cites the rule), and the hold the API shows is
custody's `HoldView`, field for field, unless a field is deliberately left out."""

from __future__ import annotations

import dataclasses
import typing
from datetime import timedelta

from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.custody import ALERT_TEXTS, HoldView, find_hold, history
from wso.custody.sweep import KINDS
from wso.store import Database
from wso.web.console import EVENT_DERIVED, NOT_SHOWN, EventOut, HoldOut

from .conftest import seed_jail, sign_in
from .test_console import serve_and_hold


def test_the_api_hold_is_custodys_hold_view_field_for_field() -> None:
    view = {f.name: f.type for f in dataclasses.fields(HoldView)}
    hints = typing.get_type_hints(HoldView)
    shown = {name: field.annotation for name, field in HoldOut.model_fields.items()}
    missing = sorted(set(view) - set(shown) - NOT_SHOWN)
    assert missing == [], (
        f"custody's HoldView has fields the console's HoldOut lacks: {missing}; add each to HoldOut if the console "
        "may show it, or to NOT_SHOWN if it may not (personal data never)"
    )
    assert sorted(set(shown) - set(view)) == [], "HoldOut shows fields custody's HoldView does not have"
    assert {name: hints[name] for name in shown} == shown


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
