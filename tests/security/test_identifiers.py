"""Finding 9 of issue 18 (ids): a warrant id holding "/" made its hold unreachable (404 on its page and in the
API), and ids took markup characters. Either the ledger refuses such an id with its rule, or the console reaches
it and shows it escaped: both hold here, whichever the ledger does."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import NOW, seed_jail, sign_in
from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database


@pytest.mark.parametrize("warrant", ["W/2025/17", "W-<b>x</b>", "W?x=1#y", "W 17"])
def test_an_odd_warrant_id_is_refused_or_reachable(
    client: TestClient, sqlite_db: Database, clock: FixedClock, warrant: str
) -> None:
    seed_jail(sqlite_db, clock)
    ledger = Custody(sqlite_db, clock)
    booked = ledger.run("booking", {"id": "B-9", "facility": "polk-jail", "scheduled_release": NOW.isoformat()})
    assert booked.accepted
    received = ledger.run("warrant.receive", {"id": warrant, "booking": "B-9", "form": "I-200"})
    if not received.accepted:
        assert received.rule == "INPUT"
        return
    served = ledger.run("warrant.serve", {"warrant": warrant, "officer": "wso-7", "facility": "polk-jail"})
    assert served.accepted, served
    sign_in(client, "auditor")
    api = client.get(f"/api/console/holds/{quote(warrant, safe='/')}")
    assert api.status_code == 200 and api.json()["hold"]["warrant"] == warrant
    page = client.get(f"/console/holds/{quote(warrant, safe='/')}")
    assert page.status_code == 200 and "<b>x</b>" not in page.text
    home = client.get("/console").text
    assert f'href="/console/holds/{quote(served.hold or "", safe="/")}"' in home
