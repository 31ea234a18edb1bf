"""The console's one time format: readable, in the facility's zone, no microseconds, no ISO."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.web.conftest import sign_in
from wso.web.rendering import TEMPLATES
from wso.web.timefmt import when


def test_a_deadline_reads_as_a_person_writes_it() -> None:
    assert when("2026-12-05T04:21:58.169866-06:00", "America/Chicago") == "Sat 5 Dec 2026, 04:21 CST"
    assert when(datetime(2026, 12, 5, 10, 21, 58, 169866, tzinfo=UTC), "America/Chicago") == "Sat 5 Dec 2026, 04:21 CST"
    assert when("2026-07-04T12:00:00+00:00", "America/New_York") == "Sat 4 Jul 2026, 08:00 EDT"


def test_without_a_zone_the_value_keeps_its_own_and_naive_means_utc() -> None:
    assert when(datetime(2026, 12, 3, 16, 7)) == "Thu 3 Dec 2026, 16:07 UTC"
    assert when("2026-12-05T04:21:58-06:00") == "Sat 5 Dec 2026, 04:21 UTC-06:00"
    assert when(None) == "" and when("") == ""


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)), st.integers(-720, 840))
def test_never_iso_never_microseconds(moment: datetime, offset_minutes: int) -> None:
    text = when(moment.replace(tzinfo=UTC) + timedelta(minutes=offset_minutes), "America/Chicago")
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} C[SD]T", text), text


def test_the_filter_is_registered_for_every_template() -> None:
    assert TEMPLATES.env.filters["when"] is when


def test_the_console_board_and_journal_show_readable_times(client: TestClient) -> None:
    sign_in(client, "supervisor")
    home = client.get("/console").text  # the journal part lists this sign-in
    assert "Mon 2 Jun 2025, 15:00 UTC" in home
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}", home)


def test_the_edges_of_the_calendar_do_not_break_a_page() -> None:
    assert when("9999-12-31T23:59:00-12:00", "America/Chicago") == "Fri 31 Dec 9999, 23:59 UTC-12:00"
