"""An agency's page draws its agreements on one time axis, and a state's page its agreements over the whole history."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient

from wso.web.svg import agreement_timeline


def test_agency_page_draws_a_bar_per_agreement(public_client: TestClient) -> None:
    found = public_client.get("/api/search", params={"q": "limestone county sheriff", "state": "AL"}).json()
    agency_id = found[0]["id"]
    data = public_client.get(f"/api/agencies/{agency_id}").json()
    page = public_client.get(f"/agencies/{agency_id}").text
    chart = re.search(r'<svg class="chart timeline".*?</svg>', page, re.S)
    assert chart is not None
    assert chart.group(0).count("<rect ") == len(data["agreements"]) >= 2
    for agreement in data["agreements"]:
        assert f"{agreement['last_listed']} ({agreement['status']})" in chart.group(0)


def test_the_timeline_spans_every_bar() -> None:
    svg = agreement_timeline(
        [
            ("JEM 2016-06-08", "JEM", date(2021, 1, 12), date(2022, 3, 2), "removed"),
            ("JEM 2020-06-09", "JEM", date(2022, 3, 5), date(2026, 2, 27), "active"),
        ],
        title="Etowah County Sheriff's Office",
    )
    assert "2021-01-12</text>" in svg and "2026-02-27</text>" in svg
    assert 'fill-opacity="0.45"' in svg and 'fill-opacity="1"' in svg
    assert agreement_timeline([], title="none") == ""


def test_state_page_draws_its_agreements_over_the_whole_history(public_client: TestClient) -> None:
    page = public_client.get("/states/FL").text
    chart = re.search(r'<figure class="state-trend"><svg class="chart line".*?</svg>', page, re.S)
    assert chart is not None and chart.group(0).count("<polyline") == 3
