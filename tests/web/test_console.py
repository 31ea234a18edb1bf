"""The console over a seeded jail: open holds by time left, alerts and the sweep, a hold's history and chain,
the ledger's commands as forms and API calls (refusals with their rule, roles, the actor recorded), the audit of
uploaded records, and the public-records tracker. The clock is the app's FixedClock throughout."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from wso.accounts import ROLES, WebAction, create_token
from wso.audit import generate
from wso.clock import FixedClock
from wso.custody import Custody, MemoryNotifier, find_hold, history
from wso.custody.models import Hold, HoldEvent
from wso.records.facts import COLUMNS as FACT_COLUMNS
from wso.settings import get_settings
from wso.store import Database
from wso.web.app import create_app
from wso.web.console import args_from_form, command_specs, may_run

from .conftest import NOW, PERSON, seed_jail, sign_in

SERVE = {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    seed_jail(sqlite_db, clock)
    return sqlite_db


def token(database: Database, username: str) -> dict[str, str]:
    with database.session() as session:
        return {"Authorization": f"Bearer {create_token(session, username, 'test', now=NOW)}"}


def serve_and_hold(database: Database, clock: FixedClock) -> None:
    """W-200 served now (48 h flat), then the detainer D-247 held (a longer clock)."""
    ledger = Custody(database, clock)
    assert ledger.run("warrant.serve", SERVE, actor="seed").accepted
    assert ledger.run("detainer.hold", {"warrant": "D-247"}, actor="seed").accepted


def counts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Hold)) or 0,
            session.scalar(select(func.count()).select_from(HoldEvent)) or 0,
        )


def test_home_lists_open_holds_least_time_left_first_with_countdowns(
    client: TestClient, jail: Database, clock: FixedClock
) -> None:
    ledger = Custody(jail, clock)
    assert ledger.run("detainer.hold", {"warrant": "D-247"}, actor="seed").accepted  # until NOW + 48 h
    clock.advance(timedelta(hours=2))
    # B-1 actually leaves criminal custody two hours after its scheduled release: served then, until NOW + 50 h
    assert ledger.run("criminal.release", {"booking": "B-1"}, actor="seed").accepted
    assert ledger.run("warrant.serve", SERVE, actor="seed").accepted
    clock.advance(timedelta(hours=1))
    sign_in(client, "clerk")
    page = client.get("/console").text
    assert page.index('data-hold="hold-D-247"') < page.index('data-hold="hold-W-200"')
    assert 'data-deadline="2025-06-04T17:00:00Z" data-now="2025-06-02T18:00:00+00:00"' in page
    assert "/static/countdown.js" in page
    assert '<div id="live" hx-get="/console" hx-trigger="every 30s"' in page  # htmx refreshes holds and alerts
    api = client.get("/api/console/holds").json()
    assert [h["warrant"] for h in api["holds"]] == ["D-247", "W-200"]
    assert [h["seconds_left"] for h in api["holds"]] == [45 * 3600, 47 * 3600]
    assert api["now"] == "2025-06-02T18:00:00Z"
    assert PERSON not in page and PERSON not in str(api)


def test_home_names_an_officer_whose_record_was_altered(client: TestClient, jail: Database) -> None:
    sign_in(client, "clerk")
    assert "every hash chain verifies" in client.get("/console").text
    with jail.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER custody_officer_events_no_update"))
        conn.execute(text("UPDATE custody_officer_events SET actor = 'mallory' WHERE officer_id = 'wso-7' AND seq = 2"))
    page = client.get("/console").text
    assert "1 broken chain(s)" in page and "officer wso-7 at event 2: hash does not match" in page


def test_a_command_form_is_accepted_recorded_with_its_actor_and_journaled(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "officer")
    response = client.post("/console/commands/warrant.serve", data={"csrf_token": csrf, **SERVE})
    assert response.status_code == 200
    assert 'data-status="accepted"' in response.text and "WSO-48H" in response.text
    with jail.session() as session:
        hold = find_hold(session, "W-200")
        assert hold is not None
        events = history(session, hold)["events"]
        actions = session.execute(select(WebAction.actor, WebAction.kind, WebAction.ok)).all()
    assert [(e["kind"], e["actor"]) for e in events] == [("served", "officer")]
    assert ("officer", "command", True) in [tuple(a) for a in actions]


@pytest.mark.parametrize(
    ("command", "fields", "rule", "role", "status"),
    [
        (
            "warrant.serve",
            {"warrant": "D-247", "officer": "wso-7", "facility": "polk-jail"},
            "WSO-WARRANT-FORMS",
            "clerk",
            409,
        ),
        (
            "warrant.serve",
            {"warrant": "W-200", "officer": "wso-7", "facility": "elsewhere"},
            "WSO-JAIL-ONLY",
            "clerk",
            409,
        ),
        # the acts a WSO may not do are a supervisor's to record, never a clerk's
        (
            "interview",
            {"officer": "wso-7", "booking": "B-1", "topic": "citizenship"},
            "WSO-NO-INTERROGATION",
            "supervisor",
            409,
        ),
        ("detainer.issue", {"officer": "wso-7", "booking": "B-1"}, "WSO-NO-DETAINER", "supervisor", 409),
        ("ice.notify", {"warrant": "W-404"}, "INPUT", "clerk", 409),
        # a time the console cannot read is refused before the ledger: 422, naming the field
        ("booking", {"id": "B-9", "facility": "polk-jail", "scheduled_release": "tomorrow"}, "INPUT", "clerk", 422),
    ],
)
def test_every_refusal_shows_its_rule_and_message_and_writes_nothing(
    client: TestClient, jail: Database, command: str, fields: dict[str, str], rule: str, role: str, status: int
) -> None:
    csrf = sign_in(client, role)
    before = counts(jail)
    response = client.post(f"/console/commands/{command}", data={"csrf_token": csrf, **fields})
    assert response.status_code == status
    found = re.search(r'<code id="refusal-rule">([^<]+)</code>', response.text)
    assert found and found.group(1) == rule
    assert re.search(r'<p id="refusal-message">\S.+</p>', response.text)
    assert "Nothing was written." in response.text
    assert counts(jail) == before
    with jail.session() as session:
        detail = session.scalars(select(WebAction.detail).where(WebAction.kind == "command")).one()
    assert detail.startswith(f"{command}: refused by {rule}: ")


def test_a_program_rule_refusal_carries_its_title_and_citation(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    fields = {"warrant": "D-247", "officer": "wso-7", "facility": "polk-jail"}
    page = client.post("/console/commands/warrant.serve", data={"csrf_token": csrf, **fields}).text
    assert "<cite>" in page
    # the form keeps what was picked, to correct and resend
    assert re.search(r'<select name="warrant"[^>]*>.*<option value="D-247" selected>', page, re.S)
    api = client.post(
        "/api/console/commands/warrant.serve",
        json={"args": fields},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 409
    body = api.json()
    assert body["rule"] == "WSO-WARRANT-FORMS" and body["rule_citation"] and body["rule_title"]
    assert body["actor"] == "clerk" and body["status"] == "refused"


def test_auditor_reads_but_cannot_write(client: TestClient, jail: Database, clock: FixedClock) -> None:
    serve_and_hold(jail, clock)
    csrf = sign_in(client, "auditor")
    assert client.get("/console").status_code == 200
    assert client.get("/console/holds/W-200").status_code == 200
    page = client.get("/console/commands").text
    assert 'id="read-only"' in page and '<form method="post" action="/console/commands/' not in page
    assert "do-custody-transfer" not in client.get("/console/holds/W-200").text
    before = counts(jail)
    refused = client.post("/console/commands/custody.transfer", data={"csrf_token": csrf, "warrant": "W-200"})
    assert refused.status_code == 403
    assert client.post("/console/alerts/sweep", data={"csrf_token": csrf}).status_code == 403
    headers = token(jail, "auditor")
    api = client.post("/api/console/commands/custody.transfer", json={"args": {"warrant": "W-200"}}, headers=headers)
    assert api.status_code == 403
    assert client.post("/api/console/alerts/sweep", headers=headers).status_code == 403
    assert counts(jail) == before
    assert client.get("/api/console/holds", headers=headers).status_code == 200
    with jail.session() as session:
        refused = session.execute(
            select(WebAction.actor, WebAction.detail).where(WebAction.kind == "write-refused").order_by(WebAction.id)
        ).all()
    assert [tuple(r) for r in refused] == [
        ("auditor", "POST /console/commands/custody.transfer: role auditor may only read"),
        ("auditor", "POST /console/alerts/sweep: role auditor may only read"),
        ("auditor", "POST /api/console/commands/custody.transfer: role auditor may only read"),
        ("auditor", "POST /api/console/alerts/sweep: role auditor may only read"),
    ]


def test_roles_decide_which_commands_each_may_run(client: TestClient, jail: Database) -> None:
    assert may_run("supervisor", "officer.authorize") and may_run("admin", "facility")
    assert not may_run("clerk", "officer.authorize") and not may_run("officer", "agency")
    assert may_run("clerk", "custody.transfer") and may_run("officer", "warrant.serve")
    assert not any(may_run("auditor", spec.name) for spec in command_specs("auditor"))
    csrf = sign_in(client, "clerk")
    response = client.post("/console/commands/officer.withdraw", data={"csrf_token": csrf, "id": "wso-7"})
    assert response.status_code == 403 and "may not run officer.withdraw" in response.text
    with jail.session() as session:
        row = session.execute(
            select(WebAction.actor, WebAction.detail, WebAction.ok).where(WebAction.kind == "command")
        ).one()
    assert tuple(row) == ("clerk", "officer.withdraw: refused (role clerk may not run it)", False)
    listed = client.get("/console/commands").text  # the commands the role may run, by task, each a link to its form
    assert 'id="cmd-officer-withdraw"' not in listed and 'id="cmd-custody-transfer"' in listed
    assert 'id="form-custody-transfer"' in client.get("/console/commands/custody.transfer").text
    assert client.get("/console/commands/officer.withdraw").status_code == 403


def test_unknown_command_is_not_found(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "admin")
    assert client.post("/console/commands/warrant.burn", data={"csrf_token": csrf}).status_code == 404
    headers = token(jail, "admin")
    assert client.post("/api/console/commands/warrant.burn", json={}, headers=headers).status_code == 404


def test_forms_become_the_ledgers_fields() -> None:
    form = {"id": "wso-9", "agency": "polk-so", "name": "D", "us_citizen": "yes", "extra": "note = x\ncsrf_token=1"}
    assert args_from_form("officer.nominate", form) == {
        "id": "wso-9",
        "agency": "polk-so",
        "name": "D",
        "us_citizen": True,
        "note": "x",
    }
    assert args_from_form("facility", {"id": "f", "detention_agreement": "no", "tz": ""}) == {
        "id": "f",
        "detention_agreement": False,
    }


def test_setting_up_a_jail_through_the_forms(client: TestClient, sqlite_db: Database, clock: FixedClock) -> None:
    """A supervisor enters everything a service needs, and a clerk records the service."""
    csrf = sign_in(client, "supervisor")
    steps = [
        ("agency", {"id": "lee-so", "name": "Lee County Sheriff's Office", "state": "FL"}),
        ("agreement", {"agency": "lee-so", "model": "WSO", "signed": "2025-01-10"}),
        ("facility", {"id": "lee-jail", "agency": "lee-so", "name": "Lee Jail", "tz": "America/New_York"}),
        ("officer.nominate", {"id": "d-1", "agency": "lee-so", "name": "Deputy", "us_citizen": "yes"}),
        ("officer.exam", {"id": "d-1", "score": "91"}),
        ("officer.certify", {"id": "d-1"}),
        ("officer.authorize", {"id": "d-1"}),
        ("booking", {"id": "b-1", "facility": "lee-jail", "scheduled_release": "2025-06-02T11:00:00-04:00"}),
        ("warrant.receive", {"id": "I205-1", "booking": "b-1", "form": "I-205"}),
        ("warrant.serve", {"warrant": "I205-1", "officer": "d-1", "facility": "lee-jail"}),
        ("ice.notify", {"warrant": "I205-1"}),
    ]
    for command, fields in steps:
        response = client.post(f"/console/commands/{command}", data={"csrf_token": csrf, **fields})
        assert 'data-status="accepted"' in response.text, (command, response.text[-1500:])
    hold = client.get("/api/console/holds/I205-1").json()
    assert hold["hold"]["status"] == "open" and hold["hold"]["ice_notified_at"] == "2025-06-02T15:00:00Z"
    assert [e["kind"] for e in hold["events"]] == ["served", "ice_notified"]


def test_the_sweep_raises_alerts_once_and_the_console_shows_them(
    app: FastAPI, client: TestClient, jail: Database, clock: FixedClock
) -> None:
    notifier = MemoryNotifier()
    app.state.notifier = notifier
    serve_and_hold(jail, clock)
    clock.advance(timedelta(hours=47, minutes=30))
    csrf = sign_in(client, "clerk")
    sent = client.post("/console/alerts/sweep", data={"csrf_token": csrf})
    assert sent.status_code == 303 and sent.headers["location"] == "/console?swept=3"  # a refresh never sweeps again
    page = client.get(sent.headers["location"])
    assert "Sweep: 3 alert(s) raised" in page.text
    assert 'class="alert-due_1h"' in page.text and 'class="alert-ice_not_notified"' in page.text
    assert sorted((a.kind, a.warrant) for a in notifier.sent) == [
        ("due_1h", "D-247"),
        ("due_1h", "W-200"),
        ("ice_not_notified", "W-200"),
    ]
    again = client.post("/api/console/alerts/sweep", headers={"X-CSRF-Token": csrf}).json()
    assert again["status"] == "accepted" and again["alerts"] == []
    alerts = client.get("/api/console/alerts").json()
    assert {(a["kind"], a["warrant"]) for a in alerts["alerts"]} == {
        ("due_1h", "D-247"),
        ("due_1h", "W-200"),
        ("ice_not_notified", "W-200"),
    }
    assert "sweep: accepted: 3 alert(s) raised" in client.get("/console/journal").text


def test_a_holds_page_shows_its_history_chain_and_actions(
    client: TestClient, jail: Database, clock: FixedClock
) -> None:
    serve_and_hold(jail, clock)
    csrf = sign_in(client, "officer")
    client.post("/console/commands/ice.notify", data={"csrf_token": csrf, "warrant": "W-200"})
    page = client.get("/console/holds/W-200")
    assert page.status_code == 200
    assert '<strong class="ok">verified</strong>' in page.text
    assert page.text.count("<tr><td>") == 2 and "ice_notified" in page.text
    assert 'id="countdown" data-deadline="2025-06-04T15:00:00Z"' in page.text
    assert 'id="do-custody-transfer"' in page.text and 'id="release-reason"' in page.text
    release = {"csrf_token": csrf, "warrant": "D-247", "reason": "citizenship_verified", "confirm": "yes"}
    refused = client.post("/console/commands/custody.release", data=release)
    assert refused.status_code == 409 and "record the claim first" in refused.text
    detail = client.get("/api/console/holds/hold-W-200").json()
    assert detail["chain_ok"] and detail["first_broken"] is None
    assert [(e["seq"], e["kind"], e["actor"]) for e in detail["events"]] == [
        (1, "served", "seed"),
        (2, "ice_notified", "officer"),
    ]
    assert detail["events"][1]["prev_hash"] == detail["events"][0]["hash"]
    form = {"csrf_token": csrf, "warrant": "W-200", "confirm": "yes"}
    transfer = client.post("/console/commands/custody.transfer", data=form)
    assert 'data-status="accepted"' in transfer.text
    assert client.get("/api/console/holds/W-200").json()["hold"]["status"] == "transferred"
    assert client.get("/console/holds/nope").status_code == 404
    assert client.get("/api/console/holds/nope").status_code == 404
    verification = client.get("/api/console/ledger/verify").json()
    assert verification == {
        "ok": True,
        "holds": 2,
        "events": 4,
        "broken": [],
        "officers": 1,
        "officer_events": 4,  # nominated, exam, certified, authorized: the officer's chain is verified too
        "broken_officers": [],
    }


def test_api_commands_by_token_with_an_idempotency_key(client: TestClient, jail: Database) -> None:
    headers = token(jail, "officer")
    body = {"args": SERVE, "idempotency_key": "desk-1"}
    first = client.post("/api/console/commands/warrant.serve", json=body, headers=headers)
    again = client.post("/api/console/commands/warrant.serve", json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["events"] == again.json()["events"] == [{"hold": "hold-W-200", "seq": 1}]
    assert counts(jail) == (1, 1)
    specs = client.get("/api/console/commands", headers=headers).json()
    serve = next(s for s in specs if s["name"] == "warrant.serve")
    assert serve["allowed"] and [f["name"] for f in serve["fields"]] == [
        "warrant",
        "officer",
        "facility",
        "interpreter",
    ]
    naive = client.post(
        "/api/console/commands/ice.notify",
        json={"args": {"warrant": "W-200"}, "occurred_at": "2025-06-02T10:00:00"},
        headers=headers,
    )
    assert naive.status_code == 422


def test_audit_of_uploaded_records(client: TestClient, jail: Database, tmp_path: Path) -> None:
    generate(tmp_path, 300, seed=3, violation_rate=0.2, file_format="csv")
    names = ("holds.csv", "officers.csv", "agreements.csv")
    files = [("files", (name, (tmp_path / name).read_bytes(), "text/csv")) for name in names]
    csrf = sign_in(client, "auditor")
    as_of = "2026-01-01T00:00:00Z"
    sent = client.post("/console/audit", data={"csrf_token": csrf, "as_of": as_of}, files=files)
    assert sent.status_code == 303, sent.text[-800:]
    page = client.get(sent.headers["location"])
    found = re.search(r'<h2 id="audit-summary">(\d+) holds, (\d+) findings', page.text)
    assert found and int(found.group(1)) == 300 and int(found.group(2)) > 0
    headers = token(jail, "auditor")
    api = client.post("/api/console/audit", files=files, headers=headers, data={"as_of": as_of})
    assert api.status_code == 200
    report = api.json()
    assert report["summary"]["holds"] == 300 and report["findings_total"] == int(found.group(2))
    assert report["findings"][0]["rule_id"] and isinstance(report["findings"][0]["evidence"], dict)
    wrong = [("files", ("holdings.csv", b"a,b\n", "text/csv"))]
    refused = client.post("/api/console/audit", files=wrong, headers=headers)
    assert refused.status_code == 400 and "no holds file" in refused.json()["detail"]
    assert "ignored holdings.csv: not one of the audit's tables" in refused.json()["detail"]
    bad = [("files", ("holds.csv", b"record_id\nx\n", "text/csv"))]
    shown = client.post("/console/audit", data={"csrf_token": csrf}, files=bad)
    assert shown.status_code == 400 and 'id="error"' in shown.text


def test_records_tracker_for_signed_in_users(client: TestClient, jail: Database) -> None:
    csrf = sign_in(client, "clerk")
    created = client.post(
        "/console/records",
        data={"csrf_token": csrf, "agency": "Polk County Sheriff's Office", "state": "FL", "sent": "2025-05-01"},
    )
    assert created.status_code == 303
    path = created.headers["location"]
    page = client.get(path).text
    assert "Fla. Stat. ch. 119" in page and '<strong id="status">sent</strong>' in page
    logged = client.post(path + "/events", data={"csrf_token": csrf, "event": "acknowledged", "on": "2025-05-03"})
    assert logged.status_code == 303
    refused = client.post(path + "/events", data={"csrf_token": csrf, "event": "sent", "on": "2025-05-04"})
    assert refused.status_code == 400 and "cannot follow" in refused.text
    headers = token(jail, "auditor")
    listed = client.get("/api/console/records", headers=headers).json()
    assert [(r["id"], r["status"]) for r in listed] == [(1, "acknowledged")]
    due = client.get("/api/console/records/due", headers=headers).json()
    assert due[0]["id"] == 1 and due[0]["overdue"]
    shown = client.get("/api/console/records/1", headers=headers).json()
    assert [e["event"] for e in shown["events"]] == ["sent", "acknowledged"] and shown["requester"] is None
    assert client.post("/api/console/records", json={"agency": "X", "state": "FL"}, headers=headers).status_code == 403
    writer = token(jail, "admin")
    made = client.post(
        "/api/console/records", json={"agency": "Nowhere PD", "state": "ZZ", "sent": "2025-05-01"}, headers=writer
    )
    assert made.status_code == 400
    new = client.post(
        "/api/console/records",
        json={"agency": "Lee County Sheriff's Office", "state": "FL", "requester_name": "A Reporter"},
        headers=writer,
    )
    assert new.status_code == 201 and new.json()["status"] == "draft" and new.json()["requester"] is None
    sent = client.post("/api/console/records/2/events", json={"event": "sent"}, headers=writer)
    assert sent.status_code == 200 and sent.json()["sent"] == "2025-06-02"
    assert client.post("/api/console/records/99/events", json={"event": "sent"}, headers=writer).status_code == 404
    assert client.get("/api/console/records/99", headers=writer).status_code == 404
    assert "A Reporter" not in client.get("/console/records/2").text


def test_the_console_api_on_both_databases(db: Database, clock: FixedClock) -> None:
    """The same console calls on SQLite and on PostgreSQL: serve, list, history, sweep, a refusal."""
    from wso.accounts import create_user
    from wso.settings import get_settings
    from wso.web.app import create_app

    with db.session() as session:
        create_user(session, "desk", "a long enough password", "clerk", now=NOW)
    seed_jail(db, clock)
    headers = token(db, "desk")
    with TestClient(create_app(get_settings(), db, clock)) as client:
        served = client.post("/api/console/commands/warrant.serve", json={"args": SERVE}, headers=headers)
        assert served.status_code == 200, served.text
        clock.advance(timedelta(hours=1))
        swept = client.post("/api/console/alerts/sweep", headers=headers).json()
        assert [a["kind"] for a in swept["alerts"]] == ["ice_not_notified"]
        holds = client.get("/api/console/holds", headers=headers).json()["holds"]
        assert [(h["warrant"], h["seconds_left"]) for h in holds] == [("W-200", 47 * 3600)]
        detail = client.get("/api/console/holds/W-200", headers=headers).json()
        assert detail["chain_ok"] and [e["actor"] for e in detail["events"]] == ["desk"]
        again = client.post("/api/console/commands/warrant.serve", json={"args": SERVE}, headers=headers)
        assert again.status_code == 409 and again.json()["rule"] == "SEQUENCE"


def test_an_admin_adds_users_and_no_one_else_may(client: TestClient, sqlite_db: Database) -> None:
    csrf = sign_in(client, "admin")
    page = client.get("/console/users")
    assert page.status_code == 200 and page.text.count("<tr><td>") == 5
    form = {"csrf_token": csrf, "username": "desk-2", "role": "clerk", "password": "a long enough password"}
    assert client.post("/console/users", data=form).status_code == 303
    short = client.post("/console/users", data={**form, "username": "desk-3", "password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    taken = client.post("/console/users", data=form)
    assert taken.status_code == 400 and "already exists" in taken.text
    with sqlite_db.session() as session:
        added = session.execute(select(WebAction.actor, WebAction.detail).where(WebAction.kind == "user-added")).all()
    assert [tuple(a) for a in added] == [("admin", "user desk-2 added with role clerk")]
    headers = token(sqlite_db, "admin")
    listed = client.get("/api/console/users", headers=headers).json()
    assert ("desk-2", "clerk") in [(u["username"], u["role"]) for u in listed]
    made = client.post(
        "/api/console/users",
        json={"username": "m", "role": "auditor", "password": "tall ships at dawn"},
        headers=headers,
    )
    assert made.status_code == 201 and made.json()["role"] == "auditor"
    bad = client.post(
        "/api/console/users",
        json={"username": "n", "role": "sheriff", "password": "tall ships at dawn"},
        headers=headers,
    )
    assert bad.status_code == 400 and "unknown role" in bad.json()["detail"]
    client.post("/signout", data={"csrf_token": csrf})
    other = sign_in(client, "desk-2", "a long enough password")
    assert client.get("/console/users").status_code == 403
    assert client.post("/console/users", data={**form, "csrf_token": other, "username": "x"}).status_code == 403
    for role in ("clerk", "officer", "supervisor", "auditor"):
        assert client.get("/api/console/users", headers=token(sqlite_db, role)).status_code == 403


def test_every_console_link_resolves_for_each_role(client: TestClient, jail: Database, clock: FixedClock) -> None:
    """Walk every page reachable from /console by its links, as each role, with a served hold: no link leads to a
    404 or a server error (a role may be refused with 403 where its role says so)."""
    served = Custody(jail, clock).run(
        "warrant.serve", {"warrant": "W-200", "officer": "wso-7", "facility": "polk-jail"}
    )
    assert served.accepted
    for role in ROLES:
        sign_in(client, role)
        seen: dict[str, int] = {}
        queue = ["/console"]
        while queue and len(seen) < 200:
            path = queue.pop()
            if path in seen:
                continue
            response = client.get(path)
            seen[path] = response.status_code
            if response.status_code == 200 and "text/html" in response.headers["content-type"]:
                for link in re.findall(r'href="(/console[^"#]*)"', response.text):
                    queue.append(link.replace("&amp;", "&"))
        assert len(seen) > 5, (role, seen)
        assert {p: s for p, s in seen.items() if s not in (200, 403)} == {}, role
        client.cookies.clear()


def test_console_pages_offer_no_language_switch_they_would_not_honour(
    client: TestClient, jail: Database, clock: FixedClock
) -> None:
    """The console is in English only: its pages show no 'Español' link (the public pages keep theirs)."""
    assert Custody(jail, clock).run("warrant.serve", SERVE).accepted
    sign_in(client, "admin")
    pages = ["/console", "/console/journal", "/console/commands", "/console/records", "/console/audit"]
    pages += ["/console/users", *re.findall(r'href="(/console/holds/[^"#]+)"', client.get("/console").text)[:1]]
    assert len(pages) == 7
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'id="lang-switch"' not in page.text and "Español" not in page.text, path
    assert 'id="lang-switch"' in client.get("/").text


def test_the_tracker_and_the_public_page_use_the_users_facts_file(
    sqlite_db: Database, clock: FixedClock, users: dict[str, str], tmp_path: Path
) -> None:
    """WSO_RECORDS_FACTS_FILE adds a state (here Puerto Rico, which the packaged facts lack) to the tracker and to
    /records alike: both read the app's facts, loaded once."""
    facts = tmp_path / "facts.csv"
    facts.write_text(
        ",".join(FACT_COLUMNS)
        + "\nPR,Puerto Rico public records (test),P.R. Laws Ann. tit. 3 § 1 (test),10,business,10 business days,"
        "no,Copy cost,court (Court of First Instance),https://example.org/pr,medium\n",
        encoding="utf-8",
    )
    app = create_app(get_settings().model_copy(update={"records_facts_file": facts}), sqlite_db, clock)
    with TestClient(app, follow_redirects=False) as client:
        made = client.post(
            "/api/console/records",
            json={"agency": "San Juan Police", "state": "PR", "sent": "2025-05-01"},
            headers=token(sqlite_db, "admin"),
        )
        assert made.status_code == 201, made.text
        assert "P.R. Laws Ann. tit. 3 § 1 (test)" in made.text
        assert "P.R. Laws Ann. tit. 3 § 1 (test)" in client.get("/records?state=PR").text
