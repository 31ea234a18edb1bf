"""The public-records reference (docs/records.md) stays true: the issue's due-date rule word for word, and a
generated letter."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wso.cli.main import app
from wso.clock import FixedClock
from wso.records import STATUSES, TRANSITIONS, due_dates, facts_for
from wso.registry import ingest
from wso.registry.bundled import bundled_path
from wso.store import Database

SECTION = (Path(__file__).resolve().parents[2] / "docs" / "records.md").read_text(encoding="utf-8")

ISSUE_RULE = (
    "for business days, the N-th business day after the day sent, skipping Saturdays, Sundays and the state's public "
    "holidays as the `holidays` package lists them for that state; for calendar days, the day sent plus N, moved "
    "forward to the next business day when it falls on a weekend or one of those holidays; when the law sets no "
    "number, `due` is null and a `follow_up` date 10 business days after sending is given instead. A later "
    "`extended` event replaces the due date."
)


def test_the_readme_states_the_issues_due_date_rule_word_for_word() -> None:
    assert ISSUE_RULE in SECTION


def table(first_header: str) -> list[list[str]]:
    """The rows of the section's Markdown table whose first header is `first_header`, as lists of cells."""
    lines = SECTION[SECTION.index(f"| {first_header} |") :].splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_readmes_due_date_examples_are_what_the_rule_gives() -> None:
    rows = table("State")
    assert {row[1].split()[-2] if row[1] != "none" else "none" for row in rows} == {"business", "calendar", "none"}
    for state, deadline, sent, due, follow_up, _why in rows:
        facts = facts_for(state)
        law = "none" if facts.deadline_kind == "none" else f"{facts.response_deadline_days} {facts.deadline_kind} days"
        assert deadline == law, state
        day = date.fromisoformat(sent.split()[0])
        assert sent.split()[1] == day.strftime("(%a)"), f"{state}: {sent} is not that day of the week"
        dates = due_dates(facts, day)
        assert (due, follow_up) == (
            dates.due.isoformat() if dates.due else "null",
            dates.follow_up.isoformat() if dates.follow_up else "",
        ), state


def test_the_readmes_transition_table_is_the_trackers() -> None:
    shown: dict[str, set[str]] = {}
    for statuses, events in table("Status"):
        for status in statuses.split(", "):
            shown[status] = set() if events == "nothing" else set(events.split(", "))
    assert set(shown) == set(STATUSES)
    assert shown == {status: set(events) for status, events in TRANSITIONS.items()}


def test_the_readmes_letter_is_what_the_command_prints(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with sqlite_db.session() as session:
        ingest(session, [bundled_path()], clock=FixedClock(datetime(2026, 1, 5, tzinfo=UTC)))
    monkeypatch.setenv("WSO_DATABASE_URL", sqlite_db.url)
    from wso.settings import get_settings

    get_settings.cache_clear()
    block = re.search(r"```markdown\n(.*?)\n```", SECTION, re.DOTALL)
    assert block is not None
    args = [
        "records",
        "letter",
        "--agency",
        "Burnet County Sheriff's Office",
        "--state",
        "TX",
        "--requester-name",
        "Ana Pérez",
        "--requester-email",
        "ana@example.org",
        "--on",
        "2026-11-23",
        "--format",
        "md",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    shown = block.group(1)
    assert len(shown.splitlines()) >= 15
    assert result.stdout.startswith(shown + "\n")
