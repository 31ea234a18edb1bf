"""The console's cost page and API over a seeded jail: the ledger's figures (`wso custody cost`), the bed-days
chart, and bad input refused naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database

from .conftest import seed_jail, sign_in
from .test_console import SERVE, token


@pytest.fixture
def jail(sqlite_db: Database, clock: FixedClock) -> Database:
    """W-200 served at the release (2 June 2025, 11:00 EDT) and transferred 30 hours later; the detainer D-247
    held from the same release and still open, 30 hours later."""
    seed_jail(sqlite_db, clock)
    ledger = Custody(sqlite_db, clock)
    assert ledger.run("warrant.serve", SERVE, actor="seed").accepted
    assert ledger.run("detainer.hold", {"warrant": "D-247"}, actor="seed").accepted
    clock.advance(timedelta(hours=30))
    assert ledger.run("custody.transfer", {"warrant": "W-200"}, actor="seed").accepted
    return sqlite_db


def test_the_api_gives_the_ledgers_figures(client: TestClient, jail: Database) -> None:
    answer = client.get("/api/console/cost", params={"per_diem": "USD 80"}, headers=token(jail, "auditor"))
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    (june,) = doc["months"]
    assert june == {
        "facility": "polk-jail",
        "month": "2025-06",
        "holds": 2,
        "hours": 60.0,
        "unreimbursed_hours": 60.0,
        "reimbursed_hours": 0.0,
        "bed_days": 2.5,
        "cost": {
            "currency": "USD",
            "unreimbursed": {"amount": "200.00", "arithmetic": "60.00 h / 24 × USD 80 = USD 200.00"},
            "reimbursed_beds": {"amount": "0.00", "arithmetic": "0.00 h / 24 × USD 80 = USD 0.00"},
        },
    }
    assert doc["as_of"] == "2025-06-03T21:00:00Z" and doc["set_aside"] == []
    plain = client.get("/api/console/cost", headers=token(jail, "auditor")).json()
    assert "cost" not in plain["months"][0]


@pytest.mark.parametrize(
    ("params", "named"),
    [({"per_diem": "-80"}, "per_diem"), ({"reimbursement": "lots"}, "reimbursement"),
     ({"facility": "nowhere"}, "facility"), ({"month": "June"}, "month"), ({"from": "2025-07", "to": "2025-06"}, "to")],
)  # fmt: skip
def test_the_api_refuses_bad_input_naming_the_field(
    client: TestClient, jail: Database, params: dict[str, str], named: str
) -> None:
    answer = client.get("/api/console/cost", params=params, headers=token(jail, "auditor"))
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith(named)


def test_the_page_shows_the_table_the_chart_and_the_arithmetic(client: TestClient, jail: Database) -> None:
    sign_in(client, "auditor")
    page = client.get("/console/cost", params={"per_diem": "$80", "reimbursement": "$90", "facility": ""})
    assert page.status_code == 200, page.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart cost"' in page.text
    assert "2025-06: 2.50 bed-days" in page.text
    assert "60.00 h / 24 × $80 = $200.00" in page.text and "net: $200.00" in page.text
    assert 'href="/console/cost"' in client.get("/console").text
    refused = client.get("/console/cost", params={"per_diem": "-1"})
    assert refused.status_code == 400 and "per_diem &#39;-1&#39;: a daily rate cannot be negative" in refused.text
