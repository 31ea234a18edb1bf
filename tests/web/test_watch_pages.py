"""The watch room on the site: subscribe forms on the state and agency pages, confirm and one-click unsubscribe
links, the Atom feeds and a requester's private calendar; nothing about a subscriber on any public page."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import func, select

from tests.web.conftest import NOW
from wso.clock import FixedClock
from wso.records import Requester, facts_for, new_request
from wso.registry import find_agencies
from wso.store import Database
from wso.watch import issue_calendar, list_subscriptions
from wso.watch.models import Delivery, Subscription

ADDRESS = "reader.private@example.org"


def _subscribe(client: TestClient, **form: str) -> str:
    response = client.post("/watch/subscribe", data=form)
    assert response.status_code == 200, response.text
    return response.text


def test_state_and_agency_pages_carry_a_prefilled_form_and_their_feed(
    public_client: TestClient, public_db: Database
) -> None:
    page = public_client.get("/states/TX").text
    assert 'action="/watch/subscribe"' in page and '<input type="hidden" name="state" value="TX">' in page
    assert 'href="/feeds/states/TX.atom"' in page
    with public_db.session() as session:
        agency = find_agencies(session, "Burnet County Sheriff", state="TX")[0]
    page = public_client.get(f"/agencies/{agency.id}").text
    assert f'<input type="hidden" name="agency" value="{agency.id}">' in page
    assert f'href="/feeds/agencies/{agency.id}.atom"' in page
    assert "Reciba un aviso" in public_client.get("/states/TX?lang=es").text


def test_an_email_subscription_waits_for_its_link_and_the_site_never_shows_the_address(
    public_client: TestClient, public_db: Database
) -> None:
    text = _subscribe(public_client, channel="email", address=ADDRESS, state="TX", model="WSO", lang="en")
    assert "sent a link" in text and ADDRESS not in text
    again = _subscribe(public_client, channel="email", address=ADDRESS, state="TX", model="WSO", lang="en")
    assert again == text  # the same answer whether or not it was subscribed already: no address is revealed
    with public_db.session() as session:
        (view,) = list_subscriptions(session, identified=True)
        row = session.get(Subscription, view.id)
        assert row is not None
        token = row.token
        confirms = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind == "confirm"))
    assert (view.status, view.origin, view.target, view.filter.state, view.filter.model) == (
        "pending",
        "web",
        ADDRESS,
        "TX",
        "WSO",
    )
    assert confirms == 1  # a second submission sends no second message
    page = public_client.get(f"/watch/confirm/{token}")
    assert page.status_code == 200 and f'action="/watch/confirm/{token}"' in page.text
    with public_db.session() as session:
        assert list_subscriptions(session)[0].status == "pending"  # a GET (a link scanner) confirms nothing
    done = public_client.post(f"/watch/confirm/{token}", data={"lang": "en"})
    assert done.status_code == 200 and "state TX, model WSO" in done.text
    with public_db.session() as session:
        assert list_subscriptions(session)[0].status == "active"
    for path in ("/states/TX", "/feeds/all.atom", "/feeds/states/TX.atom", "/api/states/TX", "/"):
        assert ADDRESS not in public_client.get(path).text, path


def test_one_click_unsubscribe_per_rfc_8058(public_client: TestClient, public_db: Database) -> None:
    _subscribe(public_client, channel="email", address=ADDRESS, state="FL")
    with public_db.session() as session:
        token = session.scalars(select(Subscription.token)).one()
    response = public_client.post(
        f"/watch/unsubscribe/{token}",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200 and "nothing more" in response.text
    with public_db.session() as session:
        assert list_subscriptions(session)[0].status == "removed"
        assert session.scalars(select(Delivery.status)).all() == ["dropped"]  # the confirmation never goes
    assert public_client.post("/watch/unsubscribe/not-a-token").status_code == 404
    assert public_client.get("/watch/confirm/not-a-token").status_code == 404


def test_a_webhook_from_the_site_shows_its_secret_once_and_must_reach_the_internet(
    public_client: TestClient, public_db: Database
) -> None:
    refused = public_client.post("/watch/subscribe", data={"channel": "webhook", "address": "http://127.0.0.1:9/hook"})
    assert refused.status_code == 400 and "https" in refused.text
    refused = public_client.post("/watch/subscribe", data={"channel": "webhook", "address": "https://10.1.2.3/hook"})
    assert refused.status_code == 400
    refused = public_client.post("/watch/subscribe", data={"channel": "email", "address": "x", "model": "ABC"})
    assert refused.status_code == 400 and "--model" in refused.text
    text = _subscribe(public_client, channel="webhook", address="https://93.184.215.14/hook", change="signed")
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', text)
    assert secret is not None
    with public_db.session() as session:
        (view,) = list_subscriptions(session)
        assert view.status == "pending" and view.filter.change == "signed"
        assert secret.group(1) not in str(list_subscriptions(session, identified=True))


def test_feeds_are_served_and_unknown_ones_are_404(public_client: TestClient) -> None:
    for path in ("/feeds/all.atom", "/feeds/states/tx.atom", "/feeds/models/wso.atom"):
        response = public_client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
        assert b'<feed xmlns="http://www.w3.org/2005/Atom">' in response.content
    for path in ("/feeds/states/XX.atom", "/feeds/models/ABC.atom", "/feeds/agencies/ag-nothing.atom"):
        assert public_client.get(path).status_code == 404, path


def test_a_requesters_calendar_lists_their_due_dates_behind_a_secret_address(
    public_client: TestClient, public_db: Database
) -> None:
    with public_db.session() as session:
        for agency, sent, name, address in (
            ("Burnet County Sheriff's Office", date(2025, 5, 19), "Ana Pérez", "ana@example.org"),
            ("Someone Else's County", date(2025, 5, 20), "Other", "other@example.org"),
        ):
            new_request(
                session,
                agency=agency,
                facts=facts_for("TX"),
                clock=FixedClock(NOW),
                sent=sent,
                requester=Requester(name, email=address),
            )
        token = issue_calendar(session, "Ana@Example.org", clock=FixedClock(NOW))
    response = public_client.get(f"/feeds/records/{token}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Burnet County Sheriff's Office (TX): records request 1, answer due"]
    assert events[0].decoded("dtstart") == date(2025, 6, 3)  # 10 Texas business days after May 19, Memorial Day not one
    assert public_client.get("/feeds/records/wrong.ics").status_code == 404


def test_the_console_shows_the_watcher_without_any_subscriber(public_client: TestClient, public_db: Database) -> None:
    from tests.web.conftest import sign_in

    _subscribe(public_client, channel="email", address=ADDRESS, state="TX")
    assert public_client.get("/console/watch").status_code == 303
    sign_in(public_client, "auditor")
    page = public_client.get("/console/watch")
    assert page.status_code == 200 and "Outbox: pending 1." in page.text and "pending 1" in page.text
    assert 'href="/console/watch"' in public_client.get("/console").text
    data = public_client.get("/api/console/watch").json()
    assert data["outbox"] == {"pending": 1} and data["subscriptions"] == {"pending": 1}
    assert ADDRESS not in page.text and ADDRESS not in str(data)
