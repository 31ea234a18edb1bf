"""The journal and a hold's history read in the facility's zone with its abbreviation, like every other time on the
console (a Florida facility: EDT in June, EST in December); where the facilities do not share one zone, the journal
reads in UTC and says so. The JSON API keeps ISO 8601 UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from wso.clock import FixedClock
from wso.custody import Custody
from wso.store import Database

from .conftest import NOW, seed_jail, sign_in
from .test_console import serve_and_hold

WINTER = datetime(2025, 12, 1, 15, 0, tzinfo=UTC)  # Monday, 10:00 EST


def _journal_times(html: str) -> list[str]:
    return re.findall(r"<tr class=\"(?:ok|refused)\"><td>([^<]*)</td>", html)


def test_the_journal_reads_in_the_facilitys_zone_in_summer_and_winter(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    seed_jail(sqlite_db, clock)
    sign_in(client, "supervisor")  # at NOW: Monday 2 June 2025, 15:00 UTC, 11:00 EDT
    page = client.get("/console/journal").text
    assert '<p id="journal-zone"><small>Times in America/New_York.</small></p>' in page
    times = _journal_times(page)
    assert times and times[-1] == "Mon 2 Jun 2025, 11:00 EDT" and not any("UTC" in t for t in times)
    assert "Mon 2 Jun 2025, 11:00 EDT" in _journal_times(client.get("/console").text)  # the home page's journal too
    (signed_in,) = client.get("/api/console/journal").json()
    assert datetime.fromisoformat(signed_in["at"]) == NOW and signed_in["at"].endswith("+00:00")

    clock.set(WINTER)
    sign_in(client, "auditor")
    assert _journal_times(client.get("/console/journal").text)[0] == "Mon 1 Dec 2025, 10:00 EST"


def test_a_holds_history_reads_in_the_facilitys_zone_and_utc_in_the_api(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    seed_jail(sqlite_db, clock)
    serve_and_hold(sqlite_db, clock)
    sign_in(client, "clerk")
    history = re.search(r'<table class="data" id="events">.*?</table>', client.get("/console/holds/W-200").text, re.S)
    assert history and "Mon 2 Jun 2025, 11:00 EDT" in history.group(0) and "UTC" not in history.group(0)
    (served,) = client.get("/api/console/holds/W-200").json()["events"]
    assert served["occurred_at"] == served["recorded_at"] == "2025-06-02T15:00:00Z"


def test_the_journal_reads_in_utc_where_the_facilities_do_not_share_a_zone(
    client: TestClient, sqlite_db: Database, clock: FixedClock
) -> None:
    seed_jail(sqlite_db, clock)
    facility = {"id": "dade-jail", "agency": "polk-so", "name": "Another Jail", "tz": "America/Chicago"}
    assert Custody(sqlite_db, clock).run("facility", facility, actor="seed").accepted
    clock.advance(timedelta(minutes=1))
    sign_in(client, "supervisor")
    page = client.get("/console/journal").text
    assert '<p id="journal-zone"><small>Times in UTC.</small></p>' in page
    assert _journal_times(page)[0] == "Mon 2 Jun 2025, 15:01 UTC"
